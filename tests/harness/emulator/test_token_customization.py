"""Pre token generation (contract sections 2 and 4): what V1_0 and V2_0 responses do to the JWTs."""

from __future__ import annotations

from typing import Any

import pytest

from harness.emulator import Emulator
from harness.emulator.tokens import ACCESS_SCOPE
from harness.settings import Settings
from tests.support.emulator import (
    EMAIL,
    PASSWORD,
    MakeEmulator,
    claims,
    error_of,
    initiate,
    one_event,
    ran,
    recorder,
    recording_stack_v2,
    tokens,
    without_triggers,
)

ROLE = "arn:aws:iam::123456789012:role/readers"


def v2_stack() -> Any:
    """The V2_0 stack with only PreTokenGeneration wired.

    With every trigger wired, a V2_0 pool cannot sign anyone in: the dispatcher builds every
    trigger's event with the pool's pre token generation LambdaVersion, and build_event refuses
    V2_0 for any other trigger (see test_v2_pool_runs_its_other_triggers below).
    """
    stack = recording_stack_v2()
    others = [t for t in stack.default_pool.triggers if t != "PreTokenGeneration"]
    return without_triggers(stack, *others)


@pytest.fixture
def v2_emu(make_emulator: MakeEmulator) -> Emulator:
    emu = make_emulator(v2_stack())
    emu.add_user("alice", password=PASSWORD, attributes={"email": EMAIL, "email_verified": "true"})
    return emu


