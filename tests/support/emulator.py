"""Helpers of the functional tests: the recording stacks, the recorder module, calls, JWTs.

The recorder (``tests/fixtures/recording/functions/recorder.py``) is imported here from its
CodeUri directory, so this module object is the very one the in-process invoker calls: the
tests read what it received (``recorder.EVENTS``) and script its answers (``recorder.SCRIPT``).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from harness.emulator import Emulator
from harness.results import CallRecord
from harness.stack import Stack, load_stack
from tests.support.paths import TEMPLATE, TESTS

FIXTURE = TESTS / "fixtures" / "recording"
FUNCTIONS = FIXTURE / "functions"
PROJECT_TEMPLATE = TEMPLATE

if str(FUNCTIONS) not in sys.path:
    sys.path.insert(0, str(FUNCTIONS))
import recorder  # noqa: E402  (needs FUNCTIONS on sys.path, exactly as the invoker puts it)

PASSWORD = "Passw0rd!"
NEW_PASSWORD = "N3w-Passw0rd!"
METADATA = {"appVersion": "3.1.0", "tenant": "acme"}
RESPOND_METADATA = {"step": "respond", "tenant": "acme"}
EMAIL = "alice@example.com"

#: The ``make_emulator`` fixture: ``make_emulator(stack=None, *, settings=None, **kwargs)``.
MakeEmulator = Callable[..., Emulator]

INITIATE_FLOWS = {
    "AdminInitiateAuth": "ADMIN_USER_PASSWORD_AUTH",
    "InitiateAuth": "USER_PASSWORD_AUTH",
}
RESPOND_FOR = {
    "AdminInitiateAuth": "AdminRespondToAuthChallenge",
    "InitiateAuth": "RespondToAuthChallenge",
}


@cache
def recording_stack() -> Stack:
    """Every trigger wired through SAM Cognito events; pre token generation V1_0."""
    return load_stack(FIXTURE / "template.yaml")


@cache
def recording_stack_v2() -> Stack:
    """Every trigger wired through a raw LambdaConfig; PreTokenGenerationConfig V2_0."""
    return load_stack(FIXTURE / "template_v2.yaml")


def without_triggers(stack: Stack, *triggers: str) -> Stack:
    """The stack with ``triggers`` removed from its pool's LambdaConfig."""
    pool = stack.default_pool
    kept = {t: f for t, f in pool.triggers.items() if t not in triggers}
    return dataclasses.replace(
        stack, pools={pool.logical_id: dataclasses.replace(pool, triggers=kept)}
    )


def with_handler(stack: Stack, trigger: str, handler: str) -> Stack:
    """The stack with the function wired to ``trigger`` given another Handler."""
    logical_id = stack.default_pool.triggers[trigger]
    function = dataclasses.replace(stack.functions[logical_id], handler=handler)
    return dataclasses.replace(stack, functions={**stack.functions, logical_id: function})


def events(source: str | None = None, *, trigger: str | None = None) -> list[dict[str, Any]]:
    """The events the recorder received, optionally only one triggerSource or trigger."""
    return [
        e
        for e in recorder.EVENTS
        if (source is None or e["triggerSource"] == source)
        and (trigger is None or recorder.trigger_of(e["triggerSource"]) == trigger)
    ]


def one_event(source: str) -> dict[str, Any]:
    found = events(source)
    assert len(found) == 1, f"expected one {source} event, got {len(found)}: {sources()}"
    return found[0]


def sources() -> list[str]:
    return [e["triggerSource"] for e in recorder.EVENTS]


def ran(record: CallRecord) -> list[str]:
    """The triggerSources of a call's invocations, in order."""
    return [i.trigger_source for i in record.invocations]


def invocation(record: CallRecord, source: str) -> Any:
    found = [i for i in record.invocations if i.trigger_source == source]
    assert len(found) == 1, f"expected one {source} invocation, got {ran(record)}"
    return found[0]


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload (not verified: the tests read what the emulator put in)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def error_of(record: CallRecord) -> tuple[str, str]:
    assert record.error is not None, f"expected an error, got {record.outcome}"
    return record.error.code, record.error.message


def initiate(
    emu: Emulator,
    operation: str = "AdminInitiateAuth",
    *,
    username: str = "alice",
    password: str = PASSWORD,
    flow: str | None = None,
    metadata: dict[str, Any] | None = None,
    auth: dict[str, str] | None = None,
) -> CallRecord:
    """An initiate call; a password flow unless ``flow`` says otherwise."""
    flow = flow or INITIATE_FLOWS[operation]
    parameters = auth if auth is not None else {"USERNAME": username, "PASSWORD": password}
    params: dict[str, Any] = {
        "ClientId": emu.client_id,
        "AuthFlow": flow,
        "AuthParameters": parameters,
    }
    if operation == "AdminInitiateAuth":
        params["UserPoolId"] = emu.user_pool_id
    if metadata is not None:
        params["ClientMetadata"] = metadata
    return emu.call(operation, params)


def respond(
    emu: Emulator,
    operation: str,
    previous: CallRecord | str,
    challenge: str,
    responses: dict[str, str],
    *,
    metadata: dict[str, Any] | None = None,
) -> CallRecord:
    """A Respond call answering ``previous`` (a challenge record, or a Session string)."""
    if isinstance(previous, str):
        session = previous
    else:
        assert previous.response is not None, f"no challenge to answer: {previous.outcome}"
        session = previous.response["Session"]
    params: dict[str, Any] = {
        "ClientId": emu.client_id,
        "ChallengeName": challenge,
        "Session": session,
        "ChallengeResponses": responses,
    }
    if operation == "AdminRespondToAuthChallenge":
        params["UserPoolId"] = emu.user_pool_id
    if metadata is not None:
        params["ClientMetadata"] = metadata
    return emu.call(operation, params)


def tokens(record: CallRecord) -> dict[str, Any]:
    response = record.response or {}
    assert "AuthenticationResult" in response, f"expected tokens, got {record.outcome}"
    result: dict[str, Any] = response["AuthenticationResult"]
    return result


def endpoint_client(endpoint: str) -> Any:
    """A boto3 cognito-idp client of a local endpoint (``harness serve``), dummy credentials."""
    import boto3

    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
