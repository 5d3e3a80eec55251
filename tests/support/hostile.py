"""A small adversarial corpus: hostile replay, setup and template files, and the check that a
command ended in success or one clean error line (never a traceback, never a hang).

Used by the regression tests (tests/harness/replay/test_hostile_input.py) and by
bench/adversarial.py, which runs the same corpus through the real commands and counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from tests.support.paths import ROOT

REPLAYS = ROOT / "events" / "replays"
POOL = "us-east-1_AbCdEf123"
CLIENT = "1example23456789abcdefghij"
CALL = {
    "UserPoolId": POOL,
    "ClientId": CLIENT,
    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
    "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
    "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"},
}
SETUP = json.loads((REPLAYS / "sample.setup.json").read_text())
#: One error line: "Error: <where>: <problem>", where <where> is file:line or a template path.
CLEAN_ERROR = re.compile(r"^Error: \S+?(:\d+(:\d+)?|, [^:]+|:)[: ].+\n$")

Writer = Callable[[Path], list[str]]
#: No case may take longer (the limit the adversarial pass used).
CASE_SECONDS = 30


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail with TimeoutError when the block runs longer than ``seconds`` (main thread)."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"over {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Case:
    """One hostile input: ``make(folder)`` writes its files and returns the command's args."""

    area: str
    name: str
    make: Writer
    #: "error": one clean error line and exit 2; "ok": the replay runs (exit 0 or 1).
    expect: str = "error"


