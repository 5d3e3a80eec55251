"""Small facts about moto's users that every operation needs."""

from __future__ import annotations

import uuid

from moto.cognitoidp.models import CognitoIdpUser


def status_of(user: CognitoIdpUser) -> str:
    """The user's status as Cognito spells it (moto stores an enum)."""
    return str(getattr(user.status, "value", user.status))


def new_sub() -> str:
    return str(uuid.uuid4())
