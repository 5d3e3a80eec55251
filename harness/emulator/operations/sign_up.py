"""SignUp, AdminCreateUser, ConfirmSignUp and AdminConfirmSignUp with their triggers.

SignUp's and AdminCreateUser's ``ValidationData`` (a list of name/value pairs) reaches PreSignUp
as ``request.validationData``; their ``ClientMetadata`` arrives as ``request.clientMetadata``
([D] SignUp / AdminCreateUser API references; ``harness.cognito.routing``).
"""

from __future__ import annotations

from typing import Any

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.accounts import confirm, existing_user, user_json, user_with_code
from harness.emulator.flows.delivery import delivery_to, send_message
from harness.emulator.flows.passwords import temporary_password, validate_password
from harness.emulator.flows.requests import attribute_map, required
from harness.emulator.schema import check_declared, check_required, pool_schema
from harness.emulator.users import username_for

#: PreSignUp's auto-verify flags and the attribute each verifies. [D] user-pool-lambda-pre-sign-up.
AUTO_VERIFY = {"autoVerifyEmail": "email", "autoVerifyPhone": "phone_number"}


def sign_up(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.check_secret_hash(params.get("Username"), params, "SecretHash")
    if ctx.pool_spec.properties.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly"):
        # [D] CreateUserPool API reference, AdminCreateUserConfig.AllowAdminCreateUserOnly:
        # only administrators create users; SignUp is refused.
        raise errors.NotAuthorizedException("SignUp is not permitted for this user pool")
    typed = required(params.get("Username"), "Username")
    password = validate_password(ctx, params.get("Password"))
    attributes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    validation = attribute_map(params.get("ValidationData"), "ValidationData")
    username = username_for(ctx.pool_spec, typed, attributes)
    schema = pool_schema(ctx.pool_spec.properties)
    check_declared(schema, attributes)
    check_required(schema, attributes)
    if ctx.find_user(typed) is not None:
        raise errors.UsernameExistsException(
            "An account with the given email already exists."
            if username != typed
            else "User already exists"
        )

    response = (
        ctx.run_trigger(
            "PreSignUp_SignUp", username, attributes=attributes, validation_data=validation
        )
        or {}
    )
    confirmed = response.get("autoConfirmUser") is True
    for flag, name in AUTO_VERIFY.items():
        if response.get(flag) is True:
            if not attributes.get(name):
                # [D] user-pool-lambda-pre-sign-up: with autoVerifyEmail (autoVerifyPhone)
                # true the email (phone_number) must have a value; otherwise the sign-up
                # fails and no user is created. Which error: a setting ([A]).
                code = ctx.settings.auto_verify_missing_attribute_error
                raise errors.BY_CODE[code](f"{flag} is true but the user has no {name} attribute")
            attributes[f"{name}_verified"] = "true"
    user = ctx.create_user(
        username,
        password=password,
        status="CONFIRMED" if confirmed else "UNCONFIRMED",
        attributes=attributes,
    )
    result: dict[str, Any] = {"UserConfirmed": confirmed, "UserSub": user.id}
    if confirmed:
        # An auto-confirmed user is confirmed at sign-up, so PostConfirmation runs now.
        ctx.run_trigger("PostConfirmation_ConfirmSignUp", user)
    else:
        send_message(ctx, "CustomMessage_SignUp", user)
        result.update(delivery_to(user))
    return result


def admin_create_user(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    username = required(params.get("Username"), "Username")
    attributes = attribute_map(params.get("UserAttributes"), "UserAttributes")
    validation = attribute_map(params.get("ValidationData"), "ValidationData")
    action = params.get("MessageAction")
    if action not in (None, "SUPPRESS", "RESEND"):
        raise errors.InvalidParameterException(
            f"1 validation error detected: Value '{action}' at 'messageAction' failed to "
            "satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
        )
    if action != "RESEND":
        check_declared(pool_schema(ctx.pool_spec.properties), attributes)
        username = username_for(ctx.pool_spec, username, attributes)
    existing = ctx.find_user(params["Username"])
    temporary = params.get("TemporaryPassword")
    temporary = validate_password(ctx, temporary) if temporary else temporary_password()
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
        send_message(ctx, "CustomMessage_AdminCreateUser", existing, code=temporary)
        return {"User": user_json(existing)}
    if existing is not None:
        raise errors.UsernameExistsException("User account already exists")
    # The response of PreSignUp_AdminCreateUser is ignored: the admin decides. [D] Its event
    # says CLIENT_ID_NOT_APPLICABLE, as every event of this call (harness.cognito.events).
    ctx.run_trigger(
        "PreSignUp_AdminCreateUser", username, attributes=attributes, validation_data=validation
    )
    user = ctx.create_user(
        username, password=temporary, status="FORCE_CHANGE_PASSWORD", attributes=attributes
    )
    if action != "SUPPRESS":
        send_message(ctx, "CustomMessage_AdminCreateUser", user, code=temporary)
    return {"User": user_json(user)}


def confirm_sign_up(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    confirm(ctx, user_with_code(ctx, params), with_code=True)
    return {}


def admin_confirm_sign_up(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    confirm(ctx, existing_user(ctx, params.get("Username")))
    return {}


def delete_user_pool(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """DeleteUserPool, refused while the pool's DeletionProtection is ACTIVE.

    [D] DeleteUserPool / CreateUserPool API references, DeletionProtection: "When active,
    you must deactivate deletion protection before you can delete the user pool"."""
    if ctx.pool_spec.properties.get("DeletionProtection") == "ACTIVE":
        raise errors.InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    ctx.backend.delete_user_pool(ctx.user_pool_id)
    return {}
