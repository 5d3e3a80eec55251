"""Post authentication (audit) and pre token generation (tenant claim) handlers."""

from __future__ import annotations

import pytest

from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext
from post_authentication import handler as post_authentication
from pre_token_generation import handler as pre_token_generation


def test_post_authentication_records_that_no_metadata_arrived(
    lambda_context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    event = build_event("PostAuthentication_Authentication")
    assert post_authentication(event, lambda_context) is event
    audit = [r for r in caplog.records if r.getMessage() == "sign-in audit"]
    assert len(audit) == 1
    assert audit[0].metadataField is None  # type: ignore[attr-defined]


def test_post_authentication_never_refuses_for_bad_metadata(
    lambda_context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    event = build_event("PostAuthentication_Authentication", client_metadata={"appVersion": "x"})
    post_authentication(event, lambda_context)
    audit = next(r for r in caplog.records if r.getMessage() == "sign-in audit")
    assert "appVersion" in audit.metadataProblem  # type: ignore[attr-defined]


def test_pre_token_v1_adds_the_tenant_to_the_id_token(lambda_context: LambdaContext) -> None:
    event = build_event(
        "TokenGeneration_Authentication", user_attributes={"sub": "1", "custom:tenant": "acme"}
    )
    response = pre_token_generation(event, lambda_context)["response"]
    assert response["claimsOverrideDetails"] == {"claimsToAddOrOverride": {"tenant": "acme"}}


def test_pre_token_v2_adds_the_tenant_to_both_tokens(lambda_context: LambdaContext) -> None:
    event = build_event(
        "TokenGeneration_Authentication",
        user_attributes={"sub": "1", "custom:tenant": "acme"},
        token_version="V2_0",
    )
    details = pre_token_generation(event, lambda_context)["response"][
        "claimsAndScopeOverrideDetails"
    ]
    assert details["idTokenGeneration"]["claimsToAddOrOverride"] == {"tenant": "acme"}
    assert details["accessTokenGeneration"]["claimsToAddOrOverride"] == {"tenant": "acme"}


def test_pre_token_leaves_users_without_tenant_alone(lambda_context: LambdaContext) -> None:
    event = build_event("TokenGeneration_RefreshTokens", user_attributes={"sub": "1"})
    response = pre_token_generation(event, lambda_context)["response"]
    assert response == build_event("TokenGeneration_RefreshTokens")["response"]
