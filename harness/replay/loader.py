"""Load replay files into one :class:`~harness.replay.model.Replay`.

``load_replay`` picks a reader per file (by extension, then by content), concatenates the calls
in the order the files are given, merges every setup (the ones the files name with
``# harness-setup:`` / ``"setupFile"`` or hold inline, in order, then ``setup_path``, which
therefore wins on settings; a setup file named twice is read once), and finally fills in the
values CloudTrail hid:

* ``AuthParameters.PASSWORD``, ``ChallengeResponses.PASSWORD`` / ``NEW_PASSWORD`` and
  ``Password``: the ``password`` of the setup user (or of a table record with that
  ``username``, a user the migration trigger finds) the call names
  (``USERNAME`` / ``Username``, else the record's ``additionalEventData``; a user can be found by
  its ``sub`` attribute);
* a whole hidden ``AuthParameters`` of a password flow: ``USERNAME`` and ``PASSWORD`` of the user
  the record's ``additionalEventData`` names (``userName``, or ``sub`` matching a setup user's
  ``sub`` attribute);
* ``Session``: ``${previous:Session}``;
* ``ClientId``: the one client id the other calls of the replay use.

Anything else CloudTrail hid is a ReplayError naming the record and what to add.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from typing import Any, Final

from harness.bounded import BoundedInputError, check_value, read_text
from harness.replay import service_model as _service
from harness.replay.envvars import MissingVariable
from harness.replay.model import ApiCall, Hidden, Replay, ReplayError, Setup, previous_ref
from harness.replay.readers.base import ReadResult
from harness.replay.setup import SetupRef, load_setup_file

Reader = Callable[[Path, str, Mapping[str, str], str], ReadResult]


#: Extensions and the reader for them: the module of :mod:`harness.replay.readers` whose
#: ``read`` reads them, imported when a file needs it (a JSON replay loads no shell parser).
READERS: Final[dict[str, str]] = {
    ".json": "jsonfile",
    ".jsonl": "jsonfile",
    ".ndjson": "jsonfile",
    ".ps1": "powershell",
    ".sh": "awscli",
    ".bash": "awscli",
    ".txt": "awscli",
}


def _reader(module: str) -> Reader:
    read: Reader = import_module(f"harness.replay.readers.{module}").read
    return read


#: Auth flows whose AuthParameters are USERNAME and PASSWORD.
PASSWORD_FLOWS: Final = frozenset(
    {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"}
)

_CMDLET: Final = re.compile(r"(?im)^[ \t]*(\$\w+[ \t]*=[ \t]*)?[\w.\\]*\b\w+-CGIP\w+")
_AWS: Final = re.compile(r"(?m)^[ \t]*(\w+=\S*[ \t]+)*aws\b")


def load_replay(
    paths: Sequence[Path],
    setup_path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Replay:
    """Read the replay files ``paths`` (and an explicit setup file) into one Replay.

    ``env`` holds the variables secrets are read from (default: the process environment).
    Raises :class:`ReplayError` (``file:line: problem``) for anything that cannot be replayed.
    """
    environment: Mapping[str, str] = os.environ if env is None else env
    # Every variable the files need and the environment lacks, in one error: load again with
    # a stand-in for each one found missing, until none is.
    missing: dict[str, str] = {}
    while True:
        try:
            replay = _load(paths, setup_path, {**environment, **dict.fromkeys(missing, "")})
        except MissingVariable as error:
            if error.name in missing:
                raise
            missing[error.name] = error.location
            continue
        except ReplayError:
            if not missing:
                raise
            break  # a stand-in upset something else: the variables found so far are the news
        break
    if len(missing) > 1:
        first = next(iter(missing.values()))
        raise ReplayError(
            first,
            f"environment variables {', '.join(missing)} are not set; export them before "
            "replaying (the replay reads these secrets from the environment)",
        )
    if missing:
        name, location = next(iter(missing.items()))
        raise MissingVariable(location, name)
    return replay


def _load(paths: Sequence[Path], setup_path: Path | None, environment: Mapping[str, str]) -> Replay:
    if not paths:
        raise ReplayError("<arguments>:0", "no replay file given")
    calls: list[ApiCall] = []
    setups: list[SetupRef] = []
    skipped: list[str] = []
    sources: list[str] = []
    region: str | None = None
    profile: str | None = None
    for path in paths:
        display = str(path)
        try:
            text = read_text(path, what="replay file", encoding="utf-8-sig")
        except FileNotFoundError:
            raise ReplayError(f"{display}:0", "the replay file does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ReplayError(f"{display}:0", f"cannot read the replay file: {error}") from None
        except BoundedInputError as error:
            raise ReplayError(f"{display}:0", error.reason) from None
        try:
            result = reader_for(path, text)(path, text, environment, display)
        except RecursionError:  # a reader's grammar nests deeper than Python's stack
            raise ReplayError(
                f"{display}:0", "values nest too deeply to read; flatten them"
            ) from None
        for call in result.calls:
            try:
                check_value(call.params)
            except BoundedInputError as error:
                raise ReplayError(call.source, error.reason) from None
        sources.append(display)
        calls.extend(result.calls)
        setups.extend(result.setups)
        skipped.extend(result.skipped)
        region = region or result.region
        profile = profile or result.profile
    if setup_path is not None:
        setups.append(SetupRef(location=f"{setup_path}:0", path=setup_path))
    setup = Setup()
    loaded: set[Path] = set()
    for ref in setups:
        if ref.path is not None:
            key = ref.path.resolve()
            if key in loaded:
                continue
            loaded.add(key)
            part = load_setup_file(ref.path, environment, ref.location)
            sources.append(str(ref.path))
        else:
            assert ref.setup is not None
            part = ref.setup
        setup = setup.merged(part, ref.location)
    if not calls:
        raise ReplayError(
            f"{paths[0]}:1", "no Cognito API call found; see harness/replay/readers for the formats"
        )
    return Replay(
        calls=resolve_hidden(calls, setup),
        setup=setup,
        sources=sources,
        skipped=skipped,
        region=region,
        profile=profile,
    )


def reader_for(path: Path, text: str) -> Reader:
    """The reader for a file: by extension, or by content for ``.txt`` and unknown ones."""
    suffix = path.suffix.lower()
    if suffix in (".txt", "") or suffix not in READERS:
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            return _reader("jsonfile")
        if _CMDLET.search(text):
            return _reader("powershell")
        if _AWS.search(text):
            return _reader("awscli")
        if suffix not in READERS:
            raise ReplayError(
                f"{path}:1",
                "unknown replay format: use .ps1 (PowerShell), .sh/.txt (AWS CLI), .json/.jsonl "
                "(calls or CloudTrail records)",
            )
    return _reader(READERS[suffix])


# ---------------------------------------------------------------------------------------------
# Values CloudTrail hid


def resolve_hidden(calls: list[ApiCall], setup: Setup) -> list[ApiCall]:
    """Every call with its :class:`Hidden` markers replaced (see the module docstring)."""
    client_ids = {
        call.params["ClientId"] for call in calls if isinstance(call.params.get("ClientId"), str)
    }
    resolved: list[ApiCall] = []
    for call in calls:
        if not _contains_hidden(call.params):
            resolved.append(call)
            continue
        secrets = set(call.secret_paths)
        context = _Context(call, setup, client_ids, secrets)
        params = context.walk(call.params, ())
        _service.check_params(call.operation, params, call.source)
        resolved.append(replace(call, params=params, secret_paths=frozenset(secrets)))
    return resolved


def _contains_hidden(value: Any) -> bool:
    if isinstance(value, Hidden):
        return True
    if isinstance(value, dict):
        return any(_contains_hidden(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_hidden(item) for item in value)
    return False


class _Context:
    def __init__(
        self, call: ApiCall, setup: Setup, client_ids: set[str], secrets: set[str]
    ) -> None:
        self.call = call
        self.setup = setup
        self.client_ids = client_ids
        self.secrets = secrets

    def fail(self, problem: str) -> ReplayError:
        return ReplayError(self.call.source, problem)

    def walk(self, value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, Hidden):
            return self.resolve(value, path)
        if isinstance(value, dict):
            return {key: self.walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [self.walk(item, (*path, str(index))) for index, item in enumerate(value)]
        return value

    def resolve(self, hidden: Hidden, path: tuple[str, ...]) -> Any:
        op = self.call.operation
        dotted = ".".join(path)
        params = self.call.params
        if path == ("Session",):
            return previous_ref("Session")
        if path == ("ClientId",):
            if len(self.client_ids) == 1:
                return next(iter(self.client_ids))
            raise self.fail(
                f"CloudTrail hid the ClientId of this {op} and the replay's other calls do not "
                "name exactly one client: write the app client id into the record"
            )
        if path == ("AuthParameters",):
            return self.auth_parameters(hidden)
        if (
            len(path) == 2
            and path[0] in ("AuthParameters", "ChallengeResponses")
            and path[1]
            in (
                "PASSWORD",
                "NEW_PASSWORD",
            )
        ):
            holder = params.get(path[0])
            name = holder.get("USERNAME") if isinstance(holder, dict) else None
            user = self.username(name, hidden, dotted)
            self.secrets.add(dotted)
            return self.password(user, dotted)
        if path == ("Password",):
            user = self.username(params.get("Username"), hidden, dotted)
            self.secrets.add(dotted)
            return self.password(user, dotted)
        raise self.fail(
            f"CloudTrail hid {dotted} of this {op} ({hidden.marker}) and the harness cannot "
            f"recover it: write the value into the record (only passwords, Session and ClientId "
            "are filled in from the setup)"
        )

    def username(self, name: Any, hidden: Hidden, dotted: str) -> str:
        if isinstance(name, str):
            return name
        if hidden.user_hint:
            return hidden.user_hint
        if hidden.sub_hint:
            for user in self.setup.users:
                if user.attributes.get("sub") == hidden.sub_hint:
                    return user.username
            raise self.fail(
                f"CloudTrail hid {dotted} and the user name of this {self.call.operation}; the "
                f'record names the user by sub {hidden.sub_hint}: add "sub": '
                f'"{hidden.sub_hint}" to that user\'s attributes in the setup'
            )
        raise self.fail(
            f"CloudTrail hid {dotted} and the record does not say which user signed in: write "
            "the user name into the record"
        )

    def password(self, name: str, dotted: str) -> str:
        user = self.setup.user(name)
        if user is not None:
            if user.password is None:
                raise self.fail(
                    f"CloudTrail hid {dotted}; setup user '{user.username}' has no password: add "
                    '"password" to it in the setup'
                )
            return user.password
        passwords: set[str] = {
            str(record["password"])
            for record in self.setup.records_of(name)
            if isinstance(record.get("password"), str)
        }
        if len(passwords) == 1:
            return passwords.pop()
        if len(passwords) > 1:
            raise self.fail(
                f"CloudTrail hid {dotted}; the setup's table records for '{name}' have "
                "different passwords: keep one"
            )
        raise self.fail(
            f"CloudTrail hid {dotted} of this {self.call.operation}: add user '{name}' with its "
            '"password" to the setup\'s users (or a table record with "username" and '
            '"password", for a user the migration trigger finds)'
        )

    def auth_parameters(self, hidden: Hidden) -> dict[str, str]:
        flow = self.call.params.get("AuthFlow")
        if flow not in PASSWORD_FLOWS:
            raise self.fail(
                f"CloudTrail hid the AuthParameters of this {flow} call; only password flows "
                f"({', '.join(sorted(PASSWORD_FLOWS))}) can be rebuilt from the setup: write "
                "them into the record"
            )
        name = self.username(None, hidden, "AuthParameters")
        user = self.setup.user(name)
        username = user.username if user is not None else name
        self.secrets.add("AuthParameters.PASSWORD")
        return {"USERNAME": username, "PASSWORD": self.password(name, "AuthParameters.PASSWORD")}
