"""The CLI keeps SAM's and the AWS CLI's habits: --debug, colour, whole help, events list;
several replay files on fresh pools; all missing variables at once; tables that wrap whole."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import click
import hypothesis
import pytest
from hypothesis import strategies as st

from harness.cli import main
from harness.replay.loader import load_replay
from harness.replay.model import ReplayError
from harness.replay.runner import run_replay
from harness.report import to_table
from harness.stack import load_stack
from tests.harness.cli.test_replay_cli import run, runner
from tests.support.paths import ROOT

REPLAYS = ROOT / "events" / "replays"
TEMPLATE = str(ROOT / "template.yaml")
HARNESS = str(Path(sys.executable).with_name("harness"))


def every_command() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in command.commands]
        paths.append((name,))
    return paths


@pytest.mark.parametrize("path", every_command(), ids=" ".join)
def test_every_command_has_debug_and_no_color(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "--debug" in result.stdout
    assert "--no-color" in result.stdout


def test_debug_shows_the_traceback_an_exit_2_message_stands_for() -> None:
    plain = runner().invoke(main, ["replay", "missing.ps1", "--template", TEMPLATE])
    assert plain.exit_code == 2
    assert "Traceback" not in plain.stderr
    assert plain.stderr.strip() == "Error: missing.ps1:0: the replay file does not exist"

    debug = runner().invoke(main, ["replay", "missing.ps1", "--template", TEMPLATE, "--debug"])
    assert debug.exit_code == 2
    # The error the message replaced, where it was raised, and the one line, last.
    assert "FileNotFoundError: [Errno 2] No such file or directory: 'missing.ps1'" in debug.stderr
    assert 'harness/replay/loader.py", line' in debug.stderr
    assert "harness.replay.model.ReplayError: missing.ps1:0" in debug.stderr
    assert debug.stderr.rstrip().endswith(plain.stderr.strip())


def test_debug_before_the_command_and_on_a_command_line_error(tmp_path: Path) -> None:
    # An InputError the command itself raises (an --output it cannot write), --debug first.
    result = runner().invoke(
        main,
        ["--debug", "replay", str(REPLAYS / "sample.ps1"), "--template", TEMPLATE,
         "-o", str(tmp_path / "no" / "such" / "report.txt")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert 'harness/cli/errors.py", line' in result.stderr


def test_debug_says_what_the_harness_did() -> None:
    result = runner().invoke(
        main, ["replay", str(REPLAYS / "sample.ps1"), "--template", TEMPLATE, "--debug"]
    )
    assert result.exit_code == 0
    assert re.search(r"\[debug\] harness.cli: 5 call\(s\) from .*sample.ps1", result.stderr)
    assert re.search(
        r"\[debug\] harness.emulator.dispatch: PreAuthentication_Authentication: "
        r"PreAuthentication runs PreAuthenticationFunction \(inprocess\), metadata keys "
        r"\['appVersion', 'tenant'\] in validationData",
        result.stderr,
    )
    # Keys only: the debug lines never show a metadata value or a password.
    assert "2.1.0" not in result.stderr
    assert "Passw0rd" not in result.stderr


def read_closed_terminal(leader: int) -> str:
    """Everything written to a pseudo-terminal whose other end is closed; closes ``leader``."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode()


