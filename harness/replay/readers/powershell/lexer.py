"""PowerShell text read the way PowerShell's tokenizer reads it, with positions for errors.

PowerShell tokenizes in two modes: after a command name a word such as ``us-east-1_Ab12`` or
``203.0.113.7`` is a string (argument mode), in a value it must be quoted or a number (expression
mode). So the parser asks the :class:`Lexer` for the next token of the kind it expects; what is
the same in both modes is written here once: quoting ('...' with '' for a quote, "..." with
backtick escapes, ``$variables`` and ``$( )`` subexpressions, @'...'@ here-strings), backtick
line continuations, ``#`` and ``<# #>`` comments, and the nesting of ``( ) { } [ ]`` across all
of them, for the text a replay skips (catch blocks, ignored commands).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from harness.replay.model import ReplayError

#: The characters of a variable, parameter or property name.
_NAME_CHARS: Final = re.compile(r"[A-Za-z0-9_]")
_COMMAND_NAME: Final = re.compile(r"[A-Za-z0-9_\-.\\:]+")
_CONTINUATION: Final = re.compile(r"`[ \t]*\r?\n")
_HERE_STRING: Final = re.compile(r"@(['\"])[ \t]*\r?\n")
_NUMBER: Final = re.compile(r"-?\d+(\.\d+)?(?![A-Za-z0-9_.])")
#: What ends an argument-mode word.
_BAREWORD_END: Final = frozenset(" \t\r\n;,|(){}")
#: A ``#`` starts a comment after these (elsewhere it is part of a word, as in ``a#b``).
_BEFORE_COMMENT: Final = frozenset(" \t\r\n;,|=(){}")
_SCOPES: Final = frozenset({"script", "global", "local", "private", "using"})
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


@dataclass(frozen=True)
class VarRef:
    """``$name``, ``${name}`` or ``$scope:name`` (scope ``env`` for ``$env:NAME``)."""

    scope: str | None
    name: str
    line: int


class Lexer:
    """A position in a PowerShell script and the tokens that can be read there.

    ``on_comment(text, line)`` receives each ``#`` comment met between tokens, for directives.
    """

    def __init__(self, text: str, display: str, on_comment: Callable[[str, int], None]) -> None:
        self.text = text
        self.display = display
        self.on_comment = on_comment
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

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

    def starts_name(self, offset: int = 0) -> bool:
        """Whether a name (letter or ``_``) starts at ``offset`` from here."""
        char = self.peek(offset)
        return char.isalpha() or char == "_"

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern`` matched here, without moving."""
        return pattern.match(self.text, self.pos)

    # -- whitespace and comments --------------------------------------------------------------

    def skip_inline(self) -> None:
        """Skip spaces, tabs, line continuations and comments (not newlines)."""
        while not self.at_end():
            char = self.peek()
            if char in " \t\r":
                self.pos += 1
            elif char == "`" and self._continuation():
                continue
            elif char == "<" and self.peek(1) == "#":
                self._block_comment()
            elif char == "#":
                self._line_comment(report=True)
            else:
                return

    def skip_space(self) -> None:
        """Skip whitespace including newlines, and comments."""
        self.skip_separators("\n")

    def skip_separators(self, separators: str) -> None:
        """Skip whitespace, comments, and the characters in ``separators``."""
        while True:
            self.skip_inline()
            if self.peek() != "" and self.peek() in separators:
                self.pos += 1
            else:
                return

    def closes(self, separators: str, closing: str, what: str, start: int) -> bool:
        """Skip ``separators``; then whether ``closing`` ends the ``what`` begun on line ``start``
        (and skip it), or an error at the end of the text."""
        self.skip_separators(separators)
        if self.at_end():
            raise self.fail(f"unterminated {what}: add the closing '{closing}'", start)
        if self.peek() != closing:
            return False
        self.pos += 1
        return True

    def _continuation(self) -> bool:
        """Skip a backtick line continuation here, if there is one."""
        match = _CONTINUATION.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        return match is not None

    def _block_comment(self) -> None:
        start = self.line_at()
        end = self.text.find("#>", self.pos + 2)
        if end < 0:
            raise self.fail("unterminated block comment '<#'; close it with '#>'", start)
        self.pos = end + 2

    def _line_comment(self, *, report: bool) -> None:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        comment = self.text[self.pos : end].rstrip("\r")
        line = self.line_at()
        self.pos = end
        if report:
            self.on_comment(comment, line)

    def _at_comment(self) -> bool:
        """Whether a ``#`` or ``<#`` comment starts here (at the start of a token)."""
        if self.peek() != "#" and not (self.peek() == "<" and self.peek(1) == "#"):
            return False
        return self.pos == 0 or self.text[self.pos - 1] in _BEFORE_COMMENT

    # -- words ---------------------------------------------------------------------------------

    def name(self) -> str:
        """Read the name characters here (possibly none)."""
        start = self.pos
        while _NAME_CHARS.match(self.peek()):
            self.pos += 1
        return self.text[start : self.pos]

    def command_name(self) -> str | None:
        """Read a command name or keyword (``Start-CGIPAuth``, ``AWS.Tools...\\Write-Host``)."""
        match = self.match(_COMMAND_NAME)
        if match is None:
            return None
        self.pos = match.end()
        return match.group(0)

    def parameter(self) -> tuple[str, bool] | None:
        """Read ``-Name`` here: its name, and whether its value follows a colon (``-Name:$x``)."""
        if self.peek() != "-" or not self.starts_name(1):
            return None
        self.pos += 1
        name = self.name()
        if self.peek() == ":" and self.peek(1) not in ("", " ", "\t", "\n"):
            self.pos += 1
            return name, True
        return name, False

    def bareword(self) -> str:
        """Read an argument-mode word: up to a space, ``; , | ( ) { }`` or a continuation."""
        start = self.pos
        while not self.at_end() and self.peek() not in _BAREWORD_END:
            if self.peek() == "`" and _CONTINUATION.match(self.text, self.pos):
                break
            self.pos += 1
        return self.text[start : self.pos]

    def number(self) -> int | float | None:
        """Read an expression-mode number (``42``, ``-3``, ``1.5``), or None."""
        match = self.match(_NUMBER)
        if match is None:
            return None
        self.pos = match.end()
        return float(match.group(0)) if match.group(1) else int(match.group(0))

    def variable(self) -> VarRef:
        """Read ``$name``, ``${name}`` or ``$scope:name`` (``$env:NAME``) here."""
        line = self.line_at()
        self.pos += 1
        if self.peek() == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.fail("unterminated '${': add the closing '}'")
            raw = self.text[self.pos + 1 : end]
            self.pos = end + 1
        else:
            raw = self.name()
            folded = raw.casefold()
            if (
                self.peek() == ":"
                and (folded == "env" or folded in _SCOPES)
                and self.starts_name(1)
            ):
                self.pos += 1
                raw = f"{raw}:{self.name()}"
        if not raw:
            raise self.fail("'$' must be followed by a variable name")
        scope, sep, name = raw.partition(":")
        if not sep:
            return VarRef(None, raw, line)
        return VarRef("env" if scope.casefold() == "env" else scope.casefold(), name, line)

    def property_name(self) -> str | None:
        """Read ``.Name`` (a property of the value just read), or None."""
        if self.peek() != "." or not self.starts_name(1):
            return None
        self.pos += 1
        return self.name()

    # -- strings -------------------------------------------------------------------------------

    def single_quoted(self) -> str:
        """Read '...' here (``''`` is a quote): its text."""
        return "".join(self._quoted("'", None))

    def double_quoted(self, variable: Callable[[VarRef], Any] | None) -> list[Any]:
        """Read "..." here (``""`` or a backtick and a quote is a quote): its literal text and, in
        order, what ``variable`` makes of each variable it names. Without ``variable`` (text being
        skipped), ``$`` is text and a ``$( )`` subexpression is skipped; with it, a
        subexpression is not supported."""
        return self._quoted('"', variable)

    def _quoted(self, quote: str, variable: Callable[[VarRef], Any] | None) -> list[Any]:
        start = self.line_at()
        self.pos += 1
        parts: list[Any] = []
        literal: list[str] = []
        while True:
            if self.at_end():
                raise self.fail(f"unterminated string: add the closing {quote}", start)
            char = self.peek()
            if char == quote:
                if self.peek(1) != quote:
                    self.pos += 1
                    break
                literal.append(quote)
                self.pos += 2
            elif quote == '"' and char == "`":
                following = self.peek(1)
                literal.append(_ESCAPES.get(following, following))
                self.pos += 2
            elif not (quote == '"' and char == "$" and self._expansion(variable, parts, literal)):
                literal.append(char)
                self.pos += 1
        if literal:
            parts.append("".join(literal))
        return parts

    def _expansion(
        self, variable: Callable[[VarRef], Any] | None, parts: list[Any], literal: list[str]
    ) -> bool:
        """Read the ``$( )`` or ``$variable`` here in "...", the text before it moved from
        ``literal`` to ``parts``; False for a ``$`` that is only text."""
        if self.peek(1) == "(":
            if variable is not None:
                raise self.fail(
                    'a subexpression "$(...)" in a string is not supported; '
                    "assign it to a variable first"
                )
            self.pos += 1
            self.skip_group("(", ")")
            return True
        if variable is None or not (self.peek(1) == "{" or self.starts_name(1)):
            return False
        if literal:
            parts.append("".join(literal))
            literal.clear()
        parts.append(variable(self.variable()))
        return True

    # -- skipping text a replay does not interpret --------------------------------------------

    def skip_statement(self) -> None:
        """Skip to the end of the statement: a newline, ``;``, ``#`` or a closing bracket outside
        any brackets (the end itself is not skipped: a comment there may be a directive)."""
        depth = 0
        while not self.at_end():
            char = self.peek()
            if depth == 0 and char in "\n;)}]#":
                return
            if self._skip_unit():
                continue
            if char in "({[":
                depth += 1
            elif char in ")}]":
                depth -= 1
            self.pos += 1

    def skip_group(self, opening: str, closing: str) -> None:
        """Skip from the ``opening`` bracket here to its ``closing`` one, included."""
        start = self.line_at()
        depth = 0
        while not self.at_end():
            if self._skip_unit():
                continue
            char = self.peek()
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return
            self.pos += 1
        raise self.fail(f"unterminated '{opening}': add the closing '{closing}'", start)

    def _skip_unit(self) -> bool:
        """Skip a string, here-string, escaped character or comment here; False if none is."""
        char = self.peek()
        if char == "'":
            self.single_quoted()
        elif char == '"':
            self.double_quoted(None)
        elif char == "@" and (match := self.match(_HERE_STRING)):
            self._here_string(match)
        elif char == "`":
            if not self._continuation():
                self.pos += 2
        elif self._at_comment():
            if char == "<":
                self._block_comment()
            else:
                self._line_comment(report=False)
        else:
            return False
        return True

    def _here_string(self, opening: re.Match[str]) -> None:
        """Skip @'...'@ or @"..."@: it ends with the quote and ``@`` at the start of a line."""
        quote = opening.group(1)
        start = self.line_at()
        end = re.compile(rf"^{quote}@", re.MULTILINE).search(self.text, opening.end())
        if end is None:
            raise self.fail(
                f"unterminated here-string: add the closing {quote}@ at the start of a line", start
            )
        self.pos = end.end()
