"""Run a loaded replay and check its expectations: ONE loop over a :class:`Backend`.

A backend is where the calls go: the emulator (:class:`EmulatorBackend`, :func:`run_replay`) or
the deployed pool (:class:`harness.replay.live.LivePool`, :func:`harness.replay.live.run_live`).
:func:`replay_calls` seeds the backend from the replay's setup, sends each call in order
(substituting ``${previous:...}`` references from the previous response), lets the backend
finish the results (the live pool reads what the triggers logged), and only then compares
each call's record with its :class:`~harness.replay.model.Expectation`.

For the SRP flows (USER_SRP_AUTH, CUSTOM_AUTH starting with password verification, remembered
devices) it acts as the SDK (:class:`harness.replay.sdk.ActingSdk`): a recorded SRP_A or proof
belongs to a session that is gone, so the runner computes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from harness.cognito import errors
from harness.cognito.errors import CognitoError
from harness.emulator import Emulator
from harness.emulator.moto_calls import moto_call
from harness.emulator.service import OPERATIONS
from harness.errors import HarnessInputError
from harness.invokers import Invoker
from harness.replay.expect import check
from harness.replay.model import PREVIOUS_PREFIX, ApiCall, Replay, ReplayError, SeedUser, Setup
from harness.replay.sdk import ActingSdk
from harness.results import CallRecord, CallResult, ReplayResult
from harness.settings import Settings
from harness.stack import Stack

__all__ = [
    "Backend",
    "EmulatorBackend",
    "NotSent",
    "Progress",
    "replay_calls",
    "run_each",
    "run_replay",
    "seed",
    "substitute_previous",
]

#: Called after each call is sent, with its number, the number of calls and its result (its
#: expectations not checked yet: a live replay observes the triggers after the last call).
Progress = Callable[[int, int, CallResult], None]


class NotSent(CognitoError):
    """The outcome of a call the replay could not send: a ``${previous:...}`` reference without
    a value (the call before it failed). The call fails alone; the replay goes on."""

    code = "NotSent"


_PREVIOUS = re.compile(re.escape(PREVIOUS_PREFIX) + r"([A-Za-z0-9_.]+)\}")


def substitute_previous(value: Any, previous: Mapping[str, Any] | None, source: str) -> Any:
    """``value`` with every ``${previous:<path>}`` replaced from ``previous`` (the previous call's
    response); raises :class:`ReplayError` at ``source`` when the path has no value."""
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


def seed(emu: Emulator, replay: Replay | Setup) -> None:
    """Put a replay's setup (or a setup: ``harness serve --setup``) into the emulated pool and
    tables."""
    setup = replay.setup if isinstance(replay, Replay) else replay
    for user in setup.users:
        try:
            _add_user(emu, user)
        except (HarnessInputError, errors.CognitoError) as error:
            message = getattr(error, "message", None) or str(error)
            raise ReplayError(
                user.source or "setup", f"user '{user.username}' cannot be created: {message}"
            ) from None
    for table, items in setup.tables.items():
        try:
            emu.put_items(table, items)
        except HarnessInputError as error:
            raise ReplayError(setup.table_sources.get(table, "setup"), str(error)) from None


def _add_user(emu: Emulator, user: SeedUser) -> None:
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


class Backend(Protocol):
    """Where a replay's calls go."""

    @property
    def user_pool_id(self) -> str:
        """The pool the calls reach (SRP is computed against it)."""
        ...

    def seed(self, replay: Replay) -> None:
        """Put the replay's setup into the pool and tables."""
        ...

    def send(self, call: ApiCall, params: dict[str, Any]) -> CallRecord:
        """Make ``call`` with ``params`` (references filled in); Cognito errors are outcomes."""
        ...

    def finish(self, results: list[CallResult]) -> list[CallResult]:
        """The results as the report shows them, once every call is sent (new objects where
        something was added: ``results`` stay as sent)."""
        ...


