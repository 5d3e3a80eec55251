"""In-process triggers on the main thread: Cognito's timeout enforced by a timer signal.

The handler runs on the calling thread (no hand-off to a worker per invocation) and is stopped
at its timeout, as Lambda stops it; off the main thread, or when something else owns SIGALRM,
the invoker's worker thread enforces the timeout as before. The invocations run in a process of
their own (fixtures/alarm/invocations.py): on a main thread with SIGALRM free, whatever
plugins run this test (pytest-timeout, for one, would take SIGALRM).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.invokers import ROOT

# Slow: starts a Python process.
pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parent / "fixtures" / "alarm" / "invocations.py"


@pytest.fixture(scope="module")
def seen() -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    observed: dict[str, Any] = json.loads(done.stdout)
    assert observed["main_thread"]
    return observed


def test_a_handler_past_its_timeout_is_stopped_and_reported_timed_out(seen: dict[str, Any]) -> None:
    assert seen["stopped"] == {
        "timed_out": True,
        "finished_later": False,  # stopped at its timeout, as Lambda stops it
        "signal_given_back": True,
        "timer_left": [0.0, 0.0],
        "environment_after": None,  # its variables are gone with it
    }


def test_a_timeout_that_rings_before_the_handler_starts_stops_it_there(
    seen: dict[str, Any],
) -> None:
    assert seen["rang_before_the_handler"] == {"timed_out": True, "finished_later": False}


def test_a_handler_that_swallows_the_timeout_is_reported_timed_out(seen: dict[str, Any]) -> None:
    # Interrupted again each time it caught the timeout, then answered: still a timeout.
    assert seen["swallowed"] == {"timed_out": True, "marker": "caught 3"}


def test_the_function_sees_its_variables_and_the_process_keeps_its_own(
    seen: dict[str, Any],
) -> None:
    assert seen["environment"] == {"during": {"seen": "set for the function"}, "after": None}


def test_someone_elses_sigalrm_handler_is_left_alone(seen: dict[str, Any]) -> None:
    assert seen["foreign_handler"] == {"timed_out": True, "handler_kept": True, "rang": []}


def test_off_the_main_thread_the_worker_enforces_the_timeout(seen: dict[str, Any]) -> None:
    assert seen["off_main_thread"] == {"timed_out": True}
