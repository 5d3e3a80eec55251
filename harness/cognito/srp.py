"""Cognito's Secure Remote Password variant, both sides, so USER_SRP_AUTH is verified for real.

Cognito uses SRP-6a over the 3072-bit group of RFC 5054 with SHA-256, ``x`` derived from
``<pool name><username>:<password>``, and a PASSWORD_CLAIM_SIGNATURE that is an HMAC, under a
key derived with HKDF ("Caldera Derived Key"), of the pool name, the user id, the secret block
and a timestamp. This is the algorithm of the AWS SDKs' clients (amazon-cognito-identity-js
``AuthenticationHelper``, and the Python clients that port it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"


def pad_hex(value: int | str) -> str:
    """Hex of a positive integer, padded so it is never read as negative (SDK ``padHex``)."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def _hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(_hex_hash("00" + N_HEX + "0" + format(G, "x")), 16)


def _private() -> int:
    """A private exponent (the client's ``a``, the pool's ``b``): 256 random bits, the strength
    of the SHA-256 the proof ends in. Neither side can tell it from a longer one (the SDKs draw
    1024 bits); a full-size exponent made every sign-in ~5x slower (bench/bench_srp.py)."""
    return secrets.randbelow(2**256 - 1) + 1


def _u(big_a: int, big_b: int) -> int:
    return int(_hex_hash(pad_hex(big_a) + pad_hex(big_b)), 16)


def _x(pool_name: str, username: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_name}{username}:{password}".encode()).hexdigest()
    return int(_hex_hash(pad_hex(salt_hex) + inner), 16)


def _hkdf(shared: int, u: int) -> bytes:
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), hashlib.sha256)
    return hmac.new(prk.digest(), INFO + b"\x01", hashlib.sha256).digest()[:16]


def timestamp(now: datetime | None = None) -> str:
    """The SDKs' TIMESTAMP: ``Tue Nov 26 6:05:09 UTC 2026`` (day of month unpadded)."""
    text = (now or datetime.now(UTC)).strftime("%a %b %d %H:%M:%S UTC %Y")
    return re.sub(r" 0(\d) ", r" \1 ", text)


def signature(key: bytes, pool_name: str, user_id: str, secret_block: str, stamp: str) -> str:
    message = (
        pool_name.encode()
        + user_id.encode()
        + base64.standard_b64decode(secret_block)
        + stamp.encode()
    )
    return base64.standard_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class Server:
    """The pool's side of one USER_SRP_AUTH exchange.

    For a remembered device (DEVICE_SRP_AUTH) ``pool_name`` is the device group key, ``username``
    the device key, and the verifier and salt are the ones ConfirmDevice stored (the SDKs'
    ``generateHashDevice``): the same proof, over ``<group key><device key>:<device password>``.
    """

    def __init__(
        self,
        *,
        pool_name: str,
        username: str,
        password: str,
        srp_a: str,
        verifier: int | None = None,
        salt: str | None = None,
    ) -> None:
        self.pool_name = pool_name
        self.username = username
        try:
            self.big_a = int(srp_a, 16)
        except ValueError:
            self.big_a = 0
        self.salt = salt or secrets.token_hex(16)
        self.secret_block = base64.standard_b64encode(secrets.token_bytes(64)).decode()
        if verifier is None:
            verifier = pow(G, _x(pool_name, username, password, self.salt), N)
        self._b = _private()
        self._big_b = (K * verifier + pow(G, self._b, N)) % N
        self._verifier = verifier
        self.srp_b = format(self._big_b, "x")

    def verify(self, responses: dict[str, str]) -> bool:
        """True when PASSWORD_CLAIM_SIGNATURE proves the client knows the password."""
        if self.big_a % N == 0:  # [D] SRP-6a: the server must abort when A mod N is 0
            return False
        u = _u(self.big_a, self._big_b)
        shared = pow(self.big_a * pow(self._verifier, u, N), self._b, N)
        expected = signature(
            _hkdf(shared, u),
            self.pool_name,
            self.username,
            responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""),
            responses.get("TIMESTAMP", ""),
        )
        given = responses.get("PASSWORD_CLAIM_SIGNATURE", "")
        block_ok = hmac.compare_digest(
            responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), self.secret_block
        )
        return block_ok and hmac.compare_digest(expected, given)


class Client:
    """What an SDK does for USER_SRP_AUTH: SRP_A, then the PASSWORD_VERIFIER responses."""

    def __init__(self, user_pool_id: str, username: str, password: str) -> None:
        self.pool_name = user_pool_id.split("_", 1)[1]
        self.username = username
        self.password = password
        self._a = _private()
        self.srp_a = format(pow(G, self._a, N), "x")

    def respond(self, parameters: dict[str, str], now: datetime | None = None) -> dict[str, str]:
        user_id = parameters["USER_ID_FOR_SRP"]
        big_b = int(parameters["SRP_B"], 16)
        u = _u(int(self.srp_a, 16), big_b)
        x = _x(self.pool_name, user_id, self.password, parameters["SALT"])
        shared = pow(big_b - K * pow(G, x, N), self._a + u * x, N)
        stamp = timestamp(now)
        return {
            "USERNAME": parameters.get("USERNAME", self.username),
            "TIMESTAMP": stamp,
            "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature(
                _hkdf(shared, u), self.pool_name, user_id, parameters["SECRET_BLOCK"], stamp
            ),
        }


def device_secret(group_key: str, device_key: str) -> tuple[str, dict[str, str]]:
    """What an SDK makes to remember a device (``generateHashDevice``): a random device password,
    and the DeviceSecretVerifierConfig ConfirmDevice stores (its verifier and salt, base64)."""
    password = base64.standard_b64encode(secrets.token_bytes(40)).decode()
    salt = pad_hex(secrets.token_hex(16))
    verifier = pow(G, _x(group_key, device_key, password, salt), N)
    config = {
        "PasswordVerifier": base64.standard_b64encode(bytes.fromhex(pad_hex(verifier))).decode(),
        "Salt": base64.standard_b64encode(bytes.fromhex(salt)).decode(),
    }
    return password, config


class DeviceClient:
    """What an SDK does for a remembered device: SRP_A for DEVICE_SRP_AUTH, then the
    DEVICE_PASSWORD_VERIFIER responses (the proof over ``<group key><device key>:<password>``)."""

    def __init__(self, group_key: str, device_key: str, password: str) -> None:
        self.group_key = group_key
        self.device_key = device_key
        self.password = password
        self._a = _private()
        self.srp_a = format(pow(G, self._a, N), "x")

    def respond(self, parameters: dict[str, str], now: datetime | None = None) -> dict[str, str]:
        big_b = int(parameters["SRP_B"], 16)
        u = _u(int(self.srp_a, 16), big_b)
        x = _x(self.group_key, self.device_key, self.password, parameters["SALT"])
        shared = pow(big_b - K * pow(G, x, N), self._a + u * x, N)
        stamp = timestamp(now)
        key = _hkdf(shared, u)
        block = parameters["SECRET_BLOCK"]
        return {
            "USERNAME": parameters["USERNAME"],
            "DEVICE_KEY": self.device_key,
            "TIMESTAMP": stamp,
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature(
                key, self.group_key, self.device_key, block, stamp
            ),
        }
