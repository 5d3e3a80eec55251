"""Pre authentication trigger: a sign-in policy driven by the app's metadata.

Runs on ``PreAuthentication_Authentication``. During AdminInitiateAuth / InitiateAuth the call's
``ClientMetadata`` arrives here as ``request.validationData`` (this trigger's request has no
``clientMetadata``). The app sends:

* ``appVersion`` (required): sign-in is refused below ``MIN_APP_VERSION``;
* ``tenant``: must equal the user's ``custom:tenant`` when the user has one;
* ``deviceId``: refused when listed in ``BLOCKED_DEVICES`` (comma separated).

Raising denies the sign-in: Cognito answers ``UserLambdaValidationException`` with
``PreAuthentication failed with error <message>.``. With PreventUserExistenceErrors the trigger
also runs for unknown users (``userNotFound: true``); it then applies the checks that do not
need the user and lets Cognito give its generic answer, so it reveals nothing.

Calls no AWS service, so it imports no boto3 and decides in microseconds.
"""

from __future__ import annotations

import os
from typing import Any, NoReturn

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app_metadata import (
    Field,
    MetadataSchema,
    TriggerError,
    parse_version,
    read_metadata,
    validate_envelope,
)

logger = Logger()

METADATA = MetadataSchema(
    fields=(
        Field("appVersion", kind="version", required=True, max_length=32),
        Field(
            "tenant",
            max_length=64,
            pattern=r"[a-z0-9][a-z0-9-]{0,62}",
            description="expected lowercase letters, digits and dashes",
        ),
        Field(
            "deviceId",
            max_length=128,
            pattern=r"[A-Za-z0-9._:-]{1,128}",
            description="expected letters, digits and . _ : -",
        ),
    )
)


def _policy() -> tuple[tuple[int, ...], frozenset[str]]:
    # Read per invocation: cheap, and lets a test or a config change take effect without a
    # cold start. A bad MIN_APP_VERSION is a deployment error, so it fails loudly.
    min_version = parse_version(os.environ.get("MIN_APP_VERSION", "2.0.0") or "0")
    blocked = frozenset(d.strip() for d in os.environ.get("BLOCKED_DEVICES", "").split(",") if d)
    return min_version, blocked


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = validate_envelope(event, trigger="PreAuthentication")
    metadata = read_metadata(event, METADATA, logger)
    min_version, blocked = _policy()

    if metadata["appVersion"] < min_version:
        _deny("app_version", "This app version is no longer supported; please update the app")
    device = metadata.get("deviceId")
    if device is not None and device in blocked:
        _deny("blocked_device", "Sign-in from this device is not allowed")

    request = event["request"]
    if request.get("userNotFound") is True:
        # Nothing else to check without a user; Cognito fails the sign-in itself.
        logger.info(
            "pre-authentication decision", extra={"decision": "allow", "userNotFound": True}
        )
        return event

    user_tenant = request["userAttributes"].get("custom:tenant")
    if user_tenant:
        sent_tenant = metadata.get("tenant")
        if sent_tenant is None:
            _deny("tenant_missing", "This account requires a tenant; send the tenant metadata")
        if sent_tenant != user_tenant:
            _deny("tenant_mismatch", "This account does not belong to the requested tenant")

    logger.info("pre-authentication decision", extra={"decision": "allow"})
    return event


def _deny(reason: str, message: str) -> NoReturn:
    logger.info("pre-authentication decision", extra={"decision": "deny", "reason": reason})
    raise TriggerError(message)
