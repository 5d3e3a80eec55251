"""User migration: legacy users verified against PBKDF2 hashes in moto DynamoDB."""

from __future__ import annotations

from typing import Any

import pytest

from app_metadata import TriggerError
from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext
from tests.support.tables import Tables
from user_migration import handler

PASSWORD = "Legacy-pa55word!"


def _auth(username: str = "bob", password: str = PASSWORD, **metadata: str) -> dict[str, Any]:
    return build_event(
        "UserMigration_Authentication",
        username=username,
        validation_data=metadata or None,
        request={"password": password},
    )


def test_right_password_migrates_confirmed_and_suppressed(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_legacy_user("bob", PASSWORD, name="Bob Legacy", tenant="acme")
    response = handler(_auth(), lambda_context)["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["messageAction"] == "SUPPRESS"
    assert response["userAttributes"] == {
        "email": "bob@example.com",
        "email_verified": "true",
        "name": "Bob Legacy",
        "custom:tenant": "acme",
        "custom:legacy_realm": "default",
    }
    assert PASSWORD not in repr(response)


def test_user_names_match_case_insensitively(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_legacy_user("bob", PASSWORD)
    response = handler(_auth(username="BoB"), lambda_context)["response"]
    assert response["finalUserStatus"] == "CONFIRMED"
    assert response["userAttributes"]["email"] == "bob@example.com"


def test_wrong_password_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_legacy_user("bob", PASSWORD)
    with pytest.raises(TriggerError, match=r"^Incorrect username or password$"):
        handler(_auth(password="wrong"), lambda_context)


def test_unknown_user_gets_the_same_answer(tables: Tables, lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match=r"^Incorrect username or password$"):
        handler(_auth(username="nobody"), lambda_context)


def test_realm_metadata_selects_the_legacy_realm(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_legacy_user("bob", PASSWORD, realm="eu")
    with pytest.raises(TriggerError):
        handler(_auth(), lambda_context)
    response = handler(_auth(realm="eu"), lambda_context)["response"]
    assert response["userAttributes"]["custom:legacy_realm"] == "eu"


def test_forgot_password_migrates_without_a_password(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_legacy_user("bob", PASSWORD)
    event = build_event(
        "UserMigration_ForgotPassword", username="bob", client_metadata={"realm": "default"}
    )
    response = handler(event, lambda_context)["response"]
    assert response["messageAction"] == "SUPPRESS"
    assert "finalUserStatus" not in response or response["finalUserStatus"] is None
    assert response["userAttributes"]["email"] == "bob@example.com"


def test_forgot_password_for_unknown_user_is_refused(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    with pytest.raises(TriggerError, match="cannot be reset"):
        handler(build_event("UserMigration_ForgotPassword", username="nobody"), lambda_context)


def test_disabled_legacy_user_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_legacy_user("bob", PASSWORD, status="disabled")
    with pytest.raises(TriggerError, match="disabled"):
        handler(_auth(), lambda_context)


def test_migration_is_idempotent(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_legacy_user("bob", PASSWORD)
    first = handler(_auth(), lambda_context)["response"]
    second = handler(_auth(), lambda_context)["response"]
    assert first == second


def test_unsupported_hash_is_a_clean_refusal(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_legacy_user("bob", PASSWORD, algorithm="md5")
    with pytest.raises(TriggerError, match="temporarily unavailable"):
        handler(_auth(), lambda_context)


def test_the_password_is_in_no_log_output(
    tables: Tables,
    lambda_context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Even with Powertools told to log every event and at DEBUG, the password stays out.
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    caplog.set_level("DEBUG")
    tables.add_legacy_user("bob", PASSWORD)
    handler(_auth(), lambda_context)
    with pytest.raises(TriggerError):
        handler(_auth(password=PASSWORD + "x"), lambda_context)
    with pytest.raises(TriggerError):
        handler(_auth(username="nobody"), lambda_context)
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text
    assert "trigger metadata" in everything  # the records were captured...
    assert PASSWORD not in everything  # ...and the password is in none of them
