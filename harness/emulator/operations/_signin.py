"""What every sign-in path shares: the checks, MFA, and the end of a successful sign-in.

Contract section 4 is the specification; the [A] choices read :class:`harness.settings.Settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.sessions import AuthSession
from harness.emulator.tokens import issue_tokens

if TYPE_CHECKING:
    from harness.emulator import Emulator

BAD_CREDENTIALS = "Incorrect username or password."


def client_metadata(params: Mapping[str, Any]) -> dict[str, str] | None:
    """The call's ClientMetadata: a string-to-string map, as the API's model requires."""
    metadata = params.get("ClientMetadata")
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise errors.InvalidParameterException(
            "1 validation error detected: Value at 'clientMetadata' failed to satisfy "
            "constraint: Map value must satisfy constraint: [Member must be a string]"
        )
    return dict(metadata)


def pre_authentication(
    emu: Emulator,
    operation: str,
    username: str,
    user: CognitoIdpUser | None,
    metadata: dict[str, str] | None,
) -> None:
    """PreAuthentication_Authentication, with ``userNotFound`` when there is no user."""
    request: dict[str, Any] = {}
    if user is None:
        request["userNotFound"] = True  # only sent with PreventUserExistenceErrors [D]
    emu.dispatcher.run(
        "PreAuthentication_Authentication",
        operation=operation,
        username=username,
        client_id=emu.client_id,
        user_attributes=emu.user_attributes(user, with_status=True) if user else {},
        client_metadata=metadata,
        request=request,
    )


def refuse_unusable_user(
    emu: Emulator,
    operation: str,
    user: CognitoIdpUser,
    username: str,
    metadata: dict[str, str] | None,
    password_ok: bool | None,
) -> None:
    """Disabled, unconfirmed and reset-required users: Cognito's answers (contract 4)."""
    if user.enabled and user.status not in ("UNCONFIRMED", "RESET_REQUIRED"):
        return
    if emu.settings.refused_user_runs_pre_authentication:
        pre_authentication(emu, operation, username, user, metadata)
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    if user.status == "RESET_REQUIRED":
        raise errors.PasswordResetRequiredException("Password reset required for the user")
    if password_ok is False:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    raise errors.UserNotConfirmedException("User is not confirmed.")


def mfa_challenge(emu: Emulator, user: CognitoIdpUser) -> str | None:
    """The MFA challenge this sign-in must pass, or None."""
    if emu.pool_spec.mfa_configuration == "OFF":
        return None
    preferred = user.preferred_mfa_setting
    if preferred in ("SMS_MFA", "SOFTWARE_TOKEN_MFA"):
        return str(preferred)
    if user.software_token_mfa_enabled:
        return "SOFTWARE_TOKEN_MFA"
    if user.sms_mfa_enabled:
        return "SMS_MFA"
    if emu.pool_spec.mfa_configuration == "ON":
        return "SMS_MFA" if emu.user_attributes(user).get("phone_number") else "MFA_SETUP"
    return None


def after_password(
    emu: Emulator,
    operation: str,
    user: CognitoIdpUser,
    metadata: dict[str, str] | None,
    *,
    check_new_password: bool = True,
    token_source: str = "TokenGeneration_Authentication",
) -> dict[str, Any]:
    """The password is right: NEW_PASSWORD_REQUIRED, MFA, or tokens."""
    if check_new_password and user.status == "FORCE_CHANGE_PASSWORD":
        return challenge(
            emu,
            user.username,
            "NEW_PASSWORD_REQUIRED",
            {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": "[]",
                "userAttributes": _json(
                    {k: v for k, v in emu.user_attributes(user).items() if k != "sub"}
                ),
            },
            token_source="TokenGeneration_NewPasswordChallenge",
        )
    mfa = mfa_challenge(emu, user)
    if mfa is not None:
        parameters = {"USER_ID_FOR_SRP": user.username}
        if mfa == "SMS_MFA":
            phone = emu.user_attributes(user).get("phone_number", "")
            send_message(emu, "CustomMessage_Authentication", operation, user, metadata)
            parameters.update(
                CODE_DELIVERY_DELIVERY_MEDIUM="SMS",
                CODE_DELIVERY_DESTINATION="+*******" + phone[-4:],
            )
        return challenge(emu, user.username, mfa, parameters, token_source=token_source)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": finish(emu, operation, user, metadata, token_source=token_source),
    }


def challenge(
    emu: Emulator,
    username: str,
    name: str,
    parameters: Mapping[str, str],
    *,
    token_source: str = "TokenGeneration_Authentication",
) -> dict[str, Any]:
    session = emu.open_session(
        AuthSession(
            username=username,
            client_id=emu.client_id,
            challenge=name,
            created=emu.clock(),
            token_source=token_source,
        )
    )
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": dict(parameters)}


def finish(
    emu: Emulator,
    operation: str,
    user: CognitoIdpUser,
    metadata: dict[str, str] | None,
    *,
    token_source: str = "TokenGeneration_Authentication",
    post_authentication: bool = True,
    pre_token_generation: bool = True,
) -> dict[str, Any]:
    """A successful sign-in: PostAuthentication and PreTokenGeneration, then the tokens.

    Post-auth runs first, as documented; the ``auth_trigger_order`` setting reverses it [A].
    """

    def post_auth() -> None:
        if post_authentication:
            emu.dispatcher.run(
                "PostAuthentication_Authentication",
                operation=operation,
                username=user.username,
                client_id=emu.client_id,
                user_attributes=emu.user_attributes(user, with_status=True),
                client_metadata=metadata,
                request={"newDeviceUsed": False},
            )

    if emu.settings.auth_trigger_order == "post-auth-first":
        post_auth()
    result = issue_tokens(
        emu,
        user,
        operation=operation,
        trigger_source=token_source,
        client_metadata=metadata,
        run_trigger=pre_token_generation,
    )
    if emu.settings.auth_trigger_order == "pre-token-first":
        post_auth()
    return result


def send_message(
    emu: Emulator,
    trigger_source: str,
    operation: str,
    user: CognitoIdpUser,
    metadata: dict[str, str] | None,
) -> None:
    """Run CustomMessage (the pool "sends" a code); validate what it returns."""
    response = emu.dispatcher.run(
        trigger_source,
        operation=operation,
        username=user.username,
        client_id=emu.client_id,
        user_attributes=emu.user_attributes(user, with_status=True),
        client_metadata=metadata,
    )
    if not response:
        return
    for name in ("smsMessage", "emailMessage"):
        message = response.get(name)
        if message is not None and "{####}" not in message:
            # [D] user-pool-lambda-custom-message: messages must contain the code parameter.
            raise errors.InvalidLambdaResponseException(
                f"Invalid lambda function output : {name} must contain {{####}}"
            )


def _json(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))
