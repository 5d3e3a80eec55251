"""``harness invoke``: one function, one event, as ``sam local invoke`` (both local modes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.invokers import sam
from tests.support.invokers import FIXTURE_TEMPLATE, PROJECT_TEMPLATE, ROOT

EVENTS = ROOT / "events" / "triggers"
#: rie: the function in the Lambda runtime interface emulator, processes of its own (slow).
MODES = ("inprocess", pytest.param("rie", marks=pytest.mark.slow))


def _invoke(*args: str, stdin: str | None = None) -> Result:
    template = [] if {"-t", "--template"} & set(args) else ["--template", str(PROJECT_TEMPLATE)]
    return CliRunner(mix_stderr=False).invoke(
        main, ["invoke", *args, *template], input=stdin, catch_exceptions=False
    )


def _event(name: str, **request: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    event["request"].update(request)
    return event


@pytest.mark.parametrize("mode", MODES)
def test_the_response_goes_to_stdout_and_the_logs_to_stderr(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(
        json.dumps(_event("PreAuthentication_Authentication", validationData={"appVersion": "3"}))
    )
    result = _invoke("PreAuthenticationFunction", "-e", str(path), "--invoke", mode)
    assert result.exit_code == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["triggerSource"] == "PreAuthentication_Authentication"
    assert '"decision":"allow"' in result.stderr  # the trigger's own log line


@pytest.mark.parametrize("mode", MODES)
def test_the_event_can_come_from_stdin(mode: str) -> None:
    event = _event("TokenGeneration_Authentication")
    event["request"]["userAttributes"]["custom:tenant"] = "acme"
    result = _invoke(
        "PreTokenGenerationFunction", "-e", "-", "--invoke", mode, stdin=json.dumps(event)
    )
    assert result.exit_code == 0, result.stderr
    claims = json.loads(result.stdout)["response"]["claimsOverrideDetails"]
    assert claims == {"claimsToAddOrOverride": {"tenant": "acme"}}


@pytest.mark.parametrize("mode", MODES)
def test_a_function_error_exits_1_with_its_type_and_message(mode: str) -> None:
    result = _invoke(
        "PreSignUpFunction", "-e", str(EVENTS / "PreSignUp_SignUp.json"), "--invoke", mode
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "TriggerError: An invitation code is required to sign up"
    )


@pytest.mark.parametrize("mode", MODES)
def test_the_dynamodb_triggers_find_their_tables(mode: str) -> None:
    """The template's tables exist, empty: a clean refusal, not a connection error."""
    event = _event("PreSignUp_SignUp", validationData={"invitationCode": "INVITE-123"})
    result = _invoke("PreSignUpFunction", "-e", "-", "--invoke", mode, stdin=json.dumps(event))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "TriggerError: This invitation code is not valid"
    migration = _invoke(
        "UserMigrationFunction",
        "-e",
        str(EVENTS / "UserMigration_Authentication.json"),
        "--invoke",
        mode,
    )
    assert migration.stderr.splitlines()[-1] == "TriggerError: Incorrect username or password"


def test_an_unknown_function_lists_the_known_ones() -> None:
    result = _invoke("PreSignupFunction", "-e", str(EVENTS / "PreSignUp_SignUp.json"))
    assert result.exit_code == 2
    assert f"PreSignupFunction is not a function of {PROJECT_TEMPLATE}; functions: " in (
        result.stderr
    )
    assert "PreSignUpFunction, PreTokenGenerationFunction, UserMigrationFunction" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "--event stdin: not JSON"),
        ("[1, 2]", "--event stdin: a trigger event is a JSON object"),
    ],
)
def test_an_unusable_event_exits_2(content: str, message: str) -> None:
    result = _invoke("PreSignUpFunction", "-e", "-", stdin=content)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_missing_event_file_exits_2(tmp_path: Path) -> None:
    result = _invoke("PreSignUpFunction", "-e", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "cannot read it" in result.stderr


@pytest.mark.parametrize("mode", MODES)
def test_env_vars_override_declared_variables_as_sam_does(mode: str, tmp_path: Path) -> None:
    env_vars = tmp_path / "env.json"
    env_vars.write_text(
        json.dumps({"EchoFunction": {"GREETING": "hi", "UNDECLARED": "x"}, "Parameters": {}})
    )
    result = _invoke(
        "EchoFunction",
        "--template",
        str(FIXTURE_TEMPLATE),
        "--env-vars",
        str(env_vars),
        "--invoke",
        mode,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["response"]["greeting"] == "hi"
    assert "--env-vars: ignored UNDECLARED" in result.stderr


def test_parameters_of_env_vars_apply_to_every_function(tmp_path: Path) -> None:
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"Parameters": {"GREETING": True}}))
    result = _invoke("EchoFunction", "-t", str(FIXTURE_TEMPLATE), "-n", str(env_vars))
    assert json.loads(result.stdout)["response"]["greeting"] == "true"


def test_a_bad_env_vars_file_exits_2(tmp_path: Path) -> None:
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"EchoFunction": "GREETING=hi"}))
    result = _invoke("EchoFunction", "-t", str(FIXTURE_TEMPLATE), "--env-vars", str(env_vars))
    assert result.exit_code == 2
    assert "an object of objects, as for sam local invoke --env-vars" in result.stderr


@pytest.mark.slow  # through the rie
def test_a_timeout_exits_1() -> None:
    result = _invoke("SleepyFunction", "-t", str(FIXTURE_TEMPLATE), "--invoke", "rie")
    assert result.exit_code == 1
    assert "sleeping past the timeout" in result.stderr
    assert result.stderr.splitlines()[-1] == "Task timed out after 1.00 seconds"


@pytest.mark.parametrize("command", ["invoke", "replay"])
def test_sam_without_a_container_engine_is_a_clean_exit_2(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sam, "container_engine_answers", lambda: False)
    args = (
        ["invoke", "PreSignUpFunction", "-e", str(EVENTS / "PreSignUp_SignUp.json")]
        if command == "invoke"
        else ["replay", str(ROOT / "events/replays/sample.ps1")]
    )
    result = CliRunner(mix_stderr=False).invoke(
        main, [*args, "--template", str(PROJECT_TEMPLATE), "--invoke", "sam"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: sam local invoke needs Docker or Finch, and none answers here; use --invoke rie "
        "to run the same code through the Lambda runtime interface emulator\n"
    )
