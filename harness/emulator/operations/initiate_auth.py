"""AdminInitiateAuth and InitiateAuth: every flow of contract section 4.

During these calls ClientMetadata reaches PreSignUp, PreAuthentication and UserMigration as
``validationData``; every other trigger runs without it (``harness.cognito.routing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.cognito import errors, srp
from harness.emulator.context import CallContext
from harness.emulator.flows import custom_auth, migration
from harness.emulator.flows.requests import check_context_data, required, string_map
from harness.emulator.flows.signin import (
    BAD_CREDENTIALS,
    after_password,
    challenge,
    challenged_user,
    pre_authentication,
    refresh,
    refuse_unusable_user,
)

ADMIN_FLOWS = (
    "ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_SRP_AUTH",
    "CUSTOM_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
)
CLIENT_FLOWS = (
    "USER_PASSWORD_AUTH",
    "USER_SRP_AUTH",
    "CUSTOM_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
)
PASSWORD_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH")
#: Which client setting allows which flow; the legacy names are still accepted by Cognito.
#: [D] CreateUserPoolClient API reference, ExplicitAuthFlows.
ALLOWED_BY: Mapping[str, tuple[str, ...]] = {
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
}
#: A client created without ExplicitAuthFlows allows these. [D] same reference.
DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


def admin_initiate_auth(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _initiate(ctx, params, ADMIN_FLOWS)


def initiate_auth(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _initiate(ctx, params, CLIENT_FLOWS)


def _initiate(ctx: CallContext, params: dict[str, Any], valid: tuple[str, ...]) -> dict[str, Any]:
    flow = params.get("AuthFlow")
    if flow not in valid:
        raise errors.InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(valid)}]"
            if flow not in ALLOWED_BY
            else "Initiate Auth method not supported."
        )
    check_context_data(params)
    enabled = ctx.client_spec.explicit_auth_flows or DEFAULT_FLOWS
    if not set(ALLOWED_BY[flow]) & set(enabled):
        raise errors.InvalidParameterException(f"{flow} flow not enabled for this client")
    auth = string_map(params.get("AuthParameters"), "AuthParameters")
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return refresh(ctx, auth)
    username = required(auth.get("USERNAME"), "USERNAME")
    ctx.check_secret_hash(username, auth, "SECRET_HASH")
    if flow in PASSWORD_FLOWS:
        return _password(ctx, username, auth.get("PASSWORD"), auth.get("DEVICE_KEY"))
    if flow == "USER_SRP_AUTH":
        return _srp(ctx, username, auth)
    return custom_auth.begin(ctx, username, auth)


def _unknown_user(ctx: CallContext, username: str) -> None:
    """No such user and no migration: contract section 4."""
    if ctx.prevent_user_existence_errors:
        if ctx.has_trigger("PreAuthentication"):
            pre_authentication(ctx, username, None)
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    raise errors.UserNotFoundException("User does not exist.")


def _password(ctx: CallContext, username: str, password: Any, device_key: Any) -> dict[str, Any]:
    password = required(password, "PASSWORD")
    user = ctx.find_user(username)
    if user is None:
        if ctx.has_trigger("UserMigration"):
            return migration.sign_in(ctx, username, password)
        _unknown_user(ctx, username)
    assert user is not None
    refuse_unusable_user(ctx, user, username, user.password == password)
    # A PreAuthentication that raises wins over the password check [O] contract 4.
    pre_authentication(ctx, username, user)
    if user.password != password:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    return after_password(ctx, user, device_key=device_key)


def _srp(ctx: CallContext, username: str, auth: Mapping[str, Any]) -> dict[str, Any]:
    srp_a = required(auth.get("SRP_A"), "SRP_A")
    user = challenged_user(
        ctx, username, runs_pre_authentication=ctx.settings.srp_runs_pre_authentication
    )
    name = user.username if user else username
    # With PreventUserExistenceErrors an unknown user gets a challenge too, and fails at the
    # Respond call: the answer does not reveal who exists. [D] user-pool-managing-errors.
    server = srp.Server(
        pool_name=ctx.user_pool_id.split("_", 1)[1],
        username=name,
        password=(user.password if user else None) or "",
        srp_a=srp_a,
    )
    return challenge(
        ctx,
        name,
        "PASSWORD_VERIFIER",
        {
            "USER_ID_FOR_SRP": name,
            "USERNAME": name,
            "SRP_B": server.srp_b,
            "SALT": server.salt,
            "SECRET_BLOCK": server.secret_block,
        },
        user_not_found=user is None,
        srp=server,
        given_device_key=auth.get("DEVICE_KEY")
        if isinstance(auth.get("DEVICE_KEY"), str)
        else None,
    )
