"""``harness invoke`` of a custom sender function: ``request.code`` is encrypted as Cognito
sends it (AWS Encryption SDK, under the pool's KMSKeyID in the emulated KMS), so the function
decrypts it as in Lambda; where there is no key, one line says so."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.cognito.events import EXAMPLE_ENCRYPTED_CODE
from harness.settings import Settings
from tests.support.invokers import PROJECT_TEMPLATE

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: fn/
    Handler: sender_app.handler
    Runtime: python3.11
    Environment: {Variables: {KEY_ARN: !GetAtt SenderKey.Arn}}
Resources:
  SenderKey: {Type: AWS::KMS::Key}
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        CustomSMSSender: {LambdaArn: !GetAtt SmsSender.Arn, LambdaVersion: V1_0}
        KMSKeyID: !GetAtt SenderKey.Arn
  SmsSender: {Type: AWS::Serverless::Function}
  SmsSenderPermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, FunctionName: !GetAtt SmsSender.Arn,
                 Principal: cognito-idp.amazonaws.com, SourceArn: !GetAtt Pool.Arn}
  Unwired: {Type: AWS::Serverless::Function}
"""

APP = """\
import base64
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy

CLIENT = aws_encryption_sdk.EncryptionSDKClient(
    commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
)


def handler(event, context):
    keys = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[os.environ["KEY_ARN"]])
    plain, _ = CLIENT.decrypt(source=base64.b64decode(event["request"]["code"]), key_provider=keys)
    return {"decrypted": plain.decode()}
"""


def cli(*args: str) -> Result:
    return CliRunner(mix_stderr=False).invoke(main, list(args), catch_exceptions=False)


def generated(source: str, where: Path) -> Path:
    path = where / "event.json"
    result = cli("events", "generate", source, "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "sender_app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return tmp_path / "template.yaml"


def test_the_generated_placeholder_becomes_a_code_the_function_decrypts(stack: Path) -> None:
    event = generated("CustomSMSSender_SignUp", stack.parent)
    result = cli("invoke", "SmsSender", "-e", str(event), "--template", str(stack))
    assert result.exit_code == 0, result.stderr
    # the code replays send, so a test can confirm with it
    assert json.loads(result.stdout) == {"decrypted": Settings().mfa_code}
    assert "request.code: the mfa_code setting encrypted" in result.stderr
    assert Settings().mfa_code not in result.stderr  # a secret: never shown


def test_a_plain_code_in_the_event_is_the_code_encrypted(stack: Path) -> None:
    event = json.loads(generated("CustomSMSSender_ForgotPassword", stack.parent).read_text())
    event["request"]["code"] = "424242"
    path = stack.parent / "plain.json"
    path.write_text(json.dumps(event))
    result = cli("invoke", "SmsSender", "-e", str(path), "--template", str(stack))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"decrypted": "424242"}
    assert "the event's plain code encrypted" in result.stderr


def test_a_function_that_is_no_pools_sender_is_refused_in_one_line(stack: Path) -> None:
    event = generated("CustomSMSSender_SignUp", stack.parent)
    result = cli("invoke", "Unwired", "-e", str(event), "--template", str(stack))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Unwired is not the CustomSMSSender of a pool with a KMSKeyID" in result.stderr


def test_generate_says_what_the_code_field_is() -> None:
    result = cli("events", "generate", "CustomEmailSender_SignUp")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["request"]["code"] == EXAMPLE_ENCRYPTED_CODE
    assert "request.code is a placeholder, not a code encrypted under a KMS key" in result.stderr


@pytest.mark.parametrize("mode", ["inprocess", pytest.param("rie", marks=pytest.mark.slow)])
def test_the_projects_sender_runs_on_a_generated_event(mode: str, tmp_path: Path) -> None:
    """The review's reproduction: events generate, then invoke, on the project's stack."""
    event = generated("CustomEmailSender_SignUp", tmp_path)
    result = cli(
        "invoke", "CustomSenderFunction", "-e", str(event), "--template", str(PROJECT_TEMPLATE),
        "--invoke", mode,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_deployed_function_is_not_handed_a_placeholder(stack: Path) -> None:
    event = generated("CustomSMSSender_SignUp", stack.parent)
    result = cli(
        "invoke", "SmsSender", "-e", str(event), "--template", str(stack), "--invoke", "lambda",
        "--stack-name", "not-deployed",
    )  # fmt: skip
    assert result.exit_code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: request.code is the generated placeholder, not an AWS ")
    assert "message the deployed function can decrypt" in last
