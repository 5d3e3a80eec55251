"""User migration: a user unknown to the pool is asked of the UserMigration trigger.

[D] user-pool-lambda-migrate-user. What Cognito refuses in the
trigger's answer is the :data:`REFUSALS` table below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.cognito.refusals import attribute_refusal, refusal
from harness.emulator.context import CallContext
from harness.emulator.flows.signin import BAD_CREDENTIALS, pre_authentication, signed_in
from harness.emulator.schema import pool_schema, undeclared
from harness.emulator.users import username_for

#: [D] user-pool-lambda-migrate-user, finalUserStatus; without one, the status is the setting
#: ``migration_default_final_status`` (the page's texts disagree: see its reason).
FINAL_STATUSES = ("CONFIRMED", "RESET_REQUIRED")
MESSAGE_ACTIONS = (None, "SUPPRESS")  # [D] user-pool-lambda-migrate-user, messageAction
DELIVERY_MEDIUMS = ("EMAIL", "SMS")

#: What makes Cognito refuse a migration answer, each with the error the caller gets
#: ([D] knowledge-center cognito-migration-lambda-trigger-errors; the codes and messages are
#: :data:`harness.cognito.refusals.REFUSALS`): an invalid finalUserStatus, messageAction or
#: desiredDeliveryMediums, or an attribute that is not in the pool's schema.
REFUSALS: tuple[
    tuple[str, Callable[[CallContext, Mapping[str, Any]], errors.CognitoError | None]], ...
] = (
    (
        "finalUserStatus",
        lambda ctx, r: (
            _invalid("finalUserStatus")
            if r.get("finalUserStatus") not in (None, *FINAL_STATUSES)
            else None
        ),
    ),
    (
        "messageAction",
        lambda ctx, r: (
            _invalid("messageAction") if r.get("messageAction") not in MESSAGE_ACTIONS else None
        ),
    ),
    (
        "desiredDeliveryMediums",
        lambda ctx, r: (
            _invalid("desiredDeliveryMediums")
            if r.get("desiredDeliveryMediums") is not None
            and (
                not isinstance(r["desiredDeliveryMediums"], list)
                or any(m not in DELIVERY_MEDIUMS for m in r["desiredDeliveryMediums"])
            )
            else None
        ),
    ),
    ("userAttributes", lambda ctx, r: _undeclared(ctx, r["userAttributes"])),
)


def _invalid(field: str) -> errors.CognitoError:
    return refusal("migration_invalid_field", field=field)


def _undeclared(ctx: CallContext, attributes: Mapping[str, str]) -> errors.CognitoError | None:
    unknown = undeclared(pool_schema(ctx.pool_spec.properties), attributes)
    return attribute_refusal("migration_undeclared_attribute", unknown) if unknown else None


def _no_user(ctx: CallContext) -> errors.CognitoError:
    """The trigger answered without a user: the user does not exist.

    [D] cognito-user-pool-managing-errors: with PreventUserExistenceErrors ENABLED the caller
    gets the generic answer of an unknown user; with LEGACY, UserNotFoundException.
    """
    if ctx.prevent_user_existence_errors:
        return errors.NotAuthorizedException(BAD_CREDENTIALS)
    return _refused(ctx)


def _not_disclosed(ctx: CallContext) -> bool:
    """Cognito could not invoke the migration function (UserNotFoundException "Exception
    migrating user in app client", [D] knowledge-center cognito-migration-lambda-trigger-errors):
    the user stays unknown, and [D] cognito-user-pool-managing-errors: with
    PreventUserExistenceErrors ENABLED no UserNotFoundException discloses that."""
    return ctx.prevent_user_existence_errors


def _refused(ctx: CallContext) -> errors.CognitoError:
    return refusal("migration_failed", client_id=ctx.client_id)


def sign_in(ctx: CallContext, username: str, password: str) -> dict[str, Any]:
    """UserMigration_Authentication, then the user is created and signed in."""
    try:
        response = ctx.run_trigger(
            "UserMigration_Authentication",
            username,
            request={"password": password, "userAttributes": None},
        )
    except errors.UserNotFoundException:
        if _not_disclosed(ctx):
            raise errors.NotAuthorizedException(BAD_CREDENTIALS) from None
        raise
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


def forgot_password(ctx: CallContext, username: str) -> CognitoIdpUser | None:
    """UserMigration_ForgotPassword, no password: the user is created in RESET_REQUIRED (and
    receives the code). None when the trigger knows no such user and the pool prevents user
    existence errors (the caller then answers as for any unknown user)."""
    try:
        response = ctx.run_trigger(
            "UserMigration_ForgotPassword", username, request={"userAttributes": None}
        )
    except errors.UserNotFoundException:
        if _not_disclosed(ctx):
            return None
        raise
    if not _has_user(response) and ctx.prevent_user_existence_errors:
        return None
    user = create_migrated_user(ctx, username, response, password=None)
    user.status = UserStatus.RESET_REQUIRED
    return user


def _has_user(response: Mapping[str, Any] | None) -> bool:
    return bool(response) and bool(response.get("userAttributes"))  # type: ignore[union-attr]


def create_migrated_user(
    ctx: CallContext,
    username: str,
    response: Mapping[str, Any] | None,
    *,
    password: str | None,
) -> CognitoIdpUser:
    """Create the user a UserMigration response describes ([D] user-pool-lambda-migrate-user)."""
    if response is None or not _has_user(response):
        raise _no_user(ctx)
    attributes = response["userAttributes"]
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    for _, refuses in REFUSALS:
        refused = refuses(ctx, response)
        if refused is not None:
            raise refused
    status = response.get("finalUserStatus") or ctx.settings.migration_default_final_status
    source = ctx.settings.migration_pre_signup_source
    if source is not None:
        ctx.run_trigger(source, username, attributes=dict(attributes))
    kept = {k: v for k, v in attributes.items() if k not in ("sub", "username")}
    # In a pool whose UsernameAttributes are email or phone_number the typed name is that
    # attribute and the migrated user gets a generated username, as every user there does
    # ([D] AdminCreateUser API reference, Username; user-pool-settings-attributes).
    return ctx.create_user(
        username_for(ctx.pool_spec, username, kept),
        password=password if status == "CONFIRMED" else None,
        status=status,
        attributes=kept,
    )
