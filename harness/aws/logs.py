"""What the deployed triggers logged: their records in CloudWatch Logs, given to the calls.

The live replay (:mod:`harness.replay.live`) sends its calls, then:

1. :func:`collect_records` polls ``FilterLogEvents`` on each function's ``/aws/lambda/<name>``
   group from the first call's start, until records stop arriving or the wait is over; it
   keeps the triggers' records (:func:`parse_log_event`) and Lambda's REPORT lines (durations);
2. :func:`match_records` gives each record to the call whose time window
   ``[start, next call's start)`` holds it, preferring the call whose user it names (adjacent
   windows absorb clock skew between this machine and AWS);
3. :func:`observe` returns NEW results whose records carry observed invocations
   (:class:`~harness.results.ObservedInvocation`, ``"observed": true`` in the JSON report);
   the sent results are left as they were.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Final

from botocore.exceptions import ClientError

from harness.aws.deployed import DeployedFunction, Target
from harness.aws.errors import aws_call, plural
from harness.aws.lambda_logs import parse_report
from harness.cognito.triggers import RANK, trigger_of
from harness.results import CallRecord, CallResult, ObservedInvocation

__all__ = [
    "LOG_FILTER_PATTERN",
    "NOT_LOGGED",
    "RECORD_MESSAGE",
    "CallSpan",
    "Collected",
    "TriggerRecord",
    "collect_records",
    "log_notes",
    "match_records",
    "observe",
    "observed_invocations",
    "parse_log_event",
    "preflight_logs",
]

# ---------------------------------------------------------------- the trigger log-record contract
#
# The one place the harness depends on what this project's triggers log. The harness never
# imports triggers/ (it replays any stack), so the record written by ``read_metadata`` in
# triggers/app_metadata.py is a contract, read only here (RECORD_MESSAGE, parse_log_event):
# one JSON log line per trigger invocation, as Powertools' Logger writes it, with
#   message          "trigger metadata"
#   triggerSource    the event's triggerSource
#   userName         the event's userName
#   metadataField    "validationData" / "clientMetadata" / null: where the metadata was found
#   metadataKeys     every key the trigger received
#   metadata         the values it may log (keys it does not declare are left out)
#   function_request_id   Powertools' Lambda request id, which ties the record to its REPORT.
# A trigger that never calls read_metadata leaves no record, and shows as not run.

#: The message ``app_metadata.read_metadata`` logs, once per trigger invocation.
RECORD_MESSAGE: Final = "trigger metadata"
#: A key the trigger received but did not log the value of (undeclared in its schema).
NOT_LOGGED: Final = "[not logged]"


@dataclass(frozen=True)
class TriggerRecord:
    """One ``trigger metadata`` log record of a deployed function."""

    timestamp_ms: int
    function: DeployedFunction
    trigger_source: str
    user_name: str | None
    metadata_field: str | None
    metadata: dict[str, str] | None
    request_id: str | None
    line: str
    event_id: str = ""

    @property
    def trigger(self) -> str:
        return trigger_of(self.trigger_source)


def parse_log_event(event: Mapping[str, Any], function: DeployedFunction) -> TriggerRecord | None:
    """A ``trigger metadata`` record from a CloudWatch log event, or None for any other line."""
    message = str(event.get("message", "")).strip()
    start = message.find("{")
    if start < 0:
        return None
    try:
        data = json.loads(message[start:])
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("message") != RECORD_MESSAGE:
        return None
    source = data.get("triggerSource")
    if not isinstance(source, str) or not source:
        return None
    field_name = data.get("metadataField")
    metadata: dict[str, str] | None = None
    if field_name in ("validationData", "clientMetadata"):
        logged = data.get("metadata")
        logged = logged if isinstance(logged, dict) else {}
        keys = data.get("metadataKeys")
        keys = keys if isinstance(keys, list) else []
        metadata = {str(k): str(logged.get(k, NOT_LOGGED)) for k in keys}
        metadata.update({str(k): str(v) for k, v in logged.items()})
    else:
        field_name = None
    user = data.get("userName")
    request_id = data.get("function_request_id")
    return TriggerRecord(
        timestamp_ms=int(event.get("timestamp", 0)),
        function=function,
        trigger_source=source,
        user_name=user if isinstance(user, str) else None,
        metadata_field=field_name,
        metadata=metadata,
        request_id=request_id if isinstance(request_id, str) else None,
        line=message,
        event_id=str(event.get("eventId", "")),
    )


# --------------------------------------------------------------------------- reading the logs

#: CloudWatch Logs filter: the trigger records and Lambda's REPORT lines (durations).
LOG_FILTER_PATTERN: Final = f'?"{RECORD_MESSAGE}" ?"REPORT RequestId"'
POLL_SECONDS: Final = 1.0
#: Stop polling once records have stopped arriving for this long.
SETTLE_SECONDS: Final = 5.0
_NO_GROUP: Final = frozenset({"ResourceNotFoundException"})


def preflight_logs(logs: Any, target: Target, now_ms: int) -> None:
    """Fail before the first call when the caller cannot read the log groups."""
    for group in dict.fromkeys(f.log_group for f in target.functions):
        try:
            with aws_call("logs:FilterLogEvents", f"log group {group}", expect=_NO_GROUP):
                logs.filter_log_events(
                    logGroupName=group, startTime=now_ms, limit=1, filterPattern=LOG_FILTER_PATTERN
                )
        except ClientError:
            pass  # a function that never ran has no group yet: nothing to refuse


def _fetch(logs: Any, group: str, start_ms: int) -> list[dict[str, Any]]:
    """Every event of ``group`` since ``start_ms`` matching the filter (all pages)."""
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "startTime": start_ms,
        "filterPattern": LOG_FILTER_PATTERN,
    }
    while True:
        page = logs.filter_log_events(**kwargs)
        events.extend(page.get("events", []))
        token = page.get("nextToken")
        if not token or token == kwargs.get("nextToken"):
            return events
        kwargs["nextToken"] = token


@dataclass
class Collected:
    records: list[TriggerRecord] = field(default_factory=list)
    #: Lambda's REPORT lines: request id → (Duration, Init Duration) in ms.
    reports: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    missing_groups: list[str] = field(default_factory=list)
    waited: float = 0.0


def collect_records(
    logs: Any,
    functions: Iterable[DeployedFunction],
    *,
    start_ms: int,
    wait_seconds: float,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
    settle_seconds: float = SETTLE_SECONDS,
) -> Collected:
    """Poll the functions' log groups until records stop arriving or ``wait_seconds`` pass.

    Stops early once something arrived and nothing new came for ``settle_seconds``; a trigger's
    record usually reaches CloudWatch a few seconds after it ran.
    """
    groups: dict[str, DeployedFunction] = {}
    for function in functions:
        groups.setdefault(function.log_group, function)
    collected = Collected()
    seen: set[tuple[str, str, int, str]] = set()
    began = clock()
    deadline = began + max(wait_seconds, 0.0)
    last_new = began
    while True:
        new = 0
        missing: list[str] = []
        for group, function in groups.items():
            try:
                with aws_call("logs:FilterLogEvents", f"log group {group}", expect=_NO_GROUP):
                    events = _fetch(logs, group, start_ms)
            except ClientError:
                missing.append(group)
                continue
            for event in events:
                message = str(event.get("message", ""))
                key = (
                    group,
                    str(event.get("logStreamName", "")),
                    int(event.get("timestamp", 0)),
                    str(event.get("eventId") or message),
                )
                if key in seen:
                    continue
                seen.add(key)
                new += 1
                report = parse_report(message.strip())
                if report is not None:
                    collected.reports[report.request_id] = (
                        report.duration_ms,
                        report.init_duration_ms,
                    )
                    continue
                record = parse_log_event(event, function)
                if record is not None:
                    collected.records.append(record)
        collected.missing_groups = missing
        now = clock()
        if new:
            last_new = now
        if now >= deadline or (seen and now - last_new >= settle_seconds):
            collected.waited = now - began
            return collected
        sleep(max(min(poll_seconds, deadline - now), 0.0))


def log_notes(
    collected: Collected, unmatched: list[TriggerRecord], wait: float, target: Target
) -> list[str]:
    """The report's summary lines about the logs: missing groups, nothing read, other traffic."""
    notes: list[str] = []
    if collected.missing_groups:
        notes.append(
            f"no log group {', '.join(collected.missing_groups)} yet (those functions never logged)"
        )
    if not collected.records and target.functions:
        notes.append(
            f"no trigger records arrived within {wait:g}s: raise --log-wait, or check that "
            "the functions log to /aws/lambda/<function name>"
        )
    if unmatched:
        shown = ", ".join(
            f"{r.trigger} for {r.user_name or '?'} at "
            + datetime.fromtimestamp(r.timestamp_ms / 1000, UTC).strftime("%H:%M:%S.%f")[:-3]
            for r in unmatched[:3]
        )
        more = f" and {len(unmatched) - 3} more" if len(unmatched) > 3 else ""
        notes.append(
            f"{plural(len(unmatched), 'trigger record')} in the replay's time span matched no "
            f"call (other traffic on the pool, or clock skew): {shown}{more}"
        )
    return notes


