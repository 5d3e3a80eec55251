"""The server-side state behind a challenge's ``Session`` string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
