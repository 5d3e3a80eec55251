"""Triggers wired to a function outside the template: named, shown as such, run on AWS only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.cli import main
from harness.emulator import Emulator
from harness.invokers.base import InvokeResult
from harness.invokers.lambda_ import LambdaInvoker
from harness.server import banner
from harness.stack import FunctionSpec, load_stack

EXTERNAL = "arn:aws:lambda:us-east-1:999999999999:function:shared-post-auth"
TEMPLATE = """\
Parameters:
  PostAuthArn: {Type: String}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig: {PostAuthentication: !Ref PostAuthArn}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
"""


class DeployedFake:
    """An invoker named as the Lambda one, answering every invocation with its event."""

    name = "lambda"

    def __init__(self) -> None:
        self.invoked: list[str] = []

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> Any:
        self.invoked.append(function.arn)
        return InvokeResult(payload=event)

    def close(self) -> None:
        pass


def sign_in(emu: Emulator, **extra: Any) -> Any:
    emu.add_user("alice", password="Passw0rd!demo")
    return emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
            **extra,
        },
    )


def stack(tmp_path: Path) -> Any:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return load_stack(path, parameter_overrides={"PostAuthArn": EXTERNAL})


def test_a_trigger_outside_the_template_is_named_in_the_banner_and_the_row(tmp_path: Path) -> None:
    with Emulator(stack(tmp_path)) as emu:
        assert f"PostAuthentication→{EXTERNAL} (not in this template)" in banner(emu, "http://x")
        record = sign_in(emu)
        assert record.outcome["status"] == "tokens"
        [post_auth] = record.invocations
        assert post_auth.trigger == "PostAuthentication"
        assert post_auth.function == f"{EXTERNAL} (not in this template)"
        assert post_auth.error is None


def test_with_the_lambda_invoker_it_runs_on_aws(tmp_path: Path) -> None:
    invoker = DeployedFake()
    with Emulator(stack(tmp_path), invoker=invoker) as emu:  # type: ignore[arg-type]
        assert sign_in(emu).outcome["status"] == "tokens"
    assert invoker.invoked == [EXTERNAL]
    # The Lambda invoker calls the ARN itself.
    deployed = LambdaInvoker.__new__(LambdaInvoker)
    assert deployed.function_name(FunctionSpec.outside(EXTERNAL)) == EXTERNAL


def test_its_row_says_it_did_not_run_and_shows_no_field(tmp_path: Path) -> None:
    with Emulator(stack(tmp_path)) as emu:
        record = sign_in(emu, ClientMetadata={"app": "web"})
    [post_auth] = record.invocations
    assert post_auth.not_run == (
        f"PostAuthentication is {EXTERNAL}, outside the template: not run here; "
        "only --invoke lambda runs it"
    )
    assert (post_auth.metadata_field, post_auth.metadata, post_auth.runtime) == (None, None, None)
    assert post_auth.to_json()["notRun"] == post_auth.not_run


REPLAY = {
    "calls": [
        {
            "operation": "AdminInitiateAuth",
            "request": {
                "UserPoolId": "us-east-1_AbCdEf123",
                "ClientId": "1example23456789abcdefghij",
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
                "ClientMetadata": {"app": "web"},
            },
            "expect": {"PostAuthentication": "none", "outcome": "tokens"},
        }
    ],
    "setup": {"users": [{"username": "alice", "password": "Passw0rd!demo"}]},
}


def replay(tmp_path: Path, *options: str) -> Any:
    from click.testing import CliRunner

    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "calls.json").write_text(json.dumps(REPLAY))
    return CliRunner().invoke(
        main,
        [
            "replay",
            str(tmp_path / "calls.json"),
            "-t",
            str(tmp_path / "template.yaml"),
            "--parameter-overrides",
            f"PostAuthArn={EXTERNAL}",
            *options,
        ],
        catch_exceptions=False,
    )


def test_the_reports_say_not_run_here_and_count_its_expectation_as_not_checked(
    tmp_path: Path,
) -> None:
    line = (
        f"not run here: PostAuth = {EXTERNAL}, outside the template; only --invoke lambda runs it"
    )
    table = replay(tmp_path, "--no-color")
    assert table.exit_code == 0, table.output
    [row] = [r for r in table.stdout.splitlines() if r.startswith("1  ")]
    assert row.split()[-3:] == ["ext", "✓", "tokens"]
    assert "ext: outside the template, not run here" in " ".join(table.stdout.split())
    assert line in " ".join(table.stdout.split())
    assert "expectations: 0/1 met, 1 not fully checked" in table.stdout
    markdown = replay(tmp_path, "--format", "markdown").stdout
    assert "| not run here |" in markdown
    assert line in markdown
    report = json.loads(replay(tmp_path, "--format", "json").stdout)
    [call] = report["calls"]
    assert call["invocations"][0]["notRun"].endswith("only --invoke lambda runs it")
    assert call["invocations"][0]["metadataField"] is None
    assert call["expectations"]["failures"] == []
    assert [n.split(":")[0] for n in call["expectations"]["notChecked"]] == [
        "PostAuthentication=none",
        "outcome",
    ]


def test_a_custom_auth_whose_define_is_outside_the_template_is_configured_but_not_run(
    tmp_path: Path,
) -> None:
    define = "arn:aws:lambda:us-east-1:999999999999:function:define"
    path = tmp_path / "template.yaml"
    path.write_text(
        TEMPLATE.replace("PostAuthArn", "DefineArn")
        .replace("PostAuthentication:", "DefineAuthChallenge:")
        .replace("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH")
    )
    request = {"AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "alice"}}
    with Emulator(load_stack(path, parameter_overrides={"DefineArn": define})) as emu:
        emu.add_user("alice", password="Passw0rd!demo")
        record = emu.call(
            "AdminInitiateAuth",
            {"UserPoolId": emu.user_pool_id, "ClientId": emu.client_id, **request},
        )
    assert record.error is not None
    assert "not configured" not in record.error.message
    assert record.error.message.endswith(
        f"DefineAuthChallenge is {define}, outside the template: not run here; only --invoke "
        "lambda runs it (the call needs its answer)"
    )
    [row] = record.invocations
    assert row.not_run is not None
    invoker = DeployedFake()
    stack_ = load_stack(path, parameter_overrides={"DefineArn": define})
    with Emulator(stack_, invoker=invoker) as emu:  # type: ignore[arg-type]
        emu.add_user("alice", password="Passw0rd!demo")
        emu.call(
            "AdminInitiateAuth",
            {"UserPoolId": emu.user_pool_id, "ClientId": emu.client_id, **request},
        )
    assert invoker.invoked == [define]


def test_a_test_asserting_it_ran_is_told_it_did_not(tmp_path: Path) -> None:
    import pytest

    from harness.testing import CognitoPool, TriggerAssertionError

    with CognitoPool(stack(tmp_path)) as pool:
        pool.add_user("alice", "Passw0rd!demo")
        assert pool.sign_in("alice", "Passw0rd!demo").outcome["status"] == "tokens"
        with pytest.raises(TriggerAssertionError, match="outside the template: not run here"):
            pool.assert_invoked("PostAuthentication", field=None)