# --------------------------------------------------------------------------- giving them to calls


@dataclass(frozen=True)
class CallSpan:
    """A call's start (ms since the epoch, local clock), the user names it is about
    (casefolded) and its operation."""

    started_ms: int
    users: frozenset[str] = frozenset()
    operation: str = ""

    def claims(self, record: TriggerRecord, *, own_window: bool) -> bool:
        """Whether this call may have caused ``record``: it is about the record's user, or, in
        its own window, names no user. ``*_AdminCreateUser`` records come only from
        AdminCreateUser calls (the setup's own AdminCreateUser runs PreSignUp too)."""
        if record.trigger_source.endswith("_AdminCreateUser") and (
            self.operation != "AdminCreateUser"
        ):
            return False
        user = record.user_name.casefold() if record.user_name else None
        if user is not None and user in self.users:
            return True
        return own_window and not self.users


def _order(record: TriggerRecord) -> tuple[int, int, str]:
    # Records logged in the same millisecond: the order Cognito runs triggers in.
    return record.timestamp_ms, RANK.get(record.trigger, len(RANK)), record.event_id


def match_records(
    records: Iterable[TriggerRecord], spans: list[CallSpan]
) -> tuple[list[list[TriggerRecord]], list[TriggerRecord]]:
    """Give each record to a call: the one whose window ``[start, next start)`` holds it when
    that call is about the record's user (or names no user); else an adjacent call about that
    user (clock skew between this machine and AWS). Returns the records per call, in log
    order, and the records no call claims (another client's traffic on the pool)."""
    starts = [span.started_ms for span in spans]
    matched: list[list[TriggerRecord]] = [[] for _ in spans]
    unmatched: list[TriggerRecord] = []
    for record in sorted(records, key=_order):
        index = bisect.bisect_right(starts, record.timestamp_ms) - 1
        chosen: int | None = None
        if index >= 0:  # a record logged before the first call is not the replay's
            for near in (index, index + 1, index - 1):
                if 0 <= near < len(spans) and spans[near].claims(record, own_window=near == index):
                    chosen = near
                    break
        if chosen is None:
            unmatched.append(record)
        else:
            matched[chosen].append(record)
    return matched, unmatched


