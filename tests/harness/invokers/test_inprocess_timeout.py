"""A trigger that outlives its timeout in-process must not keep the harness from exiting.

tests/harness/invokers/fixtures/sleeper/template.yaml wires Pre authentication to a handler
that sleeps 60 s with Timeout 1. Python cannot stop the thread that runs it; the harness answers
Cognito's timeout error after 1 s and, the thread being a daemon, exits at once instead of
waiting out the minute (as it did on a ThreadPoolExecutor worker, which the interpreter joins
at exit).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.invokers import ROOT

# Slow: waits out trigger timeouts in subprocesses; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow

HARNESS = str(Path(sys.executable).with_name("harness"))
SLEEPER = Path(__file__).resolve().parent / "fixtures" / "sleeper"
#: Start-up (imports, moto) plus the 1 s Timeout, with room for a slow machine; far below 60 s.
EXIT_WITHIN_SECONDS = 20


def _run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [HARNESS, *args, "--template", str(SLEEPER / "template.yaml")],
        capture_output=True,
        text=True,
        timeout=EXIT_WITHIN_SECONDS,  # raises TimeoutExpired (and kills it) if it hangs
        check=False,
        cwd=ROOT,
    )
    return done, time.monotonic() - started


def test_replay_exits_at_once_with_the_socket_timeout_error() -> None:
    done, elapsed = _run("replay", str(SLEEPER / "replay.json"))
    assert done.returncode == 0, done.stderr  # the replay's expectation: the timeout error
    assert "UnexpectedLambdaException: PreAuthentication invocation failed due to error Socket" in (
        done.stdout
    )
    assert "timeout while" in done.stdout
    assert elapsed < EXIT_WITHIN_SECONDS


def test_invoke_exits_at_once_with_task_timed_out() -> None:
    done, elapsed = _run("invoke", "SleeperFunction")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "Task timed out after 1.00 seconds"
    assert elapsed < EXIT_WITHIN_SECONDS