def in_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """The harness's output when stdout is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run(
        [HARNESS, *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**environment, **(env or {})},
        timeout=120,
        check=False,
    )
    os.close(follower)
    assert done.returncode == 0, done.stderr
    return read_closed_terminal(leader)


def in_a_terminal_in_process(*args: str) -> str:
    """The same, with the CLI run in this process on a pseudo-terminal as its stdout."""
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w", encoding="utf-8") as terminal:
        with contextlib.redirect_stdout(terminal), pytest.raises(SystemExit) as exited:
            main.main(list(args), prog_name="harness")
        terminal.flush()
    assert exited.value.code in (0, None)
    return read_closed_terminal(leader)


ARGS = ("replay", str(REPLAYS / "sample.ps1"), "--template", TEMPLATE)


@pytest.mark.slow
def test_colour_in_a_terminal() -> None:
    coloured = in_a_terminal(*ARGS)  # the process's stdout is a terminal
    assert "\x1b[32m✓ tokens\x1b[0m" in coloured
    assert "\x1b[31m✗ error\x1b[0m" in coloured


def test_no_colour_with_no_color_or_the_no_color_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    # In this process, on a terminal too: coloured, unless NO_COLOR or --no-color says no.
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[32m✓ tokens\x1b[0m" in in_a_terminal_in_process(*ARGS)
    assert "\x1b[" not in in_a_terminal_in_process(*ARGS, "--no-color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in in_a_terminal_in_process(*ARGS)
    # Not a terminal: no colour either.
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run(*ARGS).stdout


def test_help_shows_each_commands_one_liner_whole() -> None:
    text = " ".join(run("--help").stdout.split())
    for command in main.commands.values():
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert first in text, first
    events = " ".join(run("events", "--help").stdout.split())
    assert "Print the event Cognito sends for TRIGGER_SOURCE, such as PreSignUp_SignUp." in events


def test_output_help_says_it_is_a_file_not_a_format() -> None:
    for path in (("replay",), ("events", "generate"), ("record",)):
        text = " ".join(run(*path, "--help").stdout.split())
        assert "-o, --output FILE" in text
        assert "A file name, unlike the AWS CLI's --output (a format)." in text


def test_events_list_names_the_40_sources_and_their_samples() -> None:
    result = run("events", "list")
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["TRIGGER_SOURCE", "TRIGGER", "SAMPLE", "EVENT"]
    assert rows[-1].startswith("40 triggerSources")
    sources = rows[1:-1]
    assert len(sources) == 40
    first = sources[0].split()
    assert first[:2] == ["PreSignUp_SignUp", "PreSignUp"]
    assert Path(ROOT, "events", "triggers", "PreSignUp_SignUp.json").is_file()
    assert any("PreTokenGeneration  [V1_0, V2_0, V3_0]" in row for row in sources)


def test_each_replay_file_gets_a_fresh_pool_unless_same_pool(tmp_path: Path) -> None:
    # The sample migrates legacy-bob: on one pool, the second file finds him migrated.
    second = tmp_path / "again.ps1"
    text = (REPLAYS / "sample.ps1").read_text()
    second.write_text(text.replace("sample.setup.json", str(REPLAYS / "sample.setup.json")))
    args = ["replay", str(REPLAYS / "sample.ps1"), str(second), "--template", TEMPLATE]
    fresh = runner().invoke(main, [*args, "--format", "json"])
    assert fresh.exit_code == 0, fresh.stderr
    report = json.loads(fresh.stdout)
    assert len(report["calls"]) == 10
    assert all(not c["expectations"]["failures"] for c in report["calls"])

    shared = runner().invoke(main, [*args, "--same-pool"])
    assert shared.exit_code == 1
    assert "again.ps1:25" in shared.stdout
    shown = " ".join(shared.stdout.split())
    assert "again.ps1:25" in shown
    assert (
        "EXPECTATION FAILED: expected UserMigration to run (validationData), but it did not run"
    ) in shown


def test_every_missing_variable_in_one_error(tmp_path: Path) -> None:
    calls = tmp_path / "calls.jsonl"
    lines = [
        {
            "operation": "AdminInitiateAuth",
            "request": {
                "UserPoolId": "us-east-1_X",
                "ClientId": "c",
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": f"${{env:PW_{name.upper()}}}"},
            },
        }
        for name in ("alice", "bob", "carol")
    ]
    calls.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    with pytest.raises(ReplayError) as missing:
        load_replay([calls], env={"PW_BOB": "x"})
    assert missing.value.location == f"{calls}:1"
    assert "environment variables PW_ALICE, PW_CAROL are not set" in str(missing.value)
    with pytest.raises(ReplayError, match="environment variable PW_CAROL is not set"):
        load_replay([calls], env={"PW_BOB": "x", "PW_ALICE": "y"})


def test_outcome_ok_is_an_expectation(tmp_path: Path) -> None:
    calls = tmp_path / "calls.json"
    calls.write_text(
        json.dumps(
            {
                "calls": [
                    {
                        "operation": "AdminCreateUser",
                        "request": {
                            "UserPoolId": "us-east-1_X",
                            "Username": "dave",
                            "MessageAction": "SUPPRESS",
                        },
                        "expect": {"outcome": "ok"},
                    }
                ]
            }
        )
    )
    result = run("replay", str(calls), "--template", TEMPLATE)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "expectations: 1/1 met" in result.stdout


def test_a_narrow_table_wraps_between_words_and_keeps_ids_whole() -> None:
    result = run_replay(load_replay([REPLAYS / "flows.json"]), load_stack(ROOT / "template.yaml"))
    table = to_table(result, width=70)
    assert "…" not in table
    words = set(table.split())
    for name in ("legacy-erin", "AdminInitiateAuth", ["(new", "password)"][1][:-1]):
        assert name in words or f"{name})" in words
    # A mapping is never broken between its two ids, nor an id at its hyphens.
    lines = table.splitlines()
    for given, emulated in result.id_map.items():
        assert any(f"{given} → {emulated}" in line for line in lines)


def test_rows_are_in_the_order_of_the_source() -> None:
    result = run_replay(
        load_replay([REPLAYS / "cloudtrail.json"]), load_stack(ROOT / "template.yaml")
    )
    table = to_table(result, width=100)
    rows = [line.split() for line in table.splitlines()[3:] if re.match(r"\d+ +\d+ ", line)]
    lines = [int(row[1]) for row in rows]
    assert lines == sorted(lines)
    ran = [int(row[0]) for row in rows]
    # They ran in eventTime order, which the Ran column keeps.
    assert sorted(ran) == list(range(1, len(rows) + 1))
    assert ran != sorted(ran)
    assert "Ran: the order the calls ran in (their eventTime)" in table


def test_a_functions_unresolvable_variables_are_listed_together(tmp_path: Path) -> None:
    template = (ROOT / "template.yaml").read_text()
    # Both of PreAuthenticationFunction's parameters lose their Default.
    for name in ("MinAppVersion", "BlockedDevices"):
        template = re.sub(rf"(\n  {name}:\n(?:    .*\n)*?)    Default: .*\n", r"\1", template)
    (tmp_path / "template.yaml").write_text(template)
    for folder in ("triggers", "events"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    result = runner().invoke(main, ["replay", str(REPLAYS / "sample.ps1"),
                                    "--template", str(tmp_path / "template.yaml")])  # fmt: skip
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "PreAuthenticationFunction.Environment.Variables: 2 variables have no value" in message
    assert "Parameters.BlockedDevices: no value" in message
    assert "Parameters.MinAppVersion: no value" in message
    assert len(message.splitlines()) == 1


@hypothesis.given(
    st.text(alphabet=st.sampled_from("ab -.é\t\n\u00a0\u2003\u200b\u3000\x85"), max_size=14),
    st.integers(min_value=1, max_value=16),
)
@hypothesis.settings(max_examples=400, deadline=None)
def test_a_table_cell_left_as_it_is_is_one_textwrap_would_leave_as_it_is(
    text: str, size: int
) -> None:
    # The table skips textwrap for cells that fit (the rows of a long replay): the same lines.
    import textwrap

    from harness.report import _fits

    if _fits(text, size):
        assert textwrap.wrap(text, size, break_long_words=False, break_on_hyphens=False) == [text]
