"""moto stands in for the deployed stack; :class:`TriggerLogs` stands in for Cognito.

moto's AdminInitiateAuth takes ClientMetadata (boto3 serialises it; moto ignores it) but runs
no trigger. So after each AdminInitiateAuth that moto answers, :class:`TriggerLogs` writes to
moto's CloudWatch Logs what the project's deployed triggers would have written for that call:
the ``trigger metadata`` record, made by calling ``app_metadata.read_metadata`` with each
trigger's own schema through a Powertools Logger (inside ``inject_lambda_context``, as the
handlers run), and Lambda's REPORT line, at the time of the call.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from aws_lambda_powertools import Logger

import post_authentication
import pre_authentication
import pre_signup
import pre_token_generation
import user_migration
from app_metadata import MetadataSchema, TriggerError, read_metadata
from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext

REGION = "us-east-1"
STACK = "cognito-trigger-harness"
#: The ids the replays were written for (events/replays/sample.ps1's).
RECORDED_POOL = "us-east-1_AbCdEf123"
RECORDED_CLIENT = "1example23456789abcdefghij"
PASSWORD = "Passw0rd!demo"

#: Trigger → (logical id in template.yaml, the handler module's metadata schema).
TRIGGERS: dict[str, tuple[str, MetadataSchema]] = {
    "PreSignUp": ("PreSignUpFunction", pre_signup.METADATA),
    "PreAuthentication": ("PreAuthenticationFunction", pre_authentication.METADATA),
    "PostAuthentication": ("PostAuthenticationFunction", post_authentication.METADATA),
    "PreTokenGeneration": ("PreTokenGenerationFunction", pre_token_generation.METADATA),
    "UserMigration": ("UserMigrationFunction", user_migration.METADATA),
}

# One Powertools Logger for every simulated function, printing into a buffer, as the
# handlers' module-level Logger() prints to stdout (CloudWatch) in Lambda.
_BUFFER = io.StringIO()
_LOGGER = Logger(service="cognito-triggers", logger_handler=logging.StreamHandler(_BUFFER))


def trigger_log_line(
    trigger_source: str,
    *,
    function_name: str,
    username: str,
    user_pool_id: str,
    client_id: str,
    validation_data: Mapping[str, str] | None = None,
    client_metadata: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The JSON line the project's trigger logs for this event, and its Lambda request id."""
    trigger = trigger_source.split("_", 1)[0]
    schema = TRIGGERS["PreTokenGeneration" if trigger == "TokenGeneration" else trigger][1]
    event = build_event(
        trigger_source,
        username=username,
        user_pool_id=user_pool_id,
        client_id=client_id,
        validation_data=validation_data,
        client_metadata=client_metadata,
    )
    context = LambdaContext(function_name=function_name)

    @_LOGGER.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> None:
        # The record is written first; invalid metadata then fails the trigger.
        with contextlib.suppress(TriggerError):
            read_metadata(event, schema, _LOGGER)

    _BUFFER.seek(0)
    _BUFFER.truncate()
    handler(event, context)
    lines = [line for line in _BUFFER.getvalue().splitlines() if '"trigger metadata"' in line]
    assert len(lines) == 1, _BUFFER.getvalue()
    return lines[0], context.aws_request_id


@dataclass
class Deployed:
    """What `sam deploy` of template.yaml leaves in the account, as moto holds it."""

    session: boto3.Session
    stack_name: str
    user_pool_id: str
    client_id: str
    #: trigger → physical function name
    functions: dict[str, str]
    tables: dict[str, str]

    def cognito(self) -> Any:
        # A client of the default session: the TriggerLogs hooks are not on it.
        return boto3.client("cognito-idp", region_name=REGION)

    def add_user(self, username: str, password: str = PASSWORD, **attributes: str) -> None:
        cognito = self.cognito()
        cognito.admin_create_user(
            UserPoolId=self.user_pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        cognito.admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=username, Password=password, Permanent=True
        )

    def user_exists(self, username: str) -> bool:
        try:
            self.cognito().admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except self.cognito().exceptions.UserNotFoundException:
            return False
        return True

    def table_items(self, logical_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = boto3.client("dynamodb", region_name=REGION).scan(
            TableName=self.tables[logical_id]
        )["Items"]
        return items


def _function(logical_id: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Handler": "index.handler",
            "Runtime": "python3.11",
            "Role": {"Fn::GetAtt": ["TriggerRole", "Arn"]},
            "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
        },
    }


def _table(*keys: str) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
            "KeySchema": [
                {"AttributeName": k, "KeyType": kind}
                for k, kind in zip(keys, ("HASH", "RANGE"), strict=False)
            ],
        },
    }


