"""ForgotPassword (with UserMigration_ForgotPassword) and ConfirmForgotPassword."""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import UserStatus

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows import migration
from harness.emulator.flows.accounts import NO_SUCH_USER, user_with_code
from harness.emulator.flows.delivery import (
    CODE_MISMATCH,
    delivery_to,
    send_message,
    simulated_delivery,
)
from harness.emulator.flows.passwords import validate_password
from harness.emulator.flows.requests import required


def forgot_password(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.check_secret_hash(params.get("Username"), params, "SecretHash")
    username = required(params.get("Username"), "Username")
    user = ctx.find_user(username)
    if user is None and ctx.has_trigger("UserMigration"):
        # [D] user-pool-lambda-migrate-user: the user is created and receives the code.
        user = migration.forgot_password(ctx, username)
    if user is None:
        if ctx.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": simulated_delivery()}
        raise errors.UserNotFoundException(NO_SUCH_USER)
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    send_message(ctx, "CustomMessage_ForgotPassword", user)
    return delivery_to(user)


def confirm_forgot_password(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if ctx.prevent_user_existence_errors and ctx.find_user(params.get("Username")) is None:
        # [D] cognito-user-pool-managing-errors, ConfirmForgotPassword with
        # PreventUserExistenceErrors: an unknown user gets CodeMismatchException.
        ctx.check_secret_hash(params.get("Username"), params, "SecretHash")
        raise errors.CodeMismatchException(CODE_MISMATCH)
    user = user_with_code(ctx, params)
    user.password = validate_password(ctx, params.get("Password"))
    user.status = UserStatus.CONFIRMED
    ctx.run_trigger("PostConfirmation_ConfirmForgotPassword", user)
    return {}
