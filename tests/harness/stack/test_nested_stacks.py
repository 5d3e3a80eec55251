"""Triggers across nested stacks ([D] CloudFormation AWS::CloudFormation::Stack: Parameters,
``Fn::GetAtt Stack.Outputs.Name``; SAM AWS::Serverless::Application: ``Outputs.Name``).

A pool in one template wired to a function of another (through a nested stack's parameter, a
child's output, or a ``!Sub``'d ARN naming the function) is wired to that function once
deployed: it must run here as that function, with its permission checked across the stacks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.stack import TemplateError, load_stack

RAISES = 'def handler(event, context):\n    raise Exception("blocked by the rule")\n'
ECHO = "def handler(event, context):\n    return event\n"
PASSWORD = "Corr3ct-horse!"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / "template.yaml"


def function(logical_id: str, code: str, name: str | None = None, extra: str = "") -> str:
    named = f"\n      FunctionName: {name}" if name else ""
    return f"""\
  {logical_id}:
    Type: AWS::Serverless::Function
    Properties:{named}
      Runtime: python3.11
      Handler: index.handler
      InlineCode: {json.dumps(code)}
{extra}"""


def grant(logical_id: str, function_name: str, source: str = "") -> str:
    source_line = f"\n      SourceArn: {source}" if source else ""
    return f"""\
  {logical_id}Grant:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: {function_name}
      Principal: cognito-idp.amazonaws.com{source_line}
"""


def pool_template(triggers: dict[str, str], outputs: str = "") -> str:
    params = "".join(f"  {p}Arn: {{Type: String}}\n" for p in triggers)
    config = "".join(f"        {t}: !Ref {t}Arn\n" for t in triggers)
    return f"""\
