"""Option values as the AWS CLI reads them: shorthand syntax (``k=v,k2="v,2",k3=[a,b],k4={x=y}``)
and plain strings, typed by the operation's botocore shapes."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.model import ReplayError, suggest


def boolean(value: str, option: str, location: str) -> bool:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ReplayError(location, f"--{option} takes true or false, not '{value}'")


def coerce(shape: Shape, value: Any, option: str, location: str) -> Any:
    """A shorthand value (strings, dicts, lists) typed by the shape."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise ReplayError(location, f"--{option}: expected {_service.describe(shape)}")
        known = _service.members(shape)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in known:
                raise ReplayError(
                    location,
                    f"--{option}: unknown key '{key}'{suggest(key, known)}; "
                    f"keys: {', '.join(known)}",
                )
            out[key] = coerce(known[key], item, option, location)
        return out
    if kind == "map":
        if not isinstance(value, dict):
            raise ReplayError(location, f"--{option}: expected key=value pairs")
        value_shape = shape.value  # type: ignore[attr-defined]
        return {key: coerce(value_shape, item, option, location) for key, item in value.items()}
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        member = shape.member  # type: ignore[attr-defined]
        return [coerce(member, item, option, location) for item in items]
    if not isinstance(value, str):
        raise ReplayError(location, f"--{option}: expected a single value, not a nested one")
    if kind == "boolean":
        return boolean(value, option, location)
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            raise ReplayError(location, f"--{option}: '{value}' is not an integer") from None
    return value


def shorthand(text: str, option: str, location: str) -> dict[str, Any]:
    """Parse AWS CLI shorthand ``k=v,k2="v,2",k3=[a,b],k4={x=y}``."""
    parser = _Parser(text, option, location)
    value = parser.pairs(None)
    if parser.pos < len(text):
        raise parser.fail(f"unexpected '{text[parser.pos]}'")
    return value


class _Parser:
    def __init__(self, text: str, option: str, location: str) -> None:
        self.text = text
        self.option = option
        self.location = location
        self.pos = 0

    def fail(self, problem: str) -> ReplayError:
        return ReplayError(
            self.location, f"--{self.option}: {problem} in shorthand (expected key=value,...)"
        )

    def pairs(self, closing: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            equals = self.text.find("=", self.pos)
            if equals < 0:
                raise self.fail(f"'{self.text[self.pos :]}' is not key=value")
            key = self.text[self.pos : equals].strip()
            if not key or any(char in key for char in ",[]{}"):
                raise self.fail(f"'{key}' is not a key")
            self.pos = equals + 1
            out[key] = self.value(closing)
            if self.pos >= len(self.text) or self.text[self.pos] == closing:
                return out
            if self.text[self.pos] != ",":
                raise self.fail(f"unexpected '{self.text[self.pos]}'")
            self.pos += 1

    def value(self, closing: str | None) -> Any:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1
        char = self.text[self.pos] if self.pos < len(self.text) else ""
        if char == "[":
            self.pos += 1
            items: list[Any] = []
            while self.pos < len(self.text) and self.text[self.pos] != "]":
                items.append(self.value("]"))
                if self.pos < len(self.text) and self.text[self.pos] == ",":
                    self.pos += 1
            if self.pos >= len(self.text):
                raise self.fail("unterminated '['")
            self.pos += 1
            return items
        if char == "{":
            self.pos += 1
            nested = self.pairs("}")
            if self.pos >= len(self.text) or self.text[self.pos] != "}":
                raise self.fail("unterminated '{'")
            self.pos += 1
            return nested
        if char in ("'", '"'):
            end = self.text.find(char, self.pos + 1)
            if end < 0:
                raise self.fail(f"unterminated {char}")
            value = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return value
        stops = "," + (closing or "")
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        return self.text[start : self.pos].strip()
