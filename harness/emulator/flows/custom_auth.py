"""CUSTOM_AUTH: DefineAuthChallenge decides, CreateAuthChallenge asks, VerifyAuthChallengeResponse
judges the answer (contract section 4).

Every step sees the session's history; with PreventUserExistenceErrors an unknown user goes
through the same steps (``userNotFound``) and fails at the end.
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.signin import BAD_CREDENTIALS, challenged_user, signed_in
from harness.emulator.sessions import AuthSession


def begin(ctx: CallContext, username: str) -> dict[str, Any]:
    """PreAuthentication [A], then Define (empty session) and Create (contract 4)."""
    if not ctx.has_trigger("DefineAuthChallenge"):
        raise errors.InvalidParameterException(
            "Custom auth lambda trigger is not configured for the user pool."
        )
    user = challenged_user(
        ctx, username, runs_pre_authentication=ctx.settings.custom_auth_runs_pre_authentication
    )
    session = AuthSession(
        username=user.username if user else username,
        client_id=ctx.client_id,
        challenge="CUSTOM_CHALLENGE",
        created=ctx.clock(),
        user_not_found=user is None,
    )
    return next_step(ctx, session, user)


def answer(
    ctx: CallContext,
    session: AuthSession,
    user: CognitoIdpUser | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """VerifyAuthChallengeResponse judges the ANSWER; then Define decides again."""
    given = responses.get("ANSWER")
    if not isinstance(given, str):
        raise errors.InvalidParameterException("Missing required parameter ANSWER")
    verdict = ctx.run_trigger(
        "VerifyAuthChallengeResponse_Authentication",
        session.username,
        attributes=ctx.user_attributes(user) if user else {},
        request={
            "privateChallengeParameters": dict(session.private_parameters),
            "challengeAnswer": given,
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
    return next_step(ctx, session, user)


def next_step(
    ctx: CallContext, session: AuthSession, user: CognitoIdpUser | None
) -> dict[str, Any]:
    """Define decides; then tokens, failure, or Create and the next CUSTOM_CHALLENGE."""
    attributes = ctx.user_attributes(user) if user else {}
    common: dict[str, Any] = {"session": list(session.history)}
    if session.user_not_found:
        common["userNotFound"] = True
    decision = (
        ctx.run_trigger(
            "DefineAuthChallenge_Authentication",
            session.username,
            attributes=attributes,
            request=common,
        )
        or {}
    )
    if decision.get("failAuthentication") is True:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    if decision.get("issueTokens") is True:
        if user is None:
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        return signed_in(ctx, user)
    name = decision.get("challengeName")
    if name != "CUSTOM_CHALLENGE":
        if name in ("SRP_A", "PASSWORD_VERIFIER"):
            raise errors.UnsupportedOperationException(
                f"CUSTOM_AUTH with an SRP step ({name}) is not emulated yet; use CUSTOM_CHALLENGE"
            )
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    created = (
        ctx.run_trigger(
            "CreateAuthChallenge_Authentication",
            session.username,
            attributes=attributes,
            request={"challengeName": name, **common},
        )
        or {}
    )
    public = created.get("publicChallengeParameters") or {}
    session.private_parameters = dict(created.get("privateChallengeParameters") or {})
    session.challenge_metadata = created.get("challengeMetadata")
    session.challenge = "CUSTOM_CHALLENGE"
    session.created = ctx.clock()
    token = ctx.open_session(session)
    return {
        "ChallengeName": "CUSTOM_CHALLENGE",
        "Session": token,
        "ChallengeParameters": {
            **{k: str(v) for k, v in public.items()},
            "USERNAME": session.username,
        },
    }
