"""Setups: the users, tables and settings a replay starts from (``# harness-setup: file``,
``"setupFile"``, an inline ``"setup"``), read from JSON or YAML into a :class:`Setup`.

The format is described in the README (Replay: "A **setup** ...").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from harness.bounded import BoundedInputError, load_yaml, read_text
from harness.replay.envvars import expand_env_json, strip_secrets
from harness.replay.jsonloc import JsonLoc, parse_json
from harness.replay.model import MfaSettings, ReplayError, SeedUser, Setup, suggest


@dataclass(frozen=True)
class SetupRef:
    """A setup found in a replay: inline (``setup``) or a file to load (``path``)."""

    location: str
    setup: Setup | None = None
    path: Path | None = None


_SETUP_KEYS: Final = ("users", "settings", "pool", "tables")
#: Keys of this project's first setup format, which knew its own tables; now plain table records.
_RETIRED_KEYS: Final = {
    "legacy_users": "LegacyUsersTable",
    "legacyUsers": "LegacyUsersTable",
    "invitations": "InvitationsTable",
}
_USER_KEYS: Final = ("username", "password", "attributes", "status", "enabled", "mfa", "groups")
_MFA_KEYS: Final = ("sms", "totp_secret", "preferred")


def setup_directive(path_text: str, replay: Path, location: str) -> SetupRef:
    """A setup file named by a replay, relative to the replay file."""
    if "\0" in path_text:  # no file name holds one; the OS refuses it with a ValueError
        raise ReplayError(location, "the setup file name holds a NUL character")
    return SetupRef(location=location, path=replay.parent / path_text)


def setup_from_json(value: Any, env: Mapping[str, str], display: str, loc: JsonLoc) -> Setup:
    """A :class:`Setup` from its JSON form (see the README)."""
    where: Callable[[JsonLoc], str] = lambda at: f"{display}:{at.line}"  # noqa: E731
    if not isinstance(value, dict):
        raise ReplayError(where(loc), "a setup must be an object with users, tables, ...")
    value = expand_env_json(value, env, display, loc)
    value, _ = strip_secrets(value)
    parts: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = raw_key
        if key in _RETIRED_KEYS:
            raise ReplayError(
                where(loc.key(raw_key)),
                f"setup key '{raw_key}' is gone: the harness knows no table's records; put "
                f'them under "tables": {{"{_RETIRED_KEYS[key]}": [...]}} (the table\'s logical '
                "id), with a seeder in the template if they need one (README: Seeding tables)",
            )
        if key not in _SETUP_KEYS:
            raise ReplayError(
                where(loc.key(raw_key)),
                f"unknown setup key '{raw_key}'{suggest(str(raw_key), _SETUP_KEYS)}; "
                f"known: {', '.join(_SETUP_KEYS)}",
            )
        parts[key] = (item, loc.key(raw_key))
    users: list[SeedUser] = []
    if "users" in parts:
        items, at = parts["users"]
        for index, item in enumerate(_list(items, "users", where(at))):
            users.append(_seed_user(item, display, at.index(index)))
    names = [user.username for user in users]
    for name in names:
        if names.count(name) > 1:
            raise ReplayError(where(loc.key("users")), f"user '{name}' is defined twice")
    settings = _object(parts, "settings", where)
    pool = _object(parts, "pool", where)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, items in _object(parts, "tables", where).items():
        at = parts["tables"][1].key(name)
        rows = _list(items, f"tables.{name}", where(at))
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ReplayError(where(at.index(index)), f"tables.{name} items must be objects")
        tables[name] = rows
    return Setup(
        users=users,
        settings=settings,
        pool=pool,
        tables=tables,
    )


def _list(value: Any, name: str, location: str) -> list[Any]:
    if not isinstance(value, list):
        raise ReplayError(location, f"setup '{name}' must be a list")
    return value


def _object(parts: dict[str, Any], name: str, where: Callable[[JsonLoc], str]) -> dict[str, Any]:
    if name not in parts:
        return {}
    value, at = parts[name]
    if not isinstance(value, dict):
        raise ReplayError(where(at), f"setup '{name}' must be an object")
    return dict(value)


def _seed_user(item: Any, display: str, loc: JsonLoc) -> SeedUser:
    location = f"{display}:{loc.line}"
    if not isinstance(item, dict):
        raise ReplayError(location, 'a setup user must be an object with a "username"')
    for key in item:
        if key not in _USER_KEYS:
            raise ReplayError(
                f"{display}:{loc.key(key).line}",
                f"unknown user key '{key}'{suggest(key, _USER_KEYS)}; "
                f"known: {', '.join(_USER_KEYS)}",
            )
    username = item.get("username")
    if not isinstance(username, str) or not username:
        raise ReplayError(location, 'a setup user needs a non-empty "username" string')
    password = item.get("password")
    if password is not None and not isinstance(password, str):
        raise ReplayError(location, f"user '{username}': \"password\" must be a string")
    attributes: dict[str, str] = {}
    raw_attributes = item.get("attributes", {})
    if not isinstance(raw_attributes, dict):
        raise ReplayError(location, f"user '{username}': \"attributes\" must be an object")
    for name, value in raw_attributes.items():
        if isinstance(value, bool):
            attributes[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            attributes[name] = str(value)
        else:
            raise ReplayError(location, f"user '{username}': attribute '{name}' must be a string")
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ReplayError(location, f"user '{username}': \"enabled\" must be true or false")
    groups = item.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise ReplayError(location, f"user '{username}': \"groups\" must be a list of names")
    mfa = item.get("mfa")
    mfa_settings: MfaSettings | None = None
    if mfa is not None:
        mfa_settings = _mfa(mfa, username, location)
    status = item.get("status", "CONFIRMED")
    if not isinstance(status, str):
        raise ReplayError(location, f"user '{username}': \"status\" must be a string")
    try:
        return SeedUser(
            username=username,
            password=password,
            attributes=attributes,
            status=status,
            enabled=enabled,
            mfa=mfa_settings,
            groups=list(groups),
            source=location,
        )
    except ValueError as error:
        raise ReplayError(location, f"user '{username}': {error}") from None


def _mfa(value: Any, username: str, location: str) -> MfaSettings:
    if not isinstance(value, dict):
        raise ReplayError(location, f"user '{username}': \"mfa\" must be an object")
    for key in value:
        if key not in _MFA_KEYS:
            raise ReplayError(
                location,
                f"user '{username}': unknown mfa key '{key}'{suggest(key, _MFA_KEYS)}; "
                f"known: {', '.join(_MFA_KEYS)}",
            )
    sms = value.get("sms", False)
    secret = value.get("totp_secret")
    preferred = value.get("preferred")
    if not isinstance(sms, bool):
        raise ReplayError(location, f"user '{username}': mfa.sms must be true or false")
    if secret is not None and not isinstance(secret, str):
        raise ReplayError(location, f"user '{username}': mfa.totp_secret must be a string")
    if preferred is not None and not isinstance(preferred, str):
        raise ReplayError(location, f"user '{username}': mfa.preferred must be a string")
    try:
        return MfaSettings(sms=sms, totp_secret=secret, preferred=preferred)
    except ValueError as error:
        raise ReplayError(location, f"user '{username}': {error}") from None


def load_setup_file(path: Path, env: Mapping[str, str], location: str) -> Setup:
    """Read a setup file (JSON, or YAML for ``.yaml``/``.yml``); ``location`` names whoever
    asked for it, for a missing file."""
    display = str(path)
    try:
        text = read_text(path, what="setup file")
    except FileNotFoundError:
        raise ReplayError(location, f"setup file {display} does not exist") from None
    except OSError as error:
        raise ReplayError(location, f"cannot read setup file {display}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ReplayError(location, f"setup file {display} is not UTF-8: {error}") from None
    except BoundedInputError as error:
        raise ReplayError(location, f"setup file {display}: {error.reason}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            value = load_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = " ".join(str(error).split())
            raise ReplayError(f"{display}:{line}", f"invalid YAML: {problem}") from None
        except BoundedInputError as error:
            raise ReplayError(f"{display}:1", error.reason) from None
        loc = JsonLoc(1)
    else:
        value, loc = parse_json(text, display)
    return setup_from_json(value, env, display, loc)
