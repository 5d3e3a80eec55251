"""An app client with a secret refuses every call that lacks SECRET_HASH, with Cognito's own
code and message (harness.cognito.refusals); a client without one refuses a hash it is sent."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.settings import Settings
from harness.stack import Stack
from tests.support.emulator import MakeEmulator, initiate, recording_stack

PASSWORD = "Passw0rd!demo"
NOT_RECEIVED = "Client {} is configured with secret but SECRET_HASH was not received"
UNVERIFIED = "Unable to verify secret hash for client {}"


def with_secret(stack: Stack) -> Stack:
    """The stack with its app client given a secret (GenerateSecret: true)."""
    [(logical_id, client)] = stack.clients.items()
    secret = dataclasses.replace(
        client, generate_secret=True, properties={**client.properties, "GenerateSecret": True}
    )
    return dataclasses.replace(stack, clients={logical_id: secret})


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """The recording stack (every trigger wired), its client with a secret, and alice."""
    with Emulator(with_secret(recording_stack()), settings=Settings()) as emulator:
        emulator.add_user("alice", password=PASSWORD, attributes={"email": "a@example.com"})
        yield emulator


def _admin_sign_in(emu: Emulator, username: str) -> dict[str, Any]:
    """A password sign-in with the hash the app computes: what the flows under test start from."""
    secret_hash = emu.secret_hash(username)
    assert secret_hash is not None
    auth = {"USERNAME": username, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash}
    record = initiate(emu, auth=auth)
    assert record.response is not None, record.error
    return record.response


def _refresh_token(emu: Emulator) -> str:
    return str(_admin_sign_in(emu, "alice")["AuthenticationResult"]["RefreshToken"])


def _session(emu: Emulator, username: str) -> str:
    emu.add_user(username, password=PASSWORD, status="FORCE_CHANGE_PASSWORD")
    response = _admin_sign_in(emu, username)
    assert response["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    return str(response["Session"])


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


def test_a_client_without_secret_refuses_a_hash(make_emulator: MakeEmulator) -> None:
    emu = make_emulator()  # the recording stack's own client has no secret
    emu.add_user("alice", password=PASSWORD)
    request = {
        "ClientId": emu.client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": "eA=="},
    }
    refused = emu.call("InitiateAuth", request)
    assert refused.error is not None
    assert (refused.error.code, refused.error.message) == (
        "InvalidParameterException",
        f"App client {emu.client_id} is not configured for secret but secret hash was received",
    )
    del request["AuthParameters"]["SECRET_HASH"]  # type: ignore[attr-defined]
    assert emu.call("InitiateAuth", request).outcome["status"] == "tokens"
