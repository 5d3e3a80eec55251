"""Every hostile input of the adversarial corpus ends in success or one clean error line with
its location, through the real `harness replay` command: never a traceback, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from tests.support.hostile import CASE_SECONDS, CLEAN_ERROR, Case, corpus, time_limit
from tests.support.paths import ROOT


def harness(args: list[str]) -> Result:
    try:
        cli = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2 always separates them
        cli = CliRunner()
    if "--template" not in args:
        args = [*args, "--template", str(ROOT / "template.yaml")]
    with time_limit(CASE_SECONDS):
        return cli.invoke(main, ["replay", *args], catch_exceptions=True)


def assert_clean(case: Case, result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the defect itself
    if case.expect == "ok":
        assert result.exit_code in (0, 1), result.stderr
    else:
        assert result.exit_code == 2, (result.exit_code, result.stdout[-2000:])
        assert CLEAN_ERROR.match(result.stderr), result.stderr


CASES = list(corpus())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_in_one_line_or_runs(case: Case, tmp_path: Path) -> None:
    args = case.make(tmp_path)
    assert_clean(case, harness(args))
