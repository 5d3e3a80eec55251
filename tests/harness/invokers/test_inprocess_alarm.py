"""In-process triggers on the main thread: Cognito's timeout enforced by a timer signal.

The handler runs on the calling thread (no hand-off to a worker per invocation) and is stopped
at its timeout, as Lambda stops it; off the main thread, or when something else owns SIGALRM,
the invoker's worker thread enforces the timeout as before.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

from harness.invokers import InProcessInvoker
from harness.invokers.base import InvokeResult
from harness.stack import FunctionSpec

HANDLERS = Path(__file__).resolve().parent / "fixtures" / "alarm"
TIMEOUT = 0.2


def _function(handler: str) -> FunctionSpec:
    return FunctionSpec(
        logical_id="AlarmFunction",
        code_uri=HANDLERS,
        handler=f"alarm_handlers.{handler}",
        runtime="python3.11",
        timeout=TIMEOUT,
        memory_size=128,
        environment={"ALARM_FIXTURE_VARIABLE": "set for the function"},
        architectures=("x86_64",),
        function_name="AlarmFunction",
    )


def _invoke(handler: str, event: dict[str, Any]) -> InvokeResult:
    invoker = InProcessInvoker()
    try:
        return invoker.invoke(_function(handler), event, TIMEOUT)
    finally:
        invoker.close()


def test_a_handler_past_its_timeout_is_stopped_and_reported_timed_out(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    result = _invoke("sleeps", {"seconds": 0.6, "marker": str(marker)})
    assert result.timed_out
    time.sleep(0.8)  # past the end of the handler's sleep: it would have written by now
    assert not marker.exists()
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_handler_that_swallows_the_timeout_is_reported_timed_out(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    result = _invoke("swallows", {"seconds": 5, "marker": str(marker)})
    assert result.timed_out
    assert marker.read_text() == "caught 3"  # interrupted again each time it caught it


def test_the_function_environment_is_gone_after_a_timeout(tmp_path: Path) -> None:
    import os

    _invoke("sleeps", {"seconds": 0.6, "marker": str(tmp_path / "x")})
    assert "ALARM_FIXTURE_VARIABLE" not in os.environ
    assert _invoke("environment", {}).payload == {"seen": "set for the function"}
    assert "ALARM_FIXTURE_VARIABLE" not in os.environ


def test_off_the_main_thread_the_worker_enforces_the_timeout(tmp_path: Path) -> None:
    results: list[InvokeResult] = []
    caller = threading.Thread(
        target=lambda: results.append(
            _invoke("sleeps", {"seconds": 0.6, "marker": str(tmp_path / "x")})
        )
    )
    caller.start()
    caller.join(timeout=30)
    assert results
    assert results[0].timed_out


def test_a_sigalrm_handler_of_someone_else_is_left_alone(tmp_path: Path) -> None:
    rang: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, _frame: rang.append(signum))
    try:
        result = _invoke("sleeps", {"seconds": 0.6, "marker": str(tmp_path / "x")})
        assert result.timed_out  # by the worker thread
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
        assert rang == []  # the harness armed no timer of its own
    finally:
        signal.signal(signal.SIGALRM, previous)
