"""The sample replay gives the same report through the Lambda runtime interface emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from harness.cli import main
from tests.support.invokers import ROOT

# Slow: Lambda's runtime interface emulator per function; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow


def _report(args: list[str]) -> dict[str, Any]:
    result = CliRunner(mix_stderr=False).invoke(
        main,
        ["replay", str(ROOT / "events/replays/sample.ps1"), "--format", "json", "--verbose", *args],
    )
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    ids = {report["userPoolId"]: "<pool>", report["clientId"]: "<client>"}
    return _scrub(report, ids)


#: Report fields that differ between two runs whatever runs the triggers.
_VOLATILE = frozenset(
    {"durationMs", "initDurationMs", "invoker", "logs", "iat", "auth_time", "exp", "jti"}
    | {"origin_jti", "event_id", "sub", "userPoolId", "clientId", "idMap", "template"}
)


def _scrub(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, ids) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_scrub(v, ids) for v in value]
    if isinstance(value, str):
        for real, shown in ids.items():
            value = value.replace(real, shown)
    return value


def test_the_sample_replay_reports_the_same_through_rie() -> None:
    inprocess = _report([])
    rie = _report(["--invoke", "rie"])
    assert rie == inprocess
    responses = [i.get("response") for c in rie["calls"] for i in c["invocations"]]
    assert any(r and r.get("claimsOverrideDetails") for r in responses)  # a trigger's answer


def test_the_report_names_the_invoker() -> None:
    result = CliRunner(mix_stderr=False).invoke(
        main,
        ["replay", str(ROOT / "events/replays/sample.ps1"), "--format", "json", "--invoke", "rie"],
    )
    assert json.loads(result.stdout)["invoker"] == "rie"
    first = json.loads(result.stdout)["calls"][0]["invocations"][0]
    assert first["initDurationMs"] is not None  # a cold start, through the RIE's INIT REPORT
