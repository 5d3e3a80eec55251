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
from dataclasses import dataclass, field
from typing import Any

from harness import srp
from harness.emulator import CallRecord, Emulator
from harness.invokers import Invoker
from harness.replay.model import PREVIOUS_PREFIX, ApiCall, Expectation, Replay, ReplayError
from harness.settings import Settings
from harness.template import Stack

_PREVIOUS = re.compile(re.escape(PREVIOUS_PREFIX) + r"([A-Za-z0-9_.]+)\}")


@dataclass
class CallResult:
    call: ApiCall
    record: CallRecord
    failures: list[str] = field(default_factory=list)


@dataclass
class ReplayResult:
    """Everything a report shows."""

    results: list[CallResult]
    template: str
    invoker: str
    settings: Settings
    id_map: dict[str, str]
    skipped: list[str]
    user_pool_id: str
    client_id: str

    @property
    def ok(self) -> bool:
        return all(not r.failures for r in self.results)

    @property
    def failures(self) -> list[str]:
        return [f"{r.call.source}: {f}" for r in self.results for f in r.failures]


def check(expect: Expectation | None, record: CallRecord) -> list[str]:
    """What differs between a call's expectation and what the emulator did."""
    if expect is None:
        return []
    failures: list[str] = []
    ran: dict[str, list[str | None]] = {}
    for invocation in record.invocations:
        ran.setdefault(invocation.trigger, []).append(invocation.metadata_field)
    for trigger, wanted in expect.triggers.items():
        fields = ran.get(trigger)
        if wanted == "not-run":
            if fields:
                failures.append(f"expected {trigger} not to run, but it ran")
            continue
        if not fields:
            failures.append(f"expected {trigger} to run ({wanted}), but it did not run")
            continue
        got = ["none" if f is None else f for f in fields]
        if wanted not in got:
            failures.append(f"expected {trigger} to receive {wanted}, but it received {got[0]}")
    if expect.order is not None:
        order = [i.trigger for i in record.invocations]
        dedup = [t for n, t in enumerate(order) if t not in order[:n]]
        if dedup != expect.order:
            failures.append(
                f"expected order {' → '.join(expect.order)}, got {' → '.join(dedup) or 'none'}"
            )
    outcome = record.outcome
    wanted_outcome = expect.expected_outcome
    if wanted_outcome is not None and outcome["status"] != wanted_outcome:
        detail = f" ({outcome.get('code')}: {outcome.get('message')})" if record.error else ""
        failures.append(f"expected outcome {wanted_outcome}, got {outcome['status']}{detail}")
    if (
        expect.error_code is not None
        and record.error is not None
        and record.error.code != expect.error_code
    ):
        failures.append(f"expected error {expect.error_code}, got {record.error.code}")
    return failures


def substitute_previous(value: Any, previous: Mapping[str, Any] | None, source: str) -> Any:
    """``value`` with every ``${previous:<path>}`` replaced from ``previous`` (the previous call's
    response); raises :class:`ReplayError` at ``source`` when the path has no value. Shared by
    the emulated runner and the live one (:mod:`harness.live`)."""
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
