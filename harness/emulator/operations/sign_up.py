"""SignUp, AdminCreateUser, ConfirmSignUp and AdminConfirmSignUp with their triggers.

SignUp's and AdminCreateUser's ``ValidationData`` (a list of name/value pairs) reaches PreSignUp
as ``request.validationData``; their ``ClientMetadata`` arrives as ``request.clientMetadata``
([D] SignUp / AdminCreateUser API references; ``harness.cognito.routing``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.cognitoidp.exceptions import InvalidPasswordException as MotoInvalidPassword
from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.operations._signin import client_metadata, send_message
from harness.emulator.users import status_of

if TYPE_CHECKING:
    from harness.emulator import Emulator

CODE_MISMATCH = "Invalid verification code provided, please try again."


def attribute_map(value: Any, name: str) -> dict[str, str]:
    """``[{"Name": "email", "Value": "a@b.c"}]`` → ``{"email": "a@b.c"}``."""
    if value is None:
        return {}
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and isinstance(a.get("Name"), str) for a in value
    ):
        raise errors.InvalidParameterException(f"{name} must be a list of {{Name, Value}} objects")
    return {a["Name"]: str(a.get("Value", "")) for a in value}


#: Cognito words the policy failure differently for SignUp and for a new password chosen at
#: a NEW_PASSWORD_REQUIRED challenge (as observed; the code is InvalidPasswordException).
POLICY_SIGN_UP = "Password did not conform with policy"
POLICY_CHALLENGE = "Password does not conform to policy"


def validate_password(
    emu: Emulator, password: Any, *, parameter: str = "Password", wording: str = POLICY_SIGN_UP
) -> str:
    """The password, checked against the pool's policy (moto's implementation of it)."""
    if not isinstance(password, str) or not password:
        raise errors.InvalidParameterException(f"Missing required parameter {parameter}")
    try:
        emu.backend._validate_password(emu.user_pool_id, password)
    except MotoInvalidPassword:
        raise errors.InvalidPasswordException(
            f"{wording}: Password not long enough or missing a required character class"
        ) from None
    return password


def delivery(user_attributes: Mapping[str, str]) -> dict[str, str]:
    email = user_attributes.get("email")
    if email:
        local, _, domain = email.partition("@")
        return {
            "Destination": f"{local[:1]}***@{domain[:1]}***",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }
    phone = user_attributes.get("phone_number", "")
    return {
        "Destination": "+*******" + phone[-4:],
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }


def sign_up(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    emu.check_secret_hash(str(params.get("Username") or ""), params.get("SecretHash"))
    username = params.get("Username")
    if not isinstance(username, str) or not username:
        raise errors.InvalidParameterException("Missing required parameter Username")
    password = validate_password(emu, params.get("Password"))
    attributes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    validation = attribute_map(params.get("ValidationData"), "ValidationData")
    metadata = client_metadata(params)
    if emu.find_user(username) is not None:
        raise errors.UsernameExistsException("User already exists")

    response = (
        emu.dispatcher.run(
            "PreSignUp_SignUp",
            operation="SignUp",
            username=username,
            client_id=emu.client_id,
            user_attributes=attributes,
            client_metadata=metadata,
            validation_data=validation,
        )
        or {}
    )
    confirm = response.get("autoConfirmUser") is True
    if response.get("autoVerifyEmail") is True and "email" in attributes:
        attributes["email_verified"] = "true"
    if response.get("autoVerifyPhone") is True and "phone_number" in attributes:
        attributes["phone_number_verified"] = "true"
    user = emu.create_user(
        username,
        password=password,
        status="CONFIRMED" if confirm else "UNCONFIRMED",
        attributes=attributes,
    )
    result: dict[str, Any] = {"UserConfirmed": confirm, "UserSub": user.id}
    if confirm:
        # An auto-confirmed user is confirmed at sign-up, so PostConfirmation runs now.
        post_confirmation(emu, "PostConfirmation_ConfirmSignUp", "SignUp", user, metadata)
    else:
        send_message(emu, "CustomMessage_SignUp", "SignUp", user, metadata)
        result["CodeDeliveryDetails"] = delivery(emu.user_attributes(user))
    return result


def admin_create_user(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_pool_id(params.get("UserPoolId"))
    username = params.get("Username")
    if not isinstance(username, str) or not username:
        raise errors.InvalidParameterException("Missing required parameter Username")
    attributes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    validation = attribute_map(params.get("ValidationData"), "ValidationData")
    metadata = client_metadata(params)
    action = params.get("MessageAction")
    if action not in (None, "SUPPRESS", "RESEND"):
        raise errors.InvalidParameterException(
            f"1 validation error detected: Value '{action}' at 'messageAction' failed to "
            "satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
        )
    existing = emu.find_user(username)
    temporary = params.get("TemporaryPassword")
    temporary = validate_password(emu, temporary) if temporary else _temporary_password()
    if action == "RESEND":
        # [D] AdminCreateUser API reference, MessageAction: RESEND re-sends the invitation to
        # a user that exists (a new temporary password); it creates nobody, runs no PreSignUp.
        if existing is None:
            raise errors.UserNotFoundException("User does not exist.")
        if existing.status != "FORCE_CHANGE_PASSWORD":
            raise errors.UnsupportedUserStateException(
                f"Resend not possible. {existing.username} status is not FORCE_CHANGE_PASSWORD"
            )
        existing.password = temporary
        send_message(emu, "CustomMessage_AdminCreateUser", "AdminCreateUser", existing, metadata)
        return {"User": _user_json(emu, existing)}
    if existing is not None:
        raise errors.UsernameExistsException("User account already exists")
    # The response of PreSignUp_AdminCreateUser is ignored: the admin decides. [D]
    emu.dispatcher.run(
        "PreSignUp_AdminCreateUser",
        operation="AdminCreateUser",
        username=username,
        client_id="CLIENT_ID_NOT_APPLICABLE",
        user_attributes=attributes,
        client_metadata=metadata,
        validation_data=validation,
    )
    user = emu.create_user(
        username, password=temporary, status="FORCE_CHANGE_PASSWORD", attributes=attributes
    )
    if action != "SUPPRESS":
        send_message(emu, "CustomMessage_AdminCreateUser", "AdminCreateUser", user, metadata)
    return {"User": _user_json(emu, user)}


def confirm_sign_up(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    emu.check_secret_hash(str(params.get("Username") or ""), params.get("SecretHash"))
    user = _existing(emu, params.get("Username"))
    if params.get("ConfirmationCode") != emu.new_code():
        raise errors.CodeMismatchException(CODE_MISMATCH)
    _confirm(emu, user, "ConfirmSignUp", client_metadata(params))
    return {}


def admin_confirm_sign_up(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_pool_id(params.get("UserPoolId"))
    user = _existing(emu, params.get("Username"))
    _confirm(emu, user, "AdminConfirmSignUp", client_metadata(params))
    return {}


def _existing(emu: Emulator, username: Any) -> CognitoIdpUser:
    user = emu.find_user(username) if isinstance(username, str) else None
    if user is None:
        raise errors.UserNotFoundException("Username/client id combination not found.")
    return user


def _confirm(
    emu: Emulator, user: CognitoIdpUser, operation: str, metadata: dict[str, str] | None
) -> None:
    if user.status != "UNCONFIRMED":
        raise errors.NotAuthorizedException(
            f"User cannot be confirmed. Current status is {status_of(user)}"
        )
    user.status = UserStatus.CONFIRMED
    post_confirmation(emu, "PostConfirmation_ConfirmSignUp", operation, user, metadata)


def post_confirmation(
    emu: Emulator,
    source: str,
    operation: str,
    user: CognitoIdpUser,
    metadata: dict[str, str] | None,
) -> None:
    emu.dispatcher.run(
        source,
        operation=operation,
        username=user.username,
        client_id=emu.client_id,
        user_attributes=emu.user_attributes(user, with_status=True),
        client_metadata=metadata,
    )


def _temporary_password() -> str:
    return "Tmp-" + secrets.token_urlsafe(9) + "1a!"


def _user_json(emu: Emulator, user: CognitoIdpUser) -> dict[str, Any]:
    return {
        "Username": user.username,
        "Attributes": [{"Name": k, "Value": v} for k, v in emu.user_attributes(user).items()],
        "UserCreateDate": user.create_date.timestamp(),
        "UserLastModifiedDate": user.last_modified_date.timestamp(),
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }
