"""One check of a request against the operation's input shape, as Cognito's front end does it.

Every request the emulator runs (a replay's, a served one) goes through :func:`validate_request`
before anything happens (no trigger runs for a refused request). The shapes are botocore's
cognito-idp model, the one the AWS SDKs are generated from:

* a value of the wrong JSON type (a list for ``AuthFlow``, a number for ``Session``, an object
  for ``SecretHash``) is a ``SerializationException``, as the JSON protocol's deserializer
  answers before validation ([O] Cognito answers ``SerializationException`` for a mistyped
  member; [D] "Common Errors", AWS API reference: SerializationException);
* a missing required member, a length, an enum or a pattern the value breaks is an
  ``InvalidParameterException`` with Cognito's "N validation error(s) detected: Value 'v' at
  'member' failed to satisfy constraint: Member must ..." message ([O] the message format of
  every Cognito validation error); a member the model marks ``sensitive`` is named without its
  value ([O] "Value at 'password' failed to satisfy constraint").

Members the shape does not know are ignored, as the service's JSON deserializer does.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from harness import patterns
from harness.cognito import errors

SERVICE = "cognito-idp"
#: The pattern check's time bound per value, in seconds (``harness.patterns``).
PATTERN_SECONDS = 0.1
#: How deep a request may nest; the deepest cognito-idp input shape is far shallower.
MAX_DEPTH = 32


@functools.cache
def _model() -> Any:
    # (the process's one copy of the model: no botocore session to set up for it)
    from harness.cognito.botocore_data import api_model

    return api_model(SERVICE)


@functools.cache
def operation_names() -> frozenset[str]:
    """Every cognito-idp operation name (PascalCase), as ``X-Amz-Target`` names it."""
    return frozenset(_model().operation_names)


@functools.cache
def _usable(pattern: str) -> bool:
    try:
        patterns.compile(pattern, ascii=True)  # the same syntax errors as the full form
    except re.error:
        return False
    return True


def validate_request(operation: str, params: Mapping[str, Any]) -> None:
    """Raise Cognito's error unless ``params`` fits ``operation``'s input shape."""
    if operation not in operation_names():
        raise errors.UnknownOperationException(f"Unknown operation {operation}")
    shape = _model().operation_model(operation).input_shape
    if shape is None:
        return
    problems: list[str] = []
    _check(shape, params, "", problems, 0)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise errors.InvalidParameterException(
            f"{count} validation {noun} detected: " + "; ".join(problems)
        )


def _member_path(path: str, name: str) -> str:
    part = name[:1].lower() + name[1:]
    return f"{path}.{part}" if path else part


def _type_error(path: str, expected: str, value: Any) -> errors.SerializationException:
    return errors.SerializationException(
        f"'{path or 'request'}' must be {expected}, not {json_type(value)}"
    )


def _check(shape: Any, value: Any, path: str, problems: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise errors.SerializationException(f"the request nests deeper than {MAX_DEPTH} levels")
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        for name in shape.required_members:
            if value.get(name) is None:
                where = _member_path(path, name)
                problems.append(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None:
                _check(member, item, _member_path(path, name), problems, depth + 1)
    elif kind == "map":
        if _string_map(shape) and not (
            isinstance(value, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            # A string map (ClientMetadata, AuthParameters...) with anything but strings is a
            # validation error, not a serialization one (as the emulator has always answered).
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: "
                "Map value must satisfy constraint: [Member must be a string]"
            )
            return
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        for key, item in value.items():
            _check(shape.key, key, path, problems, depth + 1)
            if item is not None:
                _check(shape.value, item, path, problems, depth + 1)
    elif kind == "list":
        if not isinstance(value, list):
            raise _type_error(path, "a list", value)
        _length(shape, value, path, problems, len(value))
        for index, item in enumerate(value, start=1):
            if item is not None:
                _check(shape.member, item, f"{path}.{index}.member", problems, depth + 1)
    elif kind == "string":
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        _string(shape, value, path, problems)
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _type_error(path, "true or false", value)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(path, "an integer", value)
        _range(shape, value, path, problems)
    elif kind in ("double", "float"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise _type_error(path, "a number", value)
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _type_error(path, "a timestamp", value)
    elif kind == "blob" and not isinstance(value, str):
        raise _type_error(path, "a base64 string", value)


def _string_map(shape: Any) -> bool:
    return bool(shape.key.type_name == "string" and shape.value.type_name == "string")


def _shown(shape: Any, value: Any, path: str) -> str:
    if shape.metadata.get("sensitive"):
        return f"Value at '{path}'"
    text = value if isinstance(value, str) else str(value)
    if len(text) > 64:
        text = text[:64] + "..."
    return f"Value '{text}' at '{path}'"


def _length(shape: Any, value: Any, path: str, problems: list[str], size: int) -> None:
    _bound(shape, value, path, problems, size, "length")


def _range(shape: Any, value: int, path: str, problems: list[str]) -> None:
    _bound(shape, value, path, problems, value, "value")


def _bound(shape: Any, value: Any, path: str, problems: list[str], size: int, word: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    prefix = f"{_shown(shape, value, path)} failed to satisfy constraint: Member must have {word}"
    if low is not None and size < low:
        problems.append(f"{prefix} greater than or equal to {low}")
    elif high is not None and size > high:
        problems.append(f"{prefix} less than or equal to {high}")


def _string(shape: Any, value: str, path: str, problems: list[str]) -> None:
    before = len(problems)
    _length(shape, value, path, problems, len(value))
    if len(problems) > before:
        return
    shown = _shown(shape, value, path)
    enum = shape.enum
    if enum and value not in enum:
        problems.append(
            f"{shown} failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(enum)}]"
        )
        return
    text = shape.metadata.get("pattern")
    if not text or not _usable(text):
        return
    try:
        matched = patterns.fullmatch(text, value, PATTERN_SECONDS, quick_below=patterns.QUICK_CHARS)
    except patterns.PatternTimeout:
        matched = True  # too slow to tell (a hostile value): not refused for a slowness of ours
    if not matched:
        problems.append(
            f"{shown} failed to satisfy constraint: Member must satisfy regular expression "
            f"pattern: {text}"
        )


def json_type(value: Any) -> str:
    """``a string``, ``a number``, ``null``...: a JSON value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
