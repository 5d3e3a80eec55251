"""The AWS the triggers call is set up like a developer's account, and the template's Cognito
resources besides the pool and clients exist."""

from __future__ import annotations

import itertools
from pathlib import Path

from harness.emulator import Emulator
from harness.stack import load_stack

_MODULES = itertools.count()

MAILER = """
import os
import boto3


def handler(event, context):
    boto3.client("ses").send_email(
        Source=os.environ["SENDER"],
        Destination={"ToAddresses": [event["request"]["userAttributes"]["email"]]},
        Message={"Subject": {"Data": "Welcome"}, "Body": {"Text": {"Data": "Hello"}}},
    )
    return event
"""


def stack_with(tmp_path: Path, handler: str, resources: str = "", env: str = "") -> Path:
    module = f"sandbox{next(_MODULES)}"
    (tmp_path / "fn").mkdir(exist_ok=True)
    (tmp_path / "fn" / f"{module}.py").write_text(handler)
    path = tmp_path / "template.yaml"
    path.write_text(
        f"""\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn
      Handler: {module}.handler
      Runtime: python3.11
      Environment: {{Variables: {{{env}}}}}
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig: {{PostConfirmation: !GetAtt Fn.Arn}}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
{resources}"""
    )
    return path


def test_a_trigger_mailing_from_the_configured_sender_works(tmp_path: Path) -> None:
    path = stack_with(tmp_path, MAILER, env="SENDER: 'Example <no-reply@example.com>'")
    with Emulator(load_stack(path)) as emu:
        emu.add_user(
            "alice",
            password="Passw0rd!demo",
            attributes={"email": "alice@example.org"},
            status="UNCONFIRMED",
        )
        record = emu.call(
            "AdminConfirmSignUp", {"UserPoolId": emu.user_pool_id, "Username": "alice"}
        )
        assert record.error is None, record.error
        [invocation] = record.invocations
        assert invocation.error is None, invocation.error
        sent = emu.trigger_client("ses").get_send_quota()["SentLast24Hours"]
        assert sent == 1
