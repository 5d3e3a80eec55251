"""User migration: a user unknown to the pool is asked of the UserMigration trigger.

[D] user-pool-lambda-migrate-user; contract sections 2 and 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.signin import pre_authentication, signed_in


def sign_in(ctx: CallContext, username: str, password: str) -> dict[str, Any]:
    """UserMigration_Authentication, then the user is created and signed in (contract 4)."""
    response = ctx.run_trigger(
        "UserMigration_Authentication",
        username,
        request={"password": password, "userAttributes": None},
    )
    assert response is not None
    user = create_migrated_user(ctx, username, response, password=password)
    if user.status == "RESET_REQUIRED":
        raise errors.PasswordResetRequiredException("Password reset required for the user")
    if ctx.settings.migration_runs_pre_authentication:
        pre_authentication(ctx, username, user)
    return signed_in(
        ctx,
        user,
        post_authentication=ctx.settings.migration_runs_post_authentication,
        pre_token_generation=ctx.settings.migration_runs_pre_token_generation,
    )


def forgot_password(ctx: CallContext, username: str) -> CognitoIdpUser:
    """UserMigration_ForgotPassword, no password: the user is created in RESET_REQUIRED (and
    receives the code)."""
    response = ctx.run_trigger(
        "UserMigration_ForgotPassword", username, request={"userAttributes": None}
    )
    assert response is not None
    user = create_migrated_user(ctx, username, response, password=None)
    user.status = UserStatus.RESET_REQUIRED
    return user


def create_migrated_user(
    ctx: CallContext, username: str, response: Mapping[str, Any], *, password: str | None
) -> CognitoIdpUser:
    """Create the user a UserMigration response describes (contract sections 2 and 4)."""
    attributes = response.get("userAttributes")
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    default_status = "CONFIRMED" if password is not None else "RESET_REQUIRED"
    status = response.get("finalUserStatus") or default_status
    if status not in ("CONFIRMED", "RESET_REQUIRED"):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    action = response.get("messageAction")
    if action not in (None, "SUPPRESS"):  # [D] contract 2: SUPPRESS or unset
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    source = ctx.settings.migration_pre_signup_source
    if source is not None:
        ctx.run_trigger(source, username, attributes=dict(attributes))
    return ctx.create_user(
        username,
        password=password if status == "CONFIRMED" else None,
        status=status,
        attributes={k: v for k, v in attributes.items() if k not in ("sub", "username")},
    )
