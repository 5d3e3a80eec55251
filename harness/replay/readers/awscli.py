"""AWS CLI replays: shell lines calling ``aws cognito-idp <command>`` (``.sh``, ``.txt``).

* commands and options come from botocore's cognito-idp model, as the AWS CLI derives them:
  ``admin-initiate-auth`` is AdminInitiateAuth, ``--auth-parameters`` is AuthParameters. Unknown
  commands and options are errors with a suggestion.
* values: maps and structures in shorthand (``--client-metadata appVersion=2.1.0,tenant=acme``,
  quoted values ``k="a,b"``, nested ``[...]``/``{...}``) or JSON (``'{"USERNAME": "alice"}'``);
  lists of attributes as several shorthand words (``--user-attributes Name=email,Value=a@b.c
  Name=name,Value=Alice``) or JSON; booleans as ``--force-alias-creation`` /
  ``--no-force-alias-creation``; ``file://path`` for any value (relative to the replay file);
  ``--cli-input-json '{...}'`` or ``file://input.json`` (options given too win).
* global options (``--region``, ``--profile``, ``--endpoint-url``, ``--output``, ``--query``,
  ``--no-cli-pager``, ``--debug``...) are accepted and ignored.
* shell: ``\\`` line continuations, ``#`` comments, single and double quotes (the quoting rules of
  POSIX sh), ``;``, ``&&``, ``|`` (what a command is piped to is ignored), redirections;
  ``NAME=value`` and ``export NAME=value`` assignments; ``set``, ``echo``, ``printf`` are
  skipped. The text is tokenized here rather than with :mod:`shlex`, because variables must be
  expanded in double quotes but not in single quotes, which shlex cannot tell apart afterwards.
* secrets: ``$NAME``, ``${NAME}``, ``"$NAME"`` read the environment (after the script's own
  assignments); ``${NAME:-default}`` falls back to the default. A missing variable is an error
  naming it.
* ``SESSION=$(aws cognito-idp admin-initiate-auth ... --query Session --output text)`` records the
  call, and a later ``--session "$SESSION"`` becomes ``${previous:Session}`` (the engine fills in
  the previous call's response Session). ``| jq -r .Session`` works like ``--query Session``.
  Only the call just before may be referenced.
* directives in comments: ``# harness-setup: sample.setup.json`` and ``# expect: ...`` before
  a command (or at the end of its last line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from botocore import xform_name
from botocore.model import Shape

from harness.cognito import service_model as _service
from harness.replay.envvars import SecretStr, env_value, expand_env_json
from harness.replay.expect import PendingExpectation
from harness.replay.jsonloc import JsonLoc
from harness.replay.model import ReplayError, previous_ref, suggest
from harness.replay.readers.base import EXPECT_DIRECTIVE, SETUP_DIRECTIVE, ReadResult, make_call
from harness.replay.setup import setup_directive

#: Global options taking a value (ignored).
GLOBAL_VALUED: Final = frozenset(
    {
        "region",
        "profile",
        "endpoint-url",
        "output",
        "query",
        "color",
        "ca-bundle",
        "cli-read-timeout",
        "cli-connect-timeout",
        "cli-binary-format",
        "max-items",
        "page-size",
        "starting-token",
    }
)
#: Global flags (ignored).
GLOBAL_FLAGS: Final = frozenset(
    {
        "debug",
        "no-verify-ssl",
        "no-paginate",
        "no-sign-request",
        "no-cli-pager",
        "cli-auto-prompt",
        "no-cli-auto-prompt",
    }
)
#: Shell commands that are skipped.
SKIPPED_COMMANDS: Final = frozenset({"set", "echo", "printf", "true", ":", "sleep", "shopt"})

_ASSIGNMENT: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SIMPLE_PATH: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_PLACEHOLDER: Final = re.compile("\ue000(\\d+)\ue001")


@dataclass(frozen=True)
class _Var:
    """``$NAME`` / ``${NAME}`` / ``${NAME:-default}``."""

    name: str
    default: str | None
    line: int


@dataclass(frozen=True)
class _Subst:
    """``$( ... )``: the text inside, and the line it starts on."""

    text: str
    line: int


@dataclass
class _Word:
    parts: list[str | _Var | _Subst] = field(default_factory=list)
    line: int = 0


@dataclass
class _Command:
    words: list[_Word]
    line: int
    piped: bool  # the command reads a pipe: it is what an earlier command was piped to


@dataclass(frozen=True)
class _Comment:
    text: str
    line: int


@dataclass(frozen=True)
class _Output:
    """The output of the call at ``index``: ``path`` into its response (None: unknown shape)."""

    index: int
    path: str | None
    line: int


def read(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    reader = _Reader(path, env, display)
    reader.run(text, first_line=1)
    reader.pending.check_consumed()
    return reader.result


# ---------------------------------------------------------------------------------------------
# Tokenizing (POSIX sh quoting)


def _tokenize(text: str, display: str, first_line: int) -> Iterator[_Command | _Comment]:
    pos = 0
    line = first_line
    words: list[_Word] = []
    word: _Word | None = None
    command_line = line
    piped = False
    next_piped = False

    def fail(problem: str, at: int) -> ReplayError:
        return ReplayError(f"{display}:{at}", problem)

    def literal(char: str) -> None:
        nonlocal word
        if word is None:
            word = _Word(line=line)
        if word.parts and isinstance(word.parts[-1], str):
            word.parts[-1] += char
        else:
            word.parts.append(char)

    def part(value: _Var | _Subst) -> None:
        nonlocal word
        if word is None:
            word = _Word(line=line)
        word.parts.append(value)

    def end_word() -> None:
        nonlocal word, command_line
        if word is not None:
            if not words:
                command_line = word.line
            words.append(word)
            word = None

    def end_command() -> Iterator[_Command]:
        nonlocal words, piped, next_piped
        end_word()
        if words:
            yield _Command(words, command_line, piped)
        words = []
        piped, next_piped = next_piped, False

    def expansion(start: int) -> tuple[_Var | _Subst | None, int]:
        """Read ``$...`` at ``start``; return the part (None: a literal '$') and the end."""
        following = text[start + 1] if start + 1 < len(text) else ""
        if following == "(":
            if text.startswith("((", start + 1):
                raise fail("arithmetic $(( )) is not supported", line)
            end = _matching_paren(text, start + 2)
            if end < 0:
                raise fail("unterminated '$(': add the closing ')'", line)
            return _Subst(text[start + 2 : end], line), end + 1
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
            return _Var(name, default if sep else None, line), end + 1
        match = _NAME.match(text, start + 1)
        if match:
            return _Var(match.group(0), None, line), match.end()
        if following.isdigit() or following in "@*#?!$-":
            raise fail(f"'${following}' is not supported in a replay; use a named variable", line)
        return None, start + 1

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
            yield _Comment(text[pos:end].rstrip("\r"), line)
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
                word = _Word(line=line)
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
                    found, pos = expansion(pos)
                    if found is None:
                        literal("$")
                    else:
                        part(found)
                        if isinstance(found, _Subst):
                            line += found.text.count("\n")
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
            found, pos = expansion(pos)
            if found is None:
                literal("$")
            else:
                part(found)
                if isinstance(found, _Subst):
                    line += found.text.count("\n")
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


# ---------------------------------------------------------------------------------------------
# Evaluating


class _Reader:
    def __init__(self, path: Path, env: Mapping[str, str], display: str) -> None:
        self.path = path
        self.env = env
        self.display = display
        self.variables: dict[str, str | _Output] = {}
        self.result = ReadResult()
        self.pending = PendingExpectation()

    def here(self, line: int) -> str:
        return f"{self.display}:{line}"

    def run(self, text: str, first_line: int) -> None:
        for item in _tokenize(text, self.display, first_line):
            if isinstance(item, _Comment):
                location = self.here(item.line)
                if match := EXPECT_DIRECTIVE.match(item.text):
                    self.pending.add(match.group("body"), location)
                elif match := SETUP_DIRECTIVE.match(item.text):
                    self.result.setups.append(
                        setup_directive(match.group("path"), self.path, location)
                    )
            elif not item.piped:
                self.command(item)

    def command(self, command: _Command) -> None:
        words = command.words
        assignments: list[tuple[str, _Word]] = []
        while words and self._assignment(words[0]):
            name, value = self._assignment(words[0]) or ("", _Word())
            assignments.append((name, value))
            words = words[1:]
        if not words:
            for name, value in assignments:
                self.variables[name] = self._assigned_value(value)
            return
        head = self._plain(words[0])
        if head == "export":
            for word in words[1:]:
                found = self._assignment(word)
                if found:
                    self.variables[found[0]] = self._assigned_value(found[1])
            return
        if head == "unset":
            for word in words[1:]:
                self.variables.pop(self._plain(word) or "", None)
            return
        if head in SKIPPED_COMMANDS:
            return
        if head != "aws":
            raise ReplayError(
                self.here(command.line),
                f"unsupported command '{head or '?'}': an AWS CLI replay holds "
                "'aws cognito-idp <command> ...' lines (set, echo, export and NAME=value are "
                "allowed)",
            )
        self._aws(words, command.line)

    # -- words ---------------------------------------------------------------------------------

    def _assignment(self, word: _Word) -> tuple[str, _Word] | None:
        if not word.parts or not isinstance(word.parts[0], str):
            return None
        match = _ASSIGNMENT.match(word.parts[0])
        if not match:
            return None
        rest: list[str | _Var | _Subst] = [word.parts[0][match.end() :], *word.parts[1:]]
        return match.group(1), _Word([part for part in rest if part != ""], word.line)

    def _plain(self, word: _Word) -> str | None:
        """A word without expansions, or None."""
        if all(isinstance(part, str) for part in word.parts):
            return "".join(str(part) for part in word.parts)
        return None

    def _assigned_value(self, word: _Word) -> str | _Output:
        if len(word.parts) == 1 and isinstance(word.parts[0], _Subst):
            return self._substitution(word.parts[0])
        return self._expand(word, secrets=None)

    def _lookup(self, var: _Var) -> str | _Output:
        if var.name in self.variables:
            return self.variables[var.name]
        if var.name in self.env:
            return SecretStr(self.env[var.name])
        if var.default is not None:
            return var.default
        return env_value(var.name, self.env, self.here(var.line))

    def _expand(self, word: _Word, secrets: list[str] | None) -> str:
        """The word's text. With ``secrets``, secret values become placeholders (their index in
        ``secrets``) so a later shorthand or JSON parse cannot be confused by them."""
        out: list[str] = []
        secret = False
        for part in word.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if isinstance(part, _Subst):
                raise ReplayError(
                    self.here(part.line),
                    "$( ) is only supported as a whole assignment: NAME=$(aws cognito-idp ...)",
                )
            value = self._lookup(part)
            if isinstance(value, _Output):
                out.append(self._reference(value, part))
            elif isinstance(value, SecretStr):
                secret = True
                if secrets is None:
                    out.append(value)
                else:
                    out.append(f"\ue000{len(secrets)}\ue001")
                    secrets.append(value)
            else:
                out.append(value)
        text = "".join(out)
        return SecretStr(text) if secret and secrets is None else text

    def _reference(self, value: _Output, var: _Var) -> str:
        if value.path is None:
            raise ReplayError(
                self.here(var.line),
                f"${var.name} holds a whole command output; add --query <Field> --output text "
                "(e.g. --query Session) to the command that sets it",
            )
        if value.index != len(self.result.calls) - 1:
            raise ReplayError(
                self.here(var.line),
                f"${var.name} holds the output of the call at line {value.line}; only the call "
                "just before can be referenced (as ${previous:...})",
            )
        return previous_ref(value.path)

    def _substitution(self, subst: _Subst) -> _Output:
        commands = [
            item
            for item in _tokenize(subst.text, self.display, subst.line)
            if isinstance(item, _Command)
        ]
        if not commands or self._plain(commands[0].words[0]) != "aws":
            raise ReplayError(
                self.here(subst.line), "$( ) may only hold an 'aws cognito-idp ...' command"
            )
        query = self._aws(commands[0].words, commands[0].line)
        for piped in commands[1:]:
            words = [self._plain(word) or "" for word in piped.words]
            if words[0] != "jq" or not piped.piped:
                raise ReplayError(
                    self.here(piped.line),
                    "in $( ), the aws command may only be piped to jq -r .Field",
                )
            paths = [word for word in words[1:] if word.startswith(".")]
            query = paths[-1][1:] if paths and _SIMPLE_PATH.fullmatch(paths[-1][1:]) else None
        return _Output(len(self.result.calls) - 1, query, commands[0].line)

    # -- aws ----------------------------------------------------------------------------------

    def _aws(self, words: list[_Word], line: int) -> str | None:
        """Record one ``aws cognito-idp`` call; return its simple ``--query`` path, if any."""
        location = self.here(line)
        secrets: list[str] = []
        texts = [(self._expand(word, secrets), word.line) for word in words[1:]]
        index = 0
        query: str | None = None

        def value_of(option: str, at: int) -> str:
            nonlocal index
            if index >= len(texts):
                raise ReplayError(self.here(at), f"--{option} needs a value")
            value = texts[index][0]
            index += 1
            return value

        while index < len(texts) and texts[index][0].startswith("--"):
            option, at = texts[index][0][2:], texts[index][1]
            index += 1
            if option in GLOBAL_VALUED:
                value = value_of(option, at)
                query = value if option == "query" else query
            elif option not in GLOBAL_FLAGS:
                raise ReplayError(self.here(at), f"unknown global option --{option}")
        if index >= len(texts) or texts[index][0] != "cognito-idp":
            found = texts[index][0] if index < len(texts) else "nothing"
            raise ReplayError(
                location,
                f"only 'aws cognito-idp <command>' can be replayed, not 'aws {found}'",
            )
        index += 1
        if index >= len(texts):
            raise ReplayError(
                location, "'aws cognito-idp' needs a command, e.g. admin-initiate-auth"
            )
        command = texts[index][0]
        index += 1
        operation = _service.cli_commands().get(command)
        if operation is None:
            raise ReplayError(
                location,
                f"unknown command 'aws cognito-idp {command}'"
                f"{suggest(command, _service.cli_commands())}",
            )
        shape = _service.input_shape(operation, location)
        options = {_cli_name(member): member for member in _service.members(shape)}
        explicit: dict[str, Any] = {}
        input_json: dict[str, Any] = {}
        while index < len(texts):
            text, at = texts[index]
            index += 1
            if not text.startswith("--"):
                raise ReplayError(
                    self.here(at),
                    f"unexpected value '{_unplace(text, secrets)}': options start with --",
                )
            option, has_inline, inline = text[2:].partition("=")
            if option in GLOBAL_VALUED:
                value = inline if has_inline else value_of(option, at)
                query = value if option == "query" else query
                continue
            if option in GLOBAL_FLAGS:
                continue
            if option in ("cli-input-json", "cli-input-yaml"):
                raw = inline if has_inline else value_of(option, at)
                input_json = self._input_document(option, raw, secrets, at)
                continue
            if option == "generate-cli-skeleton":
                raise ReplayError(self.here(at), "--generate-cli-skeleton makes no call to replay")
            negated = option.startswith("no-") and options.get(option[3:]) is not None
            member = options.get(option[3:] if negated else option)
            if member is None:
                raise ReplayError(
                    self.here(at),
                    f"aws cognito-idp {command} has no option --{option}"
                    f"{suggest(option, options)}; options: "
                    + ", ".join(f"--{name}" for name in options),
                )
            member_shape = _service.members(shape)[member]
            if member in explicit:
                raise ReplayError(self.here(at), f"--{option} is given twice")
            if member_shape.type_name == "boolean":
                if has_inline:
                    explicit[member] = _boolean(inline, option, self.here(at))
                else:
                    explicit[member] = not negated
                continue
            if negated:
                raise ReplayError(self.here(at), f"--{option} is not a boolean option")
            values = [inline] if has_inline else []
            while index < len(texts) and not texts[index][0].startswith("--"):
                values.append(texts[index][0])
                index += 1
            if not values:
                raise ReplayError(self.here(at), f"--{option} needs a value")
            if member_shape.type_name != "list" and len(values) > 1:
                raise ReplayError(
                    self.here(at),
                    f"--{option} takes one value; quote it if it contains spaces",
                )
            explicit[member] = self._option_value(member_shape, values, option, at)
        params = {**input_json, **explicit}
        params = _restore(params, secrets)
        self.result.calls.append(make_call(operation, params, location, self.pending.take()))
        return query if query and _SIMPLE_PATH.fullmatch(query) else None

    def _input_document(self, option: str, raw: str, secrets: list[str], at: int) -> dict[str, Any]:
        location = self.here(at)
        text = raw
        from_file = raw.startswith("file://")
        if from_file:
            text = self._file(raw, option, at)
        try:
            value = yaml.safe_load(text) if option == "cli-input-yaml" else json.loads(text)
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            problem = " ".join(str(error).split())
            raise ReplayError(location, f"--{option}: invalid document: {problem}") from None
        if not isinstance(value, dict):
            raise ReplayError(location, f"--{option} must hold an object of request parameters")
        document: dict[str, Any] = value
        if from_file:
            document = expand_env_json(document, self.env, self.display, JsonLoc(at))
        return document

    def _file(self, raw: str, option: str, at: int) -> str:
        name = raw[len("file://") :]
        target = Path(name) if Path(name).is_absolute() else self.path.parent / name
        try:
            return target.read_text(encoding="utf-8")
        except OSError as error:
            raise ReplayError(
                self.here(at), f"--{option} file://{name}: cannot read {target}: {error.strerror}"
            ) from None

    def _option_value(self, shape: Shape, values: list[str], option: str, at: int) -> Any:
        location = self.here(at)
        loaded: list[str] = []
        for value in values:
            if value.startswith("fileb://"):
                raise ReplayError(location, f"--{option}: fileb:// is not supported here")
            loaded.append(self._file(value, option, at) if value.startswith("file://") else value)
        kind = shape.type_name
        if kind in ("map", "structure", "list") and len(loaded) == 1:
            stripped = loaded[0].lstrip()
            if stripped.startswith(("{", "[")):
                try:
                    return json.loads(loaded[0])
                except json.JSONDecodeError as error:
                    raise ReplayError(
                        location,
                        f"--{option}: invalid JSON at line {error.lineno} column {error.colno}: "
                        f"{error.msg}",
                    ) from None
        if kind == "list":
            member = shape.member  # type: ignore[attr-defined]
            items: list[Any] = []
            for value in loaded:
                if member.type_name in ("structure", "map"):
                    parsed = _shorthand(value, option, location)
                    items.append(_coerce(member, parsed, option, location))
                else:
                    items.extend(
                        _coerce(member, item, option, location) for item in value.split(",") if item
                    )
            return items
        if kind in ("map", "structure"):
            return _coerce(shape, _shorthand(loaded[0], option, location), option, location)
        return _coerce(shape, loaded[0], option, location)


def _cli_name(member: str) -> str:
    return xform_name(member, "-")


def _boolean(value: str, option: str, location: str) -> bool:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ReplayError(location, f"--{option} takes true or false, not '{value}'")


def _coerce(shape: Shape, value: Any, option: str, location: str) -> Any:
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
            out[key] = _coerce(known[key], item, option, location)
        return out
    if kind == "map":
        if not isinstance(value, dict):
            raise ReplayError(location, f"--{option}: expected key=value pairs")
        value_shape = shape.value  # type: ignore[attr-defined]
        return {key: _coerce(value_shape, item, option, location) for key, item in value.items()}
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        member = shape.member  # type: ignore[attr-defined]
        return [_coerce(member, item, option, location) for item in items]
    if not isinstance(value, str):
        raise ReplayError(location, f"--{option}: expected a single value, not a nested one")
    if kind == "boolean":
        return _boolean(value, option, location)
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            raise ReplayError(location, f"--{option}: '{value}' is not an integer") from None
    return value


def _shorthand(text: str, option: str, location: str) -> dict[str, Any]:
    """Parse AWS CLI shorthand ``k=v,k2="v,2",k3=[a,b],k4={x=y}``."""
    parser = _Shorthand(text, option, location)
    value = parser.pairs(None)
    if parser.pos < len(text):
        raise parser.fail(f"unexpected '{text[parser.pos]}'")
    return value


class _Shorthand:
    def __init__(self, text: str, option: str, location: str) -> None:
        self.text = text
        self.option = option
        self.location = location
        self.pos = 0

    def fail(self, problem: str) -> ReplayError:
        return ReplayError(
            self.location, f"--{self.option}: {problem} in shorthand (expected key=value,...)"
        )

    def pairs(self, closing: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            equals = self.text.find("=", self.pos)
            if equals < 0:
                raise self.fail(f"'{self.text[self.pos :]}' is not key=value")
            key = self.text[self.pos : equals].strip()
            if not key or any(char in key for char in ",[]{}"):
                raise self.fail(f"'{key}' is not a key")
            self.pos = equals + 1
            out[key] = self.value(closing)
            if self.pos >= len(self.text) or self.text[self.pos] == closing:
                return out
            if self.text[self.pos] != ",":
                raise self.fail(f"unexpected '{self.text[self.pos]}'")
            self.pos += 1

    def value(self, closing: str | None) -> Any:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1
        char = self.text[self.pos] if self.pos < len(self.text) else ""
        if char == "[":
            self.pos += 1
            items: list[Any] = []
            while self.pos < len(self.text) and self.text[self.pos] != "]":
                items.append(self.value("]"))
                if self.pos < len(self.text) and self.text[self.pos] == ",":
                    self.pos += 1
            if self.pos >= len(self.text):
                raise self.fail("unterminated '['")
            self.pos += 1
            return items
        if char == "{":
            self.pos += 1
            nested = self.pairs("}")
            if self.pos >= len(self.text) or self.text[self.pos] != "}":
                raise self.fail("unterminated '{'")
            self.pos += 1
            return nested
        if char in ("'", '"'):
            end = self.text.find(char, self.pos + 1)
            if end < 0:
                raise self.fail(f"unterminated {char}")
            value = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return value
        stops = "," + (closing or "")
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        return self.text[start : self.pos].strip()


def _restore(value: Any, secrets: list[str]) -> Any:
    """Put the secret values back in place of their placeholders (as SecretStr)."""
    if isinstance(value, str):
        if "\ue000" not in value:
            return value
        return SecretStr(_PLACEHOLDER.sub(lambda m: secrets[int(m.group(1))], value))
    if isinstance(value, dict):
        return {key: _restore(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore(item, secrets) for item in value]
    return value


def _unplace(text: str, secrets: list[str]) -> str:
    return _PLACEHOLDER.sub("***", text)
