"""Codes the pool "sends": the CustomMessage trigger, where they go, and checking them.

No message leaves the harness: the code is always the ``mfa_code`` setting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.senders import SENDER_OF_MEDIUM
from harness.emulator.users import user_attributes

CODE_MISMATCH = "Invalid verification code provided, please try again."


def send_message(
    ctx: CallContext,
    trigger_source: str,
    user: CognitoIdpUser,
    *,
    code: str | None = None,
    medium: str | None = None,
) -> str | None:
    """The pool "sends" a code: CustomMessage (validated), then the custom sender trigger of
    the medium, if the pool has one. ``code``: what is sent (the ``mfa_code`` setting, or
    AdminCreateUser's temporary password); ``medium``: EMAIL or SMS, else the user's.
    Returns the sender trigger the code was handed to (Cognito then sends nothing itself)."""
    response = ctx.run_trigger(trigger_source, user)
    for name in ("smsMessage", "emailMessage"):
        message = (response or {}).get(name)
        if message is not None and "{####}" not in message:
            # [D] user-pool-lambda-custom-message: messages must contain the code parameter.
            raise errors.InvalidLambdaResponseException(
                f"Invalid lambda function output : {name} must contain {{####}}"
            )
    if medium is None:
        details = delivery(user_attributes(user))
        medium = details["DeliveryMedium"] if details else None
    sender = SENDER_OF_MEDIUM.get(medium or "")
    if sender is None or ctx.sender_key is None or not ctx.has_trigger(sender):
        return None
    secret = ctx.sender_key.encrypt(code if code is not None else ctx.settings.mfa_code)
    # [D] user-pool-lambda-custom-email-sender: Cognito invokes the sender asynchronously, so
    # its failure is not the caller's (the report still shows it).
    with contextlib.suppress(errors.CognitoError):
        ctx.run_trigger(
            f"{sender}_{trigger_source.split('_', 1)[1]}", user, request={"code": secret}
        )
    return sender


#: How a delivery line names the medium: [D] user-pool-lambda-custom-sms-sender and
#: -custom-email-sender: with a custom sender, Cognito invokes the function "instead of its
#: default behavior" and sends no SMS or email itself.
_SENT_BY = {"SMS": "sent by SMS", "EMAIL": "sent by email"}


def delivered(what: str, medium: str, destination: str, sender: str | None) -> str:
    """The report's ``delivered:`` line for a code; the code itself is never shown."""
    how = f"handed to the {sender} trigger for" if sender else f"{_SENT_BY[medium]} to"
    return f"{what} {how} {destination} (the code is the mfa_code setting)"


def check_code(ctx: CallContext, given: Any) -> None:
    """A confirmation code must be the one "sent" (the ``mfa_code`` setting)."""
    if given != ctx.settings.mfa_code:
        raise errors.CodeMismatchException(CODE_MISMATCH)


def delivery(user_attributes: Mapping[str, str]) -> dict[str, str] | None:
    """CodeDeliveryDetails for a code sent to these attributes: the email, else the phone;
    None when the user has neither (a medium the user lacks is never named)."""
    email = user_attributes.get("email")
    if email:
        local, _, domain = email.partition("@")
        return {
            "Destination": f"{local[:1]}***@{domain[:1]}***",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }
    phone = user_attributes.get("phone_number")
    if phone:
        return {
            "Destination": "+*******" + phone[-4:],
            "DeliveryMedium": "SMS",
            "AttributeName": "phone_number",
        }
    return None


def delivery_to(user: CognitoIdpUser) -> dict[str, dict[str, str]]:
    """``{"CodeDeliveryDetails": ...}`` for a response, or nothing when the user has no
    medium."""
    details = delivery(user_attributes(user))
    return {"CodeDeliveryDetails": details} if details else {}


def simulated_delivery() -> dict[str, str]:
    """What an unknown user "receives" with PreventUserExistenceErrors: nobody learns who
    exists. [D] user-pool-managing-errors."""
    details = delivery({"email": "user@example.com"})
    assert details is not None
    return details
