"""The deployed stack in AWS: its user pool, app client, trigger functions and tables.

Shared by the live replay (:mod:`harness.replay.live`) and the Lambda invoker
(:mod:`harness.invokers.lambda_`). A target is named either by a CloudFormation stack (the
project's ``template.yaml`` outputs ``UserPoolId`` and ``UserPoolClientId``; the stack's
resources give the functions' and tables' physical names) or by a pool id and a client id (the
pool's ``LambdaConfig`` gives the functions).

Everything that stops the harness from working against AWS (no credentials, no region, a stack
or pool that does not exist, a permission the caller lacks) is a
:class:`~harness.aws.errors.LiveError` whose message is one line saying what to do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from harness.aws.errors import LiveError, aws_call, aws_error, live_error, one_line
from harness.cognito.triggers import TRIGGER_KEYS

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

__all__ = [
    "DeployedFunction",
    "StackResource",
    "Target",
    "aws_session",
    "describe_user_pool",
    "detach_from_moto",
    "find_target",
    "lambda_config_functions",
    "region_of_pool",
    "stack_resources",
]

_POOL_ID = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$")


def region_of_pool(user_pool_id: str | None) -> str | None:
    """``us-east-1_AbC123`` → ``us-east-1`` (a pool id starts with its region)."""
    match = _POOL_ID.match(user_pool_id or "")
    return match[1] if match else None


def aws_session(
    *, region: str | None, profile: str | None, user_pool_id: str | None = None
) -> boto3.Session:
    """A boto3 session from the standard credential chain, ``--profile`` and ``--region``.

    Without a region from the arguments or the profile, a pool id's own region is used.
    Credentials are resolved here, once: a session made before the emulator starts moto keeps
    the real credentials even though moto puts fake ones in the environment while it runs.
    """
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        if session.region_name is None:
            inferred = region_of_pool(user_pool_id)
            if inferred is None:
                raise LiveError(
                    "no AWS region: pass --region, or set a region in your AWS profile "
                    "(aws configure set region REGION)"
                )
            session = boto3.Session(profile_name=profile, region_name=inferred)
        credentials = session.get_credentials()
    except ProfileNotFound:
        raise LiveError(
            f"AWS profile '{profile}' not found; pass --profile with a profile of "
            "~/.aws/config, or leave it out to use the default credentials"
        ) from None
    except BotoCoreError as error:
        raise LiveError(f"AWS credentials: {one_line(error)}") from None
    if credentials is None:
        raise LiveError(
            "no AWS credentials found: configure them (aws configure, aws sso login, "
            "AWS_PROFILE) or pass --profile"
        )
    return session


def detach_from_moto(client: Any) -> Any:
    """Take ``client`` out of moto's hands, so it reaches AWS even while a moto mock runs.

    The emulator runs moto in-process (``mock_aws``), and moto answers every botocore client of
    the process while it runs, through a ``before-send`` handler that botocore copies into each
    client it creates. Unregistering that handler from this client's own copy leaves every
    other client, and moto, as they are. Without moto installed there is nothing to do.
    """
    try:
        from moto.core.models import botocore_stubber
    except ImportError:  # pragma: no cover - moto is a dependency of the harness
        return client
    client.meta.events.unregister("before-send", botocore_stubber)
    return client


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    physical_id: str
    resource_type: str


@dataclass(frozen=True)
class DeployedFunction:
    """A function wired to a trigger of the deployed pool."""

    trigger: str
    arn: str
    #: The template's logical id, when the function belongs to the stack.
    logical_id: str | None = None

    @property
    def name(self) -> str:
        """The function name: ``arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]``."""
        parts = self.arn.split(":")
        return parts[6] if len(parts) >= 7 and parts[5] == "function" else self.arn

    @property
    def log_group(self) -> str:
        """Lambda's default log group, the one template.yaml creates for each function."""
        return f"/aws/lambda/{self.name}"

    @property
    def label(self) -> str:
        """How a report names it: the logical id when known, else the function name."""
        return self.logical_id or self.name


@dataclass(frozen=True)
class Target:
    """A deployed pool and app client, with the functions wired to the pool's triggers."""

    region: str
    user_pool_id: str
    client_id: str
    stack_name: str | None
    functions: tuple[DeployedFunction, ...]
    resources: Mapping[str, StackResource] = field(default_factory=dict)
    outputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``stack NAME (pool ID)`` or ``pool ID``, for messages."""
        pool = f"pool {self.user_pool_id} in {self.region}"
        return f"stack {self.stack_name} ({pool})" if self.stack_name else pool

    def table_name(self, logical_id: str) -> str | None:
        """The physical name of the stack's table ``logical_id`` (None without a stack)."""
        resource = self.resources.get(logical_id)
        if resource is not None and resource.resource_type == "AWS::DynamoDB::Table":
            return resource.physical_id
        return self.outputs.get(f"{logical_id}Name") or self.outputs.get(
            f"{logical_id.removesuffix('Table')}TableName"
        )


