"""Small facts about moto's users that every operation needs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, UserStatus

from harness.cognito import errors
from harness.stack import PoolSpec


def status_of(user: CognitoIdpUser) -> str:
    """The user's status as Cognito spells it (moto stores an enum)."""
    return str(getattr(user.status, "value", user.status))


def new_sub() -> str:
    return str(uuid.uuid4())


#: Attributes a pool may take as the username (UsernameAttributes) and how each looks.
#: [D] user-pool-settings-attributes, "Customizing sign-in attributes".
USERNAME_ATTRIBUTES: Mapping[str, re.Pattern[str]] = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+$"),
    "phone_number": re.compile(r"^\+[0-9]{4,15}$"),
}
_SHOULD_BE = {
    ("email",): "Username should be an email.",
    ("phone_number",): "Username should be a phone number.",
    ("email", "phone_number"): "Username should be either an email or a phone number.",
}
#: Aliases sign in only once verified; preferred_username needs no verification.
#: [D] user-pool-settings-attributes, "Customizing sign-in attributes" (alias attributes).
_ALIAS_VERIFIED_BY = {"email": "email_verified", "phone_number": "phone_number_verified"}


def find_user(pool: Any, spec: PoolSpec, username: str) -> CognitoIdpUser | None:
    """The user of moto's ``pool`` named ``username``: by its username (case-folded unless the
    pool says not), by a UsernameAttributes value (moto's lookup), or by a verified alias."""
    user: CognitoIdpUser | None = pool._get_user(username)
    case_insensitive = not spec.properties.get("UsernameConfiguration", {}).get(
        "CaseSensitive", True
    )
    if user is None and case_insensitive:
        folded = username.casefold()
        user = next((u for name, u in pool.users.items() if name.casefold() == folded), None)
    if user is None:
        for alias in spec.properties.get("AliasAttributes") or ():
            user = next((u for u in pool.users.values() if _alias_of(u, alias) == username), None)
            if user is not None:
                break
    return user


def _alias_of(user: CognitoIdpUser, alias: str) -> str | None:
    attributes = user_attributes(user)
    flag = _ALIAS_VERIFIED_BY.get(alias)
    if flag is not None and attributes.get(flag) != "true":
        return None
    return attributes.get(alias)


def username_for(spec: PoolSpec, typed: str, attributes: dict[str, str]) -> str:
    """The username a new user gets. With UsernameAttributes the typed name must be an email
    or phone number (as the pool allows): it becomes that attribute, and the user's username
    is a generated UUID (the events' ``userName``). [D] user-pool-settings-attributes."""
    allowed = tuple(
        a for a in USERNAME_ATTRIBUTES if a in (spec.properties.get("UsernameAttributes") or ())
    )
    if not allowed:
        return typed
    for name in allowed:
        if USERNAME_ATTRIBUTES[name].match(typed):
            attributes.setdefault(name, typed)
            return new_sub()
    raise errors.InvalidParameterException(_SHOULD_BE[allowed])


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
    if is_generated(username):
        # A generated username is the user's sub (Cognito's, and moto's tokens say so); moto
        # gave the sub attribute its own id, which the events and AdminGetUser show.
        user.id = username
        user.update_attributes([{"Name": "sub", "Value": username}])
    pool.users[user.username] = user
    return user


def is_generated(username: str) -> bool:
    """Whether ``username`` is one :func:`username_for` generated (a UUID)."""
    try:
        return str(uuid.UUID(username)) == username
    except ValueError:
        return False
