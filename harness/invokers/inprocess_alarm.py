"""Cognito's trigger timeout for an in-process handler run on the calling thread: SIGALRM.

Handing every invocation to a worker thread and waiting for its answer with a timeout costs two
thread switches per invocation, which on a busy machine are most of a no-op trigger's time. On
the main thread of a POSIX process (``harness replay``, ``harness invoke``, a test calling the
emulator), the handler runs on the calling thread instead, as Lambda's runtime runs it on its
main thread, and an interval timer (``setitimer``) enforces the limit: when it rings while the
trigger's own code runs (its module's import or the handler), :class:`TriggerTimedOut` is
raised there, which also interrupts a blocking call (``time.sleep``, a socket wait: PEP 475).
The handler stops at its timeout, as Lambda stops it, instead of running on, abandoned.

It is used only when nothing else owns the timer: the main thread, ``SIGALRM`` at its default
disposition and no timer pending (pytest-timeout's signal method, for one, uses both).
Elsewhere (``harness serve``'s request threads, Windows) the invoker hands the call to its
worker thread as before. A handler stuck in C code that does not return to Python (no signal
check) is stopped when it returns; one that swallows the exception is interrupted again every
:data:`RING_AGAIN_SECONDS` and reported timed out all the same; one that sets SIGALRM's timer
itself (a signal-based timeout library) takes the timer over while it runs.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any, TypeVar

from harness.patterns.bound import alarm_usable

T = TypeVar("T")

#: How often the alarm rings again while a handler that caught it goes on running.
RING_AGAIN_SECONDS = 0.1


class TriggerTimedOut(BaseException):
    """Raised in a trigger's code when its time is up (a BaseException: ``except Exception``
    in the handler does not swallow it)."""


class Alarm:
    """One armed timeout on the main thread, around one invocation."""

    def __init__(self) -> None:
        #: The trigger's own code is running: a ring raises there.
        self.running = False
        #: The time was up (whether or not the ring could raise).
        self.fired = False
        self._previous: Any = None

    @staticmethod
    def usable() -> bool:
        """Only where the timer and its signal are free for the harness to use."""
        return alarm_usable()

    def arm(self, seconds: float) -> None:
        self._previous = signal.signal(signal.SIGALRM, self._ring)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm(self) -> bool:
        """Stop the timer and give the signal back; True when the time was up."""
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        self.running = False
        return self.fired

    def run(self, code: Callable[..., T], *args: Any) -> T:
        """Run the trigger's own code (the only place a ring raises)."""
        try:
            self.running = True
            if self.fired:  # it rang while the harness's own code ran: no more of the trigger's
                raise TriggerTimedOut
            return code(*args)
        finally:
            self.running = False

    def _ring(self, _signum: int, _frame: Any) -> None:
        self.fired = True
        if self.running:
            signal.setitimer(signal.ITIMER_REAL, RING_AGAIN_SECONDS)
            raise TriggerTimedOut
