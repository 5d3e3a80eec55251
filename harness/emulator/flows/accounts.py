"""Accounts: finding the user a request names, confirming it, and showing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.delivery import check_code, delivery
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


def confirm(ctx: CallContext, user: CognitoIdpUser, *, with_code: bool = False) -> None:
    """An UNCONFIRMED user becomes CONFIRMED; PostConfirmation_ConfirmSignUp runs.

    ``with_code`` (ConfirmSignUp, not AdminConfirmSignUp): the user proved they received the
    code, so the attribute it was sent to becomes verified when the pool auto-verifies it, before
    PostConfirmation runs. [D] knowledge-center "cognito-confirm-account": after the user gives
    the code, Cognito "sets the user status to CONFIRMED" and "updates the user attributes to
    indicate that the email address or phone number is verified"; an administrator's
    confirmation proves no ownership and verifies nothing.
    """
    if user.status != "UNCONFIRMED":
        raise errors.NotAuthorizedException(
            f"User cannot be confirmed. Current status is {status_of(user)}"
        )
    user.status = UserStatus.CONFIRMED
    sent_to = delivery(user_attributes(user)) if with_code else None
    if sent_to is not None and sent_to["AttributeName"] in ctx.pool_spec.auto_verified_attributes:
        user.update_attributes([{"Name": f"{sent_to['AttributeName']}_verified", "Value": "true"}])
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
