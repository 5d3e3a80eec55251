"""The next pool's signing key, generated on a thread while a command is still starting.

Every pool signs its tokens with an RSA key of its own (:func:`harness.emulator.tokens.
install_pool_key`); generating one takes 20 to 200 ms (a random search for primes). OpenSSL
does that work without Python's GIL, so a key started on a thread before a command's heavy
imports (moto, boto3, botocore: ~0.35 s) is generated on the second core meanwhile, and the
pool built afterwards finds it ready. One key at a time, taken by one pool only: it is the
same fresh key the pool would otherwise generate on the spot (nothing is kept across
processes or shared between pools).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

#: Cognito's user pool signing keys are RSA 2048 (the JWKS of every pool), exponent 65537.
KEY_BITS = 2048
PUBLIC_EXPONENT = 65537

_lock = threading.Lock()
_pending: Future[RSAPrivateKey] | None = None


def generate() -> RSAPrivateKey:
    """A new pool signing key (on the calling thread)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)


def prefetch() -> None:
    """Start generating the next pool's key on a daemon thread (nothing if one is pending)."""
    global _pending
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: F401 (imported here, once)

    with _lock:
        if _pending is not None:
            return
        future: Future[RSAPrivateKey] = Future()
        _pending = future

    def run() -> None:
        try:
            future.set_result(generate())
        except BaseException as error:  # the pool then generates its own
            future.set_exception(error)

    threading.Thread(target=run, name="pool-key-prefetch", daemon=True).start()


def take() -> RSAPrivateKey:
    """The prefetched key (waiting for it if it is still being generated), which no other
    caller will get; or a key generated now, when none was prefetched."""
    global _pending
    with _lock:
        future, _pending = _pending, None
    if future is not None:
        try:
            return future.result()
        except Exception:  # noqa: S110 (a failed prefetch: generate here, and fail here if so)
            pass
    return generate()
