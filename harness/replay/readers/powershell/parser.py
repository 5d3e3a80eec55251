"""Statements of a PowerShell replay: assignments, cmdlet calls and their pipelines, try blocks,
and the commands skipped; values come from :mod:`.values`, calls are bound in :mod:`.cmdlets`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harness.replay.readers.base import ReadResult, ScriptResult
from harness.replay.readers.powershell.cmdlets import (
    CMDLETS,
    IGNORED_COMMANDS,
    PIPE_CONSUMERS,
    Binder,
    Param,
    Positional,
    canonical,
    cmdlet_hint,
)
from harness.replay.readers.powershell.lexer import Lexer
from harness.replay.readers.powershell.values import (
    Opaque,
    PrevRef,
    PSObject,
    Values,
    model_object,
)

#: Keywords of control flow and definitions: a replay is a straight list of calls.
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


class Parser:
    """Reads one script, statement by statement, recording each cmdlet call as it is met."""

    def __init__(self, path: Path, text: str, env: Mapping[str, str], display: str) -> None:
        self.script = ScriptResult(path, display)
        self.lex = Lexer(text, display, self.script.comment)
        self.values = Values(self.lex, env, self.script.calls)
        self.binder = Binder(self.script)
        self.values.command = self.command

    def run(self) -> ReadResult:
        lex = self.lex
        while True:
            lex.skip_separators("\n;")
            if lex.at_end():
                break
            if lex.peek() == "}":
                raise lex.fail("unexpected '}' without a matching '{'")
            self.statement()
        self.script.result.skipped.extend(self.values.notes)
        return self.script.finish()

    def statement(self) -> None:
        lex = self.lex
        line = lex.line_at()
        char = lex.peek()
        if char == "$":
            self._variable_statement(line)
        elif char == "-":
            raise lex.fail(
                "this line starts with a parameter: end the previous line with a backtick (`) "
                "to continue the command"
            )
        elif lex.starts_name():
            word = lex.command_name() or ""
            if word.casefold() == "try":
                self._try()
                return
            if word.casefold() in _UNSUPPORTED_KEYWORDS:
                raise lex.fail(
                    f"'{word}' is not supported in a replay: write the calls one after the other"
                )
            self.command(word, line)
        elif char in "'\"[@" or char.isdigit():
            self._piped_statement(line)
        elif char == "(":
            raise lex.fail(
                "a statement starting with '(' is not supported; call the cmdlet directly"
            )
        else:
            raise lex.fail(f"unexpected '{char}' at the start of a statement")
        self._end_of_statement()

    def _piped_statement(self, line: int) -> Any:
        """``'client-id' | Start-CGIPAuthAdmin ...``, ``[pscustomobject]@{...} | ...``: a value
        piped to a cmdlet (a value on its own only prints: it is skipped)."""
        lex = self.lex
        value = self.values.expression()
        lex.skip_inline()
        if lex.peek() != "|":
            return value
        return self._pipe_into(value, line)

    def _pipe_into(self, value: Any, line: int) -> Any:
        lex = self.lex
        lex.pos += 1
        lex.skip_space()
        word = lex.command_name() or ""
        name = word.rsplit("\\", 1)[-1]
        if canonical(name) is None:
            if name.casefold() in PIPE_CONSUMERS:
                lex.skip_statement()
                return Opaque(f"the output of {name} (line {line})")
            raise lex.fail(
                f"piping a value to '{name}' is not supported; pipe it to one of "
                f"{', '.join(CMDLETS)}"
            )
        return self.command(word, line, piped=value)

    def _end_of_statement(self) -> None:
        self.lex.skip_inline()
        if self.lex.peek() not in ("", "\n", ";", "}"):
            raise self.lex.fail(
                f"unexpected '{self.lex.peek()}': one statement per line, or use ';'"
            )

    def _variable_statement(self, line: int) -> None:
        lex = self.lex
        start = lex.pos
        ref = lex.variable()
        props: list[str] = []
        while (prop := lex.property_name()) is not None:
            props.append(prop)
        lex.skip_inline()
        if lex.peek() == "=" and lex.peek(1) != "=":
            lex.pos += 1
            lex.skip_inline()
            value = self._right_hand_side(line)
            if props:
                self._set_property(ref.name, props, value, line)
            else:
                self.values.assign(ref, value)
            return
        # "$x | Start-CGIPAuthAdmin ...": the value piped to a cmdlet.
        lex.pos = start
        statement = lex.text[start : lex.text.find("\n", start) % (len(lex.text) + 1)]
        if "|" in statement and any(c.casefold() in statement.casefold() for c in CMDLETS):
            self._piped_statement(line)
            return
        # An expression on its own (e.g. "$r.AuthenticationResult") only prints: skip it.
        lex.skip_statement()

    def _set_property(self, name: str, props: list[str], value: Any, line: int) -> None:
        """``$h.HeaderName = 'X-Forwarded-For'``: set a property of an object or a hashtable."""
        target = self.values.variables.get(name.casefold())
        where = self.lex.here(line)
        for prop in props[:-1]:
            target = target.get(prop) if isinstance(target, dict) else None
        last = props[-1]
        if isinstance(target, PSObject):
            target[target.property_named(last, where)] = value
        elif isinstance(target, dict):
            key = next((k for k in target if k.casefold() == last.casefold()), last)
            target[key] = value
        else:
            raise self.lex.fail(
                f"${name}.{'.'.join(props)} cannot be set: only a property of an object "
                "(New-Object, [pscustomobject]) or a key of a hashtable can",
                line,
            )

    def _right_hand_side(self, line: int) -> Any:
        lex = self.lex
        if lex.starts_name():
            word = lex.command_name() or ""
            if word.casefold() in _UNSUPPORTED_KEYWORDS or word.casefold() == "try":
                raise lex.fail(f"'{word}' is not supported in a replay")
            return self.command(word, line)
        value = self.values.expression()
        lex.skip_inline()
        if lex.peek() == "|":
            return self._pipe_into(value, line)
        return value

    def _try(self) -> None:
        """``try { ... }``: the block is replayed; ``catch`` and ``finally`` blocks are skipped."""
        lex = self.lex
        lex.skip_space()
        if lex.peek() != "{":
            raise lex.fail("expected '{' after try")
        self._block()
        while True:
            mark = lex.pos
            lex.skip_space()
            word = (lex.command_name() or "").casefold()
            if word not in ("catch", "finally"):
                lex.pos = mark
                return
            lex.skip_space()
            while lex.peek() in ("[", ","):  # catch [ExceptionType], [OtherType] { ... }
                if lex.peek() == ",":
                    lex.pos += 1
                else:
                    lex.skip_group("[", "]")
                lex.skip_space()
            if lex.peek() != "{":
                raise lex.fail(f"expected '{{' after {word}")
            lex.skip_group("{", "}")

    def _block(self) -> None:
        lex = self.lex
        start = lex.line_at()
        lex.pos += 1
        while not lex.closes("\n;", "}", "block", start):
            self.statement()

    # -- commands ------------------------------------------------------------------------------

    def command(self, word: str, line: int, piped: Any = None) -> Any:
        """Read the command ``word`` (already read) and its arguments; return its output."""
        name = word.rsplit("\\", 1)[-1]
        if not name:
            found = self.lex.peek() or "end of file"
            raise self.lex.fail(f"expected a cmdlet name, found {found!r}")
        cmdlet = canonical(name)
        if cmdlet is None and name.casefold() == "new-object":
            return self._new_object(line)
        if cmdlet is None:
            if name.casefold() in IGNORED_COMMANDS:
                self.lex.skip_statement()
                return Opaque(f"the output of {name} (line {line})")
            known = ", ".join(CMDLETS)
            raise self.lex.fail(
                f"unknown cmdlet '{name}'{cmdlet_hint(name)}; a PowerShell replay calls "
                f"{known} (Import-Module, Set-DefaultAWSRegion, Write-Host... are skipped)",
                line,
            )
        output = self.binder.call(cmdlet, self._arguments(), line, piped)
        return self._pipeline(output, line)

    def _new_object(self, line: int) -> PSObject:
        """``New-Object [-TypeName] Amazon.CognitoIdentityProvider.Model.HttpHeader
        [-Property @{...}]``: an object of a cognito-idp model type."""
        type_name: Any = None
        properties: Any = {}
        args = self._arguments()
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            value = arg.value
            if isinstance(arg, Param):
                key = arg.name.casefold()
                if not arg.has_value and index < len(args) and isinstance(args[index], Positional):
                    value = args[index].value
                    index += 1
                if key in ("typename", "type"):
                    type_name = value
                elif key in ("property", "prop"):
                    properties = value
                else:
                    raise self.lex.fail(
                        f"New-Object -{arg.name} is not supported; use -TypeName and -Property",
                        arg.line,
                    )
            elif type_name is None:
                type_name = value
            else:
                raise self.lex.fail("New-Object constructor arguments are not supported", line)
        if not isinstance(type_name, str):
            raise self.lex.fail("New-Object needs a type name", line)
        if not isinstance(properties, dict):
            raise self.lex.fail("New-Object -Property takes a hashtable", line)
        return model_object(type_name, properties, self.lex.here(line))

    def _arguments(self) -> list[Param | Positional]:
        lex = self.lex
        args: list[Param | Positional] = []
        while True:
            lex.skip_inline()
            if lex.peek() in ("", "\n", ";", "|", "}", ")"):
                return args
            line = lex.line_at()
            if lex.peek() == "@" and lex.starts_name(1):
                splatted = self.values.splat()
                if isinstance(splatted, dict):
                    args.extend(Param(str(k), v, True, line) for k, v in splatted.items())
                else:
                    args.extend(Positional(v, line) for v in splatted)
                continue
            parameter = lex.parameter()
            if parameter is None:
                args.append(Positional(self.values.argument(), line))
            elif parameter[1]:
                args.append(Param(parameter[0], self.values.argument(), True, line))
            else:
                args.append(Param(parameter[0], None, False, line))

    def _pipeline(self, output: Any, line: int) -> Any:
        lex = self.lex
        while True:
            lex.skip_inline()
            if lex.peek() != "|":
                return output
            lex.pos += 1
            lex.skip_space()
            name = lex.command_name() or lex.peek()
            if name.casefold() not in PIPE_CONSUMERS:
                raise lex.fail(
                    f"piping to '{name}' is not supported; pipe only to Out-Null, Format-List, "
                    "ConvertTo-Json or Select-Object -ExpandProperty <name>"
                )
            if name.casefold() == "select-object":
                args = self._arguments()
                expand = [
                    arg
                    for arg in args
                    if isinstance(arg, Param) and arg.name.casefold() == "expandproperty"
                ]
                values = [a.value for a in args if isinstance(a, Positional)]
                if expand and isinstance(output, PrevRef):
                    prop = expand[0].value if expand[0].has_value else (values[:1] or [None])[0]
                    if not isinstance(prop, str):
                        raise lex.fail("Select-Object -ExpandProperty needs a property name")
                    output = PrevRef(output.index, (*output.path, *prop.split(".")), output.line)
                else:
                    output = Opaque(f"the output of Select-Object (line {line})")
            else:
                lex.skip_statement()
                output = Opaque(f"the output of {name} (line {line})")
