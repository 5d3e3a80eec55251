"""What Ref and Fn::GetAtt return for resource types the harness does not emulate.

A trigger often receives such a value in an environment variable (a topic's ARN, a queue's URL)
and takes it apart: the value must have the shape CloudFormation documents, even though no such
resource exists here. One row per type: the property that names the resource (else the name is
CloudFormation's generated ``<stack>-<LogicalId>``), what ``Ref`` returns, and the attributes of
``Fn::GetAtt``. [D] each row: the "Return values" section of the type's page in the
CloudFormation template reference (``aws-resource-<service>-<type>``), or, for ``Serverless``
types, the SAM resource's "Return values".

The templates' fields: ``{partition}``, ``{region}``, ``{account}``, ``{suffix}`` (the URL
suffix), ``{name}`` (the physical name), ``{uuid}`` and ``{id}`` (a deterministic UUID and a
10-character id of the resource, where AWS generates one; ``{id6}``, ``{rid}``: other ones).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class Shape:
    """What Ref and Fn::GetAtt return for one resource type."""

    #: The property holding the resource's name, if the type has one.
    name_property: str | None
    #: Ref's value (a template, see the module's fields).
    ref: str
    #: Fn::GetAtt's attributes and their values.
    attributes: Mapping[str, str] = field(default_factory=dict)


_STACK_ID = "arn:{partition}:cloudformation:{region}:{account}:stack/{name}/{uuid}"
_LAYER = "arn:{partition}:lambda:{region}:{account}:layer:{name}:1"
_STATE_MACHINE = "arn:{partition}:states:{region}:{account}:stateMachine:{name}"
_SNS = "arn:{partition}:sns:{region}:{account}:{name}"
_REST_API = Shape(None, "{id}", {"RootResourceId": "{rid}"})
_HTTP_API = Shape(None, "{id}", {"ApiEndpoint": "https://{id}.execute-api.{region}.{suffix}"})

#: Type → its Ref and Fn::GetAtt values ([D] the type's "Return values", see the module).
SHAPES: Final[Mapping[str, Shape]] = {
    # Ref: the topic's ARN; GetAtt TopicArn, TopicName.
    "AWS::SNS::Topic": Shape("TopicName", _SNS, {"TopicArn": _SNS, "TopicName": "{name}"}),
    # Ref: the queue's URL; GetAtt Arn, QueueName, QueueUrl.
    "AWS::SQS::Queue": Shape(
        "QueueName",
        "https://sqs.{region}.{suffix}/{account}/{name}",
        {
            "Arn": "arn:{partition}:sqs:{region}:{account}:{name}",
            "QueueName": "{name}",
            "QueueUrl": "https://sqs.{region}.{suffix}/{account}/{name}",
        },
    ),
    # Ref: the bucket's name; GetAtt Arn, DomainName, RegionalDomainName.
    "AWS::S3::Bucket": Shape(
        "BucketName",
        "{name}",
        {
            "Arn": "arn:{partition}:s3:::{name}",
            "DomainName": "{name}.s3.{suffix}",
            "RegionalDomainName": "{name}.s3.{region}.{suffix}",
        },
    ),
    # Ref: the role's name; GetAtt Arn (IAM is global: no region).
    "AWS::IAM::Role": Shape(
        "RoleName", "{name}", {"Arn": "arn:{partition}:iam::{account}:role/{name}"}
    ),
    "AWS::IAM::User": Shape(
        "UserName", "{name}", {"Arn": "arn:{partition}:iam::{account}:user/{name}"}
    ),
    # Ref: the policy's ARN; GetAtt PolicyArn.
    "AWS::IAM::ManagedPolicy": Shape(
        "ManagedPolicyName",
        "arn:{partition}:iam::{account}:policy/{name}",
        {"PolicyArn": "arn:{partition}:iam::{account}:policy/{name}"},
    ),
    # Ref: the key's id (a UUID); GetAtt Arn, KeyId.
    "AWS::KMS::Key": Shape(
        None,
        "{uuid}",
        {"Arn": "arn:{partition}:kms:{region}:{account}:key/{uuid}", "KeyId": "{uuid}"},
    ),
    # Ref: the alias's name (alias/...).
    "AWS::KMS::Alias": Shape("AliasName", "{name}"),
    # Ref: the log group's name; GetAtt Arn (ending in :*).
    "AWS::Logs::LogGroup": Shape(
        "LogGroupName",
        "{name}",
        {"Arn": "arn:{partition}:logs:{region}:{account}:log-group:{name}:*"},
    ),
    # Ref: the secret's ARN (the name and a six-character suffix); GetAtt Id is the ARN too.
    "AWS::SecretsManager::Secret": Shape(
        "Name",
        "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-{id6}",
        {"Id": "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-{id6}"},
    ),
    # Ref: the parameter's name.
    "AWS::SSM::Parameter": Shape("Name", "{name}"),
    # Ref: the stack's id; GetAtt Outputs.<Name> (harness.stack.loader reads the child).
    "AWS::CloudFormation::Stack": Shape(None, _STACK_ID),
    # SAM generates an AWS::CloudFormation::Stack of the application's logical id.
    "AWS::Serverless::Application": Shape(None, _STACK_ID),
    # Ref: the layer version's ARN (SAM's LayerVersion too).
    "AWS::Lambda::LayerVersion": Shape("LayerName", _LAYER),
    "AWS::Serverless::LayerVersion": Shape("LayerName", _LAYER),
    # Ref: the state machine's ARN; GetAtt Arn, Name.
    "AWS::StepFunctions::StateMachine": Shape(
        "StateMachineName", _STATE_MACHINE, {"Arn": _STATE_MACHINE, "Name": "{name}"}
    ),
    "AWS::Serverless::StateMachine": Shape(
        "Name", _STATE_MACHINE, {"Arn": _STATE_MACHINE, "Name": "{name}"}
    ),
    # Ref: the rule's name (default event bus); GetAtt Arn.
    "AWS::Events::Rule": Shape(
        "Name", "{name}", {"Arn": "arn:{partition}:events:{region}:{account}:rule/{name}"}
    ),
    "AWS::Kinesis::Stream": Shape(
        "Name", "{name}", {"Arn": "arn:{partition}:kinesis:{region}:{account}:stream/{name}"}
    ),
    # Ref: the API's id; GetAtt RootResourceId / ApiEndpoint.
    "AWS::ApiGateway::RestApi": _REST_API,
    "AWS::Serverless::Api": _REST_API,
    "AWS::ApiGatewayV2::Api": _HTTP_API,
    "AWS::Serverless::HttpApi": _HTTP_API,
    # Ref: the identity pool's id (<region>:<uuid>); GetAtt Name.
    "AWS::Cognito::IdentityPool": Shape(
        "IdentityPoolName", "{region}:{uuid}", {"Name": "{name}", "Id": "{region}:{uuid}"}
    ),
    # Ref of a group is its GroupName, of a user its Username, of a resource server its
    # Identifier, of a domain its Domain, of an identity provider its ProviderName.
    "AWS::Cognito::UserPoolGroup": Shape("GroupName", "{name}"),
    "AWS::Cognito::UserPoolUser": Shape("Username", "{name}"),
    "AWS::Cognito::UserPoolResourceServer": Shape("Identifier", "{name}"),
    "AWS::Cognito::UserPoolDomain": Shape("Domain", "{name}"),
    "AWS::Cognito::UserPoolIdentityProvider": Shape("ProviderName", "{name}"),
}


def value(
    template: str,
    *,
    name: str,
    key: str,
    partition: str,
    region: str,
    account: str,
    suffix: str,
) -> str:
    """``template`` filled for the resource named ``name``; ``key`` (stack and logical id)
    seeds the ids AWS would generate, the same on every run."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return template.format(
        partition=partition,
        region=region,
        account=account,
        suffix=suffix,
        name=name,
        uuid=uuid.uuid5(uuid.NAMESPACE_URL, key),
        id=digest[:10],
        id6=digest[10:16],
        rid=digest[16:26],
    )
