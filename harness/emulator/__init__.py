"""The emulated user pool: moto's state plus Cognito's trigger dispatch (see ``pool.py``).

One call goes down through: ``pool`` (the :class:`Emulator`: builds and seeds the pool, picks
the pool a call is for) → ``service`` (``OPERATIONS``, request checks, the call's record) →
``operations/`` (one module per API family) → ``flows/`` (sign-in, passwords, codes, accounts,
migration, custom auth) and ``tokens`` → ``context`` (the call's :class:`CallContext`; every
trigger runs through it) → ``dispatch`` (event, invoke, Cognito's reading of the answer).

``Emulator`` is loaded on first use, so that importing a light submodule (``own_calls``,
``sessions``) does not import moto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.emulator.pool import SESSION_SECONDS, Emulator

__all__ = ["SESSION_SECONDS", "Emulator"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from harness.emulator import pool

        return getattr(pool, name)
    raise AttributeError(f"module 'harness.emulator' has no attribute {name!r}")