def deploy(session: boto3.Session, stack_name: str = STACK) -> Deployed:
    """A pool and client (moto's CloudFormation has no Cognito resources, so they are made
    directly and passed to the stack as parameters), and a stack with template.yaml's logical
    ids: functions, their log groups, the two tables, and the UserPoolId / UserPoolClientId
    outputs. The pool's LambdaConfig then points at the stack's functions, as SAM wires it."""
    cognito = session.client("cognito-idp", region_name=REGION)
    pool_id = cognito.create_user_pool(
        PoolName=f"{stack_name}-users",
        UsernameConfiguration={"CaseSensitive": False},
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{stack_name}-app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    resources: dict[str, Any] = {
        "TriggerRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "InvitationsTable": _table("code"),
        "LegacyUsersTable": _table("realm", "username"),
    }
    outputs: dict[str, Any] = {
        "UserPoolId": {"Value": {"Ref": "PoolId"}},
        "UserPoolClientId": {"Value": {"Ref": "ClientId"}},
        "InvitationsTableName": {"Value": {"Ref": "InvitationsTable"}},
        "LegacyUsersTableName": {"Value": {"Ref": "LegacyUsersTable"}},
    }
    for logical_id, _ in TRIGGERS.values():
        resources[logical_id] = _function(logical_id)
        resources[logical_id.replace("Function", "LogGroup")] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"}},
        }
        outputs[f"{logical_id}Arn"] = {"Value": {"Fn::GetAtt": [logical_id, "Arn"]}}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"PoolId": {"Type": "String"}, "ClientId": {"Type": "String"}},
        "Resources": resources,
        "Outputs": outputs,
    }
    cloudformation = session.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": "PoolId", "ParameterValue": pool_id},
            {"ParameterKey": "ClientId", "ParameterValue": client_id},
        ],
        Capabilities=["CAPABILITY_IAM"],
    )
    found = {
        o["OutputKey"]: o["OutputValue"]
        for o in cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["Outputs"]
    }
    arns = {trigger: found[f"{logical_id}Arn"] for trigger, (logical_id, _) in TRIGGERS.items()}
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig=arns)
    return Deployed(
        session=session,
        stack_name=stack_name,
        user_pool_id=pool_id,
        client_id=client_id,
        functions={t: arn.rsplit(":", 1)[1] for t, arn in arns.items()},
        tables={
            "InvitationsTable": found["InvitationsTableName"],
            "LegacyUsersTable": found["LegacyUsersTableName"],
        },
    )


@dataclass
class TriggerLogs:
    """Cognito's part: after each AdminInitiateAuth moto answers, log what the triggers would.

    Success: PreAuthentication (the call's ClientMetadata as validationData), then
    PostAuthentication and PreTokenGeneration without it. NotAuthorizedException:
    PreAuthentication only. UserNotFoundException: UserMigration with validationData; when the
    legacy table holds the user, the migration "succeeds" and the user appears in the pool.
    """

    deployed: Deployed
    #: Extra (user name, trigger source) records to log with the next call, for other traffic.
    extra: list[tuple[str, str]] = field(default_factory=list)
    #: What was in the pool and the legacy table when each call ran.
    seen: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0

    def install(self, session: boto3.Session) -> TriggerLogs:
        events = session.events
        service = "cognito-identity-provider"
        events.register(f"before-parameter-build.{service}.AdminInitiateAuth", self._before)
        events.register(f"after-call.{service}.AdminInitiateAuth", self._after)
        return self

    def _before(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["live_test_params"] = dict(params)

    def _after(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        self.calls += 1
        params = context["live_test_params"]
        username = params["AuthParameters"]["USERNAME"]
        metadata = params.get("ClientMetadata") or None
        code = parsed.get("Error", {}).get("Code")
        legacy = self.deployed.table_items("LegacyUsersTable")
        self.seen.append(
            {
                "user_exists": self.deployed.user_exists(username),
                "legacy_users": [item["username"]["S"] for item in legacy],
            }
        )
        runs: list[tuple[str, Mapping[str, str] | None]] = []
        if "AuthenticationResult" in parsed:
            runs = [
                ("PreAuthentication_Authentication", metadata),
                ("PostAuthentication_Authentication", None),
                ("TokenGeneration_Authentication", None),
            ]
        elif code == "NotAuthorizedException":
            runs = [("PreAuthentication_Authentication", metadata)]
        elif code == "UserNotFoundException":
            runs = [("UserMigration_Authentication", metadata)]
            if username.lower() in [item["username"]["S"] for item in legacy]:
                self.deployed.add_user(username)
        for other_user, source in self.extra:
            self.write(source, username=other_user, validation_data=None)
        self.extra.clear()
        for source, data in runs:
            self.write(source, username=username, validation_data=data)
        time.sleep(0.003)  # the next call starts in a later millisecond than these records

    def write(
        self,
        trigger_source: str,
        *,
        username: str,
        validation_data: Mapping[str, str] | None,
        at_ms: int | None = None,
    ) -> None:
        trigger = trigger_source.split("_", 1)[0]
        trigger = "PreTokenGeneration" if trigger == "TokenGeneration" else trigger
        function = self.deployed.functions[trigger]
        line, request_id = trigger_log_line(
            trigger_source,
            function_name=function,
            username=username,
            user_pool_id=self.deployed.user_pool_id,
            client_id=self.deployed.client_id,
            validation_data=validation_data,
        )
        now = at_ms if at_ms is not None else int(time.time() * 1000)
        put_log_lines(
            f"/aws/lambda/{function}",
            [
                (now, f"START RequestId: {request_id} Version: $LATEST"),
                (now, line),
                (
                    now,
                    f"REPORT RequestId: {request_id}\tDuration: 1.50 ms\tBilled Duration: 2 ms"
                    "\tMemory Size: 256 MB\tMax Memory Used: 70 MB\tInit Duration: 250.25 ms\t",
                ),
            ],
        )


def put_log_lines(group: str, lines: list[tuple[int, str]]) -> None:
    logs = boto3.client("logs", region_name=REGION)
    stream = "2026/01/01/[$LATEST]0123456789abcdef"
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": message} for ts, message in lines],
    )
