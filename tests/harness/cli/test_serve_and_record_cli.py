"""`harness serve` and `harness record` as processes, the way users start them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from harness.cli import main
from tests.harness.cli.test_replay_cli import runner
from tests.support.endpoint import admin_sign_in, endpoint_client
from tests.support.paths import ROOT

# Slow: runs harness serve and record as processes; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow

HARNESS = str(Path(sys.executable).with_name("harness"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """``harness serve ARGS`` on a free port; the process and its banner once it is ready."""
    process = subprocess.Popen(
        [HARNESS, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    banner = []
    while not any("_harness/invocations" in line for line in banner):
        line = process.stderr.readline()  # type: ignore[union-attr]
        if not line:
            process.kill()
            raise AssertionError("harness serve exited before it was ready: " + "".join(banner))
        banner.append(line)
    return process, "".join(banner)


def replay(*args: str, env: dict[str, str] | None = None) -> Result:
    """``harness replay ARGS`` in this process: what a recording replays to (the replay
    command as a process is tested in tests/readme and tests/harness/cli/test_habits_cli.py)."""
    return runner(env=env).invoke(main, ["replay", *args], catch_exceptions=False)


def served_ids(banner: str) -> tuple[str, str]:
    return banner.split("UserPoolId")[1].split()[0], banner.split("ClientId")[1].split()[0]


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM, as a service manager stops it: a clean exit, and what it printed."""
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out, err


def test_serve_prints_ids_serves_calls_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    record = tmp_path / "served.jsonl"
    process, banner = start_serve(
        "--template", str(ROOT / "template.yaml"), "--port", str(port), "--record", str(record),
        cwd=tmp_path,
    )  # fmt: skip
    try:
        pool_id, client_id = served_ids(banner)
        client = endpoint_client(f"http://127.0.0.1:{port}")
        client.admin_create_user(UserPoolId=pool_id, Username="erin", MessageAction="SUPPRESS")
        client.admin_set_user_password(
            UserPoolId=pool_id, Username="erin", Password="Erin-passw0rd!", Permanent=True
        )
        admin_sign_in(client, pool_id, client_id, "erin", "Erin-passw0rd!", appVersion="2.1.0")
    finally:
        out, err = stop(process)
    # AdminCreateUser is emulated too (PreSignUp_AdminCreateUser runs); one row per call,
    # AdminSetUserPassword's (moto answers it) included.
    rows = out.splitlines()
    assert rows[0].startswith("AdminCreateUser erin  PreSignUp=none")
    assert rows[1].startswith("AdminSetUserPassword erin  (no trigger)  ✓ ok")
    assert rows[2].startswith("AdminInitiateAuth erin  PreAuth=vData PostAuth=none PreToken=none")
    assert "SIGTERM, stopping" in err
    recorded = [json.loads(line) for line in record.read_text().splitlines()]
    assert [r["operation"] for r in recorded] == [
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminInitiateAuth",
    ]
    assert recorded[1]["request"]["Password"] == "${env:HARNESS_PASSWORD_ERIN}"
    assert recorded[2]["request"]["AuthParameters"]["PASSWORD"] == "${env:HARNESS_PASSWORD_ERIN}"
    # The recording replays to the same outcomes: the password moto set lets erin sign in.
    replayed = replay(
        str(record), "--template", str(ROOT / "template.yaml"), "--format", "json",
        env={"HARNESS_PASSWORD_ERIN": "Erin-passw0rd!"},
    )  # fmt: skip
    assert replayed.exit_code == 0, replayed.stderr
    outcomes = [c["outcome"]["status"] for c in json.loads(replayed.stdout)["calls"]]
    assert outcomes == ["ok", "ok", "tokens"]