class EmulatorBackend:
    """The emulator as a :class:`Backend`: its records are complete when the call returns."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    @property
    def user_pool_id(self) -> str:
        return self.emulator.user_pool_id

    def seed(self, replay: Replay) -> None:
        seed(self.emulator, replay)

    def send(self, call: ApiCall, params: dict[str, Any]) -> CallRecord:
        if call.operation not in OPERATIONS:  # as `harness serve` does: moto answers it
            return moto_call(self.emulator, call.operation, params, source=call.source)
        return self.emulator.call(call.operation, params, source=call.source, act_as_sdk=True)

    def finish(self, results: list[CallResult]) -> list[CallResult]:
        return results


def replay_calls(
    backend: Backend, replay: Replay, progress: Progress | None = None
) -> list[CallResult]:
    """Seed ``backend``, send every call of ``replay`` in order, and check the finished results
    against the calls' expectations."""
    backend.seed(replay)
    sent: list[CallResult] = []
    previous: Mapping[str, Any] | None = None
    sdk = ActingSdk(backend.user_pool_id)
    for number, call in enumerate(replay.calls, 1):
        try:
            params = substitute_previous(call.params, previous, call.source)
        except ReplayError as error:
            record = CallRecord(call.operation, call.source, dict(call.params), [])
            record.error = NotSent(f"not sent: {error.problem}")
            params = None
        if params is not None:
            params = sdk.prepare(call.operation, params, previous)
            record = backend.send(call, params)
        result = CallResult(call=call, record=record)
        sent.append(result)
        previous = record.response
        if progress is not None:
            progress(number, len(replay.calls), result)
    # The backend finishes the calls it was sent; the ones not sent keep their place.
    finished = iter(backend.finish([r for r in sent if not isinstance(r.record.error, NotSent)]))
    return [
        _checked(result)
        for result in (r if isinstance(r.record.error, NotSent) else next(finished) for r in sent)
    ]


def _checked(result: CallResult) -> CallResult:
    """The call with its unmet expectations, and those nothing here can check; a call not
    sent is a failure even without one."""
    not_checked: list[str] = []
    failures = check(result.call.expect, result.record, not_checked)
    if isinstance(result.record.error, NotSent) and not failures:
        failures.append(result.record.error.message)
    return replace(result, failures=failures, not_checked=not_checked)


def run_replay(
    replay: Replay,
    stack: Stack,
    *,
    settings: Settings | None = None,
    overrides: Mapping[str, Any] | None = None,
    invoker: Invoker | None = None,
    progress: Progress | None = None,
    client: str | None = None,
) -> ReplayResult:
    """Replay every call through the emulator; never raises for Cognito errors (they are
    outcomes).

    Settings apply in this order, the later winning: ``settings`` (default: the defaults), the
    replay's ``setup.settings``, then ``overrides`` (what ``--set`` gives on a command line).
    ``client`` (logical id or ClientName) is the app client the replay's client ids map onto.
    """
    effective = (
        (settings or Settings())
        .with_overrides(replay.setup.settings)
        .with_overrides(overrides or {})
    )
    with Emulator(
        stack, settings=effective, invoker=invoker, overrides=replay.setup.pool, client=client
    ) as emu:
        results = replay_calls(EmulatorBackend(emu), replay, progress)
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


def run_each(
    replays: list[Replay],
    stack: Stack,
    *,
    overrides: Mapping[str, Any] | None = None,
    make_invoker: Callable[[], Invoker | None] = lambda: None,
    progress: Progress | None = None,
) -> ReplayResult:
    """Replay each file on a fresh pool (``harness replay A B``), one result in the files'
    order: a file never meets the users and records an earlier file left (a legacy user the
    first file migrated would not migrate again in the second). Each gets a new invoker from
    ``make_invoker`` too (an ``rie`` invoker's local AWS holds the tables)."""
    parts = [
        run_replay(replay, stack, overrides=overrides, invoker=make_invoker(), progress=progress)
        for replay in replays
    ]
    id_map: dict[str, str] = {}
    for part in parts:
        for given, emulated in part.id_map.items():
            id_map.setdefault(given, emulated)
    return replace(
        parts[0],
        results=[result for part in parts for result in part.results],
        id_map=id_map,
        skipped=[line for part in parts for line in part.skipped],
    )