def sign_in(emu: Emulator) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ID and access token claims of a successful password sign-in."""
    result = tokens(initiate(emu))
    return claims(result["IdToken"]), claims(result["AccessToken"])


# --------------------------------------------------------------------------- V1_0


def test_v1_event_is_version_1_without_scopes(emu: Emulator) -> None:
    initiate(emu)

    event = one_event("TokenGeneration_Authentication")
    assert event["version"] == "1"
    assert "scopes" not in event["request"]
    assert event["request"]["groupConfiguration"]["groupsToOverride"] == []
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_v1_claims_to_add_or_override_and_to_suppress_change_the_id_token(emu: Emulator) -> None:
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "acme", "email": "other@example.com"},
            "claimsToSuppress": ["email_verified"],
        }
    }

    id_token, access_token = sign_in(emu)

    assert id_token["tenant"] == "acme"
    assert id_token["email"] == "other@example.com"
    assert "email_verified" not in id_token
    assert "tenant" not in access_token  # V1_0 changes the ID token only
    assert access_token["scope"] == ACCESS_SCOPE


def test_v1_without_a_response_leaves_the_user_attributes_in_the_id_token(emu: Emulator) -> None:
    id_token, access_token = sign_in(emu)

    assert id_token["email"] == EMAIL
    assert id_token["email_verified"] is True
    assert id_token["token_use"] == "id"
    assert access_token["token_use"] == "access"
    assert access_token["username"] == "alice"


def test_v1_group_override_details_change_cognito_groups(make_emulator: MakeEmulator) -> None:
    emu = make_emulator()
    emu.add_user("alice", password=PASSWORD, groups=["admins", "staff"])
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsOverrideDetails": {
            "groupOverrideDetails": {
                "groupsToOverride": ["readers"],
                "iamRolesToOverride": [ROLE],
                "preferredRole": ROLE,
            }
        }
    }

    id_token, access_token = sign_in(emu)

    group_configuration = one_event("TokenGeneration_Authentication")["request"][
        "groupConfiguration"
    ]
    assert group_configuration["groupsToOverride"] == ["admins", "staff"]
    assert id_token["cognito:groups"] == ["readers"]
    assert access_token["cognito:groups"] == ["readers"]
    assert id_token["cognito:roles"] == [ROLE]
    assert id_token["cognito:preferred_role"] == ROLE


def test_v1_groups_are_in_both_tokens_without_an_override(make_emulator: MakeEmulator) -> None:
    emu = make_emulator()
    emu.add_user("alice", password=PASSWORD, groups=["admins", "staff"])

    id_token, access_token = sign_in(emu)

    assert id_token["cognito:groups"] == ["admins", "staff"]
    assert access_token["cognito:groups"] == ["admins", "staff"]


def test_v1_claim_value_that_is_not_a_string_is_an_invalid_lambda_response(
    emu: Emulator,
) -> None:
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsOverrideDetails": {"claimsToAddOrOverride": {"tenants": ["a", "b"]}}
    }

    record = initiate(emu)

    assert error_of(record)[0] == "InvalidLambdaResponseException"


# --------------------------------------------------------------------------- V2_0


def test_v2_event_is_version_2_with_scopes(v2_emu: Emulator) -> None:
    initiate(v2_emu)

    event = one_event("TokenGeneration_Authentication")
    assert event["version"] == "2"
    assert event["request"]["scopes"] == [ACCESS_SCOPE]
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}


def test_v2_pool_runs_its_other_triggers(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(recording_stack_v2())
    emu.add_user("alice", password=PASSWORD)

    record = initiate(emu)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    assert one_event("PreAuthentication_Authentication")["version"] == "1"
    assert one_event("TokenGeneration_Authentication")["version"] == "2"


def test_v2_claims_and_scopes_change_both_tokens(v2_emu: Emulator) -> None:
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme", "roles": ["a", "b"]},
                "claimsToSuppress": ["email"],
            },
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme", "plan": {"tier": "gold"}},
                "scopesToAdd": ["orders/read", "orders/write"],
                "scopesToSuppress": [ACCESS_SCOPE],
            },
        }
    }

    id_token, access_token = sign_in(v2_emu)

    assert id_token["tenant"] == "acme"
    assert id_token["roles"] == ["a", "b"]
    assert "email" not in id_token
    assert access_token["tenant"] == "acme"
    assert access_token["plan"] == {"tier": "gold"}
    assert access_token["scope"] == "orders/read orders/write"


def test_v2_group_override_details_change_cognito_groups(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(v2_stack())
    emu.add_user("alice", password=PASSWORD, groups=["admins"])
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsAndScopeOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": []}}
    }

    id_token, access_token = sign_in(emu)

    assert "cognito:groups" not in id_token
    assert "cognito:groups" not in access_token


# --------------------------------------------------------------------------- protected claims

V1_PROTECTED = [
    ("claimsToAddOrOverride", "sub"),
    ("claimsToAddOrOverride", "aud"),
    ("claimsToAddOrOverride", "cognito:username"),
    ("claimsToAddOrOverride", "iss"),
    ("claimsToAddOrOverride", "token_use"),
    ("claimsToSuppress", "sub"),
]


def v1_override(kind: str, claim: str) -> dict[str, Any]:
    value: Any = {claim: "forged"} if kind == "claimsToAddOrOverride" else [claim]
    return {"claimsOverrideDetails": {kind: value}}


@pytest.mark.parametrize(("kind", "claim"), V1_PROTECTED)
def test_v1_overriding_a_protected_claim_is_an_invalid_lambda_response_by_default(
    emu: Emulator, kind: str, claim: str
) -> None:
    recorder.SCRIPT["PreTokenGeneration"] = v1_override(kind, claim)

    record = initiate(emu)

    assert error_of(record)[0] == "InvalidLambdaResponseException"
    assert ran(record)[-1] == "TokenGeneration_Authentication"
    assert record.invocations[-1].error is None  # the trigger ran fine; Cognito refused it


@pytest.mark.parametrize(("kind", "claim"), V1_PROTECTED)
def test_v1_overriding_a_protected_claim_is_dropped_with_the_ignore_setting(
    make_emulator: MakeEmulator, kind: str, claim: str
) -> None:
    emu = make_emulator(settings=Settings(protected_claim_override="ignore"))
    emu.add_user("alice", password=PASSWORD)
    recorder.SCRIPT["PreTokenGeneration"] = v1_override(kind, claim)

    id_token, _ = sign_in(emu)

    assert id_token[claim] != "forged"
    assert id_token["cognito:username"] == "alice"
    assert id_token["token_use"] == "id"
    assert id_token["aud"] == emu.client_id


@pytest.mark.parametrize("claim", ["client_id", "username", "scope", "token_use"])
@pytest.mark.parametrize("setting", ["reject", "ignore"])
def test_v2_overriding_a_protected_access_token_claim(
    make_emulator: MakeEmulator, claim: str, setting: Any
) -> None:
    emu = make_emulator(v2_stack(), settings=Settings(protected_claim_override=setting))
    emu.add_user("alice", password=PASSWORD)
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"claimsToAddOrOverride": {claim: "forged"}}
        }
    }

    record = initiate(emu)

    if setting == "reject":
        assert error_of(record)[0] == "InvalidLambdaResponseException"
        return
    access_token = claims(tokens(record)["AccessToken"])
    assert access_token[claim] != "forged"
    assert access_token["client_id"] == emu.client_id
    assert access_token["scope"] == ACCESS_SCOPE
