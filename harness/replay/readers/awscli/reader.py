"""The AWS CLI replay reader: ``aws cognito-idp`` commands become calls; shell variables,
assignments and ``$( )`` substitutions are followed (see the package docstring)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from botocore import xform_name
from botocore.model import Shape

from harness.bounded import BoundedInputError, load_json, load_yaml, read_text
from harness.replay import service_model as _service
from harness.replay.envvars import SecretStr, env_value, expand_env_json
from harness.replay.jsonloc import JsonLoc
from harness.replay.model import ReplayError, previous_ref, suggest
from harness.replay.readers.awscli.shorthand import boolean, coerce, shorthand
from harness.replay.readers.awscli.tokenizer import Command, Comment, Subst, Var, Word, tokenize
from harness.replay.readers.base import ReadResult, ScriptResult

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
_SIMPLE_PATH: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_PLACEHOLDER: Final = re.compile("\ue000(\\d+)\ue001")


@dataclass(frozen=True)
class _Output:
    """The output of the call at ``index``: ``path`` into its response (None: unknown shape)."""

    index: int
    path: str | None
    line: int


class Reader:
    """Reads one AWS CLI script; the shell variables it assigns live here."""

    def __init__(self, path: Path, env: Mapping[str, str], display: str) -> None:
        self.path = path
        self.env = env
        self.display = display
        self.variables: dict[str, str | _Output] = {}
        self.script = ScriptResult(path, display)

    def here(self, line: int) -> str:
        return f"{self.display}:{line}"

    def read(self, text: str) -> ReadResult:
        for item in tokenize(text, self.display, 1):
            if isinstance(item, Comment):
                self.script.comment(item.text, item.line)
            elif not item.piped:
                self.command(item)
        return self.script.finish()

    def command(self, command: Command) -> None:
        words = command.words
        assignments: list[tuple[str, Word]] = []
        while words and self._assignment(words[0]):
            name, value = self._assignment(words[0]) or ("", Word())
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

    def _assignment(self, word: Word) -> tuple[str, Word] | None:
        if not word.parts or not isinstance(word.parts[0], str):
            return None
        match = _ASSIGNMENT.match(word.parts[0])
        if not match:
            return None
        rest: list[str | Var | Subst] = [word.parts[0][match.end() :], *word.parts[1:]]
        return match.group(1), Word([part for part in rest if part != ""], word.line)

    def _plain(self, word: Word) -> str | None:
        """A word without expansions, or None."""
        if all(isinstance(part, str) for part in word.parts):
            return "".join(str(part) for part in word.parts)
        return None

    def _assigned_value(self, word: Word) -> str | _Output:
        if len(word.parts) == 1 and isinstance(word.parts[0], Subst):
            return self._substitution(word.parts[0])
        return self._expand(word, secrets=None)

    def _lookup(self, var: Var) -> str | _Output:
        if var.name in self.variables:
            return self.variables[var.name]
        if var.name in self.env:
            return SecretStr(self.env[var.name])
        if var.default is not None:
            return var.default
        return env_value(var.name, self.env, self.here(var.line))

    def _expand(self, word: Word, secrets: list[str] | None) -> str:
        """The word's text. With ``secrets``, secret values become placeholders (their index in
        ``secrets``) so a later shorthand or JSON parse cannot be confused by them."""
        out: list[str] = []
        secret = False
        for part in word.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if isinstance(part, Subst):
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

    def _reference(self, value: _Output, var: Var) -> str:
        if value.path is None:
            raise ReplayError(
                self.here(var.line),
                f"${var.name} holds a whole command output; add --query <Field> --output text "
                "(e.g. --query Session) to the command that sets it",
            )
        if value.index != len(self.script.calls) - 1:
            raise ReplayError(
                self.here(var.line),
                f"${var.name} holds the output of the call at line {value.line}; only the call "
                "just before can be referenced (as ${previous:...})",
            )
        return previous_ref(value.path)

    def _substitution(self, subst: Subst) -> _Output:
        commands = [
            item
            for item in tokenize(subst.text, self.display, subst.line)
            if isinstance(item, Command)
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
        return _Output(len(self.script.calls) - 1, query, commands[0].line)

    # -- aws ----------------------------------------------------------------------------------

    def _aws(self, words: list[Word], line: int) -> str | None:
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
        options = {cli_name(member): member for member in _service.members(shape)}
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
                    explicit[member] = boolean(inline, option, self.here(at))
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
        self.script.call(operation, params, location)
        return query if query and _SIMPLE_PATH.fullmatch(query) else None

    def _input_document(self, option: str, raw: str, secrets: list[str], at: int) -> dict[str, Any]:
        location = self.here(at)
        text = raw
        from_file = raw.startswith("file://")
        if from_file:
            text = self._file(raw, option, at)
        try:
            value = load_yaml(text) if option == "cli-input-yaml" else load_json(text)
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            problem = " ".join(str(error).split())
            raise ReplayError(location, f"--{option}: invalid document: {problem}") from None
        except BoundedInputError as error:
            raise ReplayError(location, f"--{option}: {error.reason}") from None
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
            return read_text(target, what=f"file://{name} target")
        except OSError as error:
            raise ReplayError(
                self.here(at), f"--{option} file://{name}: cannot read {target}: {error.strerror}"
            ) from None
        except (UnicodeDecodeError, BoundedInputError) as error:
            raise ReplayError(self.here(at), f"--{option} file://{name}: {error}") from None

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
                    return load_json(loaded[0])
                except BoundedInputError as error:
                    raise ReplayError(location, f"--{option}: {error.reason}") from None
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
                    parsed = shorthand(value, option, location)
                    items.append(coerce(member, parsed, option, location))
                else:
                    items.extend(
                        coerce(member, item, option, location) for item in value.split(",") if item
                    )
            return items
        if kind in ("map", "structure"):
            return coerce(shape, shorthand(loaded[0], option, location), option, location)
        return coerce(shape, loaded[0], option, location)


def cli_name(member: str) -> str:
    return xform_name(member, "-")


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
