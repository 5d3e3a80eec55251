"""Secrets stay secret: no password, code or expected answer in any record a report shows."""

from __future__ import annotations

import json
from typing import Any

from harness.emulator import Emulator
from harness.replay.model import ApiCall
from harness.report import to_json, to_markdown, to_table
from harness.results import CallResult, ReplayResult
from tests.support.emulator import PASSWORD, initiate, recorder, respond

LEGACY_PASSWORD = 'Pässw"rd-S3cret!'


def report_text(emu: Emulator) -> str:
    results = [CallResult(ApiCall(r.operation, dict(r.request), r.source), r) for r in emu.calls]
    report = ReplayResult(
        results, "t.yaml", "inprocess", emu.settings, {}, [], emu.user_pool_id, emu.client_id
    )
    return "\n".join(
        [json.dumps(to_json(report, verbose=True)), to_table(report), to_markdown(report)]
    )


def test_the_expected_custom_challenge_answer_is_in_no_report(emu: Emulator) -> None:
    answer = "the-Expected-answer-7"

    def create(event: dict[str, Any]) -> dict[str, Any]:
        event["response"].update(
            publicChallengeParameters={"question": "?"},
            privateChallengeParameters={"answer": answer},
        )
        return event

    recorder.SCRIPT["CreateAuthChallenge"] = create
    started = initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})
    finished = respond(
        emu,
        "RespondToAuthChallenge",
        started,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": answer},
    )
    assert finished.outcome["status"] == "tokens"  # the real answer still reached Verify
    text = report_text(emu)
    assert answer not in text
    assert '"answer": "[REDACTED]"' in text


def test_a_trigger_that_puts_the_password_in_its_error_or_logs_leaks_nothing(
    emu: Emulator,
) -> None:
    def careless(event: dict[str, Any]) -> dict[str, Any]:
        print(json.dumps(event))  # escaped: \\u00e4 and \\"
        print(event)  # repr
        raise Exception(f"cannot migrate with {event['request']['password']}")

    recorder.SCRIPT["UserMigration_Authentication"] = careless
    record = initiate(emu, username="bob", password=LEGACY_PASSWORD)
    assert record.error is not None
    assert record.error.code == "UserLambdaValidationException"
    assert record.error.message == "UserMigration failed with error cannot migrate with [REDACTED]."
    invocation = record.invocations[0]
    text = report_text(emu) + invocation.logs + (invocation.traceback or "")
    for form in (LEGACY_PASSWORD, json.dumps(LEGACY_PASSWORD)[1:-1], "Pässw", "P\\u00e4ssw"):
        assert form not in text


def test_sensitive_metadata_values_are_hidden_in_reports(emu: Emulator) -> None:
    initiate(emu, metadata={"invitationCode": "INVITE-999", "appVersion": "2.1.0"})
    shown = json.loads(report_text(emu).splitlines()[0])
    metadata = shown["calls"][-1]["invocations"][0]["metadata"]
    assert metadata == {"invitationCode": "[REDACTED]", "appVersion": "2.1.0"}
    assert "INVITE-999" not in report_text(emu)
    # ...while the trigger itself received the real value
    pre_auth = next(
        e for e in recorder.EVENTS if e["triggerSource"] == "PreAuthentication_Authentication"
    )
    assert pre_auth["request"]["validationData"]["invitationCode"] == "INVITE-999"
    assert PASSWORD not in report_text(emu)


def test_scrub_removes_a_secret_in_every_form_a_log_may_hold_it() -> None:
    from harness.redaction import scrub

    printed = "\n".join(
        [LEGACY_PASSWORD, json.dumps({"p": LEGACY_PASSWORD}), repr({"p": LEGACY_PASSWORD})]
    )
    cleaned = scrub(printed, [LEGACY_PASSWORD])
    assert "S3cret" not in cleaned
    assert cleaned.count("[REDACTED]") == 3
