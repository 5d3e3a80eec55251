"""PowerShell replays: scripts calling the AWS Tools for PowerShell Cognito cmdlets.

The reader understands the part of PowerShell such scripts use, without running anything:

* the cmdlets in :data:`CMDLETS` (``Start-CGIPAuthAdmin`` is AdminInitiateAuth, and so on; the
  names are the real AWS Tools for PowerShell ones). A cmdlet's parameters are derived from the
  operation's botocore input shape the way AWS Tools for PowerShell names them: list and map
  parameters in the singular (``-AuthParameter``, alias ``-AuthParameters``; ``-UserAttribute``;
  ``-ChallengeResponse``), structure members flattened with ``_`` (``-ContextData_IpAddress``,
  ``-ContextData_HttpHeader``, ``-AnalyticsMetadata_AnalyticsEndpointId``). Parameter and cmdlet
  names are case-insensitive. The first positional argument fills :data:`POSITIONAL` (ClientId for
  the sign-in cmdlets: ``Start-CGIPAuthAdmin 1example23456789 -UserPoolId ...``).
  ``-Select``, ``-PassThru``, ``-Force``, ``-Region``, ``-ProfileName``, ``-EndpointUrl``, the
  credential parameters and PowerShell's common parameters are accepted and ignored.
* values: 'single' and "double" quoted strings ("..." expands ``$var`` and ``$env:NAME``),
  barewords (``-AuthFlow ADMIN_USER_PASSWORD_AUTH``), numbers, ``$true``/``$false``/``$null``,
  hashtables ``@{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD}`` on one or several lines,
  arrays ``@( @{Name='email'; Value='a@example.com'} )`` and ``'a','b'``, type casts
  ``[Amazon.CognitoIdentityProvider.Model.AttributeType]@{...}`` (the cast is ignored).
  A list of attributes (``-UserAttribute``, ``-ValidationData``) is an array of
  ``@{Name=...; Value=...}`` hashtables (New-Object AttributeType is not supported).
* statements: one per line or separated by ``;``; backtick (`````) line continuations; ``#`` and
  ``<# #>`` comments; ``$name = 'literal'`` / ``@{...}`` assignments reused later;
  ``$env:NAME = '...'``; ``try { ... } catch { ... }`` (the try block is replayed, catch and
  finally blocks are skipped); ``Import-Module``, ``Set-DefaultAWSRegion``, ``Write-Host`` and
  the other commands in :data:`IGNORED_COMMANDS` are skipped; a cmdlet's output piped to
  ``Out-Null``, ``Format-List``, ``ConvertTo-Json``... is fine.
* ``$r = Start-CGIPAuthAdmin ...`` then ``-Session $r.Session`` in the next call: the value
  becomes ``${previous:Session}``, which the engine replaces with the previous call's response
  Session (``$r.ChallengeParameters.USER_ID_FOR_SRP`` becomes
  ``${previous:ChallengeParameters.USER_ID_FOR_SRP}``). ``-Select Session`` on the first call
  and ``| Select-Object -ExpandProperty Session`` work the same way. Only the call just before
  may be referenced.
* secrets: ``$env:NAME`` (bare or inside "...") reads the environment; a missing variable is an
  error naming it.
* directives in comments: ``# harness-setup: sample.setup.json`` (relative to the script) and
  ``# expect: PreAuthentication=validationData outcome=tokens`` before a call.

Anything else (unknown cmdlets or parameters, ``if``/``foreach``, ``$(...)`` subexpressions,
here-strings) is a ReplayError with file:line saying what is supported.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from botocore.model import Shape

from harness.cognito import service_model as _service
from harness.replay.envvars import SecretStr, env_value
from harness.replay.expect import PendingExpectation
from harness.replay.model import ReplayError, previous_ref, suggest
from harness.replay.readers.base import EXPECT_DIRECTIVE, SETUP_DIRECTIVE, ReadResult, make_call
from harness.replay.setup import setup_directive

#: Cmdlet -> cognito-idp operation (AWS Tools for PowerShell, module
#: AWS.Tools.CognitoIdentityProvider).
CMDLETS: Final[dict[str, str]] = {
    "Start-CGIPAuthAdmin": "AdminInitiateAuth",
    "Start-CGIPAuth": "InitiateAuth",
    "Send-CGIPAuthChallengeResponseAdmin": "AdminRespondToAuthChallenge",
    "Send-CGIPAuthChallengeResponse": "RespondToAuthChallenge",
    "Register-CGIPUserInPool": "SignUp",
    "New-CGIPUserAdmin": "AdminCreateUser",
    "Confirm-CGIPUserRegistration": "ConfirmSignUp",
    "Confirm-CGIPUserRegistrationAdmin": "AdminConfirmSignUp",
    "Reset-CGIPForgottenPassword": "ForgotPassword",
    "Confirm-CGIPForgotPassword": "ConfirmForgotPassword",
}

#: The parameter a cmdlet's first positional argument fills: the first parameter of the
#: cmdlet's documented syntax (Position 1 in the Start-CGIPAuthAdmin reference). Cmdlets not
#: listed take named parameters only here.
POSITIONAL: Final[dict[str, str]] = {
    "Start-CGIPAuthAdmin": "ClientId",
    "Start-CGIPAuth": "ClientId",
    "Send-CGIPAuthChallengeResponseAdmin": "ClientId",
    "Send-CGIPAuthChallengeResponse": "ClientId",
    "Register-CGIPUserInPool": "Username",
    "New-CGIPUserAdmin": "UserPoolId",
    "Confirm-CGIPUserRegistration": "Username",
    "Reset-CGIPForgottenPassword": "Username",
    "Confirm-CGIPForgotPassword": "Username",
}

#: Statements starting with these commands are skipped (set-up and output in real scripts).
IGNORED_COMMANDS: Final[frozenset[str]] = frozenset(
    name.casefold()
    for name in (
        "Import-Module",
        "Set-DefaultAWSRegion",
        "Set-AWSCredential",
        "Initialize-AWSDefaultConfiguration",
        "Set-StrictMode",
        "Write-Host",
        "Write-Output",
        "Write-Verbose",
        "Write-Warning",
        "Write-Information",
        "Write-Debug",
        "Out-Null",
        "Start-Sleep",
    )
)

#: Commands a cmdlet's output may be piped to (ignored).
PIPE_CONSUMERS: Final[frozenset[str]] = frozenset(
    name.casefold()
    for name in (
        "Out-Null",
        "Out-Host",
        "Out-String",
        "Format-List",
        "Format-Table",
        "ConvertTo-Json",
        "Write-Output",
        "Write-Host",
        "Select-Object",
    )
)

#: Switch parameters accepted (and ignored) on every cmdlet.
_SWITCHES: Final = frozenset(
    name.casefold() for name in ("PassThru", "Force", "Verbose", "Debug", "WhatIf", "Confirm")
)
#: Valued parameters accepted (and ignored for the request) on every cmdlet.
_IGNORED_VALUED: Final = frozenset(
    name.casefold()
    for name in (
        "Select",
        "Region",
        "RegionToCall",
        "ProfileName",
        "StoredCredentials",
        "AWSProfileName",
        "ProfileLocation",
        "AWSProfilesLocation",
        "ProfilesLocation",
        "EndpointUrl",
        "AccessKey",
        "AK",
        "SecretKey",
        "SK",
        "SecretAccessKey",
        "SessionToken",
        "ST",
        "Credential",
        "NetworkCredential",
        "ClientConfig",
        "ErrorAction",
        "WarningAction",
        "InformationAction",
        "ErrorVariable",
        "WarningVariable",
        "InformationVariable",
        "OutVariable",
        "OutBuffer",
        "PipelineVariable",
    )
)
_COMMON_SHOWN: Final = "Select, PassThru, Force, Region, ProfileName, EndpointUrl"
_UNSUPPORTED_KEYWORDS: Final = frozenset(
    {
        "if",
        "elseif",
        "else",
        "foreach",
        "for",
        "while",
        "do",
        "until",
        "switch",
        "function",
        "filter",
        "param",
        "begin",
        "process",
        "end",
        "return",
        "break",
        "continue",
        "throw",
        "trap",
        "class",
        "enum",
        "using",
        "workflow",
        "parallel",
    }
)
_NAME_CHARS: Final = re.compile(r"[A-Za-z0-9_]")
_COMMAND_NAME: Final = re.compile(r"[A-Za-z0-9_\-.\\:]+")
_BAREWORD_END: Final = frozenset(" \t\r\n;,|(){}")
_INT: Final = re.compile(r"-?\d+")
_FLOAT: Final = re.compile(r"-?\d+\.\d+")
_CONTINUATION: Final = re.compile(r"`[ \t]*\r?\n")
_SCOPES: Final = frozenset({"script", "global", "local", "private", "using"})


@dataclass(frozen=True)
class _PrevRef:
    """The output of the call at ``index`` (``path`` into its response; empty: all of it)."""

    index: int
    path: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class _Opaque:
    """A value the reader cannot know (a skipped command's output, a script block)."""

    what: str


@dataclass(frozen=True)
class _Param:
    name: str
    value: Any
    has_value: bool
    line: int


@dataclass(frozen=True)
class _Value:
    value: Any
    line: int


def read(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    return _Parser(path, text, env, display).run()


@functools.cache
def parameter_table(operation: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """casefolded PowerShell parameter name -> (name as documented, path in the request)."""
    table: dict[str, tuple[str, tuple[str, ...]]] = {}

    def add(name: str, path: tuple[str, ...], alias: str | None) -> None:
        table[name.casefold()] = (name, path)
        if alias and alias != name:
            table.setdefault(alias.casefold(), (name, path))

    request = _service.input_shape(operation, f"<{operation}>")
    for member, shape in _service.members(request).items():
        if shape.type_name == "structure":
            for sub, sub_shape in _service.members(shape).items():
                add(f"{member}_{_ps_name(sub, sub_shape)}", (member, sub), f"{member}_{sub}")
        else:
            add(_ps_name(member, shape), (member,), member)
    return table


def _ps_name(member: str, shape: Shape) -> str:
    if shape.type_name in ("list", "map") and member.endswith("s"):
        return member[:-1]
    return member


class _Parser:
    def __init__(self, path: Path, text: str, env: Mapping[str, str], display: str) -> None:
        self.path = path
        self.text = text
        self.env = env
        self.display = display
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.variables: dict[str, Any] = {}
        self.env_overlay: dict[str, str] = {}
        self.result = ReadResult()
        self.pending = PendingExpectation()

    # -- positions and errors -----------------------------------------------------------------

    def line_at(self, pos: int | None = None) -> int:
        where = self.pos if pos is None else pos
        return bisect.bisect_right(self.line_starts, where)

    def here(self, line: int | None = None) -> str:
        return f"{self.display}:{self.line_at() if line is None else line}"

    def fail(self, problem: str, line: int | None = None) -> ReplayError:
        return ReplayError(self.here(line), problem)

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    # -- whitespace, comments, directives -----------------------------------------------------

    def skip_inline(self) -> None:
        """Skip spaces, tabs, line continuations and comments (not newlines)."""
        while not self.at_end():
            char = self.peek()
            if char in " \t\r":
                self.pos += 1
            elif char == "`" and self._continuation_end() is not None:
                self.pos = self._continuation_end() or self.pos
            elif char == "<" and self.peek(1) == "#":
                self._block_comment()
            elif char == "#":
                self._line_comment()
            else:
                return

    def skip_space(self) -> None:
        """Skip whitespace including newlines, and comments."""
        while True:
            self.skip_inline()
            if self.peek() == "\n":
                self.pos += 1
            else:
                return

    def _continuation_end(self) -> int | None:
        match = _CONTINUATION.match(self.text, self.pos)
        return match.end() if match else None

    def _block_comment(self) -> None:
        start = self.line_at()
        end = self.text.find("#>", self.pos + 2)
        if end < 0:
            raise self.fail("unterminated block comment '<#'; close it with '#>'", start)
        self.pos = end + 2

    def _line_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        comment = self.text[self.pos : end].rstrip("\r")
        location = self.here()
        self.pos = end
        if match := EXPECT_DIRECTIVE.match(comment):
            self.pending.add(match.group("body"), location)
        elif match := SETUP_DIRECTIVE.match(comment):
            self.result.setups.append(setup_directive(match.group("path"), self.path, location))

    # -- statements ----------------------------------------------------------------------------

    def run(self) -> ReadResult:
        while True:
            self._separators()
            if self.at_end():
                break
            if self.peek() == "}":
                raise self.fail("unexpected '}' without a matching '{'")
            self.statement()
        self.pending.check_consumed()
        return self.result

    def _separators(self) -> None:
        while True:
            self.skip_space()
            if self.peek() == ";":
                self.pos += 1
            else:
                return

    def statement(self) -> None:
        line = self.line_at()
        char = self.peek()
        if char == "$":
            self._variable_statement(line)
        elif char == "-":
            raise self.fail(
                "this line starts with a parameter: end the previous line with a backtick (`) "
                "to continue the command"
            )
        elif char.isalpha() or char == "_":
            match = _COMMAND_NAME.match(self.text, self.pos)
            assert match is not None
            word = match.group(0)
            if word.casefold() == "try":
                self.pos = match.end()
                self._try(line)
                return
            if word.casefold() in _UNSUPPORTED_KEYWORDS:
                raise self.fail(
                    f"'{word}' is not supported in a replay: write the calls one after the other"
                )
            self.pos = match.end()
            self.command(word, line, assigned=False)
        elif char in "([":
            raise self.fail(
                "a statement starting with '(' or '[' is not supported; call the cmdlet directly"
            )
        else:
            raise self.fail(f"unexpected '{char}' at the start of a statement")
        self._end_of_statement()

    def _end_of_statement(self) -> None:
        self.skip_inline()
        if self.peek() not in ("", "\n", ";", "}"):
            raise self.fail(f"unexpected '{self.peek()}': one statement per line, or use ';'")

    def _variable_statement(self, line: int) -> None:
        start = self.pos
        scope, name = self._variable_name()
        self.skip_inline()
        if self.peek() == "=" and self.peek(1) != "=":
            self.pos += 1
            self.skip_inline()
            value = self._right_hand_side(line)
            if scope == "env":
                if not isinstance(value, str | int | float):
                    raise self.fail(f"$env:{name} can only be set to a string here")
                self.env_overlay[name] = value if isinstance(value, str) else str(value)
            else:
                self.variables[name.casefold()] = value
            return
        # An expression on its own (e.g. "$r.AuthenticationResult") only prints: skip it.
        self.pos = start
        self._skip_statement()

    def _right_hand_side(self, line: int) -> Any:
        char = self.peek()
        if char.isalpha() or char == "_":
            match = _COMMAND_NAME.match(self.text, self.pos)
            assert match is not None
            word = match.group(0)
            if word.casefold() in _UNSUPPORTED_KEYWORDS or word.casefold() == "try":
                raise self.fail(f"'{word}' is not supported in a replay")
            self.pos = match.end()
            return self.command(word, line, assigned=True)
        return self._expression_list()

    def _try(self, line: int) -> None:
        self.skip_space()
        if self.peek() != "{":
            raise self.fail("expected '{' after try")
        self._block()
        while True:
            mark = self.pos
            self.skip_space()
            match = _COMMAND_NAME.match(self.text, self.pos)
            word = match.group(0).casefold() if match else ""
            if word not in ("catch", "finally"):
                self.pos = mark
                return
            assert match is not None
            self.pos = match.end()
            self.skip_space()
            while self.peek() in ("[", ","):
                if self.peek() == ",":
                    self.pos += 1
                else:
                    self._skip_brackets("[", "]")
                self.skip_space()
            if self.peek() != "{":
                raise self.fail(f"expected '{{' after {word}")
            self._skip_brackets("{", "}")

    def _block(self) -> None:
        start = self.line_at()
        self.pos += 1
        while True:
            self._separators()
            if self.at_end():
                raise self.fail("unterminated block: add the closing '}'", start)
            if self.peek() == "}":
                self.pos += 1
                return
            self.statement()

    # -- skipping text we do not interpret -----------------------------------------------------

    def _skip_statement(self) -> None:
        """Skip to the end of the statement, honouring quotes, brackets and continuations."""
        depth = 0
        while not self.at_end():
            char = self.peek()
            if char in "'\"":
                self._skip_string()
                continue
            if char == "`":
                self.pos += 2
                continue
            if char == "#" and depth == 0:
                return
            if char in "({[":
                depth += 1
            elif char in ")}]":
                if depth == 0:
                    return
                depth -= 1
            elif char in "\n;" and depth == 0:
                return
            self.pos += 1

    def _skip_brackets(self, opening: str, closing: str) -> None:
        start = self.line_at()
        depth = 0
        while not self.at_end():
            char = self.peek()
            if char in "'\"":
                self._skip_string()
                continue
            if char == "`":
                self.pos += 2
                continue
            if char == "#" and (self.pos == 0 or self.text[self.pos - 1] in " \t\n;{"):
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
                continue
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return
            self.pos += 1
        raise self.fail(f"unterminated '{opening}': add the closing '{closing}'", start)

    def _skip_string(self) -> None:
        quote = self.peek()
        start = self.line_at()
        self.pos += 1
        while not self.at_end():
            char = self.peek()
            if quote == '"' and char == "`":
                self.pos += 2
                continue
            if char == quote:
                if self.peek(1) == quote:
                    self.pos += 2
                    continue
                self.pos += 1
                return
            self.pos += 1
        raise self.fail(f"unterminated string: add the closing {quote}", start)

    # -- commands ------------------------------------------------------------------------------

    def command(self, word: str, line: int, *, assigned: bool) -> Any:
        name = word.rsplit("\\", 1)[-1]
        canonical = next((c for c in CMDLETS if c.casefold() == name.casefold()), None)
        if canonical is None:
            if name.casefold() in IGNORED_COMMANDS:
                self._skip_statement()
                return _Opaque(f"the output of {name} (line {line})")
            known = ", ".join(CMDLETS)
            raise self.fail(
                f"unknown cmdlet '{name}'{_cmdlet_hint(name)}; a PowerShell replay calls "
                f"{known} (Import-Module, Set-DefaultAWSRegion, Write-Host... are skipped)",
                line,
            )
        args = self._arguments()
        output = self._call(canonical, args, line)
        return self._pipeline(output, line)

    def _arguments(self) -> list[_Param | _Value]:
        args: list[_Param | _Value] = []
        while True:
            self.skip_inline()
            char = self.peek()
            if char in ("", "\n", ";", "|", "}", ")"):
                return args
            line = self.line_at()
            if char == "-" and (self.peek(1).isalpha() or self.peek(1) == "_"):
                self.pos += 1
                start = self.pos
                while _NAME_CHARS.match(self.peek()):
                    self.pos += 1
                name = self.text[start : self.pos]
                if self.peek() == ":" and self.peek(1) not in ("", " ", "\t", "\n"):
                    self.pos += 1
                    args.append(_Param(name, self._argument_value(), True, line))
                else:
                    args.append(_Param(name, None, False, line))
            else:
                args.append(_Value(self._argument_value(), line))

    def _call(self, cmdlet: str, args: list[_Param | _Value], line: int) -> Any:
        operation = CMDLETS[cmdlet]
        location = self.here(line)
        table = parameter_table(operation)
        given: dict[tuple[str, ...], tuple[str, Any]] = {}
        positional = POSITIONAL.get(cmdlet)
        used_positional = False
        select: Any = None
        passthru = False
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            if isinstance(arg, _Value):
                if positional is None or used_positional:
                    raise self.fail(
                        f"unexpected value {_show(arg.value)} for {cmdlet}: name its parameter, "
                        f"e.g. -UserPoolId <id>; parameters: {_known(table)}",
                        arg.line,
                    )
                used_positional = True
                path: tuple[str, ...] = (positional,)
                if path in given:
                    raise self.fail(f"{cmdlet}: {positional} is given twice", arg.line)
                given[path] = (positional, arg.value)
                continue
            key = arg.name.casefold()
            if key in _SWITCHES:
                if key == "passthru":
                    passthru = arg.value is not False
                continue
            needs_value = key in _IGNORED_VALUED or key in table
            if not needs_value:
                raise self.fail(
                    f"{cmdlet} has no parameter -{arg.name}{suggest(arg.name, _names(table))}; "
                    f"parameters: {_known(table)}",
                    arg.line,
                )
            value = arg.value
            if not arg.has_value:
                if index >= len(args) or not isinstance(args[index], _Value):
                    raise self.fail(f"-{arg.name} needs a value", arg.line)
                value = args[index].value
                index += 1
            if key not in table:  # a common parameter: not part of the request
                if key == "select":
                    select = value
                continue
            shown, path = table[key]
            if path in given:
                raise self.fail(f"{cmdlet}: -{shown} is given twice", arg.line)
            given[path] = (shown, value)
        shape = _service.input_shape(operation, location)
        params: dict[str, Any] = {}
        for path, (shown, value) in given.items():
            if value is None:
                continue  # $null: the parameter is not sent
            if len(path) == 1:
                params[path[0]] = self._convert(
                    _service.members(shape)[path[0]], value, f"-{shown}", line
                )
            else:
                outer = _service.members(shape)[path[0]]
                inner = _service.members(outer)[path[1]]
                params.setdefault(path[0], {})[path[1]] = self._convert(
                    inner, value, f"-{shown}", line
                )
        call = make_call(operation, params, location, self.pending.take())
        self.result.calls.append(call)
        return self._output(len(self.result.calls) - 1, select, passthru, given, positional, line)

    def _output(
        self,
        index: int,
        select: Any,
        passthru: bool,
        given: dict[tuple[str, ...], tuple[str, Any]],
        positional: str | None,
        line: int,
    ) -> Any:
        if isinstance(select, str) and select not in ("", "*"):
            if select.startswith("^"):
                wanted = select[1:].casefold()
                for path, (shown, value) in given.items():
                    if shown.casefold() == wanted or path[-1].casefold() == wanted:
                        return value
                return None
            return _PrevRef(index, tuple(select.split(".")), line)
        if passthru:
            value = given.get((positional,)) if positional else None
            return value[1] if value else None
        return _PrevRef(index, (), line)

    def _pipeline(self, output: Any, line: int) -> Any:
        while True:
            self.skip_inline()
            if self.peek() != "|":
                return output
            self.pos += 1
            self.skip_space()
            match = _COMMAND_NAME.match(self.text, self.pos)
            name = match.group(0) if match else self.peek()
            if name.casefold() not in PIPE_CONSUMERS:
                raise self.fail(
                    f"piping to '{name}' is not supported; pipe only to Out-Null, Format-List, "
                    "ConvertTo-Json or Select-Object -ExpandProperty <name>"
                )
            assert match is not None
            self.pos = match.end()
            if name.casefold() == "select-object":
                args = self._arguments()
                expand = [
                    arg
                    for arg in args
                    if isinstance(arg, _Param) and arg.name.casefold() == "expandproperty"
                ]
                values = [a.value for a in args if isinstance(a, _Value)]
                if expand and isinstance(output, _PrevRef):
                    prop = expand[0].value if expand[0].has_value else (values[:1] or [None])[0]
                    if not isinstance(prop, str):
                        raise self.fail("Select-Object -ExpandProperty needs a property name")
                    output = _PrevRef(output.index, (*output.path, *prop.split(".")), output.line)
                else:
                    output = _Opaque(f"the output of Select-Object (line {line})")
            else:
                self._skip_statement()
                output = _Opaque(f"the output of {name} (line {line})")

    # -- converting PowerShell values to the request's shapes ----------------------------------

    def _convert(self, shape: Shape, value: Any, what: str, line: int) -> Any:
        kind = shape.type_name
        if isinstance(value, _PrevRef):
            if value.index != len(self.result.calls) - 1:
                raise self.fail(
                    f"{what} refers to the output of the call at line {value.line}; only the "
                    "call just before can be referenced (as ${previous:...})",
                    line,
                )
            if not value.path:
                raise self.fail(
                    f"{what} is given a whole cmdlet response; pass one property, e.g. $r.Session",
                    line,
                )
            if kind != "string":
                raise self.fail(f"{what} cannot take a value from the previous response", line)
            return previous_ref(".".join(value.path))
        if isinstance(value, _Opaque):
            raise self.fail(f"{what} is given {value.what}, which a replay cannot know", line)
        if kind == "string":
            if isinstance(value, str):
                return value
            if isinstance(value, bool):
                return "True" if value else "False"
            if isinstance(value, int | float):
                return str(value)
            raise self.fail(f"{what} takes a string, not {_show(value)}", line)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.casefold() in ("true", "false"):
                return value.casefold() == "true"
            raise self.fail(f"{what} takes $true or $false, not {_show(value)}", line)
        if kind in ("integer", "long"):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INT.fullmatch(value):
                return int(value)
            raise self.fail(f"{what} takes a number, not {_show(value)}", line)
        if kind == "map":
            if not isinstance(value, dict):
                raise self.fail(f"{what} takes a hashtable such as @{{key='value'}}", line)
            value_shape = shape.value  # type: ignore[attr-defined]
            return {
                str(key): self._convert(value_shape, item, f"{what}['{key}']", line)
                for key, item in value.items()
            }
        if kind == "structure":
            if not isinstance(value, dict):
                raise self.fail(f"{what} takes a hashtable such as @{{Name='x'}}", line)
            known = _service.members(shape)
            by_folded = {name.casefold(): name for name in known}
            out: dict[str, Any] = {}
            for key, item in value.items():
                member = by_folded.get(str(key).casefold())
                if member is None:
                    raise self.fail(
                        f"{what}: unknown key '{key}'{suggest(str(key), known)}; "
                        f"keys: {', '.join(known)}",
                        line,
                    )
                out[member] = self._convert(known[member], item, f"{what}.{member}", line)
            return out
        if kind == "list":
            items = value if isinstance(value, list) else [value]
            member_shape = shape.member  # type: ignore[attr-defined]
            return [
                self._convert(member_shape, item, f"{what}[{i}]", line)
                for i, item in enumerate(items)
            ]
        return value

    # -- values --------------------------------------------------------------------------------

    def _argument_value(self) -> Any:
        """A value in argument mode (after a cmdlet or parameter name), with ',' lists."""
        first = self._argument_primary()
        items = [first]
        while True:
            mark = self.pos
            self.skip_inline()
            if self.peek() != ",":
                self.pos = mark
                break
            self.pos += 1
            self.skip_space()
            items.append(self._argument_primary())
        return items if len(items) > 1 else first

    def _argument_primary(self) -> Any:
        char = self.peek()
        if char in "'\"@$([{" or char == "":
            return self._primary(argument_mode=True)
        start = self.pos
        while not self.at_end() and self.peek() not in _BAREWORD_END:
            if self.peek() == "`" and self._continuation_end() is not None:
                break
            self.pos += 1
        word = self.text[start : self.pos]
        if _INT.fullmatch(word):
            return int(word)
        if _FLOAT.fullmatch(word):
            return float(word)
        return word

    def _expression_list(self) -> Any:
        first = self._primary(argument_mode=False)
        items = [first]
        while True:
            mark = self.pos
            self.skip_inline()
            if self.peek() != ",":
                self.pos = mark
                break
            self.pos += 1
            self.skip_space()
            items.append(self._primary(argument_mode=False))
        return items if len(items) > 1 else first

    def _primary(self, *, argument_mode: bool) -> Any:
        char = self.peek()
        if char == "":
            raise self.fail("unexpected end of file: a value is missing")
        if char == "'":
            return self._single_quoted()
        if char == '"':
            return self._double_quoted()
        if char == "@":
            following = self.peek(1)
            if following == "{":
                return self._hashtable()
            if following == "(":
                return self._array()
            if following in "'\"":
                raise self.fail("here-strings (@'...'@) are not supported; use a quoted string")
            raise self.fail("unexpected '@'")
        if char == "$":
            return self._variable_value()
        if char == "[":
            self._skip_brackets("[", "]")
            return self._primary(argument_mode=argument_mode)
        if char == "(":
            start = self.line_at()
            self.pos += 1
            self.skip_space()
            if self.peek().isalpha():
                raise self.fail(
                    "a command inside '( )' is not supported (e.g. New-Object); use a literal "
                    "value or a hashtable such as @{Name='email'; Value='a@example.com'}"
                )
            value = self._expression_list()
            self.skip_space()
            if self.peek() != ")":
                raise self.fail("expected ')'", start)
            self.pos += 1
            return value
        if char == "{":
            self._skip_brackets("{", "}")
            return _Opaque(f"a script block (line {self.line_at()})")
        match = re.compile(r"-?\d+(\.\d+)?(?![A-Za-z0-9_.])").match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return float(match.group(0)) if match.group(1) else int(match.group(0))
        word = re.compile(r"[^\s;,)}=]+").match(self.text, self.pos)
        shown = word.group(0) if word else char
        raise self.fail(f"bare word '{shown}' in a value: quote it ('{shown}')")

    def _single_quoted(self) -> str:
        start = self.line_at()
        self.pos += 1
        out: list[str] = []
        while True:
            if self.at_end():
                raise self.fail("unterminated string: add the closing '", start)
            char = self.peek()
            if char == "'":
                if self.peek(1) == "'":
                    out.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1

    _ESCAPES: Final = {
        "n": "\n",
        "t": "\t",
        "r": "\r",
        "0": "\0",
        "a": "\a",
        "b": "\b",
        "f": "\f",
        "v": "\v",
        "e": "\x1b",
    }

    def _double_quoted(self) -> Any:
        start = self.line_at()
        self.pos += 1
        parts: list[Any] = []
        literal: list[str] = []
        while True:
            if self.at_end():
                raise self.fail('unterminated string: add the closing "', start)
            char = self.peek()
            if char == "`":
                following = self.peek(1)
                literal.append(self._ESCAPES.get(following, following))
                self.pos += 2
                continue
            if char == '"':
                if self.peek(1) == '"':
                    literal.append('"')
                    self.pos += 2
                    continue
                self.pos += 1
                break
            if char == "$":
                following = self.peek(1)
                if following == "(":
                    raise self.fail(
                        'a subexpression "$(...)" in a string is not supported; '
                        "assign it to a variable first"
                    )
                if following == "{" or following.isalpha() or following == "_":
                    if literal:
                        parts.append("".join(literal))
                        literal = []
                    parts.append(self._variable_value(properties=False))
                    continue
            literal.append(char)
            self.pos += 1
        if literal:
            parts.append("".join(literal))
        if len(parts) == 1 and isinstance(parts[0], _PrevRef):
            return parts[0]
        secret = any(isinstance(part, SecretStr) for part in parts)
        text = "".join(self._stringify(part) for part in parts)
        return SecretStr(text) if secret else text

    def _stringify(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "True" if value else "False"
        if value is None:
            return ""
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, _PrevRef) and value.path:
            if value.index != len(self.result.calls) - 1:
                raise self.fail(
                    f"this string refers to the output of the call at line {value.line}; only "
                    "the call just before can be referenced"
                )
            return previous_ref(".".join(value.path))
        raise self.fail(f"{_show(value)} cannot be put in a string")

    def _hashtable(self) -> dict[str, Any]:
        start = self.line_at()
        self.pos += 2
        table: dict[str, Any] = {}
        folded: set[str] = set()
        while True:
            while True:
                self.skip_space()
                if self.peek() == ";":
                    self.pos += 1
                else:
                    break
            if self.at_end():
                raise self.fail("unterminated hashtable '@{': add the closing '}'", start)
            if self.peek() == "}":
                self.pos += 1
                return table
            if self.peek() in "'\"":
                key_value = self._single_quoted() if self.peek() == "'" else self._double_quoted()
                key = self._stringify(key_value)
            else:
                match = re.compile(r"[^\s=;}]+").match(self.text, self.pos)
                if match is None:
                    raise self.fail(f"expected a hashtable key, found '{self.peek()}'")
                key = match.group(0)
                self.pos = match.end()
            self.skip_inline()
            if self.peek() != "=":
                raise self.fail(f"expected '=' after hashtable key '{key}'")
            self.pos += 1
            self.skip_space()
            if self.at_end():
                raise self.fail("unterminated hashtable '@{': add the closing '}'", start)
            value = self._expression_list()
            if key.casefold() in folded:
                raise self.fail(f"hashtable key '{key}' is given twice")
            folded.add(key.casefold())
            table[key] = value
            self.skip_inline()
            if self.peek() not in (";", "\n", "}", ""):
                raise self.fail(
                    f"unexpected '{self.peek()}' after the value of '{key}': separate hashtable "
                    "entries with ';' or a new line"
                )

    def _array(self) -> list[Any]:
        start = self.line_at()
        self.pos += 2
        items: list[Any] = []
        while True:
            while True:
                self.skip_space()
                if self.peek() in (",", ";"):
                    self.pos += 1
                else:
                    break
            if self.at_end():
                raise self.fail("unterminated array '@(': add the closing ')'", start)
            if self.peek() == ")":
                self.pos += 1
                return items
            if self.peek().isalpha():
                raise self.fail("a command inside '@( )' is not supported; list literal values")
            items.append(self._primary(argument_mode=False))

    def _variable_name(self) -> tuple[str | None, str]:
        """Read ``$name``, ``${name}``, ``$scope:name``; return (scope, name)."""
        self.pos += 1
        if self.peek() == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.fail("unterminated '${': add the closing '}'")
            raw = self.text[self.pos + 1 : end]
            self.pos = end + 1
        else:
            start = self.pos
            while _NAME_CHARS.match(self.peek()):
                self.pos += 1
            raw = self.text[start : self.pos]
            if (
                self.peek() == ":"
                and (raw.casefold() == "env" or raw.casefold() in _SCOPES)
                and (self.peek(1).isalpha() or self.peek(1) == "_")
            ):
                self.pos += 1
                begin = self.pos
                while _NAME_CHARS.match(self.peek()):
                    self.pos += 1
                raw = f"{raw}:{self.text[begin : self.pos]}"
        if not raw:
            raise self.fail("'$' must be followed by a variable name")
        scope, sep, name = raw.partition(":")
        if not sep:
            return None, raw
        if scope.casefold() == "env":
            return "env", name
        return scope.casefold(), name

    def _variable_value(self, *, properties: bool = True) -> Any:
        line = self.line_at()
        scope, name = self._variable_name()
        if scope == "env":
            value: Any = (
                self.env_overlay[name]
                if name in self.env_overlay
                else env_value(name, self.env, self.here(line))
            )
        else:
            folded = name.casefold()
            if folded in ("true", "false", "null"):
                value = {"true": True, "false": False, "null": None}[folded]
            elif folded in self.variables:
                value = self.variables[folded]
            elif folded in ("_", "psitem", "args", "input", "this"):
                raise self.fail(f"${name} is not supported in a replay", line)
            else:
                raise self.fail(
                    f"variable ${name} is not assigned before this line; assign it "
                    f"(${name} = '...') or use $env:{name} for a secret",
                    line,
                )
        while properties and self.peek() == "." and (self.peek(1).isalpha() or self.peek(1) == "_"):
            self.pos += 1
            start = self.pos
            while _NAME_CHARS.match(self.peek()):
                self.pos += 1
            prop = self.text[start : self.pos]
            value = self._property(value, prop, name, line)
        return value

    def _property(self, value: Any, prop: str, name: str, line: int) -> Any:
        if isinstance(value, _PrevRef):
            return _PrevRef(value.index, (*value.path, prop), value.line)
        if isinstance(value, dict):
            for key, item in value.items():
                if str(key).casefold() == prop.casefold():
                    return item
            raise self.fail(f"${name} has no key '{prop}'", line)
        if isinstance(value, _Opaque):
            raise self.fail(f"${name} holds {value.what}, which a replay cannot know", line)
        raise self.fail(f"cannot read .{prop} of ${name} ({_show(value)})", line)


def _cmdlet_hint(name: str) -> str:
    """Point a guessed cmdlet name (Confirm-CGIPSignUp) at the real one for its operation."""
    verb, _, noun = name.partition("-")
    noun = noun[4:] if noun.upper().startswith("CGIP") else noun
    admin = noun.endswith("Admin")
    base = noun[: -len("Admin")] if admin else noun
    candidates = [f"Admin{verb}{base}", f"Admin{base}"] if admin else []
    candidates += [f"{verb}{base}", base]
    by_operation = {operation: cmdlet for cmdlet, operation in CMDLETS.items()}
    for candidate in candidates:
        if candidate in by_operation:
            return f" (for {candidate} use '{by_operation[candidate]}')"
    return suggest(name, CMDLETS)


def _names(table: dict[str, tuple[str, tuple[str, ...]]]) -> list[str]:
    return sorted({shown for shown, _ in table.values()})


def _known(table: dict[str, tuple[str, tuple[str, ...]]]) -> str:
    return ", ".join(f"-{name}" for name in _names(table)) + f" (and {_COMMON_SHOWN})"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a hashtable"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "$null"
    if isinstance(value, _PrevRef):
        return "a cmdlet response"
    if isinstance(value, _Opaque):
        return value.what
    return repr(value)
