"""Users seeded by ``add_user`` and replay setups, in a pool whose UsernameAttributes are email
or phone_number, get a generated username as AdminCreateUser gives them ([D] AdminCreateUser
API reference, Username), and are still found by the name they were seeded with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness.cognito import errors
from harness.emulator.users import is_generated
from tests.harness.emulator.test_documented_fidelity import client_of, sign_in, with_pool
from tests.harness.stack.test_own_stack_cli import run
from tests.support.emulator import PASSWORD, MakeEmulator, claims, one_event, recording_stack


@pytest.mark.parametrize(
    ("attributes", "name", "attribute"),
    [
        (["email"], "zed@example.com", "email"),
        (["phone_number"], "+15555550100", "phone_number"),
        (["email", "phone_number"], "+15555550100", "phone_number"),
    ],
)
def test_an_added_user_gets_a_generated_username_and_is_found_by_its_given_name(
    make_emulator: MakeEmulator, attributes: list[str], name: str, attribute: str
) -> None:
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=attributes))
    user = emu.add_user(name, password=PASSWORD)
    assert is_generated(user.username)

    got = client_of(emu).admin_get_user(UserPoolId=emu.user_pool_id, Username=name)
    values = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert got["Username"] == user.username == values["sub"]
    assert values[attribute] == name

    result = sign_in(emu, name)
    token = claims(result["AuthenticationResult"]["IdToken"])
    assert token["cognito:username"] == token["sub"] == user.username
    event = one_event("PreAuthentication_Authentication")
    assert event["userName"] == user.username
    assert event["request"]["userAttributes"]["sub"] == user.username
    with pytest.raises(errors.UsernameExistsException):
        emu.add_user(name, password=PASSWORD)


def test_an_added_user_must_be_what_the_username_attributes_allow(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=["email"]))
    with pytest.raises(errors.InvalidParameterException, match=r"Username should be an email\."):
        emu.add_user("zed", password=PASSWORD)


def test_a_pool_without_username_attributes_keeps_the_given_username(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator()
    assert emu.add_user("zed", password=PASSWORD).username == "zed"
    with pytest.raises(ClientError):  # no user is known by a generated name
        client_of(emu).admin_get_user(UserPoolId=emu.user_pool_id, Username="nobody")


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UsernameAttributes: [email]
      LambdaConfig:
        PreAuthentication: !GetAtt PreAuth.Arn
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  PreAuth:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      CodeUri: fn/
      Handler: app.handler
  PreAuthPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt PreAuth.Arn
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Pool.Arn
"""
HANDLER = """\
def handler(event, context):
    # Cognito names the user by its generated username, never by the email it signs in with.
    if event["userName"] != event["request"]["userAttributes"]["sub"]:
        raise Exception("userName " + event["userName"] + " is not the generated username")
    return event
"""


def _project(tmp_path: Path, setup_name: str) -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    calls = {
        "setup": {"users": [{"username": setup_name, "password": PASSWORD}]},
        "calls": [
            {
                "operation": "AdminInitiateAuth",
                "request": {
                    "UserPoolId": "us-east-1_Deployed1",
                    "ClientId": "deployedclient00000000000",
                    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                    "AuthParameters": {"USERNAME": setup_name, "PASSWORD": PASSWORD},
                    "ClientMetadata": {"app": "web"},
                },
                "expect": {"outcome": "tokens", "PreAuthentication": "validationData"},
            }
        ],
    }
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(calls))
    return path


def test_a_replay_setup_user_is_signed_in_by_the_name_the_setup_gave(tmp_path: Path) -> None:
    calls = _project(tmp_path, "zed@example.com")
    result = run("replay", "-t", str(tmp_path / "template.yaml"), "--format", "json", str(calls))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["calls"][0]["outcome"]["status"] == "tokens"


def test_a_replay_setup_user_that_is_no_email_in_an_email_pool_is_refused(
    tmp_path: Path,
) -> None:
    calls = _project(tmp_path, "zed")
    result = run("replay", "-t", str(tmp_path / "template.yaml"), str(calls))
    assert result.exit_code == 2
    assert "user 'zed' cannot be created: Username should be an email." in result.stderr
