"""The shell text of an AWS CLI replay cut into commands and words, with POSIX sh quoting.

Done here rather than with :mod:`shlex`, because variables must be expanded in double quotes but
not in single quotes, which shlex cannot tell apart afterwards: a word keeps its variables and
``$( )`` substitutions as parts, for the reader to expand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from harness.replay.model import ReplayError

_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Var:
    """``$NAME`` / ``${NAME}`` / ``${NAME:-default}``."""

    name: str
    default: str | None
    line: int


@dataclass(frozen=True)
class Subst:
    """``$( ... )``: the text inside, and the line it starts on."""

    text: str
    line: int


@dataclass
class Word:
    parts: list[str | Var | Subst] = field(default_factory=list)
    line: int = 0


@dataclass
class Command:
    words: list[Word]
    line: int
    piped: bool  # the command reads a pipe: it is what an earlier command was piped to


@dataclass(frozen=True)
class Comment:
    text: str
    line: int


def tokenize(text: str, display: str, first_line: int) -> Iterator[Command | Comment]:
    """The commands and comments of ``text`` (whose first line is ``first_line``), as they come:
    a reader can evaluate each command before the rest is read."""
    pos = 0
    line = first_line
    words: list[Word] = []
    word: Word | None = None
    command_line = line
    piped = False
    next_piped = False

    def fail(problem: str, at: int) -> ReplayError:
        return ReplayError(f"{display}:{at}", problem)

    # Literal text is collected in chunks and joined once per run: adding to a string one
    # character at a time would make a long value quadratic.
    chunks: list[str] = []

    def literal(char: str) -> None:
        nonlocal word
        if word is None:
            word = Word(line=line)
        chunks.append(char)

    def flush() -> None:
        if chunks and word is not None:
            text_run = "".join(chunks)
            if word.parts and isinstance(word.parts[-1], str):
                word.parts[-1] += text_run
            else:
                word.parts.append(text_run)
        chunks.clear()

    def part(value: Var | Subst) -> None:
        nonlocal word
        if word is None:
            word = Word(line=line)
        flush()
        word.parts.append(value)

    def end_word() -> None:
        nonlocal word, command_line
        flush()
        if word is not None:
            if not words:
                command_line = word.line
            words.append(word)
            word = None

    def end_command() -> Iterator[Command]:
        nonlocal words, piped, next_piped
        end_word()
        if words:
            yield Command(words, command_line, piped)
        words = []
        piped, next_piped = next_piped, False

    def expansion(start: int) -> tuple[Var | Subst | None, int]:
        """Read ``$...`` at ``start``; return the part (None: a literal '$') and the end."""
        following = text[start + 1] if start + 1 < len(text) else ""
        if following == "(":
            if text.startswith("((", start + 1):
                raise fail("arithmetic $(( )) is not supported", line)
            end = _matching_paren(text, start + 2)
            if end < 0:
                raise fail("unterminated '$(': add the closing ')'", line)
            return Subst(text[start + 2 : end], line), end + 1
        if following == "{":
            end = text.find("}", start + 2)
            if end < 0:
                raise fail("unterminated '${': add the closing '}'", line)
            inner = text[start + 2 : end]
            name, sep, default = inner.partition(":-")
            if not _NAME.fullmatch(name):
                raise fail(
                    f"'${{{inner}}}' is not supported; use ${{NAME}} or ${{NAME:-default}}", line
                )
            return Var(name, default if sep else None, line), end + 1
        match = _NAME.match(text, start + 1)
        if match:
            return Var(match.group(0), None, line), match.end()
        if following.isdigit() or following in "@*#?!$-":
            raise fail(f"'${following}' is not supported in a replay; use a named variable", line)
        return None, start + 1

    def dollar(start: int) -> int:
        """Read ``$...`` at ``start`` into the word (a lone ``$`` is literal); return its end."""
        nonlocal line
        found, end = expansion(start)
        if found is None:
            literal("$")
        else:
            part(found)
            if isinstance(found, Subst):
                line += found.text.count("\n")
        return end

    while pos < len(text):
        char = text[pos]
        if char == "\\":
            following = text[pos + 1] if pos + 1 < len(text) else ""
            if following == "\n":
                line += 1
                pos += 2
            elif text.startswith("\r\n", pos + 1):
                line += 1
                pos += 3
            else:
                literal(following)
                pos += 2
        elif char in " \t\r":
            end_word()
            pos += 1
        elif char == "\n":
            yield from end_command()
            line += 1
            pos += 1
        elif char == "#" and word is None:
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            yield Comment(text[pos:end].rstrip("\r"), line)
            pos = end
        elif char == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                raise fail("unterminated string: add the closing '", line)
            literal(text[pos + 1 : end])
            line += text.count("\n", pos, end)
            pos = end + 1
        elif char == '"':
            start_line = line
            pos += 1
            if word is None:
                word = Word(line=line)
            while True:
                if pos >= len(text):
                    raise fail('unterminated string: add the closing "', start_line)
                inner = text[pos]
                if inner == '"':
                    pos += 1
                    break
                if inner == "\\" and pos + 1 < len(text) and text[pos + 1] in '$`"\\\n':
                    if text[pos + 1] == "\n":
                        line += 1
                    else:
                        literal(text[pos + 1])
                    pos += 2
                elif inner == "$":
                    pos = dollar(pos)
                elif inner == "`":
                    raise fail("backtick command substitution is not supported; use $( )", line)
                else:
                    if inner == "\n":
                        line += 1
                    literal(inner)
                    pos += 1
        elif char == "$":
            if text.startswith("$'", pos):
                raise fail("$'...' strings are not supported; use '...' or \"...\"", line)
            pos = dollar(pos)
        elif char == "`":
            raise fail("backtick command substitution is not supported; use $( )", line)
        elif char in ";&|":
            double = text[pos : pos + 2]
            if char == "&" and double != "&&":
                raise fail("background commands (&) are not supported", line)
            pos += 2 if double in ("&&", "||") else 1
            if char == "|" and double != "||":
                next_piped = True
            yield from end_command()
        elif char in "<>":
            # A redirection: drop a file-descriptor number right before it, and its target.
            flush()
            if word is not None and len(word.parts) == 1 and str(word.parts[0]).isdigit():
                word = None
            end_word()
            pos += 1
            while pos < len(text) and text[pos] in "<>&":
                pos += 1
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            while pos < len(text) and text[pos] not in " \t\r\n;&|":
                pos += 1
        else:
            literal(char)
            pos += 1
    yield from end_command()


def _matching_paren(text: str, start: int) -> int:
    depth = 1
    pos = start
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char in "'\"":
            end = text.find(char, pos + 1)
            if end < 0:
                return -1
            pos = end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1
