"""What every sign-in path shares: the checks, MFA, and the end of a successful sign-in.

Contract section 4 is the specification; the [A] choices read :class:`harness.settings.Settings`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.cognito.routing import REFRESH
from harness.emulator.context import CallContext
from harness.emulator.flows import devices
from harness.emulator.flows.delivery import delivered, send_message
from harness.emulator.sessions import AuthSession
from harness.emulator.tokens import issue_tokens

BAD_CREDENTIALS = "Incorrect username or password."


def pre_authentication(ctx: CallContext, username: str, user: CognitoIdpUser | None) -> None:
    """PreAuthentication_Authentication, with ``userNotFound`` when there is no user."""
    request: dict[str, Any] = {}
    if user is None:
        request["userNotFound"] = True  # only sent with PreventUserExistenceErrors [D]
    ctx.run_trigger(
        "PreAuthentication_Authentication",
        user.username if user else username,  # the user's own name, not the alias typed
        attributes=ctx.user_attributes(user, with_status=True) if user else {},
        request=request,
    )


def refuse_unusable_user(
    ctx: CallContext, user: CognitoIdpUser, username: str, password_ok: bool | None
) -> None:
    """Disabled, unconfirmed and reset-required users: Cognito's answers (contract 4)."""
    if user.enabled and user.status not in ("UNCONFIRMED", "RESET_REQUIRED"):
        return
    if ctx.settings.refused_user_runs_pre_authentication:
        pre_authentication(ctx, username, user)
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    if user.status == "RESET_REQUIRED":
        raise errors.PasswordResetRequiredException("Password reset required for the user")
    if password_ok is False:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    raise errors.UserNotConfirmedException("User is not confirmed.")


def challenged_user(
    ctx: CallContext, username: str, *, runs_pre_authentication: bool
) -> CognitoIdpUser | None:
    """The user a challenge-first sign-in (SRP, CUSTOM_AUTH) is for, checked; None for an
    unknown user under PreventUserExistenceErrors (the challenge then fails at the end)."""
    user = ctx.find_user(username)
    if user is None and not ctx.prevent_user_existence_errors:
        raise errors.UserNotFoundException("User does not exist.")
    if user is not None:
        refuse_unusable_user(ctx, user, username, None)
    if runs_pre_authentication and (user is not None or ctx.has_trigger("PreAuthentication")):
        pre_authentication(ctx, username, user)
    return user


def mfa_challenge(ctx: CallContext, user: CognitoIdpUser) -> str | None:
    """The MFA challenge this sign-in must pass, or None."""
    if ctx.pool_spec.mfa_configuration == "OFF":
        return None
    preferred = user.preferred_mfa_setting
    if preferred in ("SMS_MFA", "SOFTWARE_TOKEN_MFA"):
        return str(preferred)
    if user.software_token_mfa_enabled:
        return "SOFTWARE_TOKEN_MFA"
    if user.sms_mfa_enabled:
        return "SMS_MFA"
    if ctx.pool_spec.mfa_configuration == "ON":
        return "SMS_MFA" if ctx.user_attributes(user).get("phone_number") else "MFA_SETUP"
    return None


