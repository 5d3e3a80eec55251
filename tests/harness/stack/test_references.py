"""Ref and Fn::GetAtt of resource types the harness does not emulate have the shape
CloudFormation documents ([D] each type's "Return values"; harness/stack/references.py): a
trigger that takes such a value apart (the topic's ARN, the queue's URL) works as deployed."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.stack import TemplateError, load_stack

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ACCOUNT = "123456789012"


def environment(tmp_path: Path, resource: str, value: str) -> str:
    (tmp_path / "template.yaml").write_text(
        f"""\
Transform: AWS::Serverless-2016-10-31
Resources:
  It:
{resource}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return event\\n"
      Environment:
        Variables:
          VALUE: {value}
"""
    )
    stack = load_stack(tmp_path / "template.yaml", need_code=["Fn"])
    return stack.functions["Fn"].environment["VALUE"]


CASES = [
    # (resource, value, expected: a regular expression)
    (
        "    Type: AWS::SNS::Topic",
        "!Ref It",
        rf"arn:aws:sns:us-east-1:{ACCOUNT}:harness-It",
    ),
    (
        "    Type: AWS::SNS::Topic\n    Properties: {TopicName: alerts}",
        "!GetAtt It.TopicName",
        "alerts",
    ),
    (
        "    Type: AWS::SQS::Queue\n    Properties: {QueueName: jobs}",
        "!Ref It",
        rf"https://sqs\.us-east-1\.amazonaws\.com/{ACCOUNT}/jobs",
    ),
    (
        "    Type: AWS::SQS::Queue\n    Properties: {QueueName: jobs}",
        "!GetAtt It.Arn",
        rf"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs",
    ),
    (
        "    Type: AWS::S3::Bucket\n    Properties: {BucketName: files}",
        "!GetAtt It.Arn",
        r"arn:aws:s3:::files",
    ),
    ("    Type: AWS::KMS::Key", "!Ref It", UUID),
    ("    Type: AWS::KMS::Key", "!GetAtt It.Arn", rf"arn:aws:kms:us-east-1:{ACCOUNT}:key/{UUID}"),
    (
        "    Type: AWS::IAM::Role\n    Properties: {RoleName: runner}",
        "!GetAtt It.Arn",
        rf"arn:aws:iam::{ACCOUNT}:role/runner",
    ),
    (
        "    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /app/logs}",
        "!GetAtt It.Arn",
        rf"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/logs:\*",
    ),
    (
        "    Type: AWS::SecretsManager::Secret\n    Properties: {Name: db}",
        "!Ref It",
        rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-[0-9a-f]{{6}}",
    ),
    (
        "    Type: AWS::Serverless::StateMachine\n    Properties: {Name: flow}",
        "!Ref It",
        rf"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:flow",
    ),
    (
        "    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: s3://b/t.yaml}",
        "!Ref It",
        rf"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/harness-It/{UUID}",
    ),
    ("    Type: AWS::Cognito::IdentityPool", "!Ref It", rf"us-east-1:{UUID}"),
]


@pytest.mark.parametrize(("resource", "value", "expected"), CASES)
def test_the_documented_shape(tmp_path: Path, resource: str, value: str, expected: str) -> None:
    import re

    got = environment(tmp_path, resource, value)
    assert re.fullmatch(expected, got), got


def test_the_generated_ids_are_the_same_on_every_load(tmp_path: Path) -> None:
    first = environment(tmp_path, "    Type: AWS::KMS::Key", "!Ref It")
    assert environment(tmp_path, "    Type: AWS::KMS::Key", "!Ref It") == first


def test_an_attribute_the_type_does_not_have_names_those_it_has(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"It\.Nope cannot .* type AWS::SNS::Topic.*TopicArn"):
        environment(tmp_path, "    Type: AWS::SNS::Topic", "!GetAtt It.Nope")
