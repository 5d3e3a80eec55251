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
  FnPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Pool.Arn
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


TRIGGERS = """
import boto3


def post_confirmation(event, context):
    boto3.client("cognito-idp").admin_add_user_to_group(
        UserPoolId=event["userPoolId"], Username=event["userName"], GroupName="members"
    )
    return event


def pre_token(event, context):
    print("GROUPS", event["request"]["groupConfiguration"])
    event["response"] = {
        "claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"scopesToAdd": ["api.example.com/read"]}
        }
    }
    return event
"""

RESOURCES = """\
  Members:
    Type: AWS::Cognito::UserPoolGroup
    Properties:
      UserPoolId: !Ref Pool
      GroupName: members
      Precedence: 10
      RoleArn: arn:aws:iam::123456789012:role/member
  Admins:
    Type: AWS::Cognito::UserPoolGroup
    Properties:
      UserPoolId: !Ref Pool
      GroupName: admins
      Precedence: 1
      RoleArn: arn:aws:iam::123456789012:role/admin
  Api:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      UserPoolId: !Ref Pool
      Identifier: api.example.com
      Name: api
      Scopes: [{ScopeName: read, ScopeDescription: Read}]
  Domain:
    Type: AWS::Cognito::UserPoolDomain
    Properties:
      UserPoolId: !Ref Pool
      Domain: my-app-auth
  Admin:
    Type: AWS::Cognito::UserPoolUser
    Properties:
      UserPoolId: !Ref Pool
      Username: root
      MessageAction: SUPPRESS
      UserAttributes: [{Name: email, Value: root@example.com}]
  AdminInAdmins:
    Type: AWS::Cognito::UserPoolUserToGroupAttachment
    Properties:
      UserPoolId: !Ref Pool
      GroupName: !Ref Admins
      Username: !Ref Admin
"""


def resources_stack(tmp_path: Path) -> Path:
    module = f"resources{next(_MODULES)}"
    (tmp_path / "fn").mkdir(exist_ok=True)
    (tmp_path / "fn" / f"{module}.py").write_text(TRIGGERS)
    path = tmp_path / "template.yaml"
    path.write_text(
        f"""\
Globals:
  Function: {{CodeUri: fn, Runtime: python3.11}}
Resources:
  Confirm:
    Type: AWS::Serverless::Function
    Properties: {{Handler: {module}.post_confirmation}}
  Token:
    Type: AWS::Serverless::Function
    Properties: {{Handler: {module}.pre_token}}
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        PostConfirmation: !GetAtt Confirm.Arn
        PreTokenGenerationConfig: {{LambdaArn: !GetAtt Token.Arn, LambdaVersion: V2_0}}
  ConfirmPermission:
    Type: AWS::Lambda::Permission
    Properties: {{FunctionName: !Ref Confirm, Action: lambda:InvokeFunction,
                  Principal: cognito-idp.amazonaws.com}}
  TokenPermission:
    Type: AWS::Lambda::Permission
    Properties: {{FunctionName: !Ref Token, Action: lambda:InvokeFunction,
                  Principal: cognito-idp.amazonaws.com}}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
{RESOURCES}"""
    )
    return path


def claims(token: str) -> dict:  # type: ignore[type-arg]
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def test_template_groups_users_resource_servers_and_domains_exist(tmp_path: Path) -> None:
    with Emulator(load_stack(resources_stack(tmp_path))) as emu:
        groups = {g.group_name: g for g in emu.pool.groups.values()}
        assert (groups["admins"].precedence, groups["admins"].role_arn) == (
            1,
            "arn:aws:iam::123456789012:role/admin",
        )
        root = emu.find_user("root")
        assert root is not None
        assert root.status == "FORCE_CHANGE_PASSWORD"  # AdminCreateUser, as CloudFormation
        assert [g.group_name for g in root.groups] == ["admins"]
        assert "api.example.com" in emu.pool.resource_servers

        # A PostConfirmation trigger adds the user to a template group.
        emu.add_user("alice", password="Passw0rd!demo", status="UNCONFIRMED")
        confirmed = emu.call(
            "AdminConfirmSignUp", {"UserPoolId": emu.user_pool_id, "Username": "alice"}
        )
        assert confirmed.error is None, confirmed.error
        emu.backend.admin_add_user_to_group(emu.user_pool_id, "admins", "alice")
        signed_in = emu.call(
            "AdminInitiateAuth",
            {
                "UserPoolId": emu.user_pool_id,
                "ClientId": emu.client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
            },
        )
        assert signed_in.response is not None, signed_in.error
        tokens = signed_in.response["AuthenticationResult"]
        # The group with the lower Precedence gives the preferred role.
        id_token = claims(tokens["IdToken"])
        assert id_token["cognito:groups"] == ["admins", "members"]
        assert id_token["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/admin"
        assert sorted(id_token["cognito:roles"]) == [
            "arn:aws:iam::123456789012:role/admin",
            "arn:aws:iam::123456789012:role/member",
        ]
        [pre_token] = [i for i in signed_in.invocations if i.trigger == "PreTokenGeneration"]
        group_config = pre_token.event["request"]["groupConfiguration"]
        assert group_config["preferredRole"] == "arn:aws:iam::123456789012:role/admin"
        # The resource server's scope reaches the V2 access token through scopesToAdd.
        assert "api.example.com/read" in claims(tokens["AccessToken"])["scope"].split()
