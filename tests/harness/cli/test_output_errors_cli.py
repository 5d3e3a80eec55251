"""Files the commands cannot write and programs they cannot start: exit 2 and one line.

Every unwritable path here is unwritable for root too (tests may run as root, who may write
anywhere the permission bits forbid): a directory under a regular file, or under ``/proc``.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.replay import runner as replay_runner
from tests.support.paths import ROOT

HARNESS = str(Path(sys.executable).with_name("harness"))
SAMPLE = str(ROOT / "events" / "replays" / "sample.ps1")
TEMPLATE = str(ROOT / "template.yaml")


def run(*args: str) -> Result:
    try:
        cli = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2 always separates them
        cli = CliRunner()
    return cli.invoke(main, [*args], catch_exceptions=False)


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    """A regular file: nothing can be created "in" it, whoever runs the tests."""
    path = tmp_path / "a-file"
    path.write_text("not a directory\n")
    return path


@pytest.fixture
def no_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The replay must not run at all."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the replay ran before its --output was checked")

    monkeypatch.setattr(replay_runner, "run_replay", refuse)


# ------------------------------------------------------------------------------ replay -o


@pytest.mark.usefixtures("no_replay")
def test_replay_refuses_an_output_in_a_missing_directory_before_replaying(
    tmp_path: Path,
) -> None:
    output = tmp_path / "missing" / "dir" / "report.txt"
    line = one_error_line(run("replay", SAMPLE, "--template", TEMPLATE, "-o", str(output)))
    assert line == (
        f"Error: --output {output}: {output.parent} does not exist; create the directory first "
        "or choose another path"
    )
    assert not output.parent.exists()


@pytest.mark.usefixtures("no_replay")
def test_replay_refuses_an_output_under_a_file_before_replaying(a_file: Path) -> None:
    output = a_file / "report.txt"
    line = one_error_line(run("replay", SAMPLE, "--template", TEMPLATE, "-o", str(output)))
    assert line == f"Error: --output {output}: {a_file} is not a directory; choose another path"


@pytest.mark.usefixtures("no_replay")
def test_replay_refuses_an_output_it_cannot_create_before_replaying() -> None:
    line = one_error_line(run("replay", SAMPLE, "--template", TEMPLATE, "-o", "/proc/report.txt"))
    assert line.startswith("Error: --output /proc/report.txt: cannot write it (")
    assert line.endswith("); choose a writable path")


def test_the_output_check_keeps_an_earlier_report_and_leaves_no_file(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.txt"
    earlier.write_text("the last report\n")
    bad_input = tmp_path / "bad.json"
    bad_input.write_text("{not json")
    for output in (earlier, tmp_path / "new.txt"):
        result = run("replay", str(bad_input), "--template", TEMPLATE, "-o", str(output))
        assert result.exit_code == 2  # the replay's own input error, after the check
    assert earlier.read_text() == "the last report\n"
    assert not (tmp_path / "new.txt").exists()


def test_replay_still_writes_its_report(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    result = run("replay", SAMPLE, "--template", TEMPLATE, "--format", "json", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert json.loads(output.read_text())["ok"] is True


# ---------------------------------------------------------------------- events generate


def test_events_generate_refuses_an_output_it_cannot_create(a_file: Path) -> None:
    output = a_file / "dir" / "event.json"
    line = one_error_line(run("events", "generate", "PreSignUp_SignUp", "-o", str(output)))
    assert line == (
        f"Error: --output {output}: cannot write the event (Not a directory: {output.parent}); "
        "choose a writable path"
    )


def test_events_generate_refuses_an_output_under_proc() -> None:
    line = one_error_line(
        run("events", "generate", "PreSignUp_SignUp", "-o", "/proc/nonexistent/dir/x.json")
    )
    assert line.startswith("Error: --output /proc/nonexistent/dir/x.json: cannot write the event")
    assert line.endswith("; choose a writable path")


def test_events_generate_still_creates_missing_directories(tmp_path: Path) -> None:
    output = tmp_path / "new" / "dir" / "event.json"
    result = run("events", "generate", "PreSignUp_SignUp", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert json.loads(output.read_text())["triggerSource"] == "PreSignUp_SignUp"


@pytest.mark.parametrize("where", ["/proc/x", "file"])
def test_events_generate_all_refuses_an_output_dir_it_cannot_create(
    where: str, a_file: Path
) -> None:
    directory = "/proc/x" if where == "/proc/x" else str(a_file / "events")
    line = one_error_line(run("events", "generate", "--all", "--output-dir", directory))
    assert line.startswith(f"Error: --output-dir {directory}: cannot write the events there (")
    assert line.endswith("); choose a writable directory")


# ------------------------------------------------------------------------------- record


def test_record_refuses_a_program_it_cannot_execute(tmp_path: Path) -> None:
    program = tmp_path / "noexec.py"
    program.write_text("#!/usr/bin/env python3\nprint('ran')\n")
    program.chmod(0o644)
    output = tmp_path / "calls.jsonl"
    line = one_error_line(run("record", "-o", str(output), "--", str(program)))
    assert line == (
        f"Error: cannot run {program}: Permission denied; make it executable (chmod +x) or name "
        f"its interpreter (harness record -o {output} -- python {program})"
    )
    assert not output.exists()  # the check of the output leaves nothing behind


@pytest.mark.slow  # harness record as a process
@pytest.mark.parametrize("where", ["/proc", "file"])
def test_record_refuses_an_output_it_cannot_create_before_running_the_program(
    where: str, tmp_path: Path, a_file: Path
) -> None:
    """Otherwise the program's start-up fails in sitecustomize, records nothing, exits 0."""
    marker = tmp_path / "ran"
    program = tmp_path / "app.py"
    program.write_text(f"open({str(marker)!r}, 'w').close()\n")
    output = "/proc/nonexistent/dir/x.jsonl" if where == "/proc" else f"{a_file}/x.jsonl"
    done = subprocess.run(
        [HARNESS, "record", "-o", output, "--", sys.executable, str(program)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"Error: --output {output}: ")
    assert "sitecustomize" not in done.stderr
    assert not marker.exists()  # the program never ran


@pytest.mark.slow  # harness record as a process
def test_record_creates_the_output_directory_as_the_recorder_does(tmp_path: Path) -> None:
    output = tmp_path / "new" / "calls.jsonl"
    program = tmp_path / "app.py"
    program.write_text("print('ran')\n")
    done = subprocess.run(
        [HARNESS, "record", "-o", str(output), "--", sys.executable, str(program)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ran\n"
    assert output.exists()


# -------------------------------------------------------------------------- serve --record


def test_serve_on_a_busy_port_leaves_an_earlier_recording_alone(tmp_path: Path) -> None:
    recording = tmp_path / "served.jsonl"
    recording.write_text('{"operation": "AdminInitiateAuth"}\n')
    fresh = tmp_path / "fresh.jsonl"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for record in (recording, fresh):
            args = ["serve", "--template", TEMPLATE, "--port", str(port), "--record", str(record)]
            line = one_error_line(run(*args))
            assert line.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert recording.read_text() == '{"operation": "AdminInitiateAuth"}\n'
    assert not fresh.exists()


def test_serve_refuses_a_recording_it_cannot_create_and_frees_the_port(a_file: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    record = a_file / "dir" / "served.jsonl"
    line = one_error_line(
        run("serve", "--template", TEMPLATE, "--port", str(port), "--record", str(record))
    )
    assert line.startswith(f"Error: --record {record}: cannot write it (")
    with socket.socket() as again:  # the server bound it, and closed it on the way out
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
