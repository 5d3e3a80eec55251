"""Passwords: the pool's policy, and the temporary password of an invited user."""

from __future__ import annotations

import secrets
from typing import Any

from moto.cognitoidp.exceptions import InvalidPasswordException as MotoInvalidPassword

from harness.cognito import errors
from harness.emulator.context import CallContext
from harness.emulator.flows.requests import required

#: Cognito words the policy failure differently for SignUp and for a new password chosen at
#: a NEW_PASSWORD_REQUIRED challenge (as observed; the code is InvalidPasswordException).
POLICY_SIGN_UP = "Password did not conform with policy"
POLICY_CHALLENGE = "Password does not conform to policy"


def validate_password(
    ctx: CallContext, password: Any, *, parameter: str = "Password", wording: str = POLICY_SIGN_UP
) -> str:
    """The password, checked against the pool's policy (moto's implementation of it)."""
    given = required(password, parameter)
    try:
        ctx.backend._validate_password(ctx.user_pool_id, given)
    except MotoInvalidPassword:
        raise errors.InvalidPasswordException(
            f"{wording}: Password not long enough or missing a required character class"
        ) from None
    return given


def temporary_password() -> str:
    return "Tmp-" + secrets.token_urlsafe(9) + "1a!"
