"""Which templates let Cognito invoke a trigger's function ([D] CloudFormation
AWS::Lambda::Permission; knowledge-center cognito-lambda-trigger-errors).

The ways public stacks write the permission (SAM Cognito events, aws-samples/
amazon-cognito-passwordless-email-auth's !GetAtt pair, names, partial ARNs, !Sub'd ARNs,
wildcards) must all be recognised: a false refusal of a correct stack is the worse error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.stack import load_stack
from tests.support.paths import TEMPLATE

HEAD = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  OtherPoolArn:
    Type: String
    Default: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_other
  Granted: {{Type: String, Default: "yes"}}
Conditions:
  IsGranted: !Equals [!Ref Granted, "yes"]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: pre-sign-up
      Runtime: python3.11
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return event\\n"
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        PreSignUp: {wiring}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
"""


def permission(**props: str) -> str:
    fields = {
        "Action": "lambda:InvokeFunction",
        "FunctionName": "!GetAtt Fn.Arn",
        "Principal": "cognito-idp.amazonaws.com",
        **props,
    }
    lines = "".join(f"      {k}: {v}\n" for k, v in fields.items() if v != "-")
    return f"  Grant:\n    Type: AWS::Lambda::Permission\n    Properties:\n{lines}"


def denied(tmp_path: Path, resources: str, wiring: str = "!GetAtt Fn.Arn") -> dict[str, str]:
    path = tmp_path / "template.yaml"
    path.write_text(HEAD.format(wiring=wiring) + resources)
    return load_stack(path).default_pool.invoke_denied


GRANTED = {
    "getatt-pair": permission(SourceArn="!GetAtt Pool.Arn"),
    "no-source-arn": permission(),
    "sam-casing-and-ref": permission(Action="lambda:invokeFunction", FunctionName="!Ref Fn"),
    "literal-name": permission(FunctionName="pre-sign-up"),
    "literal-arn": permission(
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"
    ),
    "partial-arn": permission(FunctionName='!Sub "${AWS::AccountId}:function:${Fn}"'),
    "qualified-arn": permission(FunctionName='!Sub "${Fn.Arn}:live"'),
    "sub-source-arn": permission(
        SourceArn='!Sub "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:'
        '${AWS::AccountId}:userpool/${Pool}"'
    ),
    "wildcard-source-arn": permission(SourceArn='"arn:aws:cognito-idp:*:*:userpool/*"'),
    "source-account": permission(SourceAccount="!Ref AWS::AccountId"),
    "lambda-star": permission(Action="lambda:*"),
    "star-principal": permission(Principal='"*"'),
    "principal-sub": permission(Principal='!Sub "cognito-idp.${AWS::URLSuffix}"'),
    # What the template cannot resolve here does not refuse.
    "imported-function": permission(FunctionName="!ImportValue shared-function"),
    "imported-source": permission(SourceArn="!ImportValue pool-arn"),
}


@pytest.mark.parametrize("resources", GRANTED.values(), ids=GRANTED.keys())
def test_a_permission_for_cognito_lets_the_trigger_run(tmp_path: Path, resources: str) -> None:
    assert denied(tmp_path, resources) == {}


def test_a_sam_cognito_event_grants_the_permission_sam_generates(tmp_path: Path) -> None:
    # aws/serverless-application-model#1253: SAM adds an AWS::Lambda::Permission for
    # cognito-idp.amazonaws.com with the pool's ARN as SourceArn.
    path = tmp_path / "template.yaml"
    text = HEAD.format(wiring="!GetAtt Fn.Arn").replace(
        "      LambdaConfig:\n        PreSignUp: !GetAtt Fn.Arn\n", ""
    )
    text = text.replace(
        '      InlineCode: "def',
        "      Events:\n        Signup:\n          Type: Cognito\n          Properties:\n"
        "            UserPool: !Ref Pool\n            Trigger: PreSignUp\n"
        '      InlineCode: "def',
    )
    path.write_text(text)
    pool = load_stack(path).default_pool
    assert pool.triggers == {"PreSignUp": "Fn"}
    assert pool.invoke_denied == {}


