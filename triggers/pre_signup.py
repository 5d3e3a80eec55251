"""Pre sign-up trigger: invitation-gated self sign-up.

* ``PreSignUp_SignUp``: the app sends an ``invitationCode`` (as SignUp's ``ValidationData`` or
  ``ClientMetadata``, or as AdminInitiateAuth's ``ClientMetadata`` when a migration creates the
  user). A valid, unexpired, unused invitation issued to the sign-up's email auto-confirms the
  user and auto-verifies the email; anything else is refused with a clear message.
* ``PreSignUp_AdminCreateUser``: an administrator created the user; it passes.
* ``PreSignUp_ExternalProvider``: federated users pass unless ``ALLOW_EXTERNAL_PROVIDERS`` is
  ``false`` (the hosted UI cannot send ClientMetadata, so they cannot carry an invitation).

Invitations live in the DynamoDB table named by ``INVITATIONS_TABLE``: ``code`` (hash key),
``email``, ``expires_at`` (epoch seconds), and ``used_by`` / ``used_at`` once redeemed. Redeeming
is one conditional update, so two sign-ups cannot share an invitation, and a retry by Cognito of
the same sign-up (same user name) is accepted again: the trigger is idempotent.
"""

from __future__ import annotations

import functools
import os
import time
from typing import TYPE_CHECKING, Any, NoReturn

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from app_metadata import (
    Field,
    MetadataSchema,
    TriggerError,
    read_metadata,
    store_unavailable,
    validate_envelope,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

logger = Logger()

METADATA = MetadataSchema(
    fields=(
        Field(
            "invitationCode",
            max_length=64,
            pattern=r"[A-Za-z0-9-]{4,64}",
            description="expected 4 to 64 letters, digits or dashes",
            sensitive=True,
        ),
    )
)

UNAVAILABLE = "Sign-up is temporarily unavailable; please try again"


@functools.cache
def _dynamodb() -> DynamoDBClient:
    # One client per execution environment, reused across invocations (created lazily so that
    # importing the module costs nothing and tests can start their mocks first).
    return boto3.client("dynamodb")


def _table_name() -> str:
    name = os.environ.get("INVITATIONS_TABLE")
    if not name:
        logger.error("INVITATIONS_TABLE is not set")
        raise TriggerError(UNAVAILABLE)
    return name


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = validate_envelope(event, trigger="PreSignUp")
    metadata = read_metadata(event, METADATA, logger)
    source = event["triggerSource"]

    if source == "PreSignUp_AdminCreateUser":
        logger.info("pre-sign-up decision", extra={"decision": "allow", "reason": "admin"})
        return event
    if source == "PreSignUp_ExternalProvider":
        if os.environ.get("ALLOW_EXTERNAL_PROVIDERS", "true").lower() == "false":
            _deny("external_provider", "Sign-up through an external provider is not allowed")
        logger.info("pre-sign-up decision", extra={"decision": "allow", "reason": "external"})
        return event

    code = metadata.get("invitationCode")
    if code is None:
        _deny("no_invitation", "An invitation code is required to sign up")
    email = event["request"]["userAttributes"].get("email", "")
    if not email:
        _deny("no_email", "An email address is required to sign up")
    _redeem(code, email, event["userName"])

    response = event["response"]
    response["autoConfirmUser"] = True
    response["autoVerifyEmail"] = True
    logger.info("pre-sign-up decision", extra={"decision": "allow", "reason": "invitation"})
    return event


def _redeem(code: str, email: str, username: str) -> None:
    table = _table_name()
    try:
        item = (
            _dynamodb()
            .get_item(TableName=table, Key={"code": {"S": code}}, ConsistentRead=True)
            .get("Item")
        )
    except (ClientError, BotoCoreError) as error:
        _unavailable(error)
    if item is None or item.get("email", {}).get("S", "").casefold() != email.casefold():
        # The same answer for an unknown code and someone else's: no probing for invitations.
        _deny("invalid_invitation", "This invitation code is not valid")
    expires_at = item.get("expires_at", {}).get("N")
    if expires_at is not None and float(expires_at) <= time.time():
        _deny("expired_invitation", "This invitation has expired")
    try:
        _dynamodb().update_item(
            TableName=table,
            Key={"code": {"S": code}},
            UpdateExpression="SET used_by = :user, used_at = :now",
            ConditionExpression="attribute_not_exists(used_by) OR used_by = :user",
            ExpressionAttributeValues={
                ":user": {"S": username},
                ":now": {"N": str(int(time.time()))},
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            _deny("used_invitation", "This invitation has already been used")
        _unavailable(error)
    except BotoCoreError as error:
        _unavailable(error)


def _unavailable(error: Exception) -> NoReturn:
    store_unavailable(logger, "invitation store", error, UNAVAILABLE)


def _deny(reason: str, message: str) -> NoReturn:
    logger.info("pre-sign-up decision", extra={"decision": "deny", "reason": reason})
    raise TriggerError(message)
