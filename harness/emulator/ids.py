"""Pool and client ids that stay the same from one start to the next (``harness serve``).

moto gives every pool a random 32-hex-digit id and every client a random one: an app's
configuration pointing at a served pool would break at each restart. A stable id is derived
from what identifies the pool in the template (its region, logical id and name; the client's
logical id) and shaped like Cognito's: ``<region>_`` and nine letters and digits for a pool
([D] CreateUserPool API reference, UserPool.Id pattern ``[\\w-]+_[0-9a-zA-Z]+``; deployed pools
have nine), 26 lower-case letters and digits for an app client ([D] UserPoolClientType.ClientId,
``[\\w+]+``, length 1-128; deployed clients have 26).
"""

from __future__ import annotations

import hashlib
from typing import Any

_POOL_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CLIENT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _encode(seed: str, alphabet: str, length: int) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def stable_pool_id(region: str, logical_id: str, name: str) -> str:
    """``us-east-1_`` and nine characters, the same for the same template pool."""
    return f"{region}_{_encode(f'pool/{region}/{logical_id}/{name}', _POOL_ALPHABET, 9)}"


def stable_client_id(pool_id: str, logical_id: str) -> str:
    """26 lower-case letters and digits, the same for the same client of the same pool."""
    return _encode(f"client/{pool_id}/{logical_id}", _CLIENT_ALPHABET, 26)


def rename_pool(backend: Any, old: str, new: str) -> None:
    """Give moto's pool ``old`` the id ``new`` (before it has clients or users)."""
    pool = backend.user_pools.pop(old)
    pool.id = new
    pool.arn = pool.arn.rsplit("/", 1)[0] + "/" + new
    backend.user_pools[new] = pool


def rename_client(pool: Any, old: str, new: str) -> None:
    """Give moto's app client ``old`` of ``pool`` the id ``new``."""
    client = pool.clients.pop(old)
    client.id = new
    pool.clients[new] = client
