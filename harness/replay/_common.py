"""What every reader shares: locations in JSON text, environment references, the setup and
expectation syntaxes, directives in comments, and turning a request into an :class:`ApiCall`.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from harness.cognito import service_model as _service
from harness.replay.model import (
    TRIGGER_NAMES,
    ApiCall,
    Expectation,
    Hidden,
    MfaSettings,
    ReplayError,
    SeedUser,
    Setup,
    suggest,
)

#: ``# harness-setup: <file>``: load a setup file, relative to the replay file.
SETUP_DIRECTIVE: Final = re.compile(r"^#\s*harness-setup\s*:\s*(?P<path>\S.*?)\s*$")
#: ``# expect: PreAuthentication=validationData outcome=tokens``: expectation of the next call.
EXPECT_DIRECTIVE: Final = re.compile(r"^#\s*expect\s*:(?P<body>.*)$")

_ENV_REF: Final = re.compile(r"\$?\$\{env:([^}]*)\}")
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SecretStr(str):
    """A string that came from an environment variable (or was assembled from one)."""

    __slots__ = ()


@dataclass(frozen=True)
class SetupRef:
    """A setup found in a replay: inline (``setup``) or a file to load (``path``)."""

    location: str
    setup: Setup | None = None
    path: Path | None = None


@dataclass
class ReadResult:
    """What one reader made of one file."""

    calls: list[ApiCall] = field(default_factory=list)
    setups: list[SetupRef] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Locations in JSON text


@dataclass
class JsonLoc:
    """Where a JSON value starts (1-based line), with the locations of its members/items."""

    line: int
    children: dict[str, JsonLoc] | list[JsonLoc] | None = None

    def key(self, name: str) -> JsonLoc:
        if isinstance(self.children, dict) and name in self.children:
            return self.children[name]
        return self

    def index(self, position: int) -> JsonLoc:
        if isinstance(self.children, list) and 0 <= position < len(self.children):
            return self.children[position]
        return self


_JSON_TOKEN: Final = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+)', re.DOTALL)


def locate_json(text: str, first_line: int = 1) -> JsonLoc:
    """The locations of every value of ``text``, which must already be valid JSON.

    Exact for every object, array and scalar: the text is tokenized once more (strings,
    punctuation, bare literals) and walked in step with the structure json.loads saw.
    """
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    tokens: list[tuple[str, int]] = []
    for match in _JSON_TOKEN.finditer(text):
        tokens.append((match.group(1), match.start(1)))
    position = 0

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1 + first_line

    def value() -> JsonLoc:
        nonlocal position
        token, offset = tokens[position]
        position += 1
        here = JsonLoc(line_of(offset))
        if token == "{":
            members: dict[str, JsonLoc] = {}
            while tokens[position][0] != "}":
                name = json.loads(tokens[position][0])
                position += 2  # the key and the colon
                members[name] = value()
                if tokens[position][0] == ",":
                    position += 1
            position += 1
            here.children = members
        elif token == "[":
            items: list[JsonLoc] = []
            while tokens[position][0] != "]":
                items.append(value())
                if tokens[position][0] == ",":
                    position += 1
            position += 1
            here.children = items
        return here

    return value() if tokens else JsonLoc(first_line)


def parse_json(text: str, display: str, first_line: int = 1) -> tuple[Any, JsonLoc]:
    """``json.loads`` with a ``file:line:column`` ReplayError, plus the value's locations."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        line = error.lineno + first_line - 1
        raise ReplayError(f"{display}:{line}:{error.colno}", f"invalid JSON: {error.msg}") from None
    return value, locate_json(text, first_line)


# ---------------------------------------------------------------------------------------------
# Environment references


def expand_env(text: str, env: Mapping[str, str], location: str) -> str:
    """Replace every ``${env:NAME}`` in ``text`` (``$${env:NAME}`` is a literal ``${env:NAME}``).

    The result is a :class:`SecretStr` when a reference was replaced.
    """
    if "${env:" not in text:
        return text
    used = False

    def replace(match: re.Match[str]) -> str:
        nonlocal used
        if match.group(0).startswith("$$"):
            return match.group(0)[1:]
        name = match.group(1)
        if not _ENV_NAME.fullmatch(name):
            raise ReplayError(location, f"'${{env:{name}}}' is not a valid variable reference")
        used = True
        return env_value(name, env, location)

    result = _ENV_REF.sub(replace, text)
    return SecretStr(result) if used else result


