"""PowerShell values, read at the lexer's position and evaluated as the script goes: strings
(with their variables), numbers, ``$true``/``$false``/``$null``, hashtables, arrays, variables
and their properties. A cmdlet's output is a :class:`PrevRef`; what a replay cannot know (a
skipped command's output, a script block) is :class:`Opaque`, an error only where it is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from harness.replay.envvars import SecretStr, env_value
from harness.replay.model import ApiCall, previous_ref
from harness.replay.readers.powershell.lexer import Lexer, VarRef

_INT: Final = re.compile(r"-?\d+")
_FLOAT: Final = re.compile(r"-?\d+\.\d+")
_VALUE_WORD: Final = re.compile(r"[^\s;,)}=]+")
_HASHTABLE_KEY: Final = re.compile(r"[^\s=;}]+")
_CONSTANTS: Final = {"true": True, "false": False, "null": None}
_AUTOMATIC: Final = frozenset({"_", "psitem", "args", "input", "this"})


@dataclass(frozen=True)
class PrevRef:
    """The output of the call at ``index`` (``path`` into its response; empty: all of it)."""

    index: int
    path: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Opaque:
    """A value the reader cannot know (a skipped command's output, a script block)."""

    what: str


def scalar_text(value: Any) -> str | None:
    """A string, number or boolean as PowerShell makes it a string (``$true`` is ``True``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    return None


def show(value: Any) -> str:
    """A value as an error message names it."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a hashtable"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "$null"
    if isinstance(value, PrevRef):
        return "a cmdlet response"
    if isinstance(value, Opaque):
        return value.what
    return repr(value)


class Values:
    """The script's variables, and the values read with them.

    ``calls`` are the calls recorded so far: only the output of the last one may be used.
    """

    def __init__(self, lex: Lexer, env: Mapping[str, str], calls: Sequence[ApiCall]) -> None:
        self.lex = lex
        self.env = env
        self.calls = calls
        self.variables: dict[str, Any] = {}
        self.env_overlay: dict[str, str] = {}

    def assign(self, ref: VarRef, value: Any) -> None:
        """``$name = value`` (``$env:NAME = value`` sets the script's own environment)."""
        if ref.scope == "env":
            if not isinstance(value, str | int | float):
                raise self.lex.fail(f"$env:{ref.name} can only be set to a string here")
            self.env_overlay[ref.name] = value if isinstance(value, str) else str(value)
        else:
            self.variables[ref.name.casefold()] = value

    def argument(self) -> Any:
        """A value in argument mode (after a cmdlet or parameter name), with ',' lists."""
        return self._list(self._argument_primary)

    def expression(self) -> Any:
        """A value in expression mode (after ``=``, in a hashtable or ``( )``), with ',' lists."""
        return self._list(self._primary)

    def _list(self, item: Callable[[], Any]) -> Any:
        lex = self.lex
        first = item()
        items = [first]
        while True:
            mark = lex.pos
            lex.skip_inline()
            if lex.peek() != ",":
                lex.pos = mark
                break
            lex.pos += 1
            lex.skip_space()
            items.append(item())
        return items if len(items) > 1 else first

    def _argument_primary(self) -> Any:
        if self.lex.peek() in "'\"@$([{":
            return self._primary()
        word = self.lex.bareword()
        if _INT.fullmatch(word):
            return int(word)
        if _FLOAT.fullmatch(word):
            return float(word)
        return word

    def _primary(self) -> Any:
        lex = self.lex
        char = lex.peek()
        if char == "":
            raise lex.fail("unexpected end of file: a value is missing")
        if char == "'":
            return lex.single_quoted()
        if char == '"':
            return self._double_quoted()
        if char == "@":
            following = lex.peek(1)
            if following == "{":
                return self._hashtable()
            if following == "(":
                return self._array()
            if following in "'\"":
                raise lex.fail("here-strings (@'...'@) are not supported; use a quoted string")
            raise lex.fail("unexpected '@'")
        if char == "$":
            return self._variable_value()
        if char == "[":
            lex.skip_group("[", "]")  # a type cast: [Amazon...AttributeType]@{...}
            return self._primary()
        if char == "(":
            start = lex.line_at()
            lex.pos += 1
            lex.skip_space()
            if lex.peek().isalpha():
                raise lex.fail(
                    "a command inside '( )' is not supported (e.g. New-Object); use a literal "
                    "value or a hashtable such as @{Name='email'; Value='a@example.com'}"
                )
            value = self.expression()
            lex.skip_space()
            if lex.peek() != ")":
                raise lex.fail("expected ')'", start)
            lex.pos += 1
            return value
        if char == "{":
            lex.skip_group("{", "}")
            return Opaque(f"a script block (line {lex.line_at()})")
        number = lex.number()
        if number is not None:
            return number
        word = lex.match(_VALUE_WORD)
        shown = word.group(0) if word else char
        raise lex.fail(f"bare word '{shown}' in a value: quote it ('{shown}')")

    # -- strings -------------------------------------------------------------------------------

    def _double_quoted(self) -> Any:
        parts = self.lex.double_quoted(self._lookup)
        if len(parts) == 1 and isinstance(parts[0], PrevRef):
            return parts[0]
        secret = any(isinstance(part, SecretStr) for part in parts)
        text = "".join(self._stringify(part) for part in parts)
        return SecretStr(text) if secret else text

    def _stringify(self, value: Any) -> str:
        text = scalar_text(value)
        if text is not None:
            return text
        if value is None:
            return ""
        if isinstance(value, PrevRef) and value.path:
            if value.index != len(self.calls) - 1:
                raise self.lex.fail(
                    f"this string refers to the output of the call at line {value.line}; only "
                    "the call just before can be referenced"
                )
            return previous_ref(".".join(value.path))
        raise self.lex.fail(f"{show(value)} cannot be put in a string")

    # -- hashtables and arrays -----------------------------------------------------------------

    def _hashtable(self) -> dict[str, Any]:
        lex = self.lex
        start = lex.line_at()
        lex.pos += 2
        table: dict[str, Any] = {}
        folded: set[str] = set()
        while not lex.closes("\n;", "}", "hashtable '@{'", start):
            if lex.peek() in "'\"":
                quoted = lex.single_quoted() if lex.peek() == "'" else self._double_quoted()
                key = self._stringify(quoted)
            else:
                match = lex.match(_HASHTABLE_KEY)
                if match is None:
                    raise lex.fail(f"expected a hashtable key, found '{lex.peek()}'")
                key = match.group(0)
                lex.pos = match.end()
            lex.skip_inline()
            if lex.peek() != "=":
                raise lex.fail(f"expected '=' after hashtable key '{key}'")
            lex.pos += 1
            lex.skip_space()
            if lex.at_end():
                raise lex.fail("unterminated hashtable '@{': add the closing '}'", start)
            value = self.expression()
            if key.casefold() in folded:
                raise lex.fail(f"hashtable key '{key}' is given twice")
            folded.add(key.casefold())
            table[key] = value
            lex.skip_inline()
            if lex.peek() not in (";", "\n", "}", ""):
                raise lex.fail(
                    f"unexpected '{lex.peek()}' after the value of '{key}': separate hashtable "
                    "entries with ';' or a new line"
                )
        return table

    def _array(self) -> list[Any]:
        lex = self.lex
        start = lex.line_at()
        lex.pos += 2
        items: list[Any] = []
        while not lex.closes("\n,;", ")", "array '@('", start):
            if lex.peek().isalpha():
                raise lex.fail("a command inside '@( )' is not supported; list literal values")
            items.append(self._primary())
        return items

    # -- variables -----------------------------------------------------------------------------

    def splat(self) -> dict[str, Any] | list[Any]:
        """``@name`` in a command's arguments: the hashtable (named parameters) or array
        (positional arguments) held by ``$name``. [D] PowerShell about_Splatting."""
        line = self.lex.line_at()
        self.lex.pos += 1  # the "@"
        name = self.lex.name()
        value = self._lookup(VarRef(None, name, line))
        if isinstance(value, dict | list):
            return value
        raise self.lex.fail(
            f"@{name} splats ${name}, which holds {show(value)}: splat a hashtable "
            f"(${name} = @{{UserPoolId = '...'; ...}}) or an array",
            line,
        )

    def _variable_value(self) -> Any:
        ref = self.lex.variable()
        value = self._lookup(ref)
        while (prop := self.lex.property_name()) is not None:
            value = self._property(value, prop, ref)
        return value

    def _lookup(self, ref: VarRef) -> Any:
        name = ref.name
        if ref.scope == "env":
            if name in self.env_overlay:
                return self.env_overlay[name]
            return env_value(name, self.env, self.lex.here(ref.line))
        folded = name.casefold()
        if folded in _CONSTANTS:
            return _CONSTANTS[folded]
        if folded in self.variables:
            return self.variables[folded]
        if folded in _AUTOMATIC:
            raise self.lex.fail(f"${name} is not supported in a replay", ref.line)
        raise self.lex.fail(
            f"variable ${name} is not assigned before this line; assign it "
            f"(${name} = '...') or use $env:{name} for a secret",
            ref.line,
        )

    def _property(self, value: Any, prop: str, ref: VarRef) -> Any:
        if isinstance(value, PrevRef):
            return PrevRef(value.index, (*value.path, prop), value.line)
        if isinstance(value, dict):
            for key, item in value.items():
                if str(key).casefold() == prop.casefold():
                    return item
            raise self.lex.fail(f"${ref.name} has no key '{prop}'", ref.line)
        if isinstance(value, Opaque):
            raise self.lex.fail(
                f"${ref.name} holds {value.what}, which a replay cannot know", ref.line
            )
        raise self.lex.fail(f"cannot read .{prop} of ${ref.name} ({show(value)})", ref.line)
