"""Triggers wired to a function outside the template: named, shown as such, run on AWS only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def sign_in(emu: Emulator) -> Any:
    emu.add_user("alice", password="Passw0rd!demo")
    return emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
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
