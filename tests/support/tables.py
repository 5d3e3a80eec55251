"""The project's DynamoDB tables in moto, seeded the way the project's triggers read them."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import boto3


@dataclass
class Tables:
    """The project's DynamoDB tables, created in moto exactly as template.yaml declares them."""

    invitations: str
    legacy_users: str

    def add_invitation(
        self, code: str, email: str, *, expires_in: float = 3600, used_by: str | None = None
    ) -> None:
        item: dict[str, Any] = {
            "code": {"S": code},
            "email": {"S": email},
            "expires_at": {"N": str(int(time.time() + expires_in))},
        }
        if used_by:
            item["used_by"] = {"S": used_by}
        boto3.client("dynamodb").put_item(TableName=self.invitations, Item=item)

    def invitation(self, code: str) -> dict[str, Any]:
        got = boto3.client("dynamodb").get_item(
            TableName=self.invitations, Key={"code": {"S": code}}
        )
        item: dict[str, Any] = got["Item"]
        return item

    def add_legacy_user(
        self,
        username: str,
        password: str,
        *,
        realm: str = "default",
        email: str | None = None,
        iterations: int = 1000,
        **extra: str,
    ) -> None:
        salt = hashlib.sha256(username.encode()).digest()[:16]
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations).hex()
        item = {
            "realm": {"S": realm},
            "username": {"S": username.lower()},
            "salt": {"S": salt.hex()},
            "iterations": {"N": str(iterations)},
            "algorithm": {"S": "pbkdf2_sha256"},
            "password_hash": {"S": digest},
            "email": {"S": email or f"{username.lower()}@example.com"},
            "email_verified": {"BOOL": True},
        }
        item.update({k: {"S": v} for k, v in extra.items()})
        boto3.client("dynamodb").put_item(TableName=self.legacy_users, Item=item)
