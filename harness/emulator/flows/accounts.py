"""Accounts: finding the user a request names, confirming it, and showing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.delivery import check_code
from harness.emulator.users import status_of, user_attributes

NO_SUCH_USER = "Username/client id combination not found."


def existing_user(ctx: CallContext, username: Any) -> CognitoIdpUser:
    user = ctx.find_user(username)
    if user is None:
        raise errors.UserNotFoundException(NO_SUCH_USER)
    return user


def user_with_code(ctx: CallContext, params: Mapping[str, Any]) -> CognitoIdpUser:
    """The user a Confirm* call names, once its SecretHash and ConfirmationCode are right."""
    ctx.check_secret_hash(params.get("Username"), params, "SecretHash")
    user = existing_user(ctx, params.get("Username"))
    check_code(ctx, params.get("ConfirmationCode"))
    return user


def confirm(ctx: CallContext, user: CognitoIdpUser) -> None:
    """An UNCONFIRMED user becomes CONFIRMED; PostConfirmation_ConfirmSignUp runs."""
    if user.status != "UNCONFIRMED":
        raise errors.NotAuthorizedException(
            f"User cannot be confirmed. Current status is {status_of(user)}"
        )
    user.status = UserStatus.CONFIRMED
    ctx.run_trigger("PostConfirmation_ConfirmSignUp", user)


def user_json(user: CognitoIdpUser) -> dict[str, Any]:
    """The API's UserType."""
    return {
        "Username": user.username,
        "Attributes": [{"Name": k, "Value": v} for k, v in user_attributes(user).items()],
        "UserCreateDate": user.create_date.timestamp(),
        "UserLastModifiedDate": user.last_modified_date.timestamp(),
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }
