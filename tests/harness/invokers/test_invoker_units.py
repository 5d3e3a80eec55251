"""The invokers' parts that need no process: the factory, answers, builds, --env-vars."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

from harness.invokers import INVOKER_NAMES, InProcessInvoker, InvokerError, make_invoker
from harness.invokers.build import failure_line, stale_reason
from harness.invokers.env_vars import apply_env_vars
from harness.invokers.rie_environment import result_of as _result_of
from harness.stack import load_stack
from tests.support.invokers import FIXTURE_TEMPLATE


def test_the_factory_knows_every_mode_and_refuses_others() -> None:
    assert INVOKER_NAMES == ("auto", "inprocess", "rie", "sam", "lambda")
    invoker = make_invoker("inprocess", FIXTURE_TEMPLATE)
    assert isinstance(invoker, InProcessInvoker)
    invoker.close()
    # auto, for a template of Python functions only, is the in-process invoker itself.
    invoker = make_invoker("auto", FIXTURE_TEMPLATE)
    assert isinstance(invoker, InProcessInvoker)
    invoker.close()
    with pytest.raises(InvokerError, match="unknown invoker 'docker'; choose one of auto"):
        make_invoker("docker", FIXTURE_TEMPLATE)


def test_lambda_without_a_deployed_target_is_a_one_line_error() -> None:
    with pytest.raises(ValueError, match="--invoke lambda") as raised:
        make_invoker("lambda", FIXTURE_TEMPLATE)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"response": {}}', {"payload": {"response": {}}}),
        (200, b"Task timed out after 1.00 seconds", {"timed_out": True}),
        (
            200,
            b'{"errorMessage": "no", "errorType": "TriggerError", "requestId": "r", '
            b'"stackTrace": ["  File x\\n"]}',
            {"error_type": "TriggerError", "error_message": "no", "traceback": "  File x\n"},
        ),
        (
            502,
            b'{"errorType":"Runtime.ExitError","errorMessage":"RequestId: r Error: exit 3"}',
            {"error_type": "Runtime.ExitError"},
        ),
        # A function may return an object that merely has these keys among others.
        (
            200,
            b'{"errorType": "x", "errorMessage": "y", "response": {}}',
            {"payload": {"errorType": "x", "errorMessage": "y", "response": {}}},
        ),
        (200, b"not json", {"raw": b"not json"}),
        (500, b"", {"error_type": "Runtime.Unknown"}),
    ],
)
def test_the_rie_answer_is_read_as_lambdas(
    status: int, body: bytes, expected: dict[str, object]
) -> None:
    result = _result_of(status, body)
    for name, value in expected.items():
        assert getattr(result, name) == value


def test_a_build_is_stale_when_missing_or_older_than_the_code(tmp_path: Path) -> None:
    shutil.copy(FIXTURE_TEMPLATE, tmp_path / "template.yaml")
    shutil.copytree(FIXTURE_TEMPLATE.parent / "functions", tmp_path / "functions")
    template = tmp_path / "template.yaml"
    functions = list(load_stack(template).functions.values())
    assert stale_reason(template, functions) == f"no build in {tmp_path / '.aws-sam' / 'build'}"
    build = tmp_path / ".aws-sam" / "build"
    for function in functions:
        (build / function.logical_id).mkdir(parents=True)
    (build / "template.yaml").write_text("built")
    assert stale_reason(template, functions) is None
    later = time.time() + 5
    (tmp_path / "functions" / "__pycache__").mkdir(exist_ok=True)
    (tmp_path / "functions" / "__pycache__" / "x.pyc").write_text("")
    os.utime(tmp_path / "functions" / "__pycache__" / "x.pyc", (later, later))
    assert stale_reason(template, functions) is None  # bytecode is not code
    os.utime(tmp_path / "functions" / "misbehaving.py", (later, later))
    assert (
        stale_reason(template, functions) == f"{tmp_path / 'functions'} has changed since the build"
    )
    os.utime(template, (later + 1, later + 1))
    assert stale_reason(template, functions) == "template.yaml is newer than the build"


def test_env_vars_take_the_functions_entry_over_parameters() -> None:
    echo = load_stack(FIXTURE_TEMPLATE).functions["EchoFunction"]
    changed, ignored = apply_env_vars(
        echo,
        {
            "Parameters": {"GREETING": "from-parameters", "OTHER": 1},
            echo.function_name: {"GREETING": "by-name"},
        },
    )
    assert changed.environment["GREETING"] == "by-name"
    assert ignored == ["OTHER"]
    unchanged, _ = apply_env_vars(echo, {"SomeOtherFunction": {"GREETING": "x"}})
    assert unchanged is echo


FAKE_SAM = """#!{python}
import json, sys
args = sys.argv[1:]
event = json.load(sys.stdin)
env = json.load(open(args[args.index("--env-vars") + 1]))
print("START RequestId: fake", file=sys.stderr)
print("sam says", " ".join(args[:4]), file=sys.stderr)
if event.get("fail"):
    print(json.dumps({{"errorType": "TriggerError", "errorMessage": "no"}}))
else:
    print(json.dumps({{"event": event, "env": env}}))
"""


def test_the_sam_invoker_runs_sam_local_invoke(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without Docker here: a stand-in ``sam`` shows the command line and reads the answer."""
    from harness.invokers import sam

    fake = tmp_path / "sam"
    fake.write_text(FAKE_SAM.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setattr(sam, "container_engine_answers", lambda: True)
    monkeypatch.setattr(sam, "sam_executable", lambda: str(fake))
    invoker = make_invoker("sam", FIXTURE_TEMPLATE)
    try:
        echo = load_stack(FIXTURE_TEMPLATE).functions["EchoFunction"]
        result = invoker.invoke(echo, {"hello": 1}, 5)
        assert result.payload["event"] == {"hello": 1}
        overrides = result.payload["env"]["EchoFunction"]
        assert overrides["GREETING"] == "hello"
        assert overrides["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        assert "sam says local invoke EchoFunction --event" in result.logs
        failed = invoker.invoke(echo, {"fail": True}, 5)
        assert (failed.error_type, failed.error_message) == ("TriggerError", "no")
    finally:
        invoker.close()


def test_the_sam_invoker_removes_its_env_vars_file_when_sam_cannot_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A ``sam`` that cannot be executed: the error reaches the caller, the temporary
    ``--env-vars`` file does not stay behind."""
    import tempfile

    from harness.invokers import sam

    not_executable = tmp_path / "sam"
    not_executable.write_text("#!/bin/sh\n")
    not_executable.chmod(0o644)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(sam, "container_engine_answers", lambda: True)
    monkeypatch.setattr(sam, "sam_executable", lambda: str(not_executable))
    invoker = make_invoker("sam", FIXTURE_TEMPLATE)
    try:
        echo = load_stack(FIXTURE_TEMPLATE).functions["EchoFunction"]
        with pytest.raises(PermissionError):
            invoker.invoke(echo, {}, 5)
    finally:
        invoker.close()
    assert list(temporary.iterdir()) == []


def test_docker_host_counts_when_it_accepts(tmp_path: Path) -> None:
    from harness.invokers.sam import _docker_host_reachable

    path = tmp_path / "docker.sock"
    assert not _docker_host_reachable(f"unix://{path}")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        assert _docker_host_reachable(f"unix://{path}")


def test_a_failed_build_is_told_by_sams_error_line_not_npms_pointer_to_its_log() -> None:
    # sam build on a Node.js function whose package.json has no version (SAM CLI 1.170).
    npm = [
        "Building codeuri: /p/esm runtime: nodejs20.x architecture: x86_64 functions: Fn",
        "Running NodejsNpmBuilder:NpmPack",
        "Build Failed",
        "Error: NodejsNpmBuilder:NpmPack - NPM Failed: npm error Invalid package, must have "
        "name and version",
        "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log",
    ]
    assert failure_line(npm).startswith("Error: NodejsNpmBuilder:NpmPack - NPM Failed")
    # npm install alone (no SAM summary): its error, not the log pointer.
    assert failure_line(["npm error code E404", "npm error A complete log of this run ..."]) == (
        "npm error code E404"
    )
    assert failure_line(["", "  "]) == "no output"