def test_serve_with_setup_and_invoke_rie_signs_in_the_setup_user(tmp_path: Path) -> None:
    port = free_port()
    record = tmp_path / "session.jsonl"
    process, banner = start_serve(
        "--template", str(ROOT / "template.yaml"), "--port", str(port),
        "--setup", str(ROOT / "events" / "replays" / "sample.setup.json"), "--invoke", "rie",
        "--record", str(record),
        cwd=tmp_path,
    )  # fmt: skip
    try:
        assert "(rie)" in banner
        assert "sample.setup.json: 1 user(s)" in banner
        pool_id, client_id = served_ids(banner)
        client = endpoint_client(f"http://127.0.0.1:{port}")
        answer = admin_sign_in(
            client, pool_id, client_id, "alice", "Passw0rd!demo", appVersion="2.1.0", tenant="acme"
        )
        assert answer["AuthenticationResult"]["TokenType"] == "Bearer"
        # legacy-bob is a record of the setup's LegacyUsersTable, which the rie functions read.
        migrated = admin_sign_in(
            client,
            pool_id,
            client_id,
            "legacy-bob",
            "LegacyPassw0rd!demo",
            appVersion="2.1.0",
            tenant="acme",
        )
        assert "AuthenticationResult" in migrated
    finally:
        out, _ = stop(process)
    rows = out.splitlines()
    assert rows[0].startswith("AdminInitiateAuth alice  PreAuth=vData PostAuth=none PreToken=none")
    assert rows[1].startswith("AdminInitiateAuth legacy-bob  Migrate=vData")
    # The recording names the setup the session started from: it replays on its own.
    first = json.loads(record.read_text().splitlines()[0])
    assert first == {"setupFile": str(ROOT / "events" / "replays" / "sample.setup.json")}
    replayed = replay(
        str(record), "--template", str(ROOT / "template.yaml"),
        env={
            "HARNESS_PASSWORD_ALICE": "Passw0rd!demo",
            "HARNESS_PASSWORD_LEGACY_BOB": "LegacyPassw0rd!demo",
        },
    )  # fmt: skip
    assert replayed.exit_code == 0, replayed.stdout + replayed.stderr
    assert "2 calls: 2 sign-ins with tokens, 0 challenges, 0 errors" in replayed.stdout
    assert "expectations: 2/2 met" in replayed.stdout


def test_serve_refuses_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [HARNESS, "serve", "--template", str(ROOT / "template.yaml"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


APP = """\
import pytest

from harness.testing import CognitoPool

# An app's code: a plain boto3 client (here bound to an emulated pool, in-process).
with CognitoPool({template!r}) as pool:
    pool.add_user("alice", "Passw0rd!demo", attributes={{"custom:tenant": "acme"}})
    client = pool.client
    for password in ("Passw0rd!demo", "typo"):
        try:
            client.admin_initiate_auth(
                UserPoolId="us-east-1_AbCdEf123", ClientId="1example23456789abcdefghij",
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={{"USERNAME": "alice", "PASSWORD": password}},
                ClientMetadata={{"appVersion": "2.1.0", "tenant": "acme"}})
            print("signed in")
        except client.exceptions.NotAuthorizedException:
            print("refused")
"""


def test_record_an_app_then_replay_it(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP.format(template=str(ROOT / "template.yaml")))
    calls = tmp_path / "calls.jsonl"
    done = subprocess.run(
        [HARNESS, "record", "-o", str(calls), "--", sys.executable, str(app)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["signed", "in", "refused"]  # recording changed nothing
    assert "to replay, set HARNESS_PASSWORD_ALICE HARNESS_PASSWORD_ALICE_2\n" in done.stderr
    assert "Passw0rd!demo" not in calls.read_text()

    setup = tmp_path / "setup.json"
    setup.write_text(
        json.dumps({"users": [{"username": "alice", "password": "Passw0rd!demo",
                               "attributes": {"custom:tenant": "acme"}}]})
    )  # fmt: skip
    env = {"HARNESS_PASSWORD_ALICE": "Passw0rd!demo", "HARNESS_PASSWORD_ALICE_2": "typo"}
    replayed = replay(
        "--template", str(ROOT / "template.yaml"), "--setup", str(setup), "--format", "json",
        str(calls), env=env,
    )  # fmt: skip
    assert replayed.exit_code == 0, replayed.stderr
    report = json.loads(replayed.stdout)
    assert [c["outcome"]["status"] for c in report["calls"]] == ["tokens", "error"]
    assert report["calls"][0]["invocations"][0]["metadataField"] == "validationData"


def test_record_reports_a_missing_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [HARNESS, "record", "-o", str(tmp_path / "x.jsonl"), "--", "no-such-program-here"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "command not found: no-such-program-here" in done.stderr
