"""AdminRespondToAuthChallenge and RespondToAuthChallenge.

Every trigger that runs during a Respond call gets the call's ClientMetadata as
``request.clientMetadata`` ([D] RespondToAuthChallenge API reference; ``harness.cognito.routing``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.emulator.operations._signin import (
    BAD_CREDENTIALS,
    after_password,
    client_metadata,
    finish,
)
from harness.emulator.operations.sign_up import POLICY_CHALLENGE, validate_password
from harness.emulator.sessions import AuthSession

if TYPE_CHECKING:
    from harness.emulator import Emulator

MFA_CODE_FIELDS = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}


def admin_respond_to_auth_challenge(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_pool_id(params.get("UserPoolId"))
    return _respond(emu, params, "AdminRespondToAuthChallenge")


def respond_to_auth_challenge(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    return _respond(emu, params, "RespondToAuthChallenge")


def _respond(emu: Emulator, params: dict[str, Any], operation: str) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    name = params.get("ChallengeName")
    responses = params.get("ChallengeResponses") or {}
    if not isinstance(responses, dict):
        raise errors.InvalidParameterException("ChallengeResponses must be a map of strings")
    metadata = client_metadata(params)
    token = str(params.get("Session") or "")
    session = emu.take_session(token, str(name))
    emu.check_secret_hash(
        str(responses.get("USERNAME") or session.username), responses.get("SECRET_HASH")
    )
    user = None if session.user_not_found else emu.find_user(session.username)
    if user is None and not session.user_not_found:
        raise errors.UserNotFoundException("User does not exist.")

    if name == "CUSTOM_CHALLENGE":
        emu.sessions.pop(token, None)
        return _custom_answer(emu, operation, session, user, responses, metadata)
    if user is None:
        emu.sessions.pop(token, None)
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    if name == "NEW_PASSWORD_REQUIRED":
        result = _new_password(emu, operation, user, responses, metadata)
    elif name in MFA_CODE_FIELDS:
        if responses.get(MFA_CODE_FIELDS[name]) != emu.settings.mfa_code:
            # The session stays usable for another try, as in Cognito.
            raise errors.CodeMismatchException("Invalid code or auth state for the user.")
        result = {
            "ChallengeParameters": {},
            "AuthenticationResult": finish(
                emu, operation, user, metadata, token_source=session.token_source
            ),
        }
    elif name == "PASSWORD_VERIFIER":
        emu.sessions.pop(token, None)
        if session.srp is None or not session.srp.verify(responses):
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        return after_password(emu, operation, user, metadata)
    else:
        raise errors.InvalidParameterException(f"Challenge {name} is not supported by the harness")
    emu.sessions.pop(token, None)
    return result


def _new_password(
    emu: Emulator,
    operation: str,
    user: CognitoIdpUser,
    responses: dict[str, Any],
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    password = validate_password(
        emu,
        responses.get("NEW_PASSWORD"),
        parameter="NEW_PASSWORD",
        wording=POLICY_CHALLENGE,
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
        emu,
        operation,
        user,
        metadata,
        check_new_password=False,
        token_source="TokenGeneration_NewPasswordChallenge",
    )


def _custom_answer(
    emu: Emulator,
    operation: str,
    session: AuthSession,
    user: CognitoIdpUser | None,
    responses: dict[str, Any],
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    answer = responses.get("ANSWER")
    if not isinstance(answer, str):
        raise errors.InvalidParameterException("Missing required parameter ANSWER")
    verdict = emu.dispatcher.run(
        "VerifyAuthChallengeResponse_Authentication",
        operation=operation,
        username=session.username,
        client_id=emu.client_id,
        user_attributes=emu.user_attributes(user) if user else {},
        client_metadata=metadata,
        request={
            "privateChallengeParameters": dict(session.private_parameters),
            "challengeAnswer": answer,
            **({"userNotFound": True} if session.user_not_found else {}),
        },
    )
    correct = bool(verdict and verdict.get("answerCorrect") is True)
    session.history.append(
        {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": correct,
            "challengeMetadata": session.challenge_metadata,
        }
    )
    return next_custom_step(emu, operation, session, user, metadata)


def next_custom_step(
    emu: Emulator,
    operation: str,
    session: AuthSession,
    user: CognitoIdpUser | None,
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """Define decides; then tokens, failure, or Create and the next CUSTOM_CHALLENGE."""
    attributes = emu.user_attributes(user) if user else {}
    common: dict[str, Any] = {"session": list(session.history)}
    if session.user_not_found:
        common["userNotFound"] = True
    decision = (
        emu.dispatcher.run(
            "DefineAuthChallenge_Authentication",
            operation=operation,
            username=session.username,
            client_id=emu.client_id,
            user_attributes=attributes,
            client_metadata=metadata,
            request=common,
        )
        or {}
    )
    if decision.get("failAuthentication") is True:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    if decision.get("issueTokens") is True:
        if user is None:
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        return {
            "ChallengeParameters": {},
            "AuthenticationResult": finish(emu, operation, user, metadata),
        }
    name = decision.get("challengeName")
    if name != "CUSTOM_CHALLENGE":
        if name in ("SRP_A", "PASSWORD_VERIFIER"):
            raise errors.UnsupportedOperationException(
                f"CUSTOM_AUTH with an SRP step ({name}) is not emulated yet; use CUSTOM_CHALLENGE"
            )
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    created = (
        emu.dispatcher.run(
            "CreateAuthChallenge_Authentication",
            operation=operation,
            username=session.username,
            client_id=emu.client_id,
            user_attributes=attributes,
            client_metadata=metadata,
            request={"challengeName": name, **common},
        )
        or {}
    )
    public = created.get("publicChallengeParameters") or {}
    session.private_parameters = dict(created.get("privateChallengeParameters") or {})
    session.challenge_metadata = created.get("challengeMetadata")
    session.challenge = "CUSTOM_CHALLENGE"
    session.created = emu.clock()
    token = emu.open_session(session)
    return {
        "ChallengeName": "CUSTOM_CHALLENGE",
        "Session": token,
        "ChallengeParameters": {
            **{k: str(v) for k, v in public.items()},
            "USERNAME": session.username,
        },
    }
