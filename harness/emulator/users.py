"""Small facts about moto's users that every operation needs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.stack import PoolSpec


def status_of(user: CognitoIdpUser) -> str:
    """The user's status as Cognito spells it (moto stores an enum)."""
    return str(getattr(user.status, "value", user.status))


def new_sub() -> str:
    return str(uuid.uuid4())


def find_user(pool: Any, spec: PoolSpec, username: str) -> CognitoIdpUser | None:
    """The user of moto's ``pool`` named ``username``, case-folded unless the pool says not."""
    user: CognitoIdpUser | None = pool._get_user(username)
    if user is None and not spec.properties.get("UsernameConfiguration", {}).get(
        "CaseSensitive", True
    ):
        folded = username.casefold()
        user = next((u for name, u in pool.users.items() if name.casefold() == folded), None)
    return user


def user_attributes(user: CognitoIdpUser, *, with_status: bool = False) -> dict[str, str]:
    attributes = {a["Name"]: str(a["Value"]) for a in user.attributes}
    if with_status:
        attributes["cognito:user_status"] = status_of(user)
    return attributes


def create_user(
    pool: Any,
    username: str,
    *,
    password: str | None,
    status: str,
    attributes: Mapping[str, str],
) -> CognitoIdpUser:
    user = CognitoIdpUser(
        pool.id,
        username,
        password,
        # moto compares statuses by identity (`is UserStatus.CONFIRMED`): store the enum.
        UserStatus[status],
        [{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    pool.users[user.username] = user
    return user
