"""What a user waits for (issue 12), every figure and ratio measured side by side in one run.

Whole processes, as a user starts them, alternated round by round so that each pair sees the
same machine; each figure is the best of its rounds (the machine's noise only ever adds time):

1. ``cognito_pool`` per test: a pytest run of N tests using the fixture on the project's
   template, less a run of 1, over N-1; against moto's own per-test pool (``mock_aws``,
   ``create_user_pool`` and an app client in a fixture) measured the same way.
   Goals: <= 25 ms, and >= 10x less than moto's.
2. The plugin's cost to a pytest run that uses none of its fixtures: one trivial test, with
   the plugin and with ``-p no:cognito_harness``. Goal: <= 50 ms.
3. ``harness replay`` of one call (the sample's first, on the project's template and its five
   real triggers; and on bench/noop's three no-op triggers). Goal: <= 0.5 s.
4. ``harness replay`` of 600 AdminInitiateAuth calls (bench/noop) against a Python process
   making the same 600 calls to moto alone (``mock_aws``, boto3, no triggers).
   Goal: moto's time / the harness's >= 1.5.
5. ``harness serve``: from starting the process to its port accepting. Goal: <= 1 s.

With ``--install``, also (slow, needs the package registry): ``pip install .`` into a fresh
virtualenv, no extras; the size of its site-packages; the sample replayed from it.
Goal: <= 120 MB. With ``--suite``, the project's suite under ``pytest -n auto``.
Goal: <= 60 s.

    .venv/bin/python bench/bench_speed.py [--rounds 5] [--tests 101] [--install] [--suite]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HARNESS = str(BIN / "harness")
PASSWORD = "Bench-passw0rd!"

POOL_TEST = """
def test_{n}(cognito_pool):
    assert cognito_pool.user_pool_id
"""
MOTO_TESTS = """
import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def moto_pool():
    with mock_aws():
        client = boto3.client("cognito-idp", region_name="us-east-1")
        pool = client.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        client.create_user_pool_client(UserPoolId=pool, ClientName="bench")
        yield pool
"""
MOTO_TEST = """
def test_{n}(moto_pool):
    assert moto_pool
"""
MOTO_CALLS = """
import sys
import boto3
from moto import mock_aws