REFUSED = {
    "no-permission": "",
    "another-principal": permission(Principal="s3.amazonaws.com"),
    "another-action": permission(Action="lambda:GetFunction"),
    "another-pool": permission(SourceArn="!Ref OtherPoolArn"),
    "another-account": permission(SourceAccount='"210987654321"'),
    "another-function": permission(FunctionName="some-other-function"),
    "not-created": permission(SourceArn="!GetAtt Pool.Arn").replace(
        "    Type: AWS::Lambda::Permission\n",
        "    Type: AWS::Lambda::Permission\n    Condition: IsGranted\n",
    )
    + "",
}


@pytest.mark.parametrize("resources", REFUSED.values(), ids=REFUSED.keys())
def test_without_a_permission_for_cognito_the_trigger_is_denied(
    tmp_path: Path, resources: str, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(HEAD.format(wiring="!GetAtt Fn.Arn") + resources)
    overrides = {"Granted": "no"} if request.node.callspec.id == "not-created" else {}
    why = load_stack(path, parameter_overrides=overrides).default_pool.invoke_denied
    assert set(why) == {"PreSignUp"}
    assert why["PreSignUp"].startswith("Cognito may not invoke Fn (PreSignUp of Pool): ")
    assert "add an AWS::Lambda::Permission" in why["PreSignUp"]


def test_a_function_outside_the_template_is_not_checked(tmp_path: Path) -> None:
    wiring = "arn:aws:lambda:us-east-1:123456789012:function:shared-pre-sign-up"
    assert denied(tmp_path, "", wiring=wiring) == {}


def test_a_permission_in_the_parent_stack_grants_a_nested_stacks_function(
    tmp_path: Path,
) -> None:
    child = tmp_path / "auth"
    child.mkdir()
    (child / "template.yaml").write_text(HEAD.format(wiring="!GetAtt Fn.Arn"))
    grant = permission(
        FunctionName="pre-sign-up",
        SourceArn='!Sub "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:'
        '${AWS::AccountId}:userpool/*"',
    )
    root = tmp_path / "template.yaml"
    nested = "Resources:\n  Auth:\n    Type: AWS::Serverless::Application\n"
    nested += "    Properties:\n      Location: auth/template.yaml\n"
    root.write_text(nested)
    assert set(load_stack(root).pools["Pool"].invoke_denied) == {"PreSignUp"}
    root.write_text(nested + grant)
    stack = load_stack(root)
    assert stack.pools["Pool"].invoke_denied == {}
    assert not [n for n in stack.notes if "may not invoke" in n]


def test_the_projects_own_template_lets_cognito_invoke_every_trigger() -> None:
    # template.yaml deploys as is: SAM Cognito events for the triggers SAM can wire, an
    # AWS::Lambda::Permission for the custom senders it cannot.
    stack = load_stack(TEMPLATE)
    pool = stack.default_pool
    assert {"PreSignUp", "UserMigration", "CustomEmailSender", "CustomSMSSender"} <= set(
        pool.triggers
    )
    assert pool.invoke_denied == {}
    assert not [n for n in stack.notes if "may not invoke" in n]


def test_a_trigger_and_a_permission_on_an_alias_of_the_function(tmp_path: Path) -> None:
    # [D] CloudFormation AWS::Lambda::Alias: Ref is the alias ARN (provisioned concurrency
    # setups wire the alias); the permission on the alias grants what Cognito invokes.
    alias = (
        "  Live:\n    Type: AWS::Lambda::Alias\n    Properties:\n"
        "      FunctionName: !Ref Fn\n      FunctionVersion: $LATEST\n      Name: live\n"
    )
    grant = permission(FunctionName="!Ref Live", SourceArn="!GetAtt Pool.Arn")
    assert denied(tmp_path, alias + grant, wiring="!Ref Live") == {}
    assert set(denied(tmp_path, alias, wiring="!Ref Live")) == {"PreSignUp"}
