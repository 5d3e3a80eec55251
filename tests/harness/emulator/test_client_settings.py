"""App-client settings read from the template: token and session lifetimes, the client secret."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from typing import Any

from harness.stack import Stack
from tests.support.emulator import (
    PASSWORD,
    MakeEmulator,
    claims,
    initiate,
    recording_stack,
    respond,
    tokens,
)


def with_client(stack: Stack, **properties: Any) -> Stack:
    client = next(iter(stack.clients.values()))
    changed = dataclasses.replace(
        client,
        properties={**client.properties, **properties},
        generate_secret=bool(properties.get("GenerateSecret", client.generate_secret)),
    )
    return dataclasses.replace(stack, clients={client.logical_id: changed})


def secret_hash(secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_token_lifetimes_come_from_the_client(make_emulator: MakeEmulator) -> None:
    stack = with_client(
        recording_stack(),
        AccessTokenValidity=5,
        IdTokenValidity=2,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours"},
    )
    emu = make_emulator(stack)
    emu.add_user("alice", password=PASSWORD)
    result = tokens(initiate(emu))
    access, identity = claims(result["AccessToken"]), claims(result["IdToken"])
    assert access["exp"] - access["iat"] == 5 * 60
    assert identity["exp"] - identity["iat"] == 2 * 3600
    assert result["ExpiresIn"] == 5 * 60


def test_a_challenge_session_lives_as_long_as_auth_session_validity(
    make_emulator: MakeEmulator,
) -> None:
    now = [1_000_000.0]
    stack = with_client(recording_stack(), AuthSessionValidity=5)
    emu = make_emulator(stack, clock=lambda: now[0])
    emu.add_user("dave", password=PASSWORD, status="FORCE_CHANGE_PASSWORD")
    challenge = initiate(emu, username="dave")
    now[0] += 4 * 60  # within 5 minutes: still valid (Cognito's default, 3, would have expired)
    answer = {"USERNAME": "dave", "NEW_PASSWORD": "Brand-new-passw0rd!"}
    assert (
        respond(
            emu, "AdminRespondToAuthChallenge", challenge, "NEW_PASSWORD_REQUIRED", answer
        ).error
        is None
    )
    emu.add_user("erin", password=PASSWORD, status="FORCE_CHANGE_PASSWORD")
    late = initiate(emu, username="erin")
    now[0] += 6 * 60
    expired = respond(
        emu,
        "AdminRespondToAuthChallenge",
        late,
        "NEW_PASSWORD_REQUIRED",
        {**answer, "USERNAME": "erin"},
    )
    assert expired.error is not None
    assert expired.error.message == "Invalid session for the user, session is expired."


def test_a_client_with_a_secret_needs_the_secret_hash(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(with_client(recording_stack(), GenerateSecret=True))
    emu.add_user("alice", password=PASSWORD)
    assert emu.client_secret is not None

    missing = initiate(emu)
    assert missing.error is not None
    assert missing.error.code == "NotAuthorizedException"
    assert "is configured with secret but SECRET_HASH was not received" in missing.error.message
    assert missing.invocations == []  # refused before any trigger

    wrong = initiate(emu, auth={"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": "eA=="})
    assert wrong.error is not None
    assert wrong.error.message == f"Unable to verify secret hash for client {emu.client_id}"

    good = secret_hash(emu.client_secret, "alice", emu.client_id)
    right = initiate(emu, auth={"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": good})
    assert right.outcome["status"] == "tokens"

    signed_up = emu.call(
        "SignUp",
        {"ClientId": emu.client_id, "Username": "zed", "Password": PASSWORD,
         "SecretHash": secret_hash(emu.client_secret, "zed", emu.client_id)},
    )  # fmt: skip
    assert signed_up.error is None
