"""An app client with a secret refuses every call that lacks SECRET_HASH, with Cognito's own
code and message (harness.cognito.refusals); a client without one refuses a hash it is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.stack import load_stack

TEMPLATE = """\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: secret-client
      AutoVerifiedAttributes: [email]
  ServerClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      GenerateSecret: true
      ExplicitAuthFlows:
        - ALLOW_ADMIN_USER_PASSWORD_AUTH
        - ALLOW_USER_PASSWORD_AUTH
        - ALLOW_USER_SRP_AUTH
        - ALLOW_CUSTOM_AUTH
        - ALLOW_REFRESH_TOKEN_AUTH
  PublicClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_USER_PASSWORD_AUTH]
"""
PASSWORD = "Passw0rd!demo"
NOT_RECEIVED = "Client {} is configured with secret but SECRET_HASH was not received"
UNVERIFIED = "Unable to verify secret hash for client {}"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    path: Path = tmp_path_factory.mktemp("secret") / "template.yaml"
    path.write_text(TEMPLATE)
    with Emulator(load_stack(path), client="ServerClient") as emulator:
        emulator.add_user("alice", password=PASSWORD, attributes={"email": "a@example.com"})
        yield emulator


def _refresh_token(emu: Emulator) -> str:
    auth = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    record = emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": auth,
        },
        act_as_sdk=True,
    )
    assert record.response is not None, record.error
    return str(record.response["AuthenticationResult"]["RefreshToken"])


def _session(emu: Emulator, username: str) -> str:
    emu.add_user(username, password=PASSWORD, status="FORCE_CHANGE_PASSWORD")
    auth = {"USERNAME": username, "PASSWORD": PASSWORD}
    record = emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": auth,
        },
        act_as_sdk=True,
    )
    assert record.response is not None, record.error
    assert record.response["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    return str(record.response["Session"])


def _auth(flow: str, **auth: str) -> Callable[[Emulator], dict[str, Any]]:
    return lambda emu: {"AuthFlow": flow, "AuthParameters": {"USERNAME": "alice", **auth}}


def _respond(emu: Emulator) -> dict[str, Any]:
    username = f"fresh{len(emu.calls)}"
    return {
        "ChallengeName": "NEW_PASSWORD_REQUIRED",
        "Session": _session(emu, username),
        "ChallengeResponses": {"USERNAME": username, "NEW_PASSWORD": "N3w-Passw0rd!demo"},
    }


#: operation, the request without its hash, and the message of its refusal.
CASES: list[tuple[str, Callable[[Emulator], dict[str, Any]], str]] = [
    ("AdminInitiateAuth", _auth("ADMIN_USER_PASSWORD_AUTH", PASSWORD=PASSWORD), NOT_RECEIVED),
    ("AdminInitiateAuth", _auth("CUSTOM_AUTH"), NOT_RECEIVED),
    ("InitiateAuth", _auth("USER_PASSWORD_AUTH", PASSWORD=PASSWORD), NOT_RECEIVED),
    ("InitiateAuth", _auth("USER_SRP_AUTH", SRP_A="ab" * 64), NOT_RECEIVED),
    (
        "InitiateAuth",
        lambda emu: {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": _refresh_token(emu)},
        },
        NOT_RECEIVED,
    ),
    ("RespondToAuthChallenge", _respond, NOT_RECEIVED),
    ("AdminRespondToAuthChallenge", _respond, NOT_RECEIVED),
    ("SignUp", lambda emu: {"Username": "bob", "Password": PASSWORD}, UNVERIFIED),
    ("ConfirmSignUp", lambda emu: {"Username": "alice", "ConfirmationCode": "123456"}, UNVERIFIED),
    ("ForgotPassword", lambda emu: {"Username": "alice"}, UNVERIFIED),
    (
        "ConfirmForgotPassword",
        lambda emu: {"Username": "alice", "ConfirmationCode": "1", "Password": PASSWORD},
        UNVERIFIED,
    ),
    ("ResendConfirmationCode", lambda emu: {"Username": "alice"}, UNVERIFIED),
]


def _request(emu: Emulator, operation: str, build: Callable[[Emulator], dict[str, Any]]) -> Any:
    request: dict[str, Any] = {"ClientId": emu.client_id, **build(emu)}
    if operation.startswith("Admin"):
        request["UserPoolId"] = emu.user_pool_id
    return request


@pytest.mark.parametrize(
    ("operation", "build", "message"),
    CASES,
    ids=[f"{op}-{n}" for n, (op, _, _) in enumerate(CASES)],
)
def test_a_call_without_secret_hash_is_refused_as_by_cognito(
    emu: Emulator, operation: str, build: Callable[[Emulator], dict[str, Any]], message: str
) -> None:
    refused = emu.call(operation, _request(emu, operation, build))
    assert refused.error is not None, refused.response
    assert (refused.error.code, refused.error.message) == (
        "NotAuthorizedException",
        message.format(emu.client_id),
    )
    # The same call with the hash the SDK computes gets past the check.
    passed = emu.call(operation, _request(emu, operation, build), act_as_sdk=True)
    assert passed.error is None or "secret" not in passed.error.message.lower(), passed.error


def test_a_wrong_hash_is_unverified_in_the_auth_parameters_too(emu: Emulator) -> None:
    request = _request(emu, "InitiateAuth", _auth("USER_PASSWORD_AUTH", PASSWORD=PASSWORD))
    request["AuthParameters"]["SECRET_HASH"] = "d3Jvbmc="
    refused = emu.call("InitiateAuth", request)
    assert refused.error is not None
    assert refused.error.message == UNVERIFIED.format(emu.client_id)


def test_a_client_without_secret_refuses_a_hash(emu: Emulator) -> None:
    public = emu.client_ids["PublicClient"]
    request = {
        "ClientId": public,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": "eA=="},
    }
    refused = emu.call("InitiateAuth", request)
    assert refused.error is not None
    assert (refused.error.code, refused.error.message) == (
        "InvalidParameterException",
        f"App client {public} is not configured for secret but secret hash was received",
    )
    del request["AuthParameters"]["SECRET_HASH"]  # type: ignore[attr-defined]
    assert emu.call("InitiateAuth", request).outcome["status"] == "tokens"
