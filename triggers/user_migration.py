"""User migration trigger: move users from a legacy store into the pool on first use.

* ``UserMigration_Authentication``: the user signs in with a name the pool does not know; the
  trigger verifies the password against the legacy hash and returns the user's attributes with
  ``finalUserStatus`` CONFIRMED and ``messageAction`` SUPPRESS, so Cognito creates the user and
  signs them in.
* ``UserMigration_ForgotPassword``: the user asks for a reset; the trigger returns the attributes
  without a password check (``messageAction`` SUPPRESS), Cognito creates the user in
  RESET_REQUIRED and sends the reset code.

The app may choose the legacy realm with a ``realm`` metadata key (``validationData`` during
AdminInitiateAuth, ``clientMetadata`` during ForgotPassword); the default is
``DEFAULT_LEGACY_REALM``. Legacy users live in the DynamoDB table named by
``LEGACY_USERS_TABLE``: ``realm`` (hash key), ``username`` (range key, lower case),
``password_hash`` and ``salt`` (hex), ``iterations``, ``algorithm`` (``pbkdf2_sha256``),
``email``, ``email_verified``, ``name``, ``tenant``, ``status``.

The trigger only reads, so Cognito's retries are harmless. The password never reaches a log, a
response or an error message.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
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
            "realm",
            max_length=32,
            pattern=r"[a-z0-9][a-z0-9-]{0,31}",
            description="expected lowercase letters, digits and dashes",
        ),
    )
)

BAD_CREDENTIALS = "Incorrect username or password"
UNAVAILABLE = "Sign-in is temporarily unavailable; please try again"
SUPPORTED_ALGORITHM = "pbkdf2_sha256"
#: Cognito gives a trigger 5 seconds; refuse hashes whose cost could not fit in it.
MAX_ITERATIONS = 1_000_000
MAX_PASSWORD_CHARS = 256
#: Cognito user names are 1 to 128 characters. [D] AdminCreateUser API reference, Username.
MAX_USERNAME_CHARS = 128
#: Work done for an unknown user too, so response time does not tell who exists.
_DUMMY_SALT = bytes(16)
_DUMMY_ITERATIONS = 100_000


@functools.cache
def _dynamodb() -> DynamoDBClient:
    # One client per execution environment, reused across invocations.
    return boto3.client("dynamodb")


def hash_password(password: str, salt: bytes, iterations: int) -> str:
    """The legacy store's hash: PBKDF2-HMAC-SHA256, hex encoded."""
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations).hex()


# log_event=False wins over POWERTOOLS_LOGGER_LOG_EVENT: this event carries a plaintext password.
@logger.inject_lambda_context(clear_state=True, log_event=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = validate_envelope(event, trigger="UserMigration")
    metadata = read_metadata(event, METADATA, logger)
    source = event["triggerSource"]
    realm = metadata.get("realm") or os.environ.get("DEFAULT_LEGACY_REALM", "default")
    username = event["userName"]
    item = _find(realm, username)

    if source == "UserMigration_Authentication":
        password = event["request"].get("password")
        if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD_CHARS:
            _deny("bad_password_field", BAD_CREDENTIALS)
        if not _verify(password, item) or item is None:
            _deny("bad_credentials" if item else "not_found", BAD_CREDENTIALS)
        response = event["response"]
        response["finalUserStatus"] = "CONFIRMED"
    elif source == "UserMigration_ForgotPassword":
        if item is None:
            _deny("not_found", "This account cannot be reset")
        response = event["response"]
    else:
        raise TriggerError("Malformed event: unknown UserMigration triggerSource")

    if _text(item, "status") == "disabled":
        _deny("disabled", "This account is disabled")
    response["userAttributes"] = _attributes(item, realm)
    response["messageAction"] = "SUPPRESS"
    logger.info("user migration decision", extra={"decision": "migrate", "realm": realm})
    return event


def _find(realm: str, username: str) -> dict[str, Any] | None:
    if not 0 < len(username) <= MAX_USERNAME_CHARS:
        return None  # not a name Cognito accepts, so no legacy user can have it
    table = os.environ.get("LEGACY_USERS_TABLE")
    if not table:
        logger.error("LEGACY_USERS_TABLE is not set")
        raise TriggerError(UNAVAILABLE)
    try:
        found = _dynamodb().get_item(
            TableName=table,
            Key={"realm": {"S": realm}, "username": {"S": username.lower()}},
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as error:
        store_unavailable(logger, "legacy store", error, UNAVAILABLE)
    item: dict[str, Any] | None = found.get("Item")
    return item


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name, {})
    if "S" in value:
        return str(value["S"])
    if "BOOL" in value:
        return "true" if value["BOOL"] else "false"
    if "N" in value:
        return str(value["N"])
    return ""


def _verify(password: str, item: dict[str, Any] | None) -> bool:
    if item is None:
        hash_password(password, _DUMMY_SALT, _DUMMY_ITERATIONS)
        return False
    try:
        salt = bytes.fromhex(_text(item, "salt"))
        iterations = int(_text(item, "iterations") or "0")
    except ValueError:
        iterations = 0
    if _text(item, "algorithm") != SUPPORTED_ALGORITHM or not 0 < iterations <= MAX_ITERATIONS:
        logger.error("legacy hash unusable", extra={"algorithm": _text(item, "algorithm")})
        raise TriggerError(UNAVAILABLE)
    expected = _text(item, "password_hash").lower()
    return hmac.compare_digest(hash_password(password, salt, iterations), expected)


def _attributes(item: dict[str, Any], realm: str) -> dict[str, str]:
    attributes = {
        "email": _text(item, "email"),
        "email_verified": "true" if _text(item, "email_verified") == "true" else "false",
        "name": _text(item, "name"),
        "custom:tenant": _text(item, "tenant"),
        "custom:legacy_realm": realm,
    }
    return {name: value for name, value in attributes.items() if value}


def _deny(reason: str, message: str) -> NoReturn:
    logger.info("user migration decision", extra={"decision": "deny", "reason": reason})
    raise TriggerError(message)