def _failed_trigger(record: CallRecord, candidates: Iterable[str]) -> str | None:
    """The trigger the call's error says failed (Cognito's ``<Trigger> failed with error``)."""
    if record.error is None:
        return None
    message = record.error.message
    return next(
        (
            name
            for name in dict.fromkeys([*candidates, *RANK])
            if message.startswith((f"{name} failed with error", f"{name} invocation failed"))
        ),
        None,
    )


def observed_invocations(
    records: list[TriggerRecord],
    record: CallRecord,
    reports: Mapping[str, tuple[float | None, float | None]],
) -> tuple[list[ObservedInvocation], list[str]]:
    """The call's invocations, and the trigger its error names when none of its records does.

    The last record of the trigger the call's error names carries that error."""
    failed = _failed_trigger(record, (item.trigger for item in records))
    last_failed = max((n for n, item in enumerate(records) if item.trigger == failed), default=None)
    invocations: list[ObservedInvocation] = []
    for n, item in enumerate(records):
        duration, init = reports.get(item.request_id or "", (None, None))
        invocations.append(
            ObservedInvocation(
                trigger=item.trigger,
                trigger_source=item.trigger_source,
                function=item.function.label,
                metadata_field=item.metadata_field,
                metadata=item.metadata,
                duration_ms=duration or 0.0,
                init_duration_ms=init,
                error=record.error.to_dict() if n == last_failed and record.error else None,
                logs=item.line,
                log_group=item.function.log_group,
                request_id=item.request_id,
                logged_at_ms=item.timestamp_ms,
            )
        )
    unobserved = [failed] if failed is not None and last_failed is None else []
    return invocations, unobserved


def observe(
    results: Sequence[CallResult],
    per_call: Sequence[list[TriggerRecord]],
    reports: Mapping[str, tuple[float | None, float | None]],
) -> tuple[list[CallResult], list[str]]:
    """New results whose records hold the invocations their trigger records show (``per_call``
    from :func:`match_records`), and a note per trigger a call's error names that left no
    record. ``results`` are not changed."""
    observed: list[CallResult] = []
    notes: list[str] = []
    for result, records in zip(results, per_call, strict=True):
        invocations, unobserved = observed_invocations(records, result.record, reports)
        notes.extend(
            f"{result.call.source}: {trigger} failed (the call's error says so) but left no "
            f"{RECORD_MESSAGE} record"
            for trigger in unobserved
        )
        record = replace(result.record, invocations=list(invocations))
        observed.append(replace(result, record=record))
    return observed, notes
