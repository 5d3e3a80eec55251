"""The CLI's error model: input errors are one line and exit 2; anything else is a bug.

Also what the command line promises about itself: it starts without moto or boto3, and
``--invoke`` builds the invoker the user named with the options that are meant for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import harness.stack
from harness.cli import main
from harness.errors import HarnessInputError
from harness.invokers import InvokerError, lambda_, rie
from tests.support.paths import ROOT

SAMPLE = str(ROOT / "events" / "replays" / "sample.ps1")
TEMPLATE = str(ROOT / "template.yaml")
EVENT = str(ROOT / "events" / "triggers" / "PreSignUp_SignUp.json")

#: One command line per command that reads the template.
COMMANDS = {
    "replay": ["replay", SAMPLE, "--template", TEMPLATE],
    "invoke": ["invoke", "PreSignUpFunction", "-e", EVENT, "--template", TEMPLATE],
    "serve": ["serve", "--template", TEMPLATE, "--port", "0"],
}


def run(args: list[str], *, catch_exceptions: bool = False) -> Result:
    try:
        cli = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2 always separates them
        cli = CliRunner()
    return cli.invoke(main, args, catch_exceptions=catch_exceptions)


class _TemplateProblem(HarnessInputError):
    pass


@pytest.mark.parametrize("command", COMMANDS)
def test_an_input_error_from_the_library_is_one_line_and_exit_2(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_path: object, **_kwargs: object) -> None:
        raise _TemplateProblem("template.yaml: what is wrong; what to do")

    monkeypatch.setattr(harness.stack, "load_stack", refuse)
    result = run(COMMANDS[command])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: template.yaml: what is wrong; what to do\n"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("bug", [ValueError, KeyError, TypeError])
def test_a_harness_bug_is_not_reported_as_bad_input(
    command: str, bug: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_path: object, **_kwargs: object) -> None:
        raise bug("a bug in the harness")

    monkeypatch.setattr(harness.stack, "load_stack", broken)
    result = run(COMMANDS[command], catch_exceptions=True)
    assert isinstance(result.exception, bug)  # propagates, with its traceback
    assert result.exit_code == 1
    assert "Error:" not in result.stderr


def test_a_bad_setup_pool_is_an_input_error(tmp_path: Path) -> None:
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps({"pool": {"Bogus": 1}}))
    result = run(["replay", SAMPLE, "--template", TEMPLATE, "--setup", str(setup)])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: setup.pool: cannot override Bogus; overridable: PreventUserExistenceErrors, "
        "ExplicitAuthFlows, MfaConfiguration, DeviceConfiguration\n"
    )


@pytest.mark.slow  # a fresh interpreter
def test_importing_the_cli_loads_no_aws_library() -> None:
    heavy = "{'moto', 'boto3', 'botocore', 'aws_lambda_powertools'}"
    code = f"import sys, harness.cli; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "[]\n", done.stderr


def built_with(monkeypatch: pytest.MonkeyPatch, invoker_class: str, args: list[str]) -> Any:
    """The keyword arguments the command built ``invoker_class`` with (it then refuses to run)."""
    seen: dict[str, Any] = {}

    def refuse(*_args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)
        raise InvokerError("stop here")

    monkeypatch.setattr(lambda_ if invoker_class == "LambdaInvoker" else rie, invoker_class, refuse)
    result = run(args)
    assert result.stderr == "Error: stop here\n"
    assert result.exit_code == 2
    return seen


@pytest.mark.parametrize("command", ["replay", "invoke"])
def test_the_deployed_target_reaches_the_lambda_invoker(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = ["--stack-name", "demo", "--region", "eu-west-1", "--profile", "dev"]
    args = [*COMMANDS[command], "--invoke", "lambda", *target, "--client-id", "c"]
    given = {k: v for k, v in built_with(monkeypatch, "LambdaInvoker", args).items() if v}
    assert given.pop("template") is not None
    assert given == {"region": "eu-west-1", "stack_name": "demo", "profile": "dev"}


@pytest.mark.parametrize("command", ["replay", "invoke"])
def test_a_local_invoker_runs_in_the_templates_region(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*COMMANDS[command], "--invoke", "rie", "--region", "eu-west-1"]
    # --region names the deployed stack's region only
    assert built_with(monkeypatch, "RieInvoker", args) == {"region": None}
