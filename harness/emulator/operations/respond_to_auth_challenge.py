"""AdminRespondToAuthChallenge and RespondToAuthChallenge.

Every trigger that runs during a Respond call gets the call's ClientMetadata as
``request.clientMetadata`` ([D] RespondToAuthChallenge API reference; ``harness.cognito.routing``).
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows import custom_auth, devices
from harness.emulator.flows.passwords import POLICY_CHALLENGE, validate_password
from harness.emulator.flows.requests import check_context_data, string_map
from harness.emulator.flows.signin import BAD_CREDENTIALS, after_password, signed_in

MFA_CODE_FIELDS = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}


def respond_to_auth_challenge(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Both operations: the Admin one also names the pool (checked by the service)."""
    name = params.get("ChallengeName")
    responses = string_map(params.get("ChallengeResponses"), "ChallengeResponses")
    check_context_data(params)
    token = str(params.get("Session") or "") or ctx.sessions.without_session(str(name), responses)
    session = ctx.take_session(token, str(name))
    ctx.check_secret_hash(responses.get("USERNAME") or session.username, responses, "SECRET_HASH")
    user = None if session.user_not_found else ctx.find_user(session.username)
    if user is None and not session.user_not_found:
        raise errors.UserNotFoundException("User does not exist.")

    if name == "CUSTOM_CHALLENGE" or (name == "PASSWORD_VERIFIER" and session.custom_auth):
        ctx.close_session(token)
        return custom_auth.answer(ctx, session, user, responses)
    if user is None:
        ctx.close_session(token)
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    if name == "NEW_PASSWORD_REQUIRED":
        result = _new_password(ctx, user, responses)
    elif name in MFA_CODE_FIELDS:
        if responses.get(MFA_CODE_FIELDS[name]) != ctx.settings.mfa_code:
            # The session stays usable for another try, as in Cognito.
            raise errors.CodeMismatchException("Invalid code or auth state for the user.")
        result = signed_in(ctx, user, token_source=session.token_source)
    elif name == "PASSWORD_VERIFIER":
        ctx.close_session(token)
        if session.srp is None or not session.srp.verify(responses):
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        device_key = responses.get("DEVICE_KEY") or session.given_device_key
        return after_password(ctx, user, device_key=device_key)
    elif name == "DEVICE_SRP_AUTH":
        ctx.close_session(token)
        return devices.device_srp(ctx, session, responses)
    elif name == "DEVICE_PASSWORD_VERIFIER":
        ctx.close_session(token)
        if not devices.device_verified(session, responses):
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        return signed_in(ctx, user, token_source=devices.DEVICE_SOURCE)
    else:
        raise errors.InvalidParameterException(f"Challenge {name} is not supported by the harness")
    ctx.close_session(token)
    return result


def _new_password(
    ctx: CallContext, user: CognitoIdpUser, responses: dict[str, Any]
) -> dict[str, Any]:
    password = validate_password(
        ctx, responses.get("NEW_PASSWORD"), parameter="NEW_PASSWORD", wording=POLICY_CHALLENGE
    )
    updates = {
        key.split(".", 1)[1]: value
        for key, value in responses.items()
        if key.startswith("userAttributes.") and isinstance(value, str)
    }
    if updates:
        user.update_attributes([{"Name": k, "Value": v} for k, v in updates.items()])
    user.password = password
    user.status = UserStatus.CONFIRMED
    return after_password(
        ctx, user, check_new_password=False, token_source="TokenGeneration_NewPasswordChallenge"
    )
