"""PowerShell values, read at the lexer's position and evaluated as the script goes: strings
(with their variables), numbers, ``$true``/``$false``/``$null``, hashtables, arrays, variables
and their properties. A cmdlet's output is a :class:`PrevRef`; what a replay cannot know (a
skipped command's output, a script block) is :class:`Opaque`, an error only where it is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.envvars import SecretStr, env_value
from harness.replay.model import ApiCall, ReplayError, previous_ref, suggest
from harness.replay.readers.base import member_named
from harness.replay.readers.powershell.lexer import Lexer, VarRef

_INT: Final = re.compile(r"-?\d+")
_FLOAT: Final = re.compile(r"-?\d+\.\d+")
_VALUE_WORD: Final = re.compile(r"[^\s;,)}=]+")
_HASHTABLE_KEY: Final = re.compile(r"[^\s=;}]+")
_CONSTANTS: Final = {"true": True, "false": False, "null": None}
_AUTOMATIC: Final = frozenset({"_", "psitem", "args", "input", "this"})


@dataclass(frozen=True)
class PrevRef:
    """The output of the call at ``index`` (``path`` into its response; empty: all of it).

    ``operation`` is the call's: its output shape names the properties a script may read
    (case-insensitively, as PowerShell does). ``selected`` is the path ``-Select`` kept.
    """

    index: int
    path: tuple[str, ...]
    line: int
    operation: str = ""
    selected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dropped:
    """``$null`` where the script reads a property its value does not have (``why`` says
    which): PowerShell gives ``$null``, and a parameter given ``$null`` is not sent."""

    why: str


class PSObject(dict[str, Any]):
    """An object with properties (``[pscustomobject]@{...}``, ``New-Object <Model type>``):
    unlike a hashtable, it binds to a cmdlet's parameters by property name from a pipeline.
    ``shape`` is the cognito-idp model shape of a typed object (its members are its
    properties), or None for a [pscustomobject]."""

    def __init__(self, items: Mapping[str, Any], type_name: str, shape: Shape | None) -> None:
        super().__init__(items)
        self.type_name = type_name
        self.shape = shape

    def property_named(self, name: str, where: str) -> str:
        """The property ``name`` (any case) as this object spells it; ReplayError if a typed
        object has no such property."""
        if self.shape is None:
            return next((k for k in self if k.casefold() == name.casefold()), name)
        members = _service.members(self.shape)
        member = member_named(members, name)
        if member is None:
            raise ReplayError(
                where,
                f"{self.type_name} has no property '{name}'{suggest(name, members)}; "
                f"properties: {', '.join(m[0].upper() + m[1:] for m in members)}",
            )
        return member


#: The ``Amazon.CognitoIdentityProvider.Model`` types a replay builds: the AWS SDK for .NET
#: names them as the cognito-idp service model names its shapes.
MODEL_TYPES: Final = (
    "HttpHeader",
    "AttributeType",
    "AnalyticsMetadataType",
    "ContextDataType",
    "UserContextDataType",
)
_MODEL_PREFIX: Final = "amazon.cognitoidentityprovider.model."
_PLAIN_TABLES: Final = frozenset({"hashtable", "ordered", "system.collections.hashtable"})
_CUSTOM_OBJECTS: Final = frozenset(
    {"pscustomobject", "psobject", "system.management.automation.pscustomobject"}
)


def model_object(type_name: str, items: Mapping[str, Any], where: str) -> PSObject:
    """A ``New-Object``/cast object of ``type_name``; ReplayError for a type a replay does not
    know or a property the type does not have."""
    folded = type_name.strip().casefold()
    short = folded[len(_MODEL_PREFIX) :] if folded.startswith(_MODEL_PREFIX) else None
    known = next((k for k in MODEL_TYPES if k.casefold() == short), None)
    if known is None:
        raise ReplayError(
            where,
            f"type [{type_name.strip()}] is not supported in a replay; use "
            + ", ".join(f"Amazon.CognitoIdentityProvider.Model.{k}" for k in MODEL_TYPES)
            + " or a hashtable",
        )
    shape = _service.service_model().shape_for(known)
    obj = PSObject({}, known, shape)
    for key, value in items.items():
        obj[obj.property_named(str(key), where)] = value
    return obj


def cast(type_name: str, value: Any, where: str) -> Any:
    """``[type]value``: a hashtable cast to an object type is an object; other casts are kept as
    the value (a string stays a string)."""
    if not isinstance(value, dict) or isinstance(value, PSObject):
        return value
    folded = type_name.strip().casefold()
    if folded in _PLAIN_TABLES:
        return value
    if folded in _CUSTOM_OBJECTS:
        return PSObject(value, "PSCustomObject", None)
    return model_object(type_name, value, where)


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
    if isinstance(value, Dropped):
        return "$null"
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
        #: Runs a command met inside ``( )`` or ``@( )`` (``(New-Object ...)``): set by the
        #: parser; it reads the command's name (already read) and arguments, returns its output.
        self.command: Callable[[str, int], Any] | None = None
        #: Lines for the report: values the script reads that PowerShell makes ``$null``.
        self.notes: list[str] = []

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
            start = lex.pos
            lex.skip_group("[", "]")  # a type cast: [Amazon...HttpHeader]@{...}
            type_name = lex.text[start + 1 : lex.pos - 1]
            line = lex.line_at()
            return cast(type_name, self._primary(), lex.here(line))
        if char == "(":
            start = lex.line_at()
            lex.pos += 1
            lex.skip_space()
            value = self._paren_command() if lex.starts_name() else self.expression()
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
        if isinstance(value, Dropped):
            self.notes.append(f"{self.lex.here()}: {value.why}; the string gets '' in its place")
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
            items.append(self._paren_command() if lex.starts_name() else self._primary())
        return items

    def _paren_command(self) -> Any:
        lex = self.lex
        line = lex.line_at()
        word = lex.command_name() or ""
        if self.command is None:  # pragma: no cover - the parser always sets it
            raise lex.fail(f"a command inside '( )' ({word}) is not supported here")
        return self.command(word, line)

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
            return read_output(value, prop, f"${ref.name}")
        if isinstance(value, Dropped):
            return value
        if isinstance(value, PSObject):
            name = value.property_named(prop, self.lex.here(ref.line))
            return value.get(name)  # an unset property of an object is $null
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


def read_output(value: PrevRef, prop: str, shown: str) -> PrevRef | Dropped:
    """``<a cmdlet's output>.<prop>``: the property as the response names it, or :class:`Dropped`
    when the output has no such property (e.g. ``-Select`` kept only a string)."""
    path, problem = _service.output_path(value.operation, (*value.path, prop))
    if problem is None:
        return replace(value, path=path)
    held = ".".join(value.path) or "the whole response"
    kept = f" (-Select kept only {'.'.join(value.selected)})" if value.selected else ""
    return Dropped(
        f"{shown}.{prop} is $null: {shown} holds {held} of the {value.operation} call at line "
        f"{value.line}{kept}, and {problem}"
    )
