"""Reading the triggers' records from CloudWatch Logs and giving each to its call."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.aws.deployed import DeployedFunction
from harness.aws.errors import LiveError
from harness.aws.logs import (
    NOT_LOGGED,
    CallSpan,
    TriggerRecord,
    collect_records,
    match_records,
    observe,
    observed_invocations,
    parse_log_event,
)
from harness.cognito import errors
from harness.replay.model import ApiCall
from harness.results import CallRecord, CallResult, ObservedInvocation
from tests.support.live import trigger_log_line

PRE_AUTH = DeployedFunction(
    "PreAuthentication",
    "arn:aws:lambda:us-east-1:123456789012:function:stack-PreAuthenticationFunction-AbC",
    "PreAuthenticationFunction",
)
POST_AUTH = DeployedFunction(
    "PostAuthentication",
    "arn:aws:lambda:us-east-1:123456789012:function:stack-PostAuthenticationFunction-AbC:live",
)


def line(source: str = "PreAuthentication_Authentication", **data: Any) -> str:
    text, _ = trigger_log_line(
        source,
        function_name="fn",
        username=data.pop("username", "alice"),
        user_pool_id="us-east-1_AbC",
        client_id="client",
        **data,
    )
    return text


def record(
    ts: int, user: str | None = "alice", trigger_source: str = "PreAuthentication_Authentication"
) -> TriggerRecord:
    return TriggerRecord(
        timestamp_ms=ts,
        function=PRE_AUTH,
        trigger_source=trigger_source,
        user_name=user,
        metadata_field=None,
        metadata=None,
        request_id=None,
        line="",
    )


def test_function_names_and_log_groups_come_from_the_arn() -> None:
    assert PRE_AUTH.name == "stack-PreAuthenticationFunction-AbC"
    assert PRE_AUTH.log_group == "/aws/lambda/stack-PreAuthenticationFunction-AbC"
    assert PRE_AUTH.label == "PreAuthenticationFunction"
    assert POST_AUTH.name == "stack-PostAuthenticationFunction-AbC"  # alias qualifier dropped
    assert POST_AUTH.label == "stack-PostAuthenticationFunction-AbC"


def test_a_record_becomes_what_the_trigger_received() -> None:
    text = line(validation_data={"appVersion": "2.1.0", "tenant": "acme", "undeclared": "x"})

    parsed = parse_log_event({"timestamp": 1000, "message": text + "\n", "eventId": "1"}, PRE_AUTH)

    assert parsed is not None
    assert parsed.trigger == "PreAuthentication"
    assert parsed.trigger_source == "PreAuthentication_Authentication"
    assert parsed.user_name == "alice"
    assert parsed.metadata_field == "validationData"
    assert parsed.metadata == {"appVersion": "2.1.0", "tenant": "acme", "undeclared": NOT_LOGGED}
    assert parsed.request_id == json.loads(text)["function_request_id"]
    assert parsed.timestamp_ms == 1000


def test_a_trigger_without_metadata_received_none() -> None:
    text = line("TokenGeneration_Authentication")

    parsed = parse_log_event({"timestamp": 1, "message": text}, PRE_AUTH)

    assert parsed is not None
    assert parsed.trigger == "PreTokenGeneration"
    assert parsed.metadata_field is None
    assert parsed.metadata is None


@pytest.mark.parametrize(
    "message",
    [
        "START RequestId: 1 Version: $LATEST",
        "REPORT RequestId: 1\tDuration: 1.00 ms\t",
        '{"level":"INFO","message":"pre-authentication decision","decision":"allow"}',
        '{"message":"trigger metadata"}',  # no triggerSource
        "{not json",
        "[INFO] 2026-01-01T00:00:00Z 1 trigger metadata",
    ],
)
def test_other_lines_are_not_records(message: str) -> None:
    assert parse_log_event({"timestamp": 1, "message": message}, PRE_AUTH) is None


def test_records_go_to_the_call_whose_window_holds_them() -> None:
    spans = [
        CallSpan(1000, frozenset({"alice"})),
        CallSpan(2000, frozenset({"alice"})),
        CallSpan(3000, frozenset({"bob"})),
    ]
    records = [record(2500), record(1000), record(1999), record(3100, "bob"), record(999)]

    matched, unmatched = match_records(records, spans)

    assert [[r.timestamp_ms for r in call] for call in matched] == [[1000, 1999], [2500], [3100]]
    assert [r.timestamp_ms for r in unmatched] == [999]  # before the first call


def test_clock_skew_is_absorbed_by_the_user_of_the_adjacent_call() -> None:
    spans = [CallSpan(1000, frozenset({"alice"})), CallSpan(2000, frozenset({"bob"}))]
    # bob's record logged before bob's call started by this machine's clock, and alice's after.
    matched, unmatched = match_records([record(1990, "bob"), record(2010, "alice")], spans)

    assert [[r.user_name for r in call] for call in matched] == [["alice"], ["bob"]]
    assert unmatched == []


def test_records_of_other_users_match_no_call() -> None:
    spans = [CallSpan(1000, frozenset({"alice"})), CallSpan(2000, frozenset())]

    matched, unmatched = match_records([record(1500, "mallory"), record(2500, "mallory")], spans)

    # A call that names no user takes what its window holds.
    assert [[r.user_name for r in call] for call in matched] == [[], ["mallory"]]
    assert [r.timestamp_ms for r in unmatched] == [1500]


def test_user_names_compare_case_insensitively() -> None:
    matched, _ = match_records([record(1500, "Alice")], [CallSpan(1000, frozenset({"alice"}))])
    assert len(matched[0]) == 1


def test_same_millisecond_records_follow_cognitos_trigger_order() -> None:
    records = [
        record(1500, trigger_source="TokenGeneration_Authentication"),
        record(1500, trigger_source="PostAuthentication_Authentication"),
        record(1500, trigger_source="PreAuthentication_Authentication"),
    ]

    matched, _ = match_records(records, [CallSpan(1000, frozenset({"alice"}))])

    assert [r.trigger for r in matched[0]] == [
        "PreAuthentication",
        "PostAuthentication",
        "PreTokenGeneration",
    ]


def test_the_failed_trigger_named_by_the_call_error_is_marked() -> None:
    call = CallRecord("AdminInitiateAuth", "x:1", {}, [])
    call.error = errors.UserLambdaValidationException(
        "PreAuthentication failed with error Sign-in from this device is not allowed."
    )

    invocations, unobserved = observed_invocations([record(1500)], call, {})

    assert invocations[0].error == call.error.to_dict()
    assert unobserved == []
    call.error = errors.UnexpectedLambdaException(
        "UserMigration invocation failed due to error Socket timeout while invoking Lambda "
        "function."
    )
    _, unobserved = observed_invocations([record(1500)], call, {})
    assert unobserved == ["UserMigration"]


class FakeLogs:
    """CloudWatch Logs where events become visible at a given poll, one event per page."""

    def __init__(self, arrivals: list[tuple[int, str, dict[str, Any]]]) -> None:
        self.arrivals = arrivals
        self.poll = 0
        self.calls: list[dict[str, Any]] = []

    def filter_log_events(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        group = kwargs["logGroupName"]
        if group.endswith("missing"):
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": "no group"}},
                "FilterLogEvents",
            )
        if group.endswith("denied"):
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "nope"}},
                "FilterLogEvents",
            )
        visible = [
            event
            for at, g, event in self.arrivals
            if g == group and at <= self.poll and event["timestamp"] >= kwargs["startTime"]
        ]
        start = int(kwargs.get("nextToken") or 0)
        page = visible[start : start + 1]
        more = start + 1 < len(visible)
        return {"events": page, **({"nextToken": str(start + 1)} if more else {})}


class Clock:
    def __init__(self, logs: FakeLogs) -> None:
        self.now = 100.0
        self.logs = logs
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.logs.poll += 1


def event(ts: int, message: str, event_id: str) -> dict[str, Any]:
    return {"timestamp": ts, "message": message, "eventId": event_id, "logStreamName": "s"}


def test_polls_until_records_stop_arriving() -> None:
    group = PRE_AUTH.log_group
    report_line = "REPORT RequestId: r1\tDuration: 2.00 ms\tBilled Duration: 3 ms\t"
    logs = FakeLogs(
        [
            (2, group, event(5000, line(), "1")),
            (2, group, event(5001, report_line, "2")),
            (3, group, event(5002, line(username="bob"), "3")),
            (1, group, event(10, line(username="old"), "0")),  # before startTime
        ]
    )
    clock = Clock(logs)

    collected = collect_records(
        logs,
        [PRE_AUTH],
        start_ms=4000,
        wait_seconds=30,
        clock=clock,
        sleep=clock.sleep,
        settle_seconds=3,
    )

    assert [r.user_name for r in collected.records] == ["alice", "bob"]
    assert collected.reports == {"r1": (2.0, None)}
    # Arrivals at polls 2 and 3, then 3 quiet seconds: stopped long before the 30 s.
    assert clock.sleeps == [1.0] * 6
    assert collected.waited == 6.0
    assert any("nextToken" in call for call in logs.calls)  # every page was read


def test_stops_at_the_deadline_when_nothing_arrives() -> None:
    logs = FakeLogs([])
    clock = Clock(logs)

    collected = collect_records(
        logs, [PRE_AUTH], start_ms=0, wait_seconds=2.5, clock=clock, sleep=clock.sleep
    )

    assert collected.records == []
    assert clock.sleeps == [1.0, 1.0, 0.5]


def test_a_missing_log_group_is_reported_and_a_refused_one_is_an_error() -> None:
    missing = DeployedFunction("PreSignUp", "arn:aws:lambda:r:1:function:missing")
    logs = FakeLogs([])
    clock = Clock(logs)

    collected = collect_records(
        logs, [missing], start_ms=0, wait_seconds=0, clock=clock, sleep=clock.sleep
    )

    assert collected.missing_groups == ["/aws/lambda/missing"]
    denied = DeployedFunction("PreSignUp", "arn:aws:lambda:r:1:function:denied")
    with pytest.raises(LiveError, match=r"^logs:FilterLogEvents on log group /aws/lambda/denied"):
        collect_records(logs, [denied], start_ms=0, wait_seconds=0, clock=clock)


def test_admin_create_user_records_belong_only_to_admin_create_user_calls() -> None:
    # The setup's AdminCreateUser runs PreSignUp_AdminCreateUser for alice just before the
    # replay; a clock behind AWS's could put it in the first call's window.
    setup_record = record(1001, trigger_source="PreSignUp_AdminCreateUser")
    spans = [CallSpan(1000, frozenset({"alice"}), "AdminInitiateAuth")]

    matched, unmatched = match_records([setup_record], spans)

    assert matched == [[]]
    assert unmatched == [setup_record]
    created = [CallSpan(1000, frozenset({"alice"}), "AdminCreateUser")]
    assert match_records([setup_record], created)[0] == [[setup_record]]


def test_observing_returns_new_results_and_leaves_the_sent_ones() -> None:
    sent_record = CallRecord("AdminInitiateAuth", "x:1", {}, [])
    sent = [CallResult(call=ApiCall("AdminInitiateAuth", {}, "x:1"), record=sent_record)]
    report = {"r1": (2.0, 250.0)}

    observed, notes = observe(sent, [[dataclasses.replace(record(1500), request_id="r1")]], report)

    [result] = observed
    assert result is not sent[0]
    assert result.record is not sent_record
    assert sent_record.invocations == []  # as sent
    [invocation] = result.record.invocations
    assert isinstance(invocation, ObservedInvocation)
    assert (invocation.trigger, invocation.duration_ms, invocation.init_duration_ms) == (
        "PreAuthentication",
        2.0,
        250.0,
    )
    assert notes == []


def test_a_failed_trigger_without_a_record_is_noted() -> None:
    call = CallRecord("AdminInitiateAuth", "x:1", {}, [])
    call.error = errors.UnexpectedLambdaException(
        "UserMigration invocation failed due to error Socket timeout while invoking Lambda "
        "function."
    )
    sent = [CallResult(call=ApiCall("AdminInitiateAuth", {}, "x:1"), record=call)]

    _, notes = observe(sent, [[]], {})

    assert notes == [
        "x:1: UserMigration failed (the call's error says so) but left no trigger metadata record"
    ]
