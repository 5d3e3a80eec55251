"""Option values as the AWS CLI reads them: shorthand syntax (``k=v,k2="v,2",k3=[a,b],k4={x=y}``)
and plain strings, typed by the operation's botocore shapes."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
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
    """Parse AWS CLI shorthand (``k=v,k2="v,2",k3=[a,b],k4={x=y},k5=a,b``) as the CLI does.

    The grammar is the AWS CLI's own (``awscli.shorthand``, "Shorthand syntax" in the AWS CLI
    User Guide): ``k=a,b`` is a list; ``\\,`` escapes a comma in an unquoted value; a quote
    may only open a value; ``\\'`` / ``\\"`` escape a quote inside one. The tests check this
    parser against the CLI's on generated inputs.
    """
    return _Parser(text, option, location).parameter()


# Characters of unquoted values, as the CLI's grammar has them: what may start a value, what
# may follow in a first value (not ", ', ",", "]", "}") and in a later list item (not ", ',
# ",", "=": an "=" means the next key=value pair has begun).
_START = r"\!\#-&\(-\+\--\<\>-Z\\-z\u007c-\uffff"
_FIRST_FOLLOW = r"\s\!\#-&\(-\+\--\\\^-\|~-\uffff"
_SECOND_FOLLOW = r"\s\!\#-&\(-\+\--\<\>-\uffff"
_ESCAPED_COMMA = r"(\\,)"
_FIRST_VALUE = re.compile(f"({_ESCAPED_COMMA}|[{_START}])({_ESCAPED_COMMA}|[{_FIRST_FOLLOW}])*")
_SECOND_VALUE = re.compile(f"({_ESCAPED_COMMA}|[{_START}])({_ESCAPED_COMMA}|[{_SECOND_FOLLOW}])*")
_QUOTED = {"'": re.compile(r"'(?:\\'|[^'])*'"), '"': re.compile(r'"(?:\\"|[^"])*"')}
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.#/:")


class _Syntax(Exception):
    """A dead end of the grammar (the list parser backtracks on it)."""


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

    def parameter(self) -> dict[str, Any]:
        try:
            out: dict[str, Any] = {}
            while True:
                key, value = self.keyval()
                if key in out:
                    raise self.fail(f"key '{key}' given twice")
                out[key] = value
                if self.pos >= len(self.text):
                    return out
                self.expect(",", spaces=True)
        except _Syntax as dead_end:
            raise self.fail(str(dead_end)) from None

    # ------------------------------------------------------------------ grammar

    def keyval(self) -> tuple[str, Any]:
        start = self.pos
        key = self.key()
        self.skip_spaces()
        if self.current() == "@":
            raise self.fail(f"'{key}@=' (a value read from a file) cannot be replayed")
        if self.current() != "=":
            raise self.fail(f"'{self.text[start:]}' is not key=value")
        self.expect("=", spaces=True)
        return key, self.values()

    def key(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _KEY_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def values(self) -> Any:
        return "" if self.current() == "" else self.explicit_value(csv=True)

    def csv_value(self) -> Any:
        first = self.first_value()
        self.skip_spaces()
        if self.current() != ",":
            return first
        self.expect(",", spaces=True)
        items = [first]
        while True:
            try:
                item = self.second_value()
                self.skip_spaces()
                if self.pos >= len(self.text):
                    items.append(item)
                    break
                self.expect(",", spaces=True)
                items.append(item)
            except _Syntax:
                if self.pos >= len(self.text):
                    raise
                # Not a list item but the next key=value: back to the comma before it.
                while self.pos >= 0 and self.text[self.pos] != ",":
                    self.pos -= 1
                break
        return first if len(items) == 1 else items

    def explicit_list(self) -> list[Any]:
        items: list[Any] = []
        self.delimited("[", "]", lambda: items.append(self.explicit_value()))
        return items

    def hash_literal(self) -> dict[str, Any]:
        out: dict[str, Any] = {}

        def pair() -> None:
            key = self.key()
            self.skip_spaces()
            if self.current() == "@":
                raise self.fail(f"'{key}@=' (a value read from a file) cannot be replayed")
            self.expect("=", spaces=True)
            out[key] = self.explicit_value()

        self.delimited("{", "}", pair)
        return out

    def delimited(self, opening: str, closing: str, item: Callable[[], None]) -> None:
        """``opening item, item ... closing`` (spaces allowed around the commas)."""
        self.expect(opening, spaces=True)
        while self.current() != closing:
            item()
            self.skip_spaces()
            if self.current() != closing:
                self.expect(",")
                self.skip_spaces()
        self.expect(closing)

    def explicit_value(self, *, csv: bool = False) -> Any:
        """A list, a hash, or a value (``csv``: a top-level value, where ``a,b`` is a list)."""
        char = self.current()
        if char == "[":
            return self.explicit_list()
        if char == "{":
            return self.hash_literal()
        return self.csv_value() if csv else self.first_value()

    def first_value(self) -> str:
        if self.current() in _QUOTED:
            return self.quoted()
        match = _FIRST_VALUE.match(self.text, self.pos)
        if match is None:
            return ""
        self.pos = match.end()
        return match.group().replace("\\,", ",").rstrip()

    def second_value(self) -> str:
        if self.current() in _QUOTED:
            return self.quoted()
        match = _SECOND_VALUE.match(self.text, self.pos)
        if match is None:
            raise _Syntax(f"unexpected '{self.current() or 'end'}'")
        self.pos = match.end()
        return match.group().replace("\\,", ",").rstrip()

    def quoted(self) -> str:
        quote = self.current()
        match = _QUOTED[quote].match(self.text, self.pos)
        if match is None:
            raise _Syntax(f"unterminated {quote}")
        self.pos = match.end()
        return match.group()[1:-1].replace("\\" + quote, quote).replace("\\\\", "\\")

    # ------------------------------------------------------------------ characters

    def current(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in string.whitespace:
            self.pos += 1

    def expect(self, char: str, *, spaces: bool = False) -> None:
        if spaces:
            self.skip_spaces()
        if self.current() != char:
            found = self.current() or "end"
            raise _Syntax(f"expected '{char}', found '{found}'")
        self.pos += 1
        if spaces:
            self.skip_spaces()
