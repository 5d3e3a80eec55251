"""Shared fixtures: fake AWS credentials, moto-backed tables from template.yaml, a context."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from harness.template import Stack, load_stack

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may reach real AWS: fake credentials and a fixed region for every test.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "tests",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture(scope="session")
def stack() -> Stack:
    return load_stack(TEMPLATE)


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


@pytest.fixture
def tables(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tables]:
    """moto DynamoDB with the template's tables; trigger env vars set as the template sets them."""
    with mock_aws():
        client = boto3.client("dynamodb")
        for table in stack.tables.values():
            client.create_table(**table.create_table_kwargs())
        for function in stack.functions.values():
            for name, value in function.environment.items():
                if name.endswith("_TABLE"):
                    monkeypatch.setenv(name, value)
        yield Tables(
            invitations=stack.tables["InvitationsTable"].table_name,
            legacy_users=stack.tables["LegacyUsersTable"].table_name,
        )