def after_password(
    ctx: CallContext,
    user: CognitoIdpUser,
    *,
    check_new_password: bool = True,
    token_source: str = "TokenGeneration_Authentication",
    device_key: Any = None,
) -> dict[str, Any]:
    """The password is right: NEW_PASSWORD_REQUIRED, a remembered device's DEVICE_SRP_AUTH
    (in place of MFA), MFA, or tokens."""
    if check_new_password and user.status == "FORCE_CHANGE_PASSWORD":
        return challenge(
            ctx,
            user.username,
            "NEW_PASSWORD_REQUIRED",
            {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": "[]",
                "userAttributes": _json(
                    {k: v for k, v in ctx.user_attributes(user).items() if k != "sub"}
                ),
            },
            token_source="TokenGeneration_NewPasswordChallenge",
        )
    device = devices.remembered(ctx, user, device_key) if devices.tracked(ctx) else None
    if device is not None:
        return devices.challenge(ctx, user, device, token_source)
    mfa = mfa_challenge(ctx, user)
    if mfa is not None:
        parameters = {"USER_ID_FOR_SRP": user.username}
        if mfa == "SMS_MFA":
            phone = ctx.user_attributes(user).get("phone_number", "")
            sender = send_message(ctx, "CustomMessage_Authentication", user, medium="SMS")
            destination = "+*******" + phone[-4:]
            ctx.deliveries.append(delivered("SMS_MFA code", "SMS", destination, sender))
            parameters.update(
                CODE_DELIVERY_DELIVERY_MEDIUM="SMS",
                CODE_DELIVERY_DESTINATION=destination,
            )
        return challenge(ctx, user.username, mfa, parameters, token_source=token_source)
    return signed_in(ctx, user, token_source=token_source)


def challenge(
    ctx: CallContext,
    username: str,
    name: str,
    parameters: Mapping[str, str],
    *,
    token_source: str = "TokenGeneration_Authentication",
    user_not_found: bool = False,
    srp: Any = None,
    given_device_key: str | None = None,
) -> dict[str, Any]:
    """A challenge answer, with a new Session for the answer to it."""
    session = ctx.open_session(
        AuthSession(
            username=username,
            client_id=ctx.client_id,
            challenge=name,
            created=ctx.clock(),
            token_source=token_source,
            user_not_found=user_not_found,
            srp=srp,
            given_device_key=given_device_key,
        )
    )
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": dict(parameters)}


def signed_in(
    ctx: CallContext,
    user: CognitoIdpUser,
    *,
    token_source: str = "TokenGeneration_Authentication",
    post_authentication: bool = True,
    pre_token_generation: bool = True,
) -> dict[str, Any]:
    """A successful sign-in: PostAuthentication and PreTokenGeneration, then the tokens.

    Post-auth runs first, as documented; the ``auth_trigger_order`` setting reverses it [A].
    When the pool remembers devices, a sign-in that did not prove a remembered device
    (``token_source`` TokenGeneration_AuthenticateDevice) is on a new one: ``newDeviceUsed`` and
    ``NewDeviceMetadata`` (:mod:`.devices`).
    """
    new_device = devices.tracked(ctx) and token_source != devices.DEVICE_SOURCE

    def post_auth() -> None:
        if post_authentication:
            ctx.run_trigger(
                "PostAuthentication_Authentication", user, request={"newDeviceUsed": new_device}
            )

    if ctx.settings.auth_trigger_order == "post-auth-first":
        post_auth()
    result = issue_tokens(ctx, user, trigger_source=token_source, run_trigger=pre_token_generation)
    if ctx.settings.auth_trigger_order == "pre-token-first":
        post_auth()
    if new_device:
        result["NewDeviceMetadata"] = devices.new_device(ctx, user)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def refresh(ctx: CallContext, auth: Mapping[str, Any]) -> dict[str, Any]:
    """REFRESH_TOKEN_AUTH: only PreTokenGeneration runs (TokenGeneration_RefreshTokens) [D]."""
    token = auth.get("REFRESH_TOKEN")
    entry = ctx.pool.refresh_tokens.get(token) if isinstance(token, str) else None
    if not entry:
        raise errors.NotAuthorizedException("Invalid Refresh Token")
    _, username, _ = entry
    ctx.check_secret_hash(username, auth, "SECRET_HASH")
    user = ctx.find_user(username)
    if user is None:
        raise errors.NotAuthorizedException("Invalid Refresh Token")
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    result = issue_tokens(
        ctx,
        user,
        trigger_source="TokenGeneration_RefreshTokens",
        refresh_token=token,
        routed_as=REFRESH,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