with mock_aws():
    client = boto3.client("cognito-idp", region_name="us-east-1")
    pool = client.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    app = client.create_user_pool_client(
        UserPoolId=pool, ClientName="bench",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    client.admin_set_user_password(UserPoolId=pool, Username="alice", Password=sys.argv[2],
                                   Permanent=True)
    for _ in range(int(sys.argv[1])):
        result = client.admin_initiate_auth(
            UserPoolId=pool, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": sys.argv[2]},
            ClientMetadata={"appVersion": "2.1.0"})
        assert "AuthenticationResult" in result
"""


#: CPU seconds (user + system) of each timed process, by the name of its measurement: on a
#: machine other work keeps busy, wall time grows with the load, CPU time much less.
CPU: dict[str, list[float]] = {}


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None, name: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(name, []).append(cpu)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return elapsed


def environment() -> dict[str, str]:
    """The processes' environment, with Python's compiled modules written and used as usual:
    with ``PYTHONDONTWRITEBYTECODE`` every process compiled the harness's ~150 modules from
    source again (~0.1 s), which no installed harness does (``pip install`` compiles them),
    while moto and boto3 came compiled from site-packages. :func:`compile_sources` compiles
    the checkout's (``__pycache__`` is git-ignored) before the rounds."""
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def compile_sources(env: dict[str, str], *folders: Path) -> None:
    subprocess.run(
        [str(BIN / "python"), "-m", "compileall", "-q", *map(str, folders)], env=env, check=True
    )


def project(work: Path, tests: int) -> Path:
    """A user's project: the repository's template and triggers, and test files."""
    where = work / "project"
    where.mkdir()
    shutil.copy(ROOT / "template.yaml", where / "template.yaml")
    shutil.copytree(
        ROOT / "triggers", where / "triggers", ignore=shutil.ignore_patterns("__pycache__")
    )
    (where / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    for count in (1, tests):
        (where / f"test_pool_{count}.py").write_text(
            "".join(POOL_TEST.format(n=n) for n in range(count))
        )
        (where / f"test_moto_{count}.py").write_text(
            MOTO_TESTS + "".join(MOTO_TEST.format(n=n) for n in range(count))
        )
    (where / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    return where


def replay_file(work: Path, calls: int) -> Path:
    call = {
        "operation": "AdminInitiateAuth",
        "request": {
            "UserPoolId": "us-east-1_AbCdEf123",
            "ClientId": "1example23456789abcdefghij",
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            "ClientMetadata": {"appVersion": "2.1.0"},
        },
    }
    document = {
        "setup": {"users": [{"username": "alice", "password": PASSWORD, "status": "CONFIRMED"}]},
        "calls": [call] * calls,
    }
    path = work / f"calls-{calls}.json"
    path.write_text(json.dumps(document))
    return path


def sample_first_call(work: Path) -> Path:
    calls = json.loads((ROOT / "events" / "replays" / "calls.json").read_text())
    setup = json.loads((ROOT / "events" / "replays" / "sample.setup.json").read_text())
    path = work / "sample-one.json"
    path.write_text(json.dumps({"setup": setup, "calls": calls["calls"][:1]}))
    return path


def serve_listening(env: dict[str, str]) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    template = str(ROOT / "bench" / "noop" / "template.yaml")
    started = time.perf_counter()
    process = subprocess.Popen(
        [HARNESS, "serve", "--template", template, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return time.perf_counter() - started
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("harness serve exited before listening") from None
                time.sleep(0.002)
    finally:
        process.terminate()
        process.wait(timeout=10)


def install(work: Path, one_call: dict[str, list[str]], rounds: int) -> dict[str, object]:
    """pip install . (no extras) into a fresh virtualenv; site-packages' size; the sample; and
    each ``one_call`` replay (``harness`` and its arguments) from that install and from this
    venv, alternated for ``rounds`` rounds (best of each): what a user's install costs beside
    the dev venv, whose extras (awscrt, pyOpenSSL) botocore imports when they are there."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    before_disk, before_bytes = _size(site)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(ROOT)], check=True, cwd=work
    )
    after_disk, after_bytes = _size(site)
    alone = {k: v for k, v in environment().items() if k != "PYTHONPATH"}  # the venv's code only
    replayed = subprocess.run(
        [str(venv / "bin" / "harness"), "replay", "events/replays/sample.ps1"],
        cwd=ROOT,
        env=alone,
        capture_output=True,
        text=True,
        check=False,
    )
    timings: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, argv in one_call.items():
            for where, harness in (
                ("user_install", str(venv / "bin" / "harness")),
                ("dev_venv", HARNESS),
            ):
                env = alone if where == "user_install" else environment()
                timings.setdefault(f"{name}_{where}", []).append(
                    timed([harness, *argv], ROOT, env, f"{name}_{where}")
                )
    return {
        "one_call_best_seconds": {k: round(min(v), 3) for k, v in timings.items()},
        "one_call_best_cpu_seconds": {k: round(min(CPU[k]), 3) for k in timings},
        "site_packages_mb_disk": round(after_disk / 2**20, 1),
        "site_packages_mb_bytes": round(after_bytes / 2**20, 1),
        "fresh_venv_mb_disk (pip, setuptools)": round(before_disk / 2**20, 1),
        "installed_mb_disk": round((after_disk - before_disk) / 2**20, 1),
        "installed_mb_bytes": round((after_bytes - before_bytes) / 2**20, 1),
        "sample_replay_exit_status": replayed.returncode,
        "sample_replay_last_line": replayed.stdout.strip().splitlines()[-1:],
    }


def _size(root: Path) -> tuple[int, int]:
    disk = apparent = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            disk += stat.st_blocks * 512
            apparent += stat.st_size
    return disk, apparent


def best(samples: dict[str, list[float]], name: str, measure: Callable[[], float]) -> None:
    samples.setdefault(name, []).append(measure())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tests", type=int, default=101)
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--install", action="store_true")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pytest = [str(BIN / "python"), "-m", "pytest", "-q"]
    noop = str(ROOT / "bench" / "noop" / "template.yaml")
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        env = environment()
        where = project(work, args.tests)
        compile_sources(env, ROOT / "harness", ROOT / "triggers", ROOT / "bench" / "noop", where)
        one, many, sample = (
            replay_file(work, 1),
            replay_file(work, args.calls),
            sample_first_call(work),
        )
        n = args.tests
        for round_ in range(args.rounds):
            for name, argv in (
                ("pool_1", [*pytest, "test_pool_1.py"]),
                (f"pool_{n}", [*pytest, f"test_pool_{n}.py"]),
                ("moto_1", [*pytest, "test_moto_1.py"]),
                (f"moto_{n}", [*pytest, f"test_moto_{n}.py"]),
                ("plain_with_plugin", [*pytest, "test_plain.py"]),
                ("plain_without_plugin", [*pytest, "-p", "no:cognito_harness", "test_plain.py"]),
                ("replay_1_project", [HARNESS, "replay", str(sample)]),
                ("replay_1_noop", [HARNESS, "replay", str(one), "--template", noop]),
                (f"replay_{args.calls}_noop", [HARNESS, "replay", str(many), "--template", noop]),
                (
                    f"moto_{args.calls}_calls",
                    [str(BIN / "python"), "-c", MOTO_CALLS, str(args.calls), PASSWORD],
                ),
            ):
                cwd = ROOT if name.startswith("replay_1_project") else where
                best(samples, name, lambda argv=argv, cwd=cwd, n=name: timed(argv, cwd, env, n))
            best(samples, "serve_listening", lambda: serve_listening(env))
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        result: dict[str, object] = {
            "rounds": args.rounds,
            "load_average_at_end": os.getloadavg(),
            "wall": figures({name: min(values) for name, values in samples.items()}, args),
            "cpu": figures({name: min(values) for name, values in CPU.items()}, args),
        }
        result["wall"]["serve_listening_s"] = round(min(samples["serve_listening"]), 3)  # type: ignore[index]
        if args.install:
            result["install"] = install(
                work,
                {
                    "replay_1_project": ["replay", str(sample)],
                    "replay_1_noop": ["replay", str(one), "--template", noop],
                },
                max(args.rounds, 5),
            )
        if args.suite:  # the Makefile's test command; CPU: of all its workers and processes
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                [*pytest, "-n", "auto", "--dist", "worksteal", "-p", "no:cacheprovider"],
                cwd=ROOT,
                check=True,
            )
            result["suite_n_auto_s"] = round(time.perf_counter() - started, 1)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            result["suite_n_auto_cpu_s"] = round(
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
            )
            result["suite_load_average_at_end"] = os.getloadavg()
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


def figures(low: dict[str, float], args: argparse.Namespace) -> dict[str, object]:
    """The goals' figures from the best time of each measurement."""
    n = args.tests
    pool = (low[f"pool_{n}"] - low["pool_1"]) / (n - 1)
    moto = (low[f"moto_{n}"] - low["moto_1"]) / (n - 1)
    return {
        "best_seconds": {k: round(v, 3) for k, v in low.items()},
        "cognito_pool_ms_per_test": round(pool * 1000, 2),
        "moto_pool_ms_per_test": round(moto * 1000, 2),
        "pool_ratio_moto_over_cognito_pool": round(moto / pool, 1) if pool > 0 else None,
        "plugin_overhead_ms": round(
            (low["plain_with_plugin"] - low["plain_without_plugin"]) * 1000, 1
        ),
        "replay_1_call_project_s": round(low["replay_1_project"], 3),
        "replay_1_call_noop_s": round(low["replay_1_noop"], 3),
        f"replay_{args.calls}_ratio_moto_over_harness": round(
            low[f"moto_{args.calls}_calls"] / low[f"replay_{args.calls}_noop"], 2
        ),
    }


if __name__ == "__main__":
    raise SystemExit(main())
