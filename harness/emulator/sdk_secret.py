"""SECRET_HASH filled in as an AWS SDK fills it, for callers that act as the SDK.

A replay (and the replays ``harness serve --record`` writes) names the client's calls as the
app made them; against AWS, the app's SDK (Amplify, a boto3 helper) adds SECRET_HASH computed
from the client's secret. The pytest plugin's ``cognito_pool.client`` is plain boto3, which
computes none: there, as against AWS, the app's code sends it (``Emulator.secret_hash``).
The emulated client's secret is not the deployed one, so where a call lacks the hash, a replay
computes it with the emulated secret. A call that carries one is sent as it is (a wrong hash
is the app's error).

Where each operation carries it: [D] Cognito API reference, the SecretHash member of SignUp,
ConfirmSignUp, ForgotPassword, ConfirmForgotPassword, ResendConfirmationCode; the SECRET_HASH
key of InitiateAuth / AdminInitiateAuth AuthParameters and of RespondToAuthChallenge /
AdminRespondToAuthChallenge ChallengeResponses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from harness.emulator.context import Target

#: Operations whose top-level SecretHash goes with their Username.
TOP_LEVEL: Final = frozenset(
    {
        "SignUp",
        "ConfirmSignUp",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ResendConfirmationCode",
    }
)
#: Operations whose map (member) holds SECRET_HASH next to USERNAME.
IN_MAP: Final[Mapping[str, str]] = {
    "InitiateAuth": "AuthParameters",
    "AdminInitiateAuth": "AuthParameters",
    "RespondToAuthChallenge": "ChallengeResponses",
    "AdminRespondToAuthChallenge": "ChallengeResponses",
}


def with_secret_hash(target: Target, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with the SECRET_HASH the client's SDK would add, where it is missing."""
    result = dict(params)
    if target.client_secret is None:
        return result
    if operation in TOP_LEVEL and not params.get("SecretHash"):
        username = params.get("Username")
        if isinstance(username, str):
            result["SecretHash"] = target.secret_hash(username)
    member = IN_MAP.get(operation)
    values = params.get(member) if member else None
    if member and isinstance(values, Mapping) and not values.get("SECRET_HASH"):
        username = values.get("USERNAME") or _refresh_token_owner(target, values)
        if isinstance(username, str):
            result[member] = {**values, "SECRET_HASH": target.secret_hash(username)}
    return result


def _refresh_token_owner(target: Target, values: Mapping[str, Any]) -> str | None:
    """REFRESH_TOKEN_AUTH names no USERNAME: the SDK hashes the username of the signed-in user
    whose token it refreshes (the pool's username, not an alias [O] the qiita.com report
    nori3tsu 7fa72c297f93efd0b3bb, "Unable to verify secret hash" with the email's hash)."""
    token = values.get("REFRESH_TOKEN")
    entry = target.pool.refresh_tokens.get(token) if isinstance(token, str) else None
    return str(entry[1]) if entry else None
