"""Line numbers for JSON: where each value of a parsed document starts, for ``file:line`` errors."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any, Final

from harness.bounded import BoundedInputError, load_json
from harness.replay.model import ReplayError


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


def _key(token: str) -> str:
    """A member name's text: its token without the quotes, or decoded when it has escapes
    (the document already parsed: any other character stands for itself)."""
    return token[1:-1] if "\\" not in token else str(json.loads(token))


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
                name = _key(tokens[position][0])
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
        value = load_json(text)
    except json.JSONDecodeError as error:
        line = error.lineno + first_line - 1
        raise ReplayError(f"{display}:{line}:{error.colno}", f"invalid JSON: {error.msg}") from None
    except BoundedInputError as error:
        raise ReplayError(f"{display}:{first_line}", error.reason) from None
    return value, locate_json(text, first_line)
