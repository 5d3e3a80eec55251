"""Property-based fuzzing of every replay reader, the setup loader and the template loader:
any input ends in success or one clean error with its location, never a traceback, never a
hang (each case under a time limit). Bounded example counts, so CI stays fast."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.errors import HarnessInputError
from harness.replay.loader import load_replay
from harness.replay.setup import load_setup_file
from harness.stack import load_stack
from tests.support.hostile import REPLAYS, time_limit
from tests.support.paths import ROOT

#: Seconds one example may take before it counts as a hang.
EXAMPLE_SECONDS = 10
#: Examples per test; HARNESS_FUZZ_EXAMPLES=2000 for a longer hunt.
EXAMPLES = int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the time limit below bounds each case; the deadline would be flaky on CI
    suppress_health_check=list(HealthCheck),
    database=None,
)
#: Fragments that broke a reader once, or that readers treat specially.
HOSTILE = [
    "[" * 200,
    "{" * 200,
    "@{a=" * 50,
    "$(",
    "${",
    "$",
    "'",
    '"',
    "`",
    "\\",
    "\n",
    "\r\n",
    "\u2028",
    "\ue000",
    "\ue0001\ue001",
    "\x00",
    "Ä",
    "İ",
    "Infinity",
    "NaN",
    "-1e999",
    "&a [*a]",
    "*a",
    "!Join",
    "file:///dev/zero",
    "file://missing.json",
    "fileb://x",
    "# harness-setup: /dev/zero\n",
    "# expect: ",
    '"setupFile": "/dev/zero"',
    "|",
    ";",
    "&",
    "<",
    "--cli-input-yaml",
    "--cli-input-json",
    "--client-metadata",
    "-ClientMetadata",
    "a" * 5000,
    "2026-03-02T09:15:40",
    ":",
    ",",
    "=",
]


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    """``seed`` with a few insertions, deletions and duplications."""
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "text"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        elif action == "text":
            text = text[:at] + draw(st.text(max_size=20)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:at] + text[at:end] * 2 + text[end:]
    return text


def refused(load: Callable[[], object]) -> str | None:
    """None when ``load()`` succeeds, its input error's message when it refuses; any other
    exception (a traceback) or a hang fails the test."""
    try:
        with time_limit(EXAMPLE_SECONDS):
            load()
    except HarnessInputError as error:
        return str(error)
    return None


LOCATED = re.compile(r"^\S+:\d+(:\d+)?: \S")


def check_replay(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        (Path(folder) / "sample.setup.json").write_text((REPLAYS / "sample.setup.json").read_text())
        refusal = refused(lambda: load_replay([path], env={}))
    assert refusal is None or (LOCATED.match(refusal) and "\n" not in refusal), refusal


SEEDS = {
    "sample.ps1": (REPLAYS / "sample.ps1").read_text(),
    "aws-cli.sh": (REPLAYS / "aws-cli.sh").read_text(),
    "calls.json": (REPLAYS / "calls.json").read_text(),
    "cloudtrail.json": (REPLAYS / "cloudtrail.json").read_text(),
}
JSONL = "\n".join(
    '{"operation": "AdminInitiateAuth", "request": {"UserPoolId": "us-east-1_AbCdEf123", '
    '"ClientId": "1example23456789abcdefghij", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", '
    '"AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"}}}'
    for _ in range(3)
)


@FUZZ
@given(text=mutated(SEEDS["sample.ps1"]))
@example(text="Import-Module AWS.Tools.CognitoIdentityProvider\nÄrger-CGIPAuthAdmin\n")
def test_powershell_reader(text: str) -> None:
    check_replay("replay.ps1", text)


@FUZZ
@given(text=mutated(SEEDS["aws-cli.sh"]))
@example(text="aws cognito-idp admin-initiate-auth --client-metadata a=\ue0005\ue001\n")
def test_awscli_reader(text: str) -> None:
    check_replay("replay.sh", text)


@FUZZ
@given(text=mutated(SEEDS["calls.json"]))
def test_json_reader(text: str) -> None:
    check_replay("replay.json", text)


@FUZZ
@given(text=mutated(JSONL))
def test_json_lines_reader(text: str) -> None:
    check_replay("replay.jsonl", text)


@FUZZ
@given(text=mutated(SEEDS["cloudtrail.json"]))
def test_cloudtrail_reader(text: str) -> None:
    check_replay("trail.json", text)


SETUP_YAML = """users:
  - username: alice
    password: Passw0rd!demo
    attributes: {email: alice@example.com, "custom:tenant": acme}
tables:
  InvitationsTable:
    - {code: INVITE-123, email: carol@example.com}
"""


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@FUZZ
@given(data=st.data())
def test_setup_loader(suffix: str, data: st.DataObject) -> None:
    seed = (REPLAYS / "sample.setup.json").read_text() if suffix == ".json" else SETUP_YAML
    text = data.draw(mutated(seed))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"setup{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        refusal = refused(lambda: load_setup_file(path, {}, f"{path}:0"))
    assert refusal is None or (LOCATED.match(refusal) and "\n" not in refusal), refusal


TEMPLATE = (ROOT / "template.yaml").read_text()


@settings(FUZZ, max_examples=max(1, EXAMPLES * 2 // 3))
@given(text=mutated(TEMPLATE))
def test_template_loader(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        refusal = refused(lambda: load_stack(path))
        # The template's path, then where in it (line, or the property path).
        assert refusal is None or (refusal.startswith(f"{path}: ") and "\n" not in refusal)
