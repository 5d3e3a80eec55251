"""The project's custom sender on its own: it decrypts request.code with aws-encryption-sdk and
the pool's KMS key only, and queues the message it would send."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

from app_metadata import TriggerError
from custom_sender import handler
from harness.cognito.events import build_event
from harness.emulator.senders import SenderKey, create_sender_key
from harness.invokers.lambda_context import LambdaContext
from tests.support.tables import Tables


@pytest.fixture
def keys(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> tuple[SenderKey, SenderKey]:
    """The pool's key (the function's KMS_KEY_ARN) and another key of the same account."""
    kms = boto3.client("kms")
    made = [
        SenderKey(create_sender_key(kms, name, "pool"), name, lambda: kms)
        for name in ("pool-key", "other-key")
    ]
    monkeypatch.setenv("KMS_KEY_ARN", made[0].arn)
    return made[0], made[1]


def event(source: str, code: str, **attributes: str) -> dict[str, Any]:
    return build_event(source, username="ivy", user_attributes=attributes, request={"code": code})


def queued() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table("harness-OutboxTable")
    return list(table.scan()["Items"])


def test_the_code_under_the_pools_key_is_decrypted_and_queued(
    keys: tuple[SenderKey, SenderKey], lambda_context: LambdaContext
) -> None:
    pool_key, _ = keys

    handler(
        event("CustomEmailSender_ForgotPassword", pool_key.encrypt("987654"), email="i@x.org"),
        lambda_context,
    )

    (item,) = queued()
    assert (item["medium"], item["destination"], item["kind"]) == (
        "EMAIL",
        "i@x.org",
        "ForgotPassword",
    )
    assert item["message"] == "Your password reset code is 987654"


def test_a_code_under_another_key_is_refused(
    keys: tuple[SenderKey, SenderKey], lambda_context: LambdaContext
) -> None:
    _, other = keys

    with pytest.raises(AWSEncryptionSDKClientError):
        handler(
            event("CustomSMSSender_SignUp", other.encrypt("111111"), phone_number="+15555550100"),
            lambda_context,
        )

    assert queued() == []


def test_an_event_without_a_destination_is_refused(
    keys: tuple[SenderKey, SenderKey], lambda_context: LambdaContext
) -> None:
    pool_key, _ = keys

    with pytest.raises(TriggerError, match="phone_number"):
        handler(event("CustomSMSSender_SignUp", pool_key.encrypt("1")), lambda_context)