def env_value(name: str, env: Mapping[str, str], location: str) -> SecretStr:
    """The value of environment variable ``name``, or a ReplayError naming it."""
    if name not in env:
        raise ReplayError(
            location,
            f"environment variable {name} is not set; export it before replaying "
            "(the replay reads this secret from the environment)",
        )
    return SecretStr(env[name])


def expand_env_json(value: Any, env: Mapping[str, str], display: str, loc: JsonLoc) -> Any:
    """:func:`expand_env` on every string of a JSON value, reporting the string's own line."""
    if isinstance(value, str):
        return expand_env(value, env, f"{display}:{loc.line}")
    if isinstance(value, dict):
        return {k: expand_env_json(v, env, display, loc.key(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env_json(v, env, display, loc.index(i)) for i, v in enumerate(value)]
    return value


def strip_secrets(value: Any, path: str = "") -> tuple[Any, set[str]]:
    """``value`` with every :class:`SecretStr` made a plain str, and the paths where they were.

    Paths are dotted, with ``[i]`` for list items: ``AuthParameters.PASSWORD``,
    ``UserAttributes[0].Value``.
    """
    if isinstance(value, SecretStr):
        return str.__str__(value), {path}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        paths: set[str] = set()
        for key, item in value.items():
            clean, found = strip_secrets(item, f"{path}.{key}" if path else str(key))
            out[key] = clean
            paths |= found
        return out, paths
    if isinstance(value, list):
        items: list[Any] = []
        paths = set()
        for index, item in enumerate(value):
            clean, found = strip_secrets(item, f"{path}[{index}]")
            items.append(clean)
            paths |= found
        return items, paths
    return value, set()


# ---------------------------------------------------------------------------------------------
# Calls


def make_call(
    operation: str,
    params: dict[str, Any],
    location: str,
    expect: Expectation | None = None,
) -> ApiCall:
    """Check ``params`` against the operation's input shape and build the call."""
    _service.check_params(operation, params, location)
    clean, secrets = strip_secrets(params)
    return ApiCall(
        operation=operation,
        params=clean,
        source=location,
        expect=expect,
        secret_paths=frozenset(secrets),
    )


def contains_hidden(value: Any) -> bool:
    if isinstance(value, Hidden):
        return True
    if isinstance(value, dict):
        return any(contains_hidden(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_hidden(item) for item in value)
    return False


# ---------------------------------------------------------------------------------------------
# Expectations

_EXPECT_KEYS: Final = ("order", "outcome", "error")


def _expect_key(key: str, location: str) -> str:
    for name in (*TRIGGER_NAMES, *_EXPECT_KEYS):
        if key == name:
            return name
    for name in (*TRIGGER_NAMES, *_EXPECT_KEYS):
        if key.casefold() == name.casefold():
            return name
    raise ReplayError(
        location,
        f"unknown expectation key '{key}'{suggest(key, (*TRIGGER_NAMES, *_EXPECT_KEYS))}; "
        "use a trigger name (PreAuthentication=validationData|clientMetadata|none|not-run), "
        "order=A,B, outcome=tokens|challenge|error or error=<ErrorCode>",
    )


def expectation(entries: list[tuple[str, Any]], location: str) -> Expectation:
    """An :class:`Expectation` from ``key, value`` entries (comment or JSON syntax)."""
    triggers: dict[str, str] = {}
    order: list[str] | None = None
    outcome: str | None = None
    error_code: str | None = None
    seen: set[str] = set()
    for raw_key, value in entries:
        key = _expect_key(raw_key, location)
        if key in seen:
            raise ReplayError(location, f"expectation names '{key}' twice")
        seen.add(key)
        if key == "order":
            if isinstance(value, str):
                order = [name.strip() for name in value.split(",") if name.strip()]
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                order = list(value)
            else:
                raise ReplayError(location, "order must be a list of trigger names")
            order = [_expect_key(name, location) for name in order]
            continue
        if not isinstance(value, str) or not value:
            raise ReplayError(location, f"expectation '{key}' must be a non-empty string")
        if key == "outcome":
            outcome = value
        elif key == "error":
            if value not in _service.error_codes():
                raise ReplayError(
                    location,
                    f"error={value} is not a Cognito error code"
                    f"{suggest(value, _service.error_codes())}",
                )
            error_code = value
        else:
            triggers[key] = value
    try:
        return Expectation(triggers=triggers, order=order, outcome=outcome, error_code=error_code)
    except ValueError as error:
        raise ReplayError(location, str(error)) from None


def expectation_from_text(body: str, location: str) -> Expectation:
    """Parse the body of an ``# expect:`` comment: ``key=value`` words."""
    entries: list[tuple[str, Any]] = []
    for word in body.split():
        key, sep, value = word.partition("=")
        if not sep or not key or not value:
            raise ReplayError(
                location,
                f"'{word}' in '# expect:' is not key=value, e.g. PreAuthentication=validationData "
                "outcome=tokens error=NotAuthorizedException",
            )
        entries.append((key, value))
    if not entries:
        raise ReplayError(location, "'# expect:' names nothing; e.g. '# expect: outcome=tokens'")
    return expectation(entries, location)


def expectation_from_json(value: Any, location: str) -> Expectation:
    if not isinstance(value, dict):
        raise ReplayError(location, '"expect" must be an object such as {"outcome": "tokens"}')
    return expectation(list(value.items()), location)


class PendingExpectation:
    """``# expect:`` comments seen since the last call, merged, for the next call."""

    def __init__(self) -> None:
        self.value: Expectation | None = None
        self.location: str | None = None

    def add(self, body: str, location: str) -> None:
        parsed = expectation_from_text(body, location)
        try:
            self.value = parsed if self.value is None else self.value.merged(parsed)
        except ValueError as error:
            raise ReplayError(location, str(error)) from None
        self.location = self.location or location

    def take(self) -> Expectation | None:
        value, self.value, self.location = self.value, None, None
        return value

    def check_consumed(self) -> None:
        if self.value is not None and self.location is not None:
            raise ReplayError(
                self.location, "'# expect:' is not followed by a call; put it just before one"
            )


def setup_directive(path_text: str, replay: Path, location: str) -> SetupRef:
    return SetupRef(location=location, path=replay.parent / path_text)


# ---------------------------------------------------------------------------------------------
# Setups

_SETUP_KEYS: Final = ("users", "legacy_users", "invitations", "settings", "pool", "tables")
_SETUP_ALIASES: Final = {"legacyUsers": "legacy_users"}
_USER_KEYS: Final = ("username", "password", "attributes", "status", "enabled", "mfa", "groups")
_MFA_KEYS: Final = ("sms", "totp_secret", "preferred")


def setup_from_json(value: Any, env: Mapping[str, str], display: str, loc: JsonLoc) -> Setup:
    """A :class:`Setup` from its JSON form (see the package README of events/replays)."""
    where: Callable[[JsonLoc], str] = lambda at: f"{display}:{at.line}"  # noqa: E731
    if not isinstance(value, dict):
        raise ReplayError(where(loc), "a setup must be an object with users, legacy_users, ...")
    value = expand_env_json(value, env, display, loc)
    value, _ = strip_secrets(value)
    parts: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = _SETUP_ALIASES.get(raw_key, raw_key)
        if key not in _SETUP_KEYS:
            raise ReplayError(
                where(loc.key(raw_key)),
                f"unknown setup key '{raw_key}'{suggest(raw_key, _SETUP_KEYS)}; "
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
    legacy = _objects(parts, "legacy_users", where)
    for item_loc, item in zip(_locs(parts, "legacy_users"), legacy, strict=True):
        for name in ("username", "password", "realm"):
            if name in item and not isinstance(item[name], str):
                raise ReplayError(where(item_loc), f"legacy user '{name}' must be a string")
        if "username" not in item:
            raise ReplayError(where(item_loc), 'a legacy user needs a "username"')
    invitations = _objects(parts, "invitations", where)
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
        legacy_users=legacy,
        invitations=invitations,
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


def _objects(
    parts: dict[str, Any], name: str, where: Callable[[JsonLoc], str]
) -> list[dict[str, Any]]:
    if name not in parts:
        return []
    value, at = parts[name]
    items = _list(value, name, where(at))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ReplayError(where(at.index(index)), f"setup '{name}' items must be objects")
    return [dict(item) for item in items]


def _locs(parts: dict[str, Any], name: str) -> list[JsonLoc]:
    if name not in parts:
        return []
    value, at = parts[name]
    return [at.index(index) for index in range(len(value))]


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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReplayError(location, f"setup file {display} does not exist") from None
    except OSError as error:
        raise ReplayError(location, f"cannot read setup file {display}: {error.strerror}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise ReplayError(f"{display}:{line}", f"invalid YAML: {error}") from None
        loc = JsonLoc(1)
    else:
        value, loc = parse_json(text, display)
    return setup_from_json(value, env, display, loc)