def _deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def _bomb_yaml(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _calls(folder: Path, calls: list[dict], setup: dict | None = None) -> Path:  # type: ignore[type-arg]
    document: dict = {"calls": calls}  # type: ignore[type-arg]
    if setup is not None:
        (folder / "setup.json").write_text(json.dumps(setup))
        document["setupFile"] = "setup.json"
    path = folder / "calls.json"
    path.write_text(json.dumps(document))
    return path


def _call(**params: object) -> dict:  # type: ignore[type-arg]
    return {"operation": "AdminInitiateAuth", "request": {**CALL, **params}}


def _file(name: str, text: str) -> Writer:
    def make(folder: Path) -> list[str]:
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        return [str(folder / name)]

    return make


def _fifo(name: str, then: Callable[[Path], list[str]] | None = None) -> Writer:
    def make(folder: Path) -> list[str]:
        os.mkfifo(folder / name)
        return then(folder) if then else [str(folder / name)]

    return make


def _with_setup(setup: object, suffix: str = ".json") -> Writer:
    def make(folder: Path) -> list[str]:
        text = setup if isinstance(setup, str) else json.dumps(setup)
        (folder / f"setup{suffix}").write_text(text)
        path = _calls(folder, [_call()])
        document = json.loads(path.read_text())
        document["setupFile"] = f"setup{suffix}"
        path.write_text(json.dumps(document))
        return [str(path)]

    return make


def _template(text: str) -> Writer:
    def make(folder: Path) -> list[str]:
        (folder / "template.yaml").write_text(text)
        return ["--template", str(folder / "template.yaml"), str(REPLAYS / "sample.ps1")]

    return make


def _cloudtrail_mixed_times(folder: Path) -> list[str]:
    document = json.loads((REPLAYS / "cloudtrail.json").read_text())
    records = document["Records"]
    records[0]["eventTime"] = "2026-03-02T09:15:40"
    path = folder / "trail.json"
    path.write_text(
        json.dumps(document).replace(
            '"sample.setup.json"', json.dumps(str(REPLAYS / "sample.setup.json"))
        )
    )
    return [str(path)]


def _two_setups_same_legacy_user(folder: Path) -> list[str]:
    item = SETUP["tables"]["LegacyUsersTable"][0]
    (folder / "a.json").write_text(json.dumps({"tables": {"LegacyUsersTable": [item]}}))
    other = {**item, "password": "Another0ne!demo"}
    (folder / "b.json").write_text(json.dumps({"tables": {"LegacyUsersTable": [other]}}))
    path = _calls(folder, [_call()])
    document = json.loads(path.read_text())
    document["setupFile"] = "a.json"
    path.write_text(json.dumps(document))
    return [str(path), "--setup", str(folder / "b.json")]


BASE_TEMPLATE = (ROOT / "template.yaml").read_text()


def _output(value: str) -> str:
    return BASE_TEMPLATE.replace("\nOutputs:\n", f"\nOutputs:\n  Hostile:\n    Value: {value}\n", 1)


def corpus() -> Iterator[Case]:
    """The hostile inputs of every class the adversarial pass found."""
    ps_head = "Import-Module AWS.Tools.CognitoIdentityProvider\n"
    start = (
        f"Start-CGIPAuthAdmin -UserPoolId '{POOL}' -ClientId '{CLIENT}' "
        "-AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{USERNAME='alice'; PASSWORD='x'} "
    )
    aws = (
        f"aws cognito-idp admin-initiate-auth --user-pool-id {POOL} --client-id {CLIENT} "
        "--auth-flow ADMIN_USER_PASSWORD_AUTH --auth-parameters USERNAME=alice,PASSWORD=x "
    )
    # Deep nesting, in every reader.
    yield Case("replay", "json deep", _file("deep.json", _deep_json(100_000)))
    yield Case(
        "replay",
        "json deep value",
        lambda f: [str(_calls(f, [_call(ClientMetadata=json.loads(_deep_json(500)))]))],
    )
    yield Case("replay", "jsonl deep", _file("deep.jsonl", _deep_json(100_000) + "\n"))
    yield Case(
        "replay", "cloudtrail deep", _file("trail.json", '{"Records": ' + _deep_json(5000) + "}")
    )
    yield Case(
        "replay", "awscli deep", _file("deep.sh", aws + f"--client-metadata '{_deep_json(5000)}'\n")
    )
    yield Case(
        "replay",
        "awscli deep input json",
        _file("deep2.sh", aws + f"--cli-input-json '{_deep_json(100_000)}'\n"),
    )
    yield Case(
        "replay",
        "powershell deep",
        _file(
            "deep.ps1",
            ps_head + start + "-ClientMetadata " + "@{a=" * 2000 + "1" + "}" * 2000 + "\n",
        ),
    )
    # YAML alias bombs.
    yield Case(
        "replay",
        "awscli yaml bomb",
        _file("bomb.sh", aws + "--cli-input-yaml '" + _bomb_yaml() + "'\n"),
    )
    yield Case("setup", "setup yaml bomb", _with_setup(_bomb_yaml(), ".yaml"))
    yield Case("setup", "setup yaml recursive alias", _with_setup("users: &u [*u]\n", ".yaml"))
    # An anchor where the key should be: YAML reads a null key (the fuzz test found it).
    yield Case("setup", "setup yaml null key", _with_setup("&users:\n  - username: a\n", ".yaml"))
    yield Case(
        "setup", "setup deep yaml", _with_setup("users: " + "[" * 5000 + "]" * 5000 + "\n", ".yaml")
    )
    join_bomb = _bomb_yaml() + _output("!Join ['', *a9]")
    yield Case("template", "template join bomb", _template(join_bomb))
    yield Case("template", "template deep", _template(_output("[" * 5000 + "]" * 5000)))
    yield Case(
        "template",
        "template catastrophic AllowedPattern",
        _template(
            BASE_TEMPLATE.replace(
                "Parameters:",
                "Parameters:\n  Hostile:\n    Type: String\n"
                f"    Default: {'a' * 40}!\n    AllowedPattern: '^(a+)+$'\n",
                1,
            )
        ),
    )
    yield Case(
        "template",
        "template fifo",
        _fifo(
            "template.yaml",
            lambda f: ["--template", str(f / "template.yaml"), str(REPLAYS / "sample.ps1")],
        ),
    )
    # Special files.
    yield Case("replay", "replay fifo", _fifo("calls.json"))
    yield Case("replay", "replay device", lambda f: ["/dev/zero"])
    yield Case(
        "setup", "setup fifo", _fifo("setup.fifo", lambda f: [str(_setup_file_is(f, "setup.fifo"))])
    )
    yield Case("setup", "setup /dev/zero", lambda f: [str(_setup_file_is(f, "/dev/zero"))])
    yield Case(
        "replay",
        "file:// fifo",
        _fifo(
            "meta.json",
            lambda f: _file("fifo.sh", aws + f"--client-metadata file://{f / 'meta.json'}\n")(f),
        ),
    )
    # Values.
    yield Case("replay", "cloudtrail mixed eventTime", _cloudtrail_mixed_times, expect="ok")
    yield Case(
        "replay",
        "lone surrogate",
        lambda f: [
            str(
                _calls(
                    f, [_call(ClientMetadata={"appVersion": "2.1.0", "tenant": "\ud800"})], SETUP
                )
            )
        ],
    )
    yield Case(
        "replay",
        "powershell non-ASCII start",
        _file("uni.ps1", ps_head + "Ärger-CGIPAuthAdmin -UserPoolId x\n" + start + "\n"),
    )
    yield Case(
        "replay",
        "awscli U+E000",
        _file("pua.sh", aws + "--client-metadata appVersion=\ue0005\ue001,tenant=acme\n"),
        expect="error",
    )
    yield Case(
        "replay",
        "awscli 1 MiB value",
        _file("big.sh", aws + "--client-metadata appVersion=" + "a" * (1 << 20) + "\n"),
        expect="ok",
    )
    yield Case(
        "replay",
        "jsonl U+2028",
        _file(
            "lines.jsonl",
            json.dumps(
                {
                    "operation": "AdminInitiateAuth",
                    "request": {
                        **CALL,
                        "ClientMetadata": {"appVersion": "2.1.0", "tenant": "ac\u2028me"},
                    },
                },
                ensure_ascii=False,
            )
            + "\n",
        ),
        expect="ok",
    )
    yield Case(
        "replay",
        "NaN value",
        _file(
            "nan.json",
            '{"calls": [{"operation": "AdminInitiateAuth", "request": {"UserPoolId": NaN}}]}',
        ),
    )
    # Setups the emulator used to refuse with a botocore traceback.
    invitation = {"tables": {"InvitationsTable": [{"email": "carol@example.com"}]}}
    yield Case("setup", "invitation without code", _with_setup(invitation))
    yield Case(
        "setup",
        "Infinity in a value",
        _with_setup(
            '{"users": [{"username": "dave", "password": "Passw0rd!demo", '
            '"attributes": {"name": Infinity}}]}'
        ),
    )
    yield Case(
        "setup",
        "alice and ALICE",
        _with_setup(
            {
                "users": [
                    {"username": "alice", "password": "Passw0rd!demo"},
                    {"username": "ALICE", "password": "Passw0rd!demo"},
                ]
            }
        ),
    )
    big = {"realm": "default", "username": "huge", "password": "x", "blob": "x" * 500_000}
    yield Case(
        "setup", "table item over 400 KB", _with_setup({"tables": {"LegacyUsersTable": [big]}})
    )
    yield Case(
        "setup",
        "table item without its key",
        _with_setup({"tables": {"LegacyUsersTable": [{"password": "x"}]}}),
    )
    yield Case("setup", "legacy user in two setups", _two_setups_same_legacy_user)


def _setup_file_is(folder: Path, target: str) -> Path:
    path = _calls(folder, [_call()])
    document = json.loads(path.read_text())
    document["setupFile"] = target
    path.write_text(json.dumps(document))
    return path
