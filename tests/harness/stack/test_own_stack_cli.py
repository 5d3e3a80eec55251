"""A user's own stack through the command line: options, replays that go on, what is reported."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.emulator import Emulator
from harness.stack import TemplateError, load_stack
from tests.support.paths import ROOT


def run(*args: str, cwd: Path | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, [*args], catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        import os

        os.chdir(cwd)
        return runner.invoke(main, [*args], catch_exceptions=False)


def _call(operation: str, request: dict, expect: dict | None = None) -> dict:  # type: ignore[type-arg]
    call = {"operation": operation, "request": request}
    if expect is not None:
        call["expect"] = expect
    return call


def test_an_unresolvable_previous_reference_fails_that_call_alone(tmp_path: Path) -> None:
    pool = {
        "UserPoolId": "us-east-1_AbCdEf123",
        "ClientId": "1example23456789abcdefghij",
        "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"},
    }
    calls = [
        _call(
            "AdminInitiateAuth",
            {
                **pool,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "nobody", "PASSWORD": "Passw0rd!demo"},
            },
        ),
        _call(
            "AdminRespondToAuthChallenge",
            {
                **pool,
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": "${previous:Session}",
                "ChallengeResponses": {"USERNAME": "nobody", "NEW_PASSWORD": "Passw0rd!new1"},
            },
        ),
        _call(
            "AdminInitiateAuth",
            {
                **pool,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
            },
            {"outcome": "tokens"},
        ),
    ]
    path = tmp_path / "calls.json"
    path.write_text(
        json.dumps({"setupFile": str(ROOT / "events/replays/sample.setup.json"), "calls": calls})
    )

    result = run("replay", "-t", str(ROOT / "template.yaml"), "--format", "json", str(path))

    assert result.exit_code == 1, result.output  # a failed call, not unusable input
    report = json.loads(result.stdout)
    first, second, third = report["calls"]
    assert first["outcome"]["status"] == "error"  # no Session for the next call
    assert second["outcome"]["code"] == "NotSent"
    assert "${previous:Session} has no value" in second["outcome"]["message"]
    assert second["expectations"]["failures"]
    assert third["outcome"]["status"] == "tokens"  # the replay went on
    assert third["expectations"]["failures"] == []


# --------------------------------------------------------------------------- a stack of one's own

HANDLER = """
import json, os


def handler(event, context):
    print(json.dumps({"stage": os.environ.get("STAGE"), "source": event.get("triggerSource")}))
    return event
"""


_MODULES = itertools.count()


def own_stack(folder: Path, name: str = "template.yaml", extra: str = "") -> Path:
    """A SAM template: a Parameter without a Default, one trigger. Each stack's handler module
    has a name of its own: in-process, one module name is one module per test process."""
    (folder / "fn").mkdir(parents=True, exist_ok=True)
    module = f"app{next(_MODULES)}"
    (folder / "fn" / f"{module}.py").write_text(HANDLER)
    path = folder / name
    path.write_text(
        f"""AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  PreSignUpFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: {module}.handler
      Runtime: python3.11
      Environment:
        Variables:
          STAGE: !Ref Stage
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub "pool-${{Stage}}"
      LambdaConfig:
        PreSignUp: !GetAtt PreSignUpFn.Arn
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
{extra}"""
    )
    return path


def invoke_stage(*args: str, cwd: Path | None = None) -> Result:
    return run("invoke", "PreSignUpFn", *args, cwd=cwd)


def test_parameter_overrides_in_sam_syntax_reach_the_function(tmp_path: Path) -> None:
    template = own_stack(tmp_path)
    for value in ("Stage=prod", "ParameterKey=Stage,ParameterValue=prod", 'Stage="prod"'):
        result = invoke_stage("-t", str(template), "--parameter-overrides", value)
        assert result.exit_code == 0, result.output
        assert '"stage": "prod"' in result.stderr  # the function's log line


def test_a_parameter_without_value_names_the_option(tmp_path: Path) -> None:
    result = invoke_stage("-t", str(own_stack(tmp_path)))
    assert result.exit_code == 2
    assert "Parameters.Stage" in result.stderr
    assert "--parameter-overrides Stage=" in result.stderr


def test_allowed_values_are_checked(tmp_path: Path) -> None:
    result = invoke_stage("-t", str(own_stack(tmp_path)), "--parameter-overrides", "Stage=qa")
    assert result.exit_code == 2
    assert "'qa' is not one of its AllowedValues ['dev', 'prod']" in result.stderr


def test_samconfig_beside_the_template_gives_parameters_per_config_env(tmp_path: Path) -> None:
    template = own_stack(tmp_path)
    (tmp_path / "samconfig.toml").write_text(
        """version = 0.1