Parameters:
{params}Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
{config}  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows:
        [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
{outputs}"""


def sign_in(emu: Emulator) -> Any:
    emu.add_user("bob", password=PASSWORD)
    return emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "bob", "PASSWORD": PASSWORD},
            "ClientMetadata": {"app": "web"},
        },
    )


def test_a_parent_function_passed_to_the_nested_pool_runs_and_its_failure_fails_the_call(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {
            "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n"
            + function("RuleFn", RAISES)
            + grant("Rule", "!GetAtt RuleFn.Arn")
            + """\
  Auth:
    Type: AWS::Serverless::Application
    Properties:
      Location: auth/template.yaml
      Parameters:
        PreAuthenticationArn: !GetAtt RuleFn.Arn
""",
            "auth/template.yaml": pool_template({"PreAuthentication": ""}),
        },
    )
    stack = load_stack(root)
    assert stack.pools["Pool"].triggers == {"PreAuthentication": "RuleFn"}
    assert stack.pools["Pool"].external_triggers == {}
    with Emulator(stack) as emu:
        record = sign_in(emu)
    [pre_auth] = record.invocations
    assert pre_auth.function == "RuleFn"
    assert pre_auth.metadata_field == "validationData"
    assert pre_auth.not_run is None
    assert record.error is not None
    assert record.error.code == "UserLambdaValidationException"
    assert record.error.message == "PreAuthentication failed with error blocked by the rule."


SIBLINGS = {
    "template.yaml": """\
Resources:
  Challenges:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: challenges.yaml
  Auth:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: auth/template.yaml
      Parameters:
        DefineAuthChallengeArn:
          !Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:define
        CreateAuthChallengeArn: !Join
          - ":"
          - [arn, aws, lambda, !Ref AWS::Region, !Ref AWS::AccountId, function, create]
        VerifyAuthChallengeResponseArn:
          !Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:verify
""",
    "challenges.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n"
    + function(
        "DefineFn",
        "def handler(event, context):\n"
        "    event['response'].update(challengeName='CUSTOM_CHALLENGE', issueTokens=False,"
        " failAuthentication=False)\n    return event\n",
        "define",
    )
    + function(
        "CreateFn",
        "def handler(event, context):\n"
        "    event['response'].update(publicChallengeParameters={'hint': 'colour'},"
        " privateChallengeParameters={'answer': 'blue'})\n    return event\n",
        "create",
    )
    + function("VerifyFn", ECHO, "verify")
    + "".join(
        grant(name, name, "!Sub arn:aws:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/*")
        for name in ("define", "create", "verify")
    ),
    "auth/template.yaml": pool_template(
        {"DefineAuthChallenge": "", "CreateAuthChallenge": "", "VerifyAuthChallengeResponse": ""}
    ),
}


def test_sibling_stacks_joined_by_sub_and_join_arns_run_a_custom_auth_flow(
    tmp_path: Path,
) -> None:
    stack = load_stack(write(tmp_path, SIBLINGS))
    assert stack.pools["Pool"].triggers == {
        "DefineAuthChallenge": "DefineFn",
        "CreateAuthChallenge": "CreateFn",
        "VerifyAuthChallengeResponse": "VerifyFn",
    }
    assert stack.pools["Pool"].invoke_denied == {}
    with Emulator(stack) as emu:
        emu.add_user("bob", password=PASSWORD)
        record = emu.call(
            "AdminInitiateAuth",
            {
                "UserPoolId": emu.user_pool_id,
                "ClientId": emu.client_id,
                "AuthFlow": "CUSTOM_AUTH",
                "AuthParameters": {"USERNAME": "bob"},
            },
        )
    assert record.error is None, record.error
    assert record.response["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert record.response["ChallengeParameters"]["hint"] == "colour"
    assert [i.function for i in record.invocations] == ["DefineFn", "CreateFn"]


def test_without_a_permission_in_any_template_the_linked_trigger_is_denied_with_a_fix_that_spans_the_templates(  # noqa: E501
    tmp_path: Path,
) -> None:
    files = dict(SIBLINGS)
    files["challenges.yaml"] = files["challenges.yaml"].split("  defineGrant:")[0]
    stack = load_stack(write(tmp_path, files))
    why = stack.pools["Pool"].invoke_denied["DefineAuthChallenge"]
    assert "FunctionName !GetAtt" not in why  # no template could write that
    assert "different templates (challenges.yaml, auth/template.yaml)" in why
    assert "Outputs.<Name>" in why


OUTPUTS = {
    "template.yaml": """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Functions:
    Type: AWS::Serverless::Application
    Properties:
      Location: fns/template.yaml
  Auth:
    Type: AWS::Serverless::Application
    Properties:
      Location: auth/template.yaml
      Parameters:
        PreAuthenticationArn: !GetAtt Functions.Outputs.RuleArn
""",
    "fns/template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n"
    + function("RuleFn", RAISES)
    + grant("Rule", "!Ref RuleFn")
    + "Outputs:\n  RuleArn:\n    Value: !GetAtt RuleFn.Arn\n",
    "auth/template.yaml": pool_template(
        {"PreAuthentication": ""}, "Outputs:\n  PoolArn:\n    Value: !GetAtt Pool.Arn\n"
    ),
}


def test_getatt_of_a_nested_stacks_output_reaches_the_other_nested_stack(tmp_path: Path) -> None:
    stack = load_stack(write(tmp_path, OUTPUTS))
    assert stack.pools["Pool"].triggers == {"PreAuthentication": "RuleFn"}
    with Emulator(stack) as emu:
        record = sign_in(emu)
    assert record.error is not None
    assert record.error.message == "PreAuthentication failed with error blocked by the rule."


def test_an_output_the_child_does_not_declare_is_named(tmp_path: Path) -> None:
    files = dict(OUTPUTS)
    files["template.yaml"] = files["template.yaml"].replace("Outputs.RuleArn", "Outputs.RulArn")
    with pytest.raises(TemplateError, match=r"has no output RulArn \(did you mean RuleArn\?\)"):
        load_stack(write(tmp_path, files))


def test_outputs_that_need_each_other_are_a_cycle_not_a_hang(tmp_path: Path) -> None:
    files = dict(OUTPUTS)
    files["template.yaml"] = files["template.yaml"].replace(
        "      Location: fns/template.yaml\n",
        "      Location: fns/template.yaml\n      Parameters:\n"
        "        Pool: !GetAtt Auth.Outputs.PoolArn\n",
    )
    files["fns/template.yaml"] = (
        "Parameters:\n  Pool: {Type: String}\nResources:\n"
        + function("RuleFn", RAISES, extra="      Environment: {Variables: {POOL: !Ref Pool}}\n")
        + "Outputs:\n  RuleArn:\n    Value: !GetAtt RuleFn.Arn\n"
    )
    with pytest.raises(TemplateError, match="cycle through Outputs"):
        load_stack(write(tmp_path, files))


def test_nested_stacks_the_triggers_do_not_need_do_not_stop_the_command(tmp_path: Path) -> None:
    files = dict(OUTPUTS)
    files["template.yaml"] += """\
  Api:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/api.yaml
  Roles:
    Type: AWS::Serverless::Application
    Properties:
      Location: roles.yaml
      Parameters:
        ApiId: !GetAtt Api.Outputs.RestApiId
"""
    files["roles.yaml"] = """\
Parameters:
  ApiId: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "role-${ApiId}"
"""
    stack = load_stack(write(tmp_path, files))
    assert stack.pools["Pool"].triggers == {"PreAuthentication": "RuleFn"}


def test_a_nested_stack_that_holds_a_pool_and_cannot_be_read_still_stops_it(
    tmp_path: Path,
) -> None:
    files = dict(OUTPUTS)
    files["auth/template.yaml"] = files["auth/template.yaml"].replace(
        "UserPoolId: !Ref Pool", "UserPoolId: !Ref Pol"
    )
    with pytest.raises(TemplateError, match=r"Ref 'Pol' names no parameter or resource"):
        load_stack(write(tmp_path, files))


def test_the_parents_pool_wired_to_a_nested_stacks_output_runs_the_nested_function(
    tmp_path: Path,
) -> None:
    files = {
        "template.yaml": pool_template({}).replace(
            "      LambdaConfig:\n",
            "      LambdaConfig:\n        PreAuthentication: !GetAtt Functions.Outputs.RuleArn\n",
        )
        + """\
  Functions:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: fns/template.yaml
      Parameters:
        PoolArn: !GetAtt Pool.Arn
""",
        "fns/template.yaml": "Parameters:\n  PoolArn: {Type: String}\nResources:\n"
        + function("RuleFn", RAISES)
        + grant("Rule", "!Ref RuleFn", "!Ref PoolArn")
        + "Outputs:\n  RuleArn:\n    Value: !GetAtt RuleFn.Arn\n",
    }
    files["fns/template.yaml"] = (
        "Transform: AWS::Serverless-2016-10-31\n" + files["fns/template.yaml"]
    )
    stack = load_stack(write(tmp_path, files))
    assert stack.pools["Pool"].triggers == {"PreAuthentication": "RuleFn"}
    assert stack.pools["Pool"].invoke_denied == {}  # the child's permission names this pool
    with Emulator(stack) as emu:
        record = sign_in(emu)
    assert [i.function for i in record.invocations] == ["RuleFn"]
    assert record.error is not None
    assert record.error.code == "UserLambdaValidationException"
