"""ResendConfirmationCode, UpdateUserAttributes and AdminUpdateUserAttributes.

Their only trigger is CustomMessage (a code to confirm the account or verify a changed email
or phone number), which gets the call's ClientMetadata as ``request.clientMetadata``
([D] API references of the three operations; ``harness.cognito.routing``).
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.accounts import NO_SUCH_USER
from harness.emulator.flows.delivery import (
    check_code,
    delivery,
    delivery_to,
    send_message,
    simulated_delivery,
)
from harness.emulator.flows.requests import attribute_map
from harness.emulator.schema import check_declared, check_mutable, pool_schema

#: Attributes whose change Cognito verifies with a code, when the pool auto-verifies them.
VERIFIABLE = ("email", "phone_number")
#: The medium a code to verify each attribute goes by.
MEDIUM_OF = {"email": "EMAIL", "phone_number": "SMS"}


def resend_confirmation_code(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.check_secret_hash(params.get("Username"), params, "SecretHash")
    user = ctx.find_user(params.get("Username"))
    if user is None:
        if ctx.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": simulated_delivery()}
        raise errors.UserNotFoundException(NO_SUCH_USER)
    if user.status != "UNCONFIRMED":
        raise errors.InvalidParameterException("User is already confirmed.")
    send_message(ctx, "CustomMessage_ResendCode", user)
    return delivery_to(user)


def admin_update_user_attributes(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = ctx.find_user(params.get("Username"))
    if user is None:
        raise errors.UserNotFoundException("User does not exist.")
    _update(ctx, user, params)
    return {}


def update_user_attributes(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = _signed_in_user(ctx, params)
    sent = _update(ctx, user, params)
    sent_to = [delivery({name: value}) for name, value in sent.items()]
    return {"CodeDeliveryDetailsList": [d for d in sent_to if d]}


def _update(ctx: CallContext, user: CognitoIdpUser, params: dict[str, Any]) -> dict[str, str]:
    """Apply the change; send a verification code for each verifiable attribute that changed."""
    changes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    if not changes:
        raise errors.InvalidParameterException("UserAttributes must not be empty")
    current = ctx.user_attributes(user)
    schema = pool_schema(ctx.pool_spec.properties)
    check_declared(schema, changes)
    check_mutable(schema, changes, current)
    verify = {
        name: value
        for name, value in changes.items()
        if name in VERIFIABLE
        and name in ctx.pool_spec.auto_verified_attributes
        and current.get(name) != value
    }
    updates = dict(changes)
    for name in verify:
        updates.setdefault(f"{name}_verified", "false")
    user.update_attributes([{"Name": k, "Value": v} for k, v in updates.items()])
    if verify:
        medium = MEDIUM_OF["email"] if "email" in verify else MEDIUM_OF["phone_number"]
        send_message(ctx, "CustomMessage_UpdateUserAttribute", user, medium=medium)
    return verify


def get_user_attribute_verification_code(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """A code to verify the signed-in user's email or phone number: CustomMessage (and the
    sender) with CustomMessage_VerifyUserAttribute. [D] GetUserAttributeVerificationCode API
    reference."""
    user = _signed_in_user(ctx, params)
    name = params.get("AttributeName")
    value = ctx.user_attributes(user).get(str(name))
    if name not in VERIFIABLE:
        raise errors.InvalidParameterException(f"Invalid attribute name: {name}")
    if not value:
        raise errors.InvalidParameterException(f"The user has no {name} to verify")
    send_message(ctx, "CustomMessage_VerifyUserAttribute", user, medium=MEDIUM_OF[str(name)])
    return {"CodeDeliveryDetails": delivery({str(name): value})}


def verify_user_attribute(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The code sent for an attribute verifies it (``<name>_verified`` true). [D]
    VerifyUserAttribute API reference."""
    user = _signed_in_user(ctx, params)
    name = params.get("AttributeName")
    if name not in VERIFIABLE:
        raise errors.InvalidParameterException(f"Invalid attribute name: {name}")
    check_code(ctx, params.get("Code"))
    user.update_attributes([{"Name": f"{name}_verified", "Value": "true"}])
    return {}


def _signed_in_user(ctx: CallContext, params: dict[str, Any]) -> CognitoIdpUser:
    token = params.get("AccessToken")
    entry = ctx.pool.access_tokens.get(token) if isinstance(token, str) else None
    user = ctx.find_user(entry[1]) if entry else None
    if user is None:
        raise errors.NotAuthorizedException("Invalid Access Token")
    return user
