"""The server-side state behind a challenge's ``Session`` string."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from harness.cognito import errors


@dataclass
class AuthSession:
    """Server-side state behind a challenge's ``Session`` string."""

    username: str
    client_id: str
    challenge: str
    created: float
    user_not_found: bool = False
    #: CUSTOM_AUTH: the session list Define/Create/Verify see, and the pending challenge.
    history: list[dict[str, Any]] = field(default_factory=list)
    private_parameters: dict[str, str] = field(default_factory=dict)
    challenge_metadata: str | None = None
    #: USER_SRP_AUTH: the server's SRP state for PASSWORD_VERIFIER.
    srp: Any = None
    #: The triggerSource PreTokenGeneration uses when this session ends in tokens.
    token_source: str = "TokenGeneration_Authentication"


class SessionStore:
    """The open challenge sessions of an emulator, by their ``Session`` string."""

    def __init__(self) -> None:
        self._open: dict[str, AuthSession] = {}

    def open(self, session: AuthSession) -> str:
        token = secrets.token_urlsafe(48)
        self._open[token] = session
        return token

    def take(self, token: Any, challenge: str, *, now: float, lifetime: float) -> AuthSession:
        """The session ``token`` names, for an answer to ``challenge``; Cognito's errors else.

        Not closed here: a wrong MFA code leaves the session usable; operations close it.
        """
        session = self._open.get(token) if isinstance(token, str) else None
        if session is None:
            raise errors.NotAuthorizedException("Invalid session for the user.")
        if now - session.created > lifetime:
            del self._open[token]
            raise errors.NotAuthorizedException("Invalid session for the user, session is expired.")
        if session.challenge != challenge:
            raise errors.InvalidParameterException(
                f"Incorrect challenge name: expected {session.challenge}, got {challenge}"
            )
        return session

    def srp_token(self, username: Any, secret_block: Any) -> str | None:
        """The Session of the open USER_SRP_AUTH exchange of ``username`` whose SECRET_BLOCK
        the answer returns: how Cognito knows a PASSWORD_VERIFIER answer sent without a
        Session (pycognito, warrant-lite and other SRP clients send none). [D]
        API_RespondToAuthChallenge: Session is optional; the SRP exchange carries USERNAME and
        PASSWORD_CLAIM_SECRET_BLOCK."""
        for token, session in self._open.items():
            if (
                session.srp is not None
                and session.challenge == "PASSWORD_VERIFIER"
                and session.username == username
                and session.srp.secret_block == secret_block
            ):
                return token
        return None

    def close(self, token: str) -> None:
        self._open.pop(token, None)
