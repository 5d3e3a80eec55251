"""Codes the pool "sends" are shown delivered in the report: no message leaves the harness."""

from __future__ import annotations

import pytest

from harness import report
from harness.replay import load_replay
from harness.replay.runner import run_replay
from harness.stack import load_stack
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


def test_an_sms_mfa_code_is_shown_delivered_in_the_report() -> None:
    result = run_replay(
        load_replay([ROOT / "events" / "replays" / "flows.json"], env={}),
        load_stack(ROOT / "template.yaml"),
    )

    [sent] = [r for r in result.results if r.record.deliveries]
    assert sent.record.outcome == {"status": "challenge", "challenge": "SMS_MFA"}
    assert sent.record.deliveries == [
        "SMS_MFA code sent by SMS to +*******0100 (the code is the mfa_code setting)"
    ]
    assert "delivered: SMS_MFA code sent by SMS to +*******0100" in report.to_table(result)
    calls = report.to_json(result)["calls"]
    assert [c["deliveries"] for c in calls if c["deliveries"]] == [sent.record.deliveries]
