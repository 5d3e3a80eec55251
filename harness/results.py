r"""What a call did: one result model for replay, live replay, serve and the pytest plugin.

The emulator returns a :class:`CallRecord` per API call, with the trigger :class:`Invocation`\ s
it caused; a live replay returns the same records with :class:`ObservedInvocation`\ s read from
CloudWatch. A replay pairs each record with the call it replayed (:class:`CallResult`) and the
whole run is a :class:`ReplayResult`, which :mod:`harness.report` renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from harness.cognito import errors
from harness.redaction import redact_metadata
from harness.settings import Settings


class Call(Protocol):
    """The call a result is about (a replay's :class:`~harness.replay.model.ApiCall`)."""

    @property
    def operation(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def params(self) -> dict[str, Any]: ...
    #: The call's :class:`~harness.replay.model.Expectation`, or None when nothing is checked.
    @property
    def expect(self) -> Any: ...


@dataclass
class Invocation:
    """One trigger invocation, as the report shows it."""

    trigger: str
    trigger_source: str
    function: str
    metadata_field: str | None
    metadata: dict[str, str] | None
    duration_ms: float = 0.0
    #: The function's ``Runtime`` (``python3.11``, ``nodejs20.x``); None when not known (live).
    runtime: str | None = None
    init_duration_ms: float | None = None
    error: dict[str, str] | None = None
    #: What the function printed (its CloudWatch lines), secrets of the event removed.
    logs: str = field(default="", repr=False)
    #: The function error's type and, in-process, its traceback (for test failures).
    error_type: str | None = field(default=None, repr=False)
    traceback: str | None = field(default=None, repr=False)
    event: dict[str, Any] = field(default_factory=dict, repr=False)
    response: dict[str, Any] | None = field(default=None, repr=False)
    #: The function error's message (Lambda's ``errorMessage``).
    error_message: str | None = field(default=None, repr=False)
    #: Why Cognito may not invoke the function and the fix (harness.stack.permissions): the
    #: function never ran.
    invoke_denied: str | None = field(default=None, repr=False)
    #: The function is outside the template and did not run here (one line saying so, and that
    #: only ``--invoke lambda`` runs it): nothing received the metadata, the row shows no field.
    not_run: str | None = field(default=None, repr=False)

    @property
    def runtime_error(self) -> str | None:
        """``errorType: errorMessage`` when the runtime could not run the code (an import or
        syntax error, a missing handler...): Cognito's own answer names only the type."""
        if self.error_type is None or not self.error_type.startswith("Runtime."):
            return None
        return f"{self.error_type}: {self.error_message or ''}".rstrip(": ")

    def to_json(self, verbose: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "trigger": self.trigger,
            "triggerSource": self.trigger_source,
            "function": self.function,
            "runtime": self.runtime,
            "metadataField": self.metadata_field,
            # Values of keys named like secrets (an invitation code...) never reach a report.
            "metadata": redact_metadata(self.metadata),
            "durationMs": round(self.duration_ms, 3),
            "initDurationMs": None
            if self.init_duration_ms is None
            else round(self.init_duration_ms, 3),
            "error": self.error,
        }
        if self.runtime_error is not None:
            data["runtimeError"] = self.runtime_error
        if self.invoke_denied is not None:
            data["invokeDenied"] = self.invoke_denied
        if self.not_run is not None:
            data["notRun"] = self.not_run
        if verbose:
            data["event"] = self.event
            data["response"] = self.response
            data["logs"] = self.logs
        return data


@dataclass
class CallRecord:
    """One API call as the report shows it."""

    operation: str
    source: str
    request: dict[str, Any]
    invocations: list[Invocation]
    response: dict[str, Any] | None = None
    error: errors.CognitoError | None = None
    duration_ms: float = 0.0
    #: Set when the harness itself failed during the call (record.error is then internal).
    traceback: str | None = None
    #: Codes the call sent and where (``SMS code to +*******1234``); the code is never shown.
    deliveries: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> dict[str, Any]:
        if self.error is not None:
            detail = {"detail": self.error.detail} if self.error.detail else {}
            return {"status": "error", **self.error.to_dict(), **detail}
        response = self.response or {}
        if "AuthenticationResult" in response:
            return {"status": "tokens"}
        if "ChallengeName" in response:
            return {"status": "challenge", "challenge": response["ChallengeName"]}
        return {"status": "ok"}


@dataclass
class CallResult:
    call: Call
    record: CallRecord
    failures: list[str] = field(default_factory=list)
    #: The parts of the call's expectation nothing here can confirm or refute: a trigger outside
    #: the template did not run (see :func:`harness.replay.expect.check`).
    not_checked: list[str] = field(default_factory=list)


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


@dataclass
class ObservedInvocation(Invocation):
    """An invocation read from the trigger's own log record in CloudWatch: observed in AWS."""

    log_group: str = ""
    request_id: str | None = None
    logged_at_ms: int = 0
    observed: bool = True

    def to_json(self, verbose: bool = False) -> dict[str, Any]:
        data = super().to_json(verbose)
        data["observed"] = self.observed
        data["requestId"] = self.request_id
        data["loggedAt"] = (
            datetime.fromtimestamp(self.logged_at_ms / 1000, UTC).isoformat(timespec="milliseconds")
            if self.logged_at_ms
            else None
        )
        if verbose:
            data["logGroup"] = self.log_group
        return data


@dataclass
class LiveReplayResult(ReplayResult):
    """A replay against the deployed pool. ``notes`` are summary lines for the report."""

    notes: list[str] = field(default_factory=list)
    stack_name: str | None = None
    region: str = ""
