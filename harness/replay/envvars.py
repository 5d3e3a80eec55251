"""Secrets in replays: ``${env:NAME}`` references read from the environment, and the
:class:`SecretStr` marking every value that came from one (so reports can hide it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from harness.replay.jsonloc import JsonLoc
from harness.replay.model import ReplayError

_ENV_REF: Final = re.compile(r"\$?\$\{env:([^}]*)\}")
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SecretStr(str):
    """A string that came from an environment variable (or was assembled from one)."""

    __slots__ = ()


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


class MissingVariable(ReplayError):
    """A ``${env:NAME}`` whose variable is not set (:func:`harness.replay.loader.load_replay`
    gathers them all into one error)."""

    def __init__(self, location: str, name: str) -> None:
        super().__init__(
            location,
            f"environment variable {name} is not set; export it before replaying "
            "(the replay reads this secret from the environment)",
        )
        self.name = name


def env_value(name: str, env: Mapping[str, str], location: str) -> SecretStr:
    """The value of environment variable ``name``, or a :class:`MissingVariable` naming it."""
    if name not in env:
        raise MissingVariable(location, name)
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
