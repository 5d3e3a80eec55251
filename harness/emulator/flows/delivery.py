"""Codes the pool "sends": the CustomMessage trigger, where they go, and checking them.

No message leaves the harness: the code is always the ``mfa_code`` setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.users import user_attributes

CODE_MISMATCH = "Invalid verification code provided, please try again."


def send_message(ctx: CallContext, trigger_source: str, user: CognitoIdpUser) -> None:
    """Run CustomMessage (the pool "sends" a code); validate what it returns."""
    response = ctx.run_trigger(trigger_source, user)
    if not response:
        return
    for name in ("smsMessage", "emailMessage"):
        message = response.get(name)
        if message is not None and "{####}" not in message:
            # [D] user-pool-lambda-custom-message: messages must contain the code parameter.
            raise errors.InvalidLambdaResponseException(
                f"Invalid lambda function output : {name} must contain {{####}}"
            )


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
