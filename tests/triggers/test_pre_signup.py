"""Pre sign-up: invitation-gated sign-up backed by the invitations table (moto DynamoDB)."""

from __future__ import annotations

from typing import Any

import pytest

from app_metadata import TriggerError
from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext
from pre_signup import handler
from tests.support.tables import Tables


def _signup(
    code: str | None,
    *,
    email: str = "carol@example.com",
    username: str = "carol",
    field: str = "validation_data",
) -> dict[str, Any]:
    metadata = {"invitationCode": code} if code else None
    return build_event(
        "PreSignUp_SignUp",
        username=username,
        user_attributes={"email": email},
        **{field: metadata},
    )


def test_valid_invitation_auto_confirms_and_verifies(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com")
    event = handler(_signup("INVITE-123"), lambda_context)
    assert event["response"]["autoConfirmUser"] is True
    assert event["response"]["autoVerifyEmail"] is True
    assert tables.invitation("INVITE-123")["used_by"] == {"S": "carol"}


def test_invitation_sent_as_client_metadata_works_too(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com")
    event = handler(_signup("INVITE-123", field="client_metadata"), lambda_context)
    assert event["response"]["autoConfirmUser"] is True


def test_email_is_compared_case_insensitively(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_invitation("INVITE-123", "Carol@Example.com")
    event = handler(_signup("INVITE-123", email="carol@EXAMPLE.com"), lambda_context)
    assert event["response"]["autoConfirmUser"] is True
    assert tables.invitation("INVITE-123")["used_by"] == {"S": "carol"}


def test_missing_invitation_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match="An invitation code is required"):
        handler(_signup(None), lambda_context)


def test_unknown_code_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match="not valid"):
        handler(_signup("NOPE-999"), lambda_context)


def test_someone_elses_invitation_looks_like_an_unknown_one(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_invitation("INVITE-123", "dave@example.com")
    with pytest.raises(TriggerError, match="not valid"):
        handler(_signup("INVITE-123"), lambda_context)


def test_expired_invitation_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com", expires_in=-1)
    with pytest.raises(TriggerError, match="expired"):
        handler(_signup("INVITE-123"), lambda_context)


def test_used_invitation_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com", used_by="mallory")
    with pytest.raises(TriggerError, match="already been used"):
        handler(_signup("INVITE-123"), lambda_context)


def test_an_invitation_is_redeemed_once(tables: Tables, lambda_context: LambdaContext) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com")
    handler(_signup("INVITE-123"), lambda_context)
    with pytest.raises(TriggerError, match="already been used"):
        handler(_signup("INVITE-123", username="carol2"), lambda_context)


def test_cognito_retrying_the_same_sign_up_is_accepted(
    tables: Tables, lambda_context: LambdaContext
) -> None:
    tables.add_invitation("INVITE-123", "carol@example.com")
    handler(_signup("INVITE-123"), lambda_context)
    event = handler(_signup("INVITE-123"), lambda_context)
    assert event["response"]["autoConfirmUser"] is True


def test_sign_up_without_email_is_refused(tables: Tables, lambda_context: LambdaContext) -> None:
    event = build_event(
        "PreSignUp_SignUp", validation_data={"invitationCode": "INVITE-123"}, user_attributes={}
    )
    with pytest.raises(TriggerError, match="email address is required"):
        handler(event, lambda_context)


def test_malformed_code_is_refused_before_any_lookup(lambda_context: LambdaContext) -> None:
    # No `tables` fixture: a lookup would fail; the schema refuses the value first.
    with pytest.raises(TriggerError, match="Invalid metadata 'invitationCode'"):
        handler(_signup("bad code; DROP"), lambda_context)


def test_admin_created_users_pass_without_invitation(lambda_context: LambdaContext) -> None:
    event = handler(build_event("PreSignUp_AdminCreateUser"), lambda_context)
    assert (
        "autoConfirmUser" not in event["response"]
        or event["response"]["autoConfirmUser"] is not True
    )


def test_external_provider_is_configurable(
    lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler(build_event("PreSignUp_ExternalProvider"), lambda_context)
    monkeypatch.setenv("ALLOW_EXTERNAL_PROVIDERS", "false")
    with pytest.raises(TriggerError, match="external provider"):
        handler(build_event("PreSignUp_ExternalProvider"), lambda_context)


def test_store_failure_is_a_clean_refusal(
    tables: Tables, lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVITATIONS_TABLE", "no-such-table")
    with pytest.raises(TriggerError) as raised:
        handler(_signup("INVITE-123"), lambda_context)
    assert str(raised.value) == "Sign-up is temporarily unavailable; please try again"
