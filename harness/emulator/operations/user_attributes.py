"""ResendConfirmationCode, UpdateUserAttributes and AdminUpdateUserAttributes.

Their only trigger is CustomMessage (a code to confirm the account or verify a changed email
or phone number), which gets the call's ClientMetadata as ``request.clientMetadata``
([D] API references of the three operations; ``harness.cognito.routing``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.operations._signin import client_metadata, send_message
from harness.emulator.operations.sign_up import attribute_map, delivery

if TYPE_CHECKING:
    from harness.emulator import Emulator

#: Attributes whose change Cognito verifies with a code, when the pool auto-verifies them.
VERIFIABLE = ("email", "phone_number")


def resend_confirmation_code(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    emu.check_secret_hash(str(params.get("Username") or ""), params.get("SecretHash"))
    metadata = client_metadata(params)
    username = params.get("Username")
    user = emu.find_user(username) if isinstance(username, str) else None
    if user is None:
        if emu.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": delivery({"email": "user@example.com"})}
        raise errors.UserNotFoundException("Username/client id combination not found.")
    if user.status != "UNCONFIRMED":
        raise errors.InvalidParameterException("User is already confirmed.")
    send_message(emu, "CustomMessage_ResendCode", "ResendConfirmationCode", user, metadata)
    return {"CodeDeliveryDetails": delivery(emu.user_attributes(user))}


def admin_update_user_attributes(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_pool_id(params.get("UserPoolId"))
    username = params.get("Username")
    user = emu.find_user(username) if isinstance(username, str) else None
    if user is None:
        raise errors.UserNotFoundException("User does not exist.")
    _update(emu, "AdminUpdateUserAttributes", user, params)
    return {}


def update_user_attributes(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("AccessToken")
    entry = emu.pool.access_tokens.get(token) if isinstance(token, str) else None
    user = emu.find_user(entry[1]) if entry else None
    if user is None:
        raise errors.NotAuthorizedException("Invalid Access Token")
    sent = _update(emu, "UpdateUserAttributes", user, params)
    return {"CodeDeliveryDetailsList": [delivery({name: value}) for name, value in sent.items()]}


def _update(
    emu: Emulator, operation: str, user: CognitoIdpUser, params: dict[str, Any]
) -> dict[str, str]:
    """Apply the change; send a verification code for each verifiable attribute that changed."""
    metadata = client_metadata(params)
    changes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    if not changes:
        raise errors.InvalidParameterException("UserAttributes must not be empty")
    current = emu.user_attributes(user)
    verify = {
        name: value
        for name, value in changes.items()
        if name in VERIFIABLE
        and name in emu.pool_spec.auto_verified_attributes
        and current.get(name) != value
    }
    updates = dict(changes)
    for name in verify:
        updates.setdefault(f"{name}_verified", "false")
    user.update_attributes([{"Name": k, "Value": v} for k, v in updates.items()])
    if verify:
        send_message(emu, "CustomMessage_UpdateUserAttribute", operation, user, metadata)
    return verify
