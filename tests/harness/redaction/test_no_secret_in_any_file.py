"""Sensitive values planted in ClientMetadata, attributes, challenge answers and trigger errors
never reach any file the harness writes: a replay's reports (every format, verbose), a
`serve --record` recording and the server's report, a `harness record` recording."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from botocore import xform_name
from click.testing import CliRunner

from harness.cli import main
from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer
from tests.support.emulator import endpoint_client

pytestmark = pytest.mark.slow

HARNESS = str(Path(sys.executable).with_name("harness"))
#: The planted values: none may appear in any output.
PLANTED = {
    "password": "planted-metadata-password-1",
    "otp": "planted-otp-2",
    "refreshToken": "planted-refresh-token-3",
    "invitationCode": "planted-invitation-4",
}
PIN = "planted-pin-5"
ANSWER = "planted-answer-6"
PASSWORD = "Planted0Passw0rd!7"
SENSITIVE = [*PLANTED.values(), PIN, ANSWER, PASSWORD]

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.11, CodeUri: functions/, Timeout: 3}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: leak-tests
      Schema: [{Name: pin, AttributeDataType: String, Mutable: true}]
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows:
        [ALLOW_CUSTOM_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_USER_PASSWORD_AUTH]
  Loud:
    Type: AWS::Serverless::Function
    Properties:
      Handler: loud.handler
      Events:
        A: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}}
        B: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreAuthentication}}
"""
#: A careless trigger: it logs the whole event and puts the metadata in its error.
HANDLER = """\
import json

def handler(event, context):
    print(json.dumps(event))
    request = event["request"]
    metadata = request.get("clientMetadata") or request.get("validationData") or {}
    if metadata.get("fail"):
        raise Exception("refused: " + json.dumps(metadata) + json.dumps(request["userAttributes"]))
    return event
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "loud.py").write_text(HANDLER)
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return path


def requests(client_id: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    attributes = [{"Name": "custom:pin", "Value": PIN}, {"Name": "email", "Value": "a@b.c"}]
    return [
        (
            "SignUp",
            {
                "ClientId": client_id,
                "Username": "alice",
                "Password": PASSWORD,
                "UserAttributes": attributes,
                "ClientMetadata": PLANTED,
            },
        ),
        (
            "SignUp",
            {
                "ClientId": client_id,
                "Username": "bob",
                "Password": PASSWORD,
                "UserAttributes": attributes,
                "ClientMetadata": {**PLANTED, "fail": "yes"},
            },
        ),
        (
            "AdminInitiateAuth",
            {
                "UserPoolId": "us-east-1_leak",
                "ClientId": client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
                "ClientMetadata": {**PLANTED, "fail": "yes"},
            },
        ),
        (
            "RespondToAuthChallenge",
            {
                "ClientId": client_id,
                "ChallengeName": "CUSTOM_CHALLENGE",
                "Session": "x" * 40,
                "ChallengeResponses": {"USERNAME": "alice", "ANSWER": ANSWER},
                "ClientMetadata": PLANTED,
            },
        ),
    ]


def assert_no_secret(files: list[Path], *texts: str) -> None:
    assert files, "nothing was written"
    for path in files:
        content = path.read_text(encoding="utf-8", errors="replace")
        for value in SENSITIVE:
            assert value not in content, f"{value} in {path}"
    for text in texts:
        for value in SENSITIVE:
            assert value not in text, value


def written(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".py"]


def test_replay_reports_hold_no_planted_value(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    calls = tmp_path / "calls.json"
    calls.write_text(
        json.dumps(
            {"calls": [{"operation": op, "request": params} for op, params in requests("c")]}
        )
    )
    runner = CliRunner()
    texts = []
    for fmt in ("table", "json", "markdown"):
        result = runner.invoke(
            main,
            ["replay", str(calls), "--template", str(template), "--verbose", "--format", fmt,
             "-o", str(out / f"report.{fmt}")],
        )  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        texts.append(result.output)
    assert_no_secret(written(out), *texts)
    # The accepted MFA code shows as set, never as its value.
    settings = json.loads((out / "report.json").read_text())["settings"]
    assert settings["mfa_code"] == "set"


def test_serve_record_and_its_report_hold_no_planted_value(template: Path, tmp_path: Path) -> None:
    recording = tmp_path / "served.jsonl"
    with Emulator(template) as emulator:
        server = CognitoServer(CognitoApp(emulator, record=recording), port=0).start()
        try:
            client = endpoint_client(server.endpoint)
            for operation, params in requests(emulator.client_id):
                params = {**params, "UserPoolId": emulator.user_pool_id}
                if operation != "AdminInitiateAuth":
                    del params["UserPoolId"]
                method = getattr(client, xform_name(operation))
                with contextlib.suppress(client.exceptions.ClientError):
                    method(**params)
            with urllib.request.urlopen(f"{server.endpoint}/_harness/invocations") as answer:
                report = answer.read().decode()
        finally:
            server.stop()
    assert '"custom:pin": "[REDACTED]"' in report or PIN not in report
    assert_no_secret([recording], report)
    assert "${env:" in recording.read_text()  # the values became references


RECORDED_APP = """\
import boto3
from harness.testing import CognitoPool

with CognitoPool({template!r}) as pool:
    client = pool.client
    for operation, params in {requests!r}:
        params = dict(params)
        if operation == "AdminInitiateAuth":
            params["UserPoolId"] = pool.user_pool_id
        params["ClientId"] = pool.client_id
        try:
            getattr(client, boto3.session.botocore.xform_name(operation))(**params)
        except client.exceptions.ClientError as error:
            print(error)
"""


def test_harness_record_holds_no_planted_value(template: Path, tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(RECORDED_APP.format(template=str(template), requests=requests("c")))
    recording = tmp_path / "rec" / "calls.jsonl"
    done = subprocess.run(
        [HARNESS, "record", "-o", str(recording), "--", sys.executable, str(app)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert_no_secret(written(tmp_path / "rec"), done.stderr)
    assert "${env:" in recording.read_text()
