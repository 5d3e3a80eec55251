"""AdminInitiateAuth and InitiateAuth: every flow of contract section 4.

During these calls ClientMetadata reaches PreSignUp, PreAuthentication and UserMigration as
``validationData``; every other trigger runs without it (``harness.cognito.routing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.cognito import errors, srp
from harness.cognito.routing import REFRESH
from harness.emulator.operations._signin import (
    BAD_CREDENTIALS,
    after_password,
    challenge,
    client_metadata,
    finish,
    pre_authentication,
    refuse_unusable_user,
)
from harness.emulator.sessions import AuthSession
from harness.emulator.tokens import issue_tokens

if TYPE_CHECKING:
    from harness.emulator import Emulator

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


def admin_initiate_auth(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_pool_id(params.get("UserPoolId"))
    return _initiate(emu, params, "AdminInitiateAuth", ADMIN_FLOWS)


def initiate_auth(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    return _initiate(emu, params, "InitiateAuth", CLIENT_FLOWS)


def _initiate(
    emu: Emulator, params: dict[str, Any], operation: str, valid: tuple[str, ...]
) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    flow = params.get("AuthFlow")
    if flow not in valid:
        raise errors.InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(valid)}]"
            if flow not in ALLOWED_BY
            else "Initiate Auth method not supported."
        )
    enabled = emu.explicit_auth_flows or DEFAULT_FLOWS
    if not set(ALLOWED_BY[flow]) & set(enabled):
        raise errors.InvalidParameterException(f"{flow} flow not enabled for this client")
    auth = params.get("AuthParameters") or {}
    if not isinstance(auth, dict):
        raise errors.InvalidParameterException("AuthParameters must be a map of strings")
    metadata = client_metadata(params)
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return _refresh(emu, auth, metadata)
    username = auth.get("USERNAME")
    if not isinstance(username, str) or not username:
        raise errors.InvalidParameterException("Missing required parameter USERNAME")
    emu.check_secret_hash(username, auth.get("SECRET_HASH"))
    if flow in PASSWORD_FLOWS:
        return _password(emu, operation, username, auth.get("PASSWORD"), metadata)
    if flow == "USER_SRP_AUTH":
        return _srp(emu, operation, username, auth, metadata)
    return _custom(emu, operation, username, metadata)


def _unknown_user(
    emu: Emulator, operation: str, username: str, metadata: dict[str, str] | None
) -> None:
    """No such user and no migration: contract section 4."""
    if emu.prevent_user_existence_errors:
        if emu.dispatcher.has("PreAuthentication"):
            pre_authentication(emu, operation, username, None, metadata)
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    raise errors.UserNotFoundException("User does not exist.")


def _password(
    emu: Emulator, operation: str, username: str, password: Any, metadata: dict[str, str] | None
) -> dict[str, Any]:
    if not isinstance(password, str) or not password:
        raise errors.InvalidParameterException("Missing required parameter PASSWORD")
    user = emu.find_user(username)
    if user is None:
        if emu.dispatcher.has("UserMigration"):
            return _migrate(emu, operation, username, password, metadata)
        _unknown_user(emu, operation, username, metadata)
    assert user is not None
    refuse_unusable_user(emu, operation, user, username, metadata, user.password == password)
    # A PreAuthentication that raises wins over the password check [O] contract 4.
    pre_authentication(emu, operation, username, user, metadata)
    if user.password != password:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    return after_password(emu, operation, user, metadata)


def _migrate(
    emu: Emulator, operation: str, username: str, password: str, metadata: dict[str, str] | None
) -> dict[str, Any]:
    """UserMigration_Authentication, then the user is created and signed in (contract 4)."""
    response = emu.dispatcher.run(
        "UserMigration_Authentication",
        operation=operation,
        username=username,
        client_id=emu.client_id,
        user_attributes={},
        client_metadata=metadata,
        request={"password": password, "userAttributes": None},
    )
    assert response is not None
    user = create_migrated_user(emu, operation, username, response, metadata, password=password)
    if user.status == "RESET_REQUIRED":
        raise errors.PasswordResetRequiredException("Password reset required for the user")
    if emu.settings.migration_runs_pre_authentication:
        pre_authentication(emu, operation, username, user, metadata)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": finish(
            emu,
            operation,
            user,
            metadata,
            post_authentication=emu.settings.migration_runs_post_authentication,
            pre_token_generation=emu.settings.migration_runs_pre_token_generation,
        ),
    }


def create_migrated_user(
    emu: Emulator,
    operation: str,
    username: str,
    response: Mapping[str, Any],
    metadata: dict[str, str] | None,
    *,
    password: str | None,
) -> Any:
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
    source = emu.settings.migration_pre_signup_source
    if source is not None:
        emu.dispatcher.run(
            source,
            operation=operation,
            username=username,
            client_id=emu.client_id,
            user_attributes=dict(attributes),
            client_metadata=metadata,
        )
    return emu.create_user(
        username,
        password=password if status == "CONFIRMED" else None,
        status=status,
        attributes={k: v for k, v in attributes.items() if k not in ("sub", "username")},
    )


def _srp(
    emu: Emulator,
    operation: str,
    username: str,
    auth: Mapping[str, Any],
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    srp_a = auth.get("SRP_A")
    if not isinstance(srp_a, str) or not srp_a:
        raise errors.InvalidParameterException("Missing required parameter SRP_A")
    user = emu.find_user(username)
    if user is None and not emu.prevent_user_existence_errors:
        raise errors.UserNotFoundException("User does not exist.")
    if user is not None:
        refuse_unusable_user(emu, operation, user, username, metadata, None)
    if emu.settings.srp_runs_pre_authentication and (
        user is not None or emu.dispatcher.has("PreAuthentication")
    ):
        pre_authentication(emu, operation, username, user, metadata)
    pool_name = emu.user_pool_id.split("_", 1)[1]
    # With PreventUserExistenceErrors an unknown user gets a challenge too, and fails at the
    # Respond call: the answer does not reveal who exists. [D] user-pool-managing-errors.
    server = srp.Server(
        pool_name=pool_name,
        username=user.username if user else username,
        password=(user.password if user else None) or "",
        srp_a=srp_a,
    )
    response = challenge(
        emu,
        user.username if user else username,
        "PASSWORD_VERIFIER",
        {
            "USER_ID_FOR_SRP": user.username if user else username,
            "USERNAME": user.username if user else username,
            "SRP_B": server.srp_b,
            "SALT": server.salt,
            "SECRET_BLOCK": server.secret_block,
        },
    )
    session = emu.sessions[response["Session"]]
    session.srp = server
    session.user_not_found = user is None
    return response


def _custom(
    emu: Emulator, operation: str, username: str, metadata: dict[str, str] | None
) -> dict[str, Any]:
    """CUSTOM_AUTH: PreAuthentication [A], then Define (empty session) and Create (contract 4)."""
    if not emu.dispatcher.has("DefineAuthChallenge"):
        raise errors.InvalidParameterException(
            "Custom auth lambda trigger is not configured for the user pool."
        )
    user = emu.find_user(username)
    if user is None and not emu.prevent_user_existence_errors:
        raise errors.UserNotFoundException("User does not exist.")
    if user is not None:
        refuse_unusable_user(emu, operation, user, username, metadata, None)
    if emu.settings.custom_auth_runs_pre_authentication and (
        user or emu.dispatcher.has("PreAuthentication")
    ):
        pre_authentication(emu, operation, username, user, metadata)
    session = AuthSession(
        username=user.username if user else username,
        client_id=emu.client_id,
        challenge="CUSTOM_CHALLENGE",
        created=emu.clock(),
        user_not_found=user is None,
    )
    from harness.emulator.operations.respond_to_auth_challenge import next_custom_step

    return next_custom_step(emu, operation, session, user, metadata)


def _refresh(
    emu: Emulator, auth: Mapping[str, Any], metadata: dict[str, str] | None
) -> dict[str, Any]:
    """REFRESH_TOKEN_AUTH: only PreTokenGeneration runs (TokenGeneration_RefreshTokens) [D]."""
    token = auth.get("REFRESH_TOKEN")
    entry = emu.pool.refresh_tokens.get(token) if isinstance(token, str) else None
    if not entry:
        raise errors.NotAuthorizedException("Invalid Refresh Token")
    _, username, _ = entry
    emu.check_secret_hash(username, auth.get("SECRET_HASH"))
    user = emu.find_user(username)
    if user is None:
        raise errors.NotAuthorizedException("Invalid Refresh Token")
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    result = issue_tokens(
        emu,
        user,
        operation=REFRESH,
        trigger_source="TokenGeneration_RefreshTokens",
        client_metadata=metadata,
        refresh_token=token,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
