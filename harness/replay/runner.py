"""Run a loaded replay through the emulator and check its expectations.

The runner seeds the pool from the replay's setup, sends each call to the emulator in order
(substituting ``${previous:...}`` references from the previous response), and compares what
happened with the call's :class:`~harness.replay.model.Expectation`.

For USER_SRP_AUTH it can act as the SDK: when a replayed call gives ``PASSWORD`` instead of
``SRP_A`` (a recorded SRP_A belongs to a session that is gone), the runner computes SRP_A, and
the PASSWORD_VERIFIER responses of the next Respond call, as an AWS SDK would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from harness.cognito import srp
from harness.emulator import Emulator
from harness.invokers import Invoker
from harness.replay.expect import check
from harness.replay.model import PREVIOUS_PREFIX, Replay, ReplayError
from harness.results import CallResult, ReplayResult
from harness.settings import Settings
from harness.stack import Stack

_PREVIOUS = re.compile(re.escape(PREVIOUS_PREFIX) + r"([A-Za-z0-9_.]+)\}")


def substitute_previous(value: Any, previous: Mapping[str, Any] | None, source: str) -> Any:
    """``value`` with every ``${previous:<path>}`` replaced from ``previous`` (the previous call's
    response); raises :class:`ReplayError` at ``source`` when the path has no value. Shared by
    the emulated runner and the live one (:mod:`harness.replay.live`)."""
    if isinstance(value, str) and PREVIOUS_PREFIX in value:

        def lookup(match: re.Match[str]) -> str:
            node: Any = previous
            for part in match[1].split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if node is None:
                raise ReplayError(
                    source,
                    f"${{previous:{match[1]}}} has no value: the previous call returned no "
                    f"{match[1]} (did it fail?)",
                )
            return str(node)

        return _PREVIOUS.sub(lookup, value)
    if isinstance(value, dict):
        return {k: substitute_previous(v, previous, source) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_previous(v, previous, source) for v in value]
    return value


def seed(emu: Emulator, replay: Replay) -> None:
    """Put the replay's setup into the emulated pool and tables."""
    setup = replay.setup
    for user in setup.users:
        mfa = None
        if user.mfa is not None:
            mfa = {
                "sms": user.mfa.sms,
                "totp_secret": user.mfa.totp_secret,
                "preferred": user.mfa.preferred,
            }
        emu.add_user(
            user.username,
            password=user.password,
            attributes=user.attributes,
            status=user.status,
            enabled=user.enabled,
            mfa=mfa,
            groups=user.groups,
        )
    try:
        for item in setup.legacy_users:
            emu.add_legacy_user(item)
        for item in setup.invitations:
            emu.add_invitation(item)
        for table, items in setup.tables.items():
            emu.put_items(table, items)
    except (KeyError, ValueError) as error:
        raise ReplayError("setup", str(error.args[0])) from None


def run_replay(
    replay: Replay,
    stack: Stack,
    *,
    settings: Settings | None = None,
    overrides: Mapping[str, Any] | None = None,
    invoker: Invoker | None = None,
    progress: Callable[[int, int, CallResult], None] | None = None,
) -> ReplayResult:
    """Replay every call; never raises for Cognito errors (they are outcomes).

    Settings apply in this order, the later winning: ``settings`` (default: the defaults), the
    replay's ``setup.settings``, then ``overrides`` (what ``--set`` gives on a command line).
    """
    effective = (
        (settings or Settings())
        .with_overrides(replay.setup.settings)
        .with_overrides(overrides or {})
    )
    results: list[CallResult] = []
    with Emulator(stack, settings=effective, invoker=invoker, overrides=replay.setup.pool) as emu:
        seed(emu, replay)
        previous: Mapping[str, Any] | None = None
        sdk: srp.Client | None = None
        for number, call in enumerate(replay.calls, 1):
            params = substitute_previous(call.params, previous, call.source)
            params, sdk = act_as_sdk(emu.user_pool_id, call.operation, params, sdk, previous)
            record = emu.call(call.operation, params, source=call.source)
            result = CallResult(call=call, record=record, failures=check(call.expect, record))
            results.append(result)
            previous = record.response
            if progress is not None:
                progress(number, len(replay.calls), result)
        return ReplayResult(
            results=results,
            template=str(stack.path),
            invoker=emu.invoker.name,
            settings=effective,
            id_map=dict(emu.id_map),
            skipped=list(replay.skipped),
            user_pool_id=emu.user_pool_id,
            client_id=emu.client_id,
        )


def act_as_sdk(
    user_pool_id: str,
    operation: str,
    params: dict[str, Any],
    sdk: srp.Client | None,
    previous: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], srp.Client | None]:
    """Play the SDK's part of USER_SRP_AUTH (see the module docstring) for the emulated
    runner and the live one alike: returns the call's parameters and the SRP client state."""
    auth = params.get("AuthParameters")
    if (
        operation in ("AdminInitiateAuth", "InitiateAuth")
        and params.get("AuthFlow") == "USER_SRP_AUTH"
        and isinstance(auth, dict)
        and "PASSWORD" in auth
    ):
        auth = dict(auth)
        client = srp.Client(user_pool_id, str(auth.get("USERNAME")), str(auth.pop("PASSWORD")))
        auth["SRP_A"] = client.srp_a
        return {**params, "AuthParameters": auth}, client
    responses = params.get("ChallengeResponses")
    if (
        sdk is not None
        and params.get("ChallengeName") == "PASSWORD_VERIFIER"
        and isinstance(responses, dict)
        and "PASSWORD_CLAIM_SIGNATURE" not in responses
        and previous is not None
    ):
        computed = sdk.respond(dict(previous.get("ChallengeParameters") or {}))
        return {**params, "ChallengeResponses": {**responses, **computed}}, None
    return params, sdk
