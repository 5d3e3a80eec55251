"""Bounded input: what every reader of a user's file goes through, so that no file hangs or
crashes the harness.

* :func:`read_text`: regular files only (a FIFO, a device or a directory is refused at once,
  without blocking on it), at most :data:`MAX_FILE_BYTES`, UTF-8;
* :func:`load_json` / :func:`load_yaml`: nesting at most :data:`MAX_DEPTH` levels, YAML with an
  alias budget (the expanded document at most :data:`MAX_NODES` values, no recursive alias),
  no ``NaN`` / ``Infinity`` (JSON has none, and no AWS API takes one);
* :func:`check_value`: the same depth bound, strings at most :data:`MAX_VALUE_CHARS`
  characters and without lone surrogates (which no UTF-8 output can print).

Each raises :class:`BoundedInputError`, whose ``reason`` the caller puts after its own
location (``file:line: reason``).
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any, Final

import yaml

#: The largest file any reader takes (a replay, a setup, a template, a file:// value).
MAX_FILE_BYTES: Final = 16 * 1024 * 1024
#: The deepest nesting of a value (Cognito's deepest request is a few levels).
MAX_DEPTH: Final = 64
#: The most values a YAML document may expand to through its aliases.
MAX_NODES: Final = 1_000_000
#: The longest string value (Cognito's longest input strings are a few KiB).
MAX_VALUE_CHARS: Final = 1024 * 1024


class BoundedInputError(ValueError):
    """Input over a bound; ``reason`` says which and how to fix it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_text(path: Path, *, what: str = "file", encoding: str = "utf-8") -> str:
    """The text of the regular file ``path``; a FIFO or a device is refused without blocking.

    OSError and UnicodeDecodeError pass through (their callers already word them).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise BoundedInputError(f"the {what} is {kind}; give a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise BoundedInputError(
                f"the {what} is {info.st_size} bytes, over the {MAX_FILE_BYTES} byte limit"
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise BoundedInputError(f"the {what} is over the {MAX_FILE_BYTES} byte limit")
    return data.decode(encoding)


def _no_constant(name: str) -> Any:
    raise BoundedInputError(f"{name} is not a JSON number; write it as a string")


def load_json(text: str) -> Any:
    """``json.loads`` within the bounds; a syntax error is json's own ``JSONDecodeError``."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BoundedInputError(f"values nest deeper than {MAX_DEPTH} levels") from None
    check_value(value)
    return value


class BoundedSafeLoader(yaml.SafeLoader):
    """A SafeLoader whose aliases cannot expand beyond :data:`MAX_NODES` values."""


def load_yaml(text: str, loader: type[yaml.SafeLoader] = BoundedSafeLoader) -> Any:
    """``yaml.load`` with ``loader`` (a SafeLoader), within the bounds; YAML syntax errors
    are PyYAML's own."""
    try:
        value = yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader, always)
    except RecursionError:
        raise BoundedInputError(f"values nest deeper than {MAX_DEPTH} levels") from None
    expanded_size(value)
    check_value(value)
    return value


def expanded_size(value: Any) -> int:
    """How many values ``value`` holds once every shared (aliased) part is expanded.

    Refuses a recursive alias and a document over :data:`MAX_NODES` (a "billion laughs").
    """
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()
    # Iterative post-order walk; each shared container is measured once.
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, done = stack.pop()
        if not isinstance(item, dict | list):
            continue
        key = id(item)
        if done:
            children = item.values() if isinstance(item, dict) else item
            total = 1
            for child in children:
                total += sizes.get(id(child), 1) if isinstance(child, dict | list) else 1
                if total > MAX_NODES:
                    raise BoundedInputError(
                        f"aliases expand it past {MAX_NODES} values; write the values out"
                    )
            sizes[key] = total
            open_ids.discard(key)
            continue
        if key in sizes:
            continue
        if key in open_ids:
            raise BoundedInputError("an alias refers to a value that contains it")
        open_ids.add(key)
        stack.append((item, True))
        if len(stack) > MAX_NODES:
            raise BoundedInputError(f"over {MAX_NODES} values")
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, False) for child in children if isinstance(child, dict | list))
    return sizes.get(id(value), 1)


def check_value(value: Any) -> None:
    """Refuse nesting over :data:`MAX_DEPTH`, an oversized string or a lone surrogate, and a
    non-finite number, anywhere in ``value`` (keys included)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BoundedInputError(f"{item} is not a number AWS takes; write it as a string")
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise BoundedInputError(f"values nest deeper than {MAX_DEPTH} levels")
            if id(item) in seen:  # a shared (aliased) part: checked once
                continue
            seen.add(id(item))
            if isinstance(item, dict):
                for key, child in item.items():
                    stack.append((key, depth + 1))
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_string(text: str) -> None:
    if len(text) > MAX_VALUE_CHARS:
        raise BoundedInputError(
            f"a value of {len(text)} characters is over the {MAX_VALUE_CHARS} character limit"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BoundedInputError(
            f"a value holds a lone surrogate ({text[error.start]!r}), which is not text"
        ) from None
