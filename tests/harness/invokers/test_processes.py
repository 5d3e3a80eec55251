"""No emulator or runtime process survives the harness, however the harness ends."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from harness.invokers.processes import ManagedProcess, session_members, wait_for
from harness.invokers.rie import RieInvoker
from tests.support.invokers import FIXTURE_TEMPLATE, ROOT, lambda_processes

# Slow: starts and kills harness processes; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow

#: A harness that warms one function through the RIE, says which processes it started, then
#: ends the way the test asks.
CHILD = textwrap.dedent(
    """
    import gc, json, signal, sys, time
    # Ctrl-C raises KeyboardInterrupt, as in a terminal, even when the suite was started in the
    # background by a shell that ignores SIGINT there (its children inherit the ignoring).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from harness.invokers.processes import session_members, started_pids
    from harness.invokers.rie import RieInvoker
    from harness.stack import load_stack

    template, mode = sys.argv[1], sys.argv[2]
    stack = load_stack(template)
    invoker = RieInvoker(stack)
    result = invoker.invoke(stack.functions["EchoFunction"], {}, 5)
    sessions = list(started_pids())
    members = sorted(m for s in sessions for m in session_members(s))
    print(json.dumps({"sessions": sessions, "members": members, "ok": result.error_type is None}))
    sys.stdout.flush()
    if mode == "exit":
        sys.exit(0)  # no close(): atexit
    if mode == "error":
        raise RuntimeError("the harness failed")  # an unhandled error: atexit
    if mode == "gc":
        del invoker  # the weakref finalizer
        gc.collect()
        print(json.dumps(sorted(m for s in sessions for m in session_members(s))))
        sys.stdout.flush()
        sys.exit(0)
    time.sleep(60)  # until SIGTERM or SIGINT (Ctrl-C)
    """
)
MODES = ("exit", "error", "gc", "sigterm", "sigint", "sigkill")


def test_no_process_survives_the_harness() -> None:
    RieInvoker(FIXTURE_TEMPLATE).close()  # build once, before the children race for it
    children = {
        mode: subprocess.Popen(
            [sys.executable, "-c", CHILD, str(FIXTURE_TEMPLATE), mode],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in MODES
    }
    try:
        started: dict[str, dict[str, list[int]]] = {}
        for mode, child in children.items():
            assert child.stdout is not None
            line = child.stdout.readline()
            assert line, f"{mode}: the child said nothing: {child.stderr and child.stderr.read()}"
            report = json.loads(line)
            assert report["ok"]
            # The RIE and the runtime it started: two processes in the RIE's session.
            assert len(report["members"]) >= 2, report
            started[mode] = report
        children["sigterm"].send_signal(signal.SIGTERM)
        children["sigint"].send_signal(signal.SIGINT)
        # SIGKILL runs no cleanup in the harness: each child's sentinel ends its session.
        children["sigkill"].send_signal(signal.SIGKILL)
        for mode, child in children.items():
            child.wait(timeout=15)
            if mode == "gc":
                assert child.stdout is not None
                assert json.loads(child.stdout.readline()) == []
        for mode, report in started.items():
            wait_for(lambda r=report: not lambda_processes(r["sessions"]), time.monotonic() + 10)
            assert not lambda_processes(report["sessions"]), mode
            for pid in report["members"]:
                wait_for(lambda p=pid: not _alive(p), time.monotonic() + 5)
                assert not _alive(pid), f"{mode}: process {pid} survived"
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_stop_kills_a_process_that_ignores_sigterm() -> None:
    stubborn = ManagedProcess(
        [
            sys.executable,
            "-c",
            "import signal, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\n"
            "time.sleep(60)",
        ],
    )
    assert stubborn.stdout is not None
    assert stubborn.stdout.readline().strip() == b"ready"
    started = time.monotonic()
    stubborn.stop(grace=0.3)
    assert 0.3 <= time.monotonic() - started < 3
    assert not stubborn.alive()
    assert session_members(stubborn.pid) == []


@pytest.mark.parametrize("twice", [False, True])
def test_close_is_idempotent(twice: bool) -> None:
    invoker = RieInvoker(FIXTURE_TEMPLATE)
    invoker.close()
    if twice:
        invoker.close()
    with pytest.raises(Exception, match="closed"):
        invoker.invoke(invoker.stack.functions["EchoFunction"], {}, 5)
