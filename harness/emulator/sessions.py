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
    #: A PASSWORD_VERIFIER asked for by DefineAuthChallenge (CUSTOM_AUTH starting with SRP).
    custom_auth: bool = False
    #: DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER: the remembered device being proved.
    device_key: str | None = None
    #: The DEVICE_KEY the sign-in gave (AuthParameters), for the steps after the password.
    given_device_key: str | None = None
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

    def without_session(self, challenge: str, responses: dict[str, Any]) -> str:
        """The token of the open session an answer sent without a ``Session`` is for, or "".

        SRP answers need none: PASSWORD_VERIFIER and DEVICE_PASSWORD_VERIFIER carry the
        challenge's SECRET_BLOCK (Cognito's own state), DEVICE_SRP_AUTH the user and device
        key. [O] SDK clients answer them so (pycognito's AWSSRP.authenticate_user sends no
        Session), and Cognito accepts it.
        """
        for token, session in self._open.items():
            if session.challenge != challenge:
                continue
            if challenge in ("PASSWORD_VERIFIER", "DEVICE_PASSWORD_VERIFIER"):
                block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
                if session.srp is not None and block == session.srp.secret_block:
                    return token
            elif challenge == "DEVICE_SRP_AUTH" and (
                session.device_key == responses.get("DEVICE_KEY")
                and session.username == responses.get("USERNAME")
            ):
                return token
        return ""

    def close(self, token: str) -> None:
        self._open.pop(token, None)