def _describe_stack(cloudformation: Any, operation: str, stack_name: str) -> dict[str, Any]:
    """``DescribeStacks`` or ``DescribeStackResources`` of ``stack_name``; a stack that does
    not exist is said as such."""
    try:
        with aws_call(
            f"cloudformation:{operation}", f"stack {stack_name}", expect={"ValidationError"}
        ):
            return dict(getattr(cloudformation, xform_name(operation))(StackName=stack_name))
    except ClientError as error:
        if "does not exist" in aws_error(error)[1]:
            raise LiveError(
                f"stack '{stack_name}' not found in {cloudformation.meta.region_name}: check "
                "--stack-name and --region (sam deploy's stack name is in samconfig.toml)"
            ) from None
        raise live_error(f"cloudformation:{operation}", f"stack {stack_name}", error) from None


def stack_resources(cloudformation: Any, stack_name: str) -> dict[str, StackResource]:
    """The stack's resources by logical id (``DescribeStackResources``: up to 100 resources)."""
    listed = _describe_stack(cloudformation, "DescribeStackResources", stack_name)
    return {
        item["LogicalResourceId"]: StackResource(
            item["LogicalResourceId"], item.get("PhysicalResourceId", ""), item["ResourceType"]
        )
        for item in listed.get("StackResources", [])
    }


def _stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    stacks = _describe_stack(cloudformation, "DescribeStacks", stack_name)["Stacks"]
    if not stacks:
        raise LiveError(f"stack '{stack_name}' not found: check --stack-name and --region")
    return {
        item["OutputKey"]: item["OutputValue"]
        for item in stacks[0].get("Outputs", [])
        if "OutputKey" in item and "OutputValue" in item
    }


def _only(
    resources: Mapping[str, StackResource], resource_type: str, stack_name: str, output: str
) -> str:
    found = [r.physical_id for r in resources.values() if r.resource_type == resource_type]
    if len(found) != 1:
        raise LiveError(
            f"stack '{stack_name}' has no {output} output and {len(found)} {resource_type} "
            f"resources; add the {output} output (template.yaml has it) or pass --user-pool-id "
            "and --client-id"
        )
    return found[0]


def lambda_config_functions(lambda_config: Mapping[str, Any]) -> dict[str, str]:
    """Trigger → function ARN from a pool's ``LambdaConfig``.

    PreTokenGenerationConfig, CustomSMSSender, CustomEmailSender and InboundFederation hold a
    ``{LambdaArn, LambdaVersion}`` object; the other keys the ARN itself.
    """
    functions: dict[str, str] = {}
    for key, value in lambda_config.items():
        trigger = "PreTokenGeneration" if key == "PreTokenGenerationConfig" else key
        if trigger not in TRIGGER_KEYS:
            continue  # KMSKeyID
        arn = value.get("LambdaArn") if isinstance(value, Mapping) else value
        if isinstance(arn, str) and arn:
            functions.setdefault(trigger, arn)
    return functions


def describe_user_pool(cognito: Any, user_pool_id: str, region: str, where: str) -> dict[str, Any]:
    """The pool's description (``DescribeUserPool``); ``where`` names the option that gave
    its id, for the message when the pool does not exist."""
    try:
        with aws_call(
            "cognito-idp:DescribeUserPool",
            f"pool {user_pool_id}",
            expect={"ResourceNotFoundException"},
        ):
            return dict(cognito.describe_user_pool(UserPoolId=user_pool_id)["UserPool"])
    except ClientError:
        raise LiveError(
            f"user pool {user_pool_id} not found in {region}: check {where} and --region"
        ) from None


def find_target(
    session: boto3.Session,
    *,
    stack_name: str | None,
    user_pool_id: str | None,
    client_id: str | None,
) -> Target:
    """Find the deployed pool, client and trigger functions (``DescribeStacks``,
    ``DescribeStackResources``, ``DescribeUserPool``)."""
    if stack_name and (user_pool_id or client_id):
        raise LiveError("give --stack-name, or --user-pool-id with --client-id, not both")
    if not stack_name and not (user_pool_id and client_id):
        raise LiveError(
            "name the deployed pool: --stack-name NAME, or --user-pool-id ID with --client-id ID"
        )
    region = session.region_name or region_of_pool(user_pool_id) or ""
    resources: dict[str, StackResource] = {}
    outputs: dict[str, str] = {}
    if stack_name:
        cloudformation = session.client("cloudformation", region_name=region)
        outputs = _stack_outputs(cloudformation, stack_name)
        resources = stack_resources(cloudformation, stack_name)
        user_pool_id = outputs.get("UserPoolId") or _only(
            resources, "AWS::Cognito::UserPool", stack_name, "UserPoolId"
        )
        client_id = outputs.get("UserPoolClientId") or _only(
            resources, "AWS::Cognito::UserPoolClient", stack_name, "UserPoolClientId"
        )
    assert user_pool_id is not None
    assert client_id is not None
    cognito: CognitoIdentityProviderClient = session.client("cognito-idp", region_name=region)
    where = f"stack {stack_name}'s output UserPoolId" if stack_name else "--user-pool-id"
    pool = describe_user_pool(cognito, user_pool_id, region, where)
    by_name = {
        r.physical_id: r.logical_id
        for r in resources.values()
        if r.resource_type == "AWS::Lambda::Function"
    }
    functions = tuple(
        DeployedFunction(trigger, arn, by_name.get(DeployedFunction(trigger, arn).name))
        for trigger, arn in lambda_config_functions(dict(pool.get("LambdaConfig", {}))).items()
    )
    return Target(
        region=region,
        user_pool_id=user_pool_id,
        client_id=client_id,
        stack_name=stack_name,
        functions=functions,
        resources=resources,
        outputs=outputs,
    )
