"""Turning a replay's setup into what the stores hold, for the emulator and the live replay.

Both seed the same tables the same way: legacy users as the project's migration trigger reads
them (PBKDF2-SHA256 of the plaintext demo password), items as DynamoDB's typed JSON.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer

_SERIALIZER = TypeSerializer()


def legacy_user_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A legacy-user item with its plaintext ``password`` replaced by a salted PBKDF2 hash."""
    data = dict(item)
    name = data.get("username")
    if not isinstance(name, str) or not name:
        raise ValueError(f'a legacy user needs a "username": {sorted(data)}')
    password = data.pop("password", None)
    if not isinstance(password, str) or not password:
        raise ValueError(f"legacy user '{name}' needs a \"password\" (plaintext; it is hashed)")
    salt = secrets.token_bytes(16)
    iterations = data.pop("iterations", 10_000)
    if not isinstance(iterations, int) or not 0 < iterations <= 1_000_000:
        raise ValueError(f"legacy user '{name}': iterations must be a whole number up to 1000000")
    data.setdefault("realm", "default")
    data["username"] = str(data["username"]).lower()
    data.update(
        salt=salt.hex(),
        iterations=iterations,
        algorithm="pbkdf2_sha256",
        password_hash=hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations).hex(),
    )
    return data


def _decimal(value: Any) -> Any:
    # DynamoDB numbers are decimals; floats would be refused.
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimal(v) for v in value]
    return value


def dynamodb_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plain JSON item as DynamoDB's typed attribute values."""
    return {key: _SERIALIZER.serialize(_decimal(value)) for key, value in item.items()}