[default.global.parameters]
parameter_overrides = "Stage=dev"
[staging.global.parameters]
parameter_overrides = "Stage=dev"
[staging.local_invoke.parameters]
parameter_overrides = ["ParameterKey=Stage,ParameterValue=prod"]
"""
    )
    default = invoke_stage("-t", str(template))
    assert default.exit_code == 0, default.output
    assert '"stage": "dev"' in default.stderr
    staging = invoke_stage("-t", str(template), "--config-env", "staging")
    assert '"stage": "prod"' in staging.stderr  # local_invoke wins over global
    # The command line replaces the config's values.
    given = invoke_stage("-t", str(template), "--parameter-overrides", "Stage=prod")
    assert '"stage": "prod"' in given.stderr
    unknown = invoke_stage("-t", str(template), "--config-env", "nope")
    assert unknown.exit_code == 2
    assert "no config env 'nope'; envs: default, staging" in unknown.stderr


def test_a_malformed_override_is_one_line(tmp_path: Path) -> None:
    result = invoke_stage("-t", str(own_stack(tmp_path)), "--parameter-overrides", "=oops")
    assert result.exit_code == 2
    assert "--parameter-overrides: '=oops' is not a valid format" in result.stderr


def test_the_default_template_is_found_as_sam_finds_it(tmp_path: Path) -> None:
    own_stack(tmp_path, "template.yml")
    result = invoke_stage("--parameter-overrides", "Stage=dev", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert '"stage": "dev"' in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = invoke_stage(cwd=empty)
    assert missing.exit_code == 2
    assert "no template.yaml, template.yml, template.json" in missing.stderr


def test_invoking_a_function_whose_condition_is_false_says_so(tmp_path: Path) -> None:
    template = own_stack(
        tmp_path,
        extra="""\
  ProdOnlyFn:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties: {CodeUri: fn/, Handler: nothing.handler, Runtime: python3.11}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
""",
    )
    result = run("invoke", "ProdOnlyFn", "-t", str(template), "--parameter-overrides", "Stage=dev")
    assert result.exit_code == 2
    assert "ProdOnlyFn is not created: its Condition IsProd is false (parameters: Stage=dev)" in (
        result.stderr
    )


def test_another_python_runtime_is_one_note(tmp_path: Path) -> None:
    template = own_stack(tmp_path)
    template.write_text(template.read_text().replace("python3.11", "python3.13"))
    result = invoke_stage("-t", str(template), "--parameter-overrides", "Stage=dev")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: Runtime")]
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert notes == [
        f"note: Runtime python3.13 (PreSignUpFn) runs in-process on this {here}; "
        "--invoke rie or sam runs the template's runtime"
    ]


def test_a_key_given_twice_keeps_its_last_value_as_sam_cli(tmp_path: Path) -> None:
    template = own_stack(tmp_path)
    text = template.read_text().replace(
        "          STAGE: !Ref Stage\n", "          STAGE: first\n          STAGE: !Ref Stage\n"
    )
    template.write_text(text)
    result = invoke_stage("-t", str(template), "--parameter-overrides", "Stage=prod")
    assert result.exit_code == 0, result.output
    assert '"stage": "prod"' in result.stderr


@pytest.mark.parametrize(
    ("type_", "key"),
    [("AWS::Serverless::Application", "Location"), ("AWS::CloudFormation::Stack", "TemplateURL")],
)
def test_a_nested_stack_with_a_local_template_is_followed(
    tmp_path: Path, type_: str, key: str
) -> None:
    own_stack(tmp_path / "auth")  # the child: pool, client, function; Stage has no default
    root = tmp_path / "template.yaml"
    root.write_text(
        f"""\
Parameters:
  Env: {{Type: String, Default: prod}}
Resources:
  Auth:
    Type: {type_}
    Properties:
      {key}: auth/template.yaml
      Parameters:
        Stage: !Ref Env
"""
    )
    stack = load_stack(root)
    assert set(stack.pools) == {"Pool"}
    assert stack.pools["Pool"].name == "pool-prod"  # the parameter passed down
    result = run("invoke", "PreSignUpFn", "-t", str(root))
    assert result.exit_code == 0, result.output
    assert '"stage": "prod"' in result.stderr
    with Emulator(stack) as emu:
        assert emu.pool_spec.logical_id == "Pool"
        assert emu.dispatcher.has("PreSignUp")


def test_a_nested_stack_outside_the_folder_is_refused_clearly(tmp_path: Path) -> None:
    root = tmp_path / "template.yaml"
    root.write_text(
        "Resources:\n  Auth:\n    Type: AWS::Serverless::Application\n    Properties:\n"
        "      Location: {ApplicationId: 'arn:aws:serverlessrepo:us-east-1:1:applications/x', "
        "SemanticVersion: 1.0.0}\n"
    )
    with pytest.raises(TemplateError, match=r"Auth\.Location: .*deployed-only\); point it at"):
        load_stack(root)


def test_parameter_overrides_take_every_word_up_to_the_next_option_as_sam_cli_does(
    tmp_path: Path,
) -> None:
    # `sam deploy --parameter-overrides Stage=prod Other=x` (SAM CLI's OptionNargs): a line
    # copied from SAM means the same here, and an option after the values still counts.
    template = own_stack(tmp_path, extra="")
    text = template.read_text().replace(
        "Parameters:\n", "Parameters:\n  Other:\n    Type: String\n", 1
    )
    template.write_text(text)
    result = invoke_stage("--parameter-overrides", "Stage=prod", "Other=x", "-t", str(template))
    assert result.exit_code == 0, result.output
    assert '"stage": "prod"' in result.stderr
    refused = invoke_stage("--parameter-overrides", "Stage=qa", "Other=x", "-t", str(template))
    assert refused.exit_code == 2  # every word was read as an override, not as an argument
    assert "'qa' is not one of its AllowedValues" in refused.stderr
