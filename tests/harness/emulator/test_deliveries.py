"""Codes the pool "sends" are shown delivered in the report: no message leaves the harness."""

from __future__ import annotations

import pytest

from harness import report
from harness.replay import load_replay
from harness.replay.runner import run_replay
from harness.stack import load_stack
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


def test_an_sms_mfa_code_is_shown_handed_to_the_pools_custom_sms_sender() -> None:
    # The project's pool has a CustomSMSSender: Cognito invokes it "instead of its default
    # behavior" ([D] user-pool-lambda-custom-sms-sender) and sends no SMS itself.
    result = run_replay(
        load_replay([ROOT / "events" / "replays" / "flows.json"], env={}),
        load_stack(ROOT / "template.yaml"),
    )

    [sent] = [r for r in result.results if r.record.deliveries]
    assert sent.record.outcome == {"status": "challenge", "challenge": "SMS_MFA"}
    assert sent.record.deliveries == [
        "SMS_MFA code handed to the CustomSMSSender trigger for +*******0100 (the code is the "
        "mfa_code setting)"
    ]
    assert [i.trigger for i in sent.record.invocations if "Sender" in i.trigger] == [
        "CustomSMSSender"
    ]
    table = report.to_table(result)
    assert "delivered: SMS_MFA code handed to the CustomSMSSender trigger" in table
    assert "sent by SMS" not in table
    calls = report.to_json(result)["calls"]
    assert [c["deliveries"] for c in calls if c["deliveries"]] == [sent.record.deliveries]
