"""A time bound on one ``re`` match, which ``re`` itself does not have.

``re``'s matching loop checks for signals, so on the main thread an interval timer
(``SIGALRM``) interrupts a match that backtracks catastrophically: the handler raises and the
match stops there. It is used only when nothing else owns the timer (the main thread, SIGALRM
at its default disposition, no timer pending: as ``harness.invokers.inprocess_alarm``).

Anywhere else (``harness serve``'s request threads, a test run under pytest-timeout's signal
method) nothing can stop a match in this process: Python runs signal handlers on the main thread
only, and ``re`` holds the GIL for the whole match, so no other thread even runs meanwhile. There
the match runs in a child Python (``-I -S``: ~25 ms to start, only ``re`` imported) that is
killed at the bound. The callers skip both for a text their patterns are known to match quickly
(``quick_below``: the service's and the schemas' own patterns, whose backtracking is at worst
cubic in the text's length: ~25 ms for 1,000 characters here).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Final

#: The child's start (Python, ``re``, compiling the pattern) is not counted in the bound.
START_SECONDS: Final = 10.0
_CHILD: Final = (
    "import json, re, sys\n"
    "job = json.loads(sys.stdin.readline())\n"
    "compiled = re.compile(job['pattern'])\n"
    "print('ready', flush=True)\n"
    "found = getattr(compiled, job['how'])(job['text'])\n"
    "print('1' if found else '0', flush=True)\n"
)


class PatternTimeout(TimeoutError):
    """The match took longer than its bound."""


class _Rang(BaseException):
    pass


def alarm_usable() -> bool:
    """Whether this thread may use SIGALRM's timer now: the main thread of a POSIX process,
    SIGALRM at its default disposition, no timer pending (pytest-timeout's signal method, for
    one, uses both). Also ``harness.invokers.inprocess_alarm``'s condition."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def with_alarm(match: Callable[[], Any], seconds: float) -> Any:
    """``match()``, interrupted by :class:`PatternTimeout` after ``seconds`` (main thread)."""
    running = True

    def ring(_signum: int, _frame: Any) -> None:
        if running:
            raise _Rang

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return match()
        finally:
            running = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Rang:
        raise PatternTimeout(f"the match took over {seconds} s") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def in_child(pattern: str, how: str, text: str, seconds: float) -> bool:
    """Whether ``re.compile(pattern).<how>(text)`` finds a match, run in a child process killed
    after ``seconds`` of matching (:class:`PatternTimeout`)."""
    import selectors  # only off the main thread, seldom
    import subprocess

    job = json.dumps({"pattern": pattern, "how": how, "text": text}) + "\n"
    child = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        child.stdin.write(job.encode())
        child.stdin.close()
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            said = _read(selector, child.stdout, b"", START_SECONDS)
            if not said.startswith(b"ready\n"):
                raise PatternTimeout("the pattern's child process did not start")
            said = _read(selector, child.stdout, said[len(b"ready\n") :], seconds)
            if b"\n" not in said:
                raise PatternTimeout(f"the match took over {seconds} s")
            return said.startswith(b"1")
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


def _read(selector: Any, stream: Any, said: bytes, seconds: float) -> bytes:
    """``said`` and what ``stream`` says next, up to a line's end, waiting at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while b"\n" not in said:
        left = deadline - time.monotonic()
        if left <= 0 or not selector.select(left):
            break
        chunk = os.read(stream.fileno(), 64)
        if not chunk:
            break
        said += chunk
    return said
