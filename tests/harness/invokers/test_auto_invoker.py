"""``--invoke auto``: each function by its runtime; what cannot run here is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.invokers import InProcessInvoker, InvokerError, make_invoker
from harness.invokers.node import NodeRuntime, runtime_major
from harness.invokers.node_tools import client_version, find_node
from harness.stack import load_stack

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn
      Handler: {handler}
      Runtime: {runtime}
      Layers: [!Ref Shared, !Ref Later, arn:aws:lambda:us-east-1:123456789012:layer:remote:1]
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared
  Later:
    Type: AWS::Serverless::LayerVersion
    Metadata:
      BuildMethod: nodejs20.x
    Properties:
      ContentUri: layers/later
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        PreSignUp: !GetAtt Fn.Arn
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
"""


def _template(tmp_path: Path, runtime: str, handler: str = "app.handler") -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "layers" / "shared").mkdir(parents=True)
    (tmp_path / "layers" / "later").mkdir()
    (tmp_path / "fn" / "app.py").write_text("def handler(event, context):\n    return event\n")
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.format(runtime=runtime, handler=handler))
    return path


@pytest.mark.parametrize("runtime", ["java21", "dotnet8", "ruby3.3", "provided.al2023"])
def test_a_trigger_of_another_runtime_is_one_line_naming_sam_or_lambda(
    tmp_path: Path, runtime: str
) -> None:
    with pytest.raises(InvokerError) as raised:
        make_invoker("auto", _template(tmp_path, runtime, "example.Handler::handleRequest"))
    message = str(raised.value)
    assert f"Runtime {runtime}" in message
    assert "--invoke sam" in message
    assert "--invoke lambda" in message
    assert "\n" not in message


def test_the_replay_command_exits_2_for_a_java_trigger(tmp_path: Path) -> None:
    template = _template(tmp_path, "java21", "example.Handler::handleRequest")
    replay = tmp_path / "calls.json"
    replay.write_text(
        '{"calls": [{"operation": "SignUp", "request": {"ClientId": "c", "Username": "u", '
        '"Password": "Passw0rd!x"}}]}'
    )
    result = CliRunner(mix_stderr=False).invoke(
        main, ["replay", str(replay), "--template", str(template)]
    )
    assert result.exit_code == 2
    assert "--invoke sam" in result.stderr


def test_auto_runs_python_only_stacks_in_process(tmp_path: Path) -> None:
    invoker = make_invoker("auto", _template(tmp_path, "python3.11"))
    assert isinstance(invoker, InProcessInvoker)
    invoker.close()


def test_inprocess_refuses_a_node_function_instead_of_importing_it(tmp_path: Path) -> None:
    stack = load_stack(_template(tmp_path, "nodejs20.x"))
    result = InProcessInvoker().invoke(stack.functions["Fn"], {}, 5)
    assert result.error_type == "Runtime.Unsupported"
    assert "use --invoke auto for Node.js" in (result.error_message or "")


def test_local_layers_are_on_node_path_later_first_then_the_function(tmp_path: Path) -> None:
    stack = load_stack(_template(tmp_path, "nodejs20.x"))
    function = stack.functions["Fn"]  # the layer given by ARN is not local: not on the path

    build = tmp_path / ".aws-sam" / "build"
    folders = NodeRuntime().environment(function, build / "Fn")["NODE_PATH"].split(":")

    assert folders == [
        # Later has a BuildMethod: sam build's output is used.
        str(build / "Later" / "nodejs" / "node20" / "node_modules"),
        str(build / "Later" / "nodejs" / "node_modules"),
        str(tmp_path / "layers" / "shared" / "nodejs" / "node20" / "node_modules"),
        str(tmp_path / "layers" / "shared" / "nodejs" / "node_modules"),
        str(build / "Fn"),
    ]


def test_each_node_runtime_gets_the_client_line_lambda_runs_it_with() -> None:
    assert [runtime_major(r) for r in ("nodejs18.x", "nodejs24.x", "python3.12")] == [18, 24, None]
    assert client_version(18)[0] == client_version(22)[0] == "3.3.0"  # callbacks supported
    assert client_version(24)[0] == "4.0.2"  # no callbacks, as Lambda's Node.js 24


def test_without_node_on_path_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InvokerError, match=r"needs node on PATH.*install Node\.js 18 or later"):
        find_node()
