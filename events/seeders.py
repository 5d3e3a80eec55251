"""How this project's sample records become the items its tables hold (the harness's seeders).

``template.yaml`` names these functions in each table's ``Metadata`` (``CognitoTriggerHarness:
Seeder: events/seeders.py:<function>``); the harness calls them for every record that a replay
setup's ``tables``, ``CognitoPool.put_items`` or a live replay puts into the table. The record
layouts are the project's own: the ones ``triggers/user_migration.py`` and
``triggers/pre_signup.py`` read. A record the function cannot use raises ``ValueError`` with
one line saying why.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

#: The hash the migration trigger verifies (triggers/user_migration.py, SUPPORTED_ALGORITHM).
ALGORITHM = "pbkdf2_sha256"
#: Fewer iterations than a production store would use: seeding hundreds of test users stays fast.
DEFAULT_ITERATIONS = 10_000


def legacy_user(record: dict[str, Any], now: float) -> dict[str, Any]:
    """A legacy user with its plaintext demo ``password`` replaced by a salted PBKDF2 hash."""
    name = record.get("username")
    if not isinstance(name, str) or not name:
        raise ValueError(f'a legacy user needs a "username": {sorted(record)}')
    password = record.pop("password", None)
    if not isinstance(password, str) or not password:
        raise ValueError(f"legacy user '{name}' needs a \"password\" (plaintext; it is hashed)")
    iterations = record.pop("iterations", DEFAULT_ITERATIONS)
    if not isinstance(iterations, int) or not 0 < iterations <= 1_000_000:
        raise ValueError(f"legacy user '{name}': iterations must be a whole number up to 1000000")
    salt = secrets.token_bytes(16)
    record.setdefault("realm", "default")
    record["username"] = name.lower()
    record.update(
        salt=salt.hex(),
        iterations=iterations,
        algorithm=record.get("algorithm", ALGORITHM),
        password_hash=hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations).hex(),
    )
    return record


def invitation(record: dict[str, Any], now: float) -> dict[str, Any]:
    """An invitation that expires ``expires_in`` seconds (default a day) after ``now``."""
    expires_in = record.pop("expires_in", 86_400)
    if not isinstance(expires_in, int | float) or isinstance(expires_in, bool):
        code = record.get("code")
        raise ValueError(f"invitation {code!r}: expires_in must be a number of seconds")
    record.setdefault("expires_at", int(now + expires_in))
    return record
