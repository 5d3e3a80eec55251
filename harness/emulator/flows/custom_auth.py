"""CUSTOM_AUTH: DefineAuthChallenge decides, CreateAuthChallenge asks, VerifyAuthChallengeResponse
judges the answer (contract section 4).

A custom flow may start with password verification: the Initiate call gives
``CHALLENGE_NAME: SRP_A`` and ``SRP_A``, Define sees ``[{challengeName: SRP_A, challengeResult:
true}]`` and answers ``PASSWORD_VERIFIER``; the pool sends the SRP challenge (no Create runs),
checks the proof for real (:mod:`harness.cognito.srp`) and Define sees the result. [D]
AdminInitiateAuth API reference (AuthParameters, CUSTOM_AUTH) and the define-auth-challenge
example of the Cognito developer guide (user-pool-lambda-define-auth-challenge); [O] the Define
event Cognito sends then (session ``[{challengeName: SRP_A, challengeResult: true,
challengeMetadata: null}]``): aws-amplify/amplify-swift#1134. The key is ``CHALLENGE_NAME``, as
the SDKs send it (the reference writes "ChallengeName: SRP_A"). A wrong password failing at
PASSWORD_VERIFIER after Define saw ``false`` is issue 15's specification of Cognito's answer.

Every step sees the session's history; with PreventUserExistenceErrors an unknown user goes
through the same steps (``userNotFound``) and fails at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors, srp
from harness.emulator.context import CallContext
from harness.emulator.flows.signin import BAD_CREDENTIALS, challenged_user, signed_in
from harness.emulator.sessions import AuthSession


def begin(ctx: CallContext, username: str, auth: Mapping[str, Any]) -> dict[str, Any]:
    """PreAuthentication [A], then Define (empty session, or the SRP_A step) and Create."""
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
    if auth.get("CHALLENGE_NAME") == "SRP_A":
        srp_a = auth.get("SRP_A")
        if not isinstance(srp_a, str) or not srp_a:
            raise errors.InvalidParameterException("Missing required parameter SRP_A")
        session.srp = srp.Server(
            pool_name=ctx.user_pool_id.split("_", 1)[1],
            username=session.username,
            password=(user.password if user else None) or "",
            srp_a=srp_a,
        )
        session.history.append(
            {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
        )
    return next_step(ctx, session, user)


def _password_verified(
    ctx: CallContext, session: AuthSession, user: CognitoIdpUser | None, proved: bool
) -> dict[str, Any]:
    """The PASSWORD_VERIFIER answer of a custom flow: Define sees whether the proof held.

    A wrong password (or an unknown user) fails here whatever Define answers, after Define has
    seen ``challengeResult: false``: the verifier step is the pool's, not the trigger's.
    """
    session.history.append(
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": proved, "challengeMetadata": None}
    )
    if not proved:
        _define(ctx, session, user)
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    return next_step(ctx, session, user)


def answer(
    ctx: CallContext,
    session: AuthSession,
    user: CognitoIdpUser | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """VerifyAuthChallengeResponse judges the ANSWER (the pool checks a PASSWORD_VERIFIER's
    proof itself); then Define decides again."""
    if session.challenge == "PASSWORD_VERIFIER":
        proved = user is not None and session.srp is not None and session.srp.verify(responses)
        return _password_verified(ctx, session, user, proved)
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
    common = _request(session)
    decision = _define(ctx, session, user)
    if decision.get("failAuthentication") is True:
        raise errors.NotAuthorizedException(BAD_CREDENTIALS)
    if decision.get("issueTokens") is True:
        if user is None:
            raise errors.NotAuthorizedException(BAD_CREDENTIALS)
        return signed_in(ctx, user)
    name = decision.get("challengeName")
    if name == "PASSWORD_VERIFIER" and session.srp is not None and len(session.history) == 1:
        return _password_verifier(ctx, session)
    if name != "CUSTOM_CHALLENGE":
        # No AWS page says what Cognito answers to a challengeName it cannot run; the code
        # and message are the ones Cognito gives any answer it cannot use (contract section
        # 5, [O] amazon-archives/amazon-cognito-identity-js#167), the detail is the harness's.
        raise errors.InvalidLambdaResponseException(
            "Unrecognizable lambda output", detail=_bad_challenge_name(name, session)
        )
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
    session.srp = None
    parameters = {**{k: str(v) for k, v in public.items()}, "USERNAME": session.username}
    return _ask(ctx, session, "CUSTOM_CHALLENGE", parameters)


def _bad_challenge_name(name: Any, session: AuthSession) -> str:
    """Which field of Define's answer Cognito could not use, and what it takes there. [D]
    user-pool-lambda-define-auth-challenge: the response's challengeName names the next
    challenge (CUSTOM_CHALLENGE; PASSWORD_VERIFIER after SRP_A, the SRP step of a custom flow);
    issueTokens and failAuthentication end the flow."""
    if name is None:
        what = "has no challengeName and neither issueTokens nor failAuthentication true"
    else:
        what = f"has challengeName {name!r}"
    accepted = "CUSTOM_CHALLENGE"
    if session.srp is not None and len(session.history) == 1:
        accepted += ", or PASSWORD_VERIFIER (the SRP step)"
    elif name == "PASSWORD_VERIFIER":
        accepted += " (PASSWORD_VERIFIER only right after SRP_A)"
    return f"DefineAuthChallenge's response {what}; Cognito accepts {accepted} there"


def _ask(
    ctx: CallContext, session: AuthSession, name: str, parameters: dict[str, str]
) -> dict[str, Any]:
    """The challenge ``name`` of the flow's session, under a new Session string."""
    session.challenge = name
    session.created = ctx.clock()
    return {
        "ChallengeName": name,
        "Session": ctx.open_session(session),
        "ChallengeParameters": parameters,
    }


def _request(session: AuthSession) -> dict[str, Any]:
    common: dict[str, Any] = {"session": list(session.history)}
    if session.user_not_found:
        common["userNotFound"] = True
    return common


def _define(ctx: CallContext, session: AuthSession, user: CognitoIdpUser | None) -> dict[str, Any]:
    decision = ctx.run_trigger(
        "DefineAuthChallenge_Authentication",
        session.username,
        attributes=ctx.user_attributes(user) if user else {},
        request=_request(session),
    )
    return decision or {}


def _password_verifier(ctx: CallContext, session: AuthSession) -> dict[str, Any]:
    """Define asked for PASSWORD_VERIFIER after SRP_A: the pool's SRP challenge, no Create."""
    server = session.srp
    session.custom_auth = True
    parameters = {
        "USER_ID_FOR_SRP": session.username,
        "USERNAME": session.username,
        "SRP_B": server.srp_b,
        "SALT": server.salt,
        "SECRET_BLOCK": server.secret_block,
    }
    return _ask(ctx, session, "PASSWORD_VERIFIER", parameters)
