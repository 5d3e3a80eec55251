"""Custom email and SMS sender trigger: decrypt the code Cognito hands over, queue the message.

Cognito invokes this function instead of sending a message itself (``CustomEmailSender_*`` and
``CustomSMSSender_*``: sign-up, resend, forgot password, admin create user, attribute update
and verification, MFA). The code, or AdminCreateUser's temporary password, arrives in
``request.code`` as an AWS Encryption SDK message under the pool's KMS key (``KMS_KEY_ARN``):
this function decrypts it with the Encryption SDK and that key, and puts the message in the
outbox table (``OUTBOX_TABLE``), from which the app's mailer and SMS gateway deliver it.

Cognito encrypts without key commitment, so decryption uses the ``REQUIRE_ENCRYPT_ALLOW_DECRYPT``
policy, as AWS's examples do (user-pool-lambda-custom-email-sender). The outbox item expires
after a day (``expires_at``, the table's TTL); the code never reaches a log.
"""

from __future__ import annotations

import base64
import functools
import os
import time
from typing import Any

import aws_encryption_sdk
import boto3
from aws_encryption_sdk.identifiers import CommitmentPolicy
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app_metadata import TriggerError

logger = Logger()

OUTBOX_SECONDS = 86_400
#: What each message says, by the event's triggerSource suffix; {code} is the secret.
MESSAGES = {
    "SignUp": "Your confirmation code is {code}",
    "ResendCode": "Your confirmation code is {code}",
    "ForgotPassword": "Your password reset code is {code}",
    "UpdateUserAttribute": "Your verification code is {code}",
    "VerifyUserAttribute": "Your verification code is {code}",
    "AdminCreateUser": "Your username is {username} and your temporary password is {code}",
    "Authentication": "Your sign-in code is {code}",
}
_DESTINATION = {"CustomEmailSender": ("EMAIL", "email"), "CustomSMSSender": ("SMS", "phone_number")}


@functools.cache
def _decryptor(key_arn: str) -> tuple[Any, Any]:
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
    )
    # Strict: only this key may decrypt, so a message under another key is refused.
    keys = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key_arn])
    return client, keys


def decrypt_code(encrypted: str) -> str:
    """The plaintext of ``request.code``."""
    client, keys = _decryptor(os.environ["KMS_KEY_ARN"])
    plaintext, _ = client.decrypt(source=base64.b64decode(encrypted), key_provider=keys)
    return bytes(plaintext).decode()


@functools.cache
def _table(name: str) -> Any:
    return boto3.resource("dynamodb").Table(name)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    source = event.get("triggerSource")
    trigger, _, suffix = str(source).partition("_")
    if trigger not in _DESTINATION or suffix not in MESSAGES:
        raise TriggerError(f"Malformed event: {source!r} is not a custom sender source")
    request = event.get("request") or {}
    attributes = request.get("userAttributes") or {}
    medium, attribute = _DESTINATION[trigger]
    destination = attributes.get(attribute)
    encrypted = request.get("code")
    if not isinstance(encrypted, str) or not destination:
        raise TriggerError(f"Malformed event: no code or no {attribute} to send it to")
    message = MESSAGES[suffix].format(code=decrypt_code(encrypted), username=event["userName"])
    _table(os.environ["OUTBOX_TABLE"]).put_item(
        Item={
            "message_id": context.aws_request_id,
            "medium": medium,
            "destination": destination,
            "kind": suffix,
            "message": message,
            "expires_at": int(time.time()) + OUTBOX_SECONDS,
        }
    )
    logger.info("message queued", extra={"medium": medium, "kind": suffix})
    return event
