"""The child processes the harness starts, and the guarantee that none outlives it.

Every process is started in a session of its own (``start_new_session=True``). The Lambda
Runtime Interface Emulator starts the function's runtime in a process group of its own, but in
the same session, so stopping a process ends its whole session:

1. SIGTERM to its process group, then up to ``grace`` seconds for it to exit (the RIE stops
   its runtime with SIGKILL when it gets SIGTERM, but does not always exit itself);
2. SIGKILL to the group;
3. SIGKILL to every process still in the session (read from ``/proc``), such as a runtime
   whose emulator is gone.

Processes are stopped by process id only, on :meth:`ManagedProcess.stop` (an invoker's
``close()``), on errors, and at interpreter exit (:mod:`atexit`). :func:`exit_on_signals` makes
SIGTERM and SIGHUP unwind the interpreter like Ctrl-C does, so the same cleanup runs.

SIGKILL of the harness runs none of that, so each child also gets a *sentinel*: a small process
of its own session that blocks reading a pipe whose only write end the harness holds. When the
harness dies, however it dies, the kernel closes that end; the sentinel reads end-of-file and
SIGKILLs every process of the child's session. A normal :meth:`ManagedProcess.stop` first writes
one byte, telling the sentinel the session is already gone (its id may be reused later).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO

#: How long a process gets to exit after SIGTERM before SIGKILL.
STOP_GRACE_SECONDS = 2.0

#: The sentinel's program: wait for the harness's pipe to close, then end the session named.
_SENTINEL = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sid = sys.argv[1]
if os.read(0, 1):
    raise SystemExit(0)
for name in os.listdir("/proc"):
    try:
        with open(f"/proc/{name}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[3] == sid:
                os.kill(int(name), signal.SIGKILL)
    except (OSError, IndexError, ValueError):
        pass
"""

_live: set[ManagedProcess] = set()
_started: list[int] = []
_live_lock = threading.Lock()


class ManagedProcess:
    """A child process in its own session; :meth:`stop` ends the session, whatever happens."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        stdout: int | IO[bytes] | None = subprocess.PIPE,
        stderr: int | IO[bytes] | None = subprocess.STDOUT,
        stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    ) -> None:
        self.argv = list(argv)
        self._lock = threading.Lock()
        self._stopped = False
        self.popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        self.pid = self.popen.pid
        self._sentinel_pipe: int | None = None
        self._sentinel: subprocess.Popen[bytes] | None = None
        if os.path.isdir("/proc"):
            self._start_sentinel()
        with _live_lock:
            _live.add(self)
            _started.append(self.pid)

    def _start_sentinel(self) -> None:
        read_end, write_end = os.pipe()
        try:
            self._sentinel = subprocess.Popen(
                [sys.executable, "-S", "-c", _SENTINEL, str(self.pid)],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            os.close(write_end)
            return
        finally:
            os.close(read_end)
        os.set_inheritable(write_end, False)
        self._sentinel_pipe = write_end

    def _release_sentinel(self) -> None:
        """Tell the sentinel the session ended normally, and reap it."""
        if self._sentinel_pipe is None:
            return
        with contextlib.suppress(OSError):
            os.write(self._sentinel_pipe, b"x")
        with contextlib.suppress(OSError):
            os.close(self._sentinel_pipe)
        self._sentinel_pipe = None
        if self._sentinel is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._sentinel.wait(timeout=STOP_GRACE_SECONDS)

    @property
    def stdout(self) -> IO[bytes] | None:
        return self.popen.stdout

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """End the process and its whole session; idempotent, safe from any thread."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            members = session_members(self.pid)
            if self.alive():
                _signal_group(self.pid, signal.SIGTERM)
                try:
                    self.popen.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    _signal_group(self.pid, signal.SIGKILL)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self.popen.wait(timeout=grace)
            # What is left of the session (the runtime the RIE started, if the RIE died first).
            for pid in {*members, *session_members(self.pid)} - {self.pid}:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            _signal_group(self.pid, signal.SIGKILL)
        finally:
            self._release_sentinel()
            for stream in (self.popen.stdout, self.popen.stderr, self.popen.stdin):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with _live_lock:
                _live.discard(self)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def session_members(sid: int) -> list[int]:
    """The ids of the processes in session ``sid`` (Linux ``/proc``; empty elsewhere)."""
    members: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return members
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After "pid (comm)": state, ppid, pgrp, session.
        if len(fields) > 3 and fields[3] == str(sid):
            members.append(int(name))
    return members


def started_pids() -> tuple[int, ...]:
    """Every process id this interpreter started through :class:`ManagedProcess` (each one is
    also the id of its session)."""
    with _live_lock:
        return tuple(_started)


def stop_all() -> None:
    """Stop every process the harness started and has not stopped yet."""
    with _live_lock:
        running = list(_live)
    for process in running:
        process.stop()


atexit.register(stop_all)


def wait_for(predicate: Callable[[], bool], deadline: float, step: float = 0.002) -> bool:
    """Poll ``predicate()`` until it is true or ``time.monotonic()`` passes ``deadline``."""
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_on_signals() -> None:
    """Make SIGTERM and SIGHUP raise SystemExit, so ``finally`` blocks and atexit stop children.

    Only from the main thread, and only where the signal still has its default action (a
    program that set its own handler keeps it).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signum) == signal.SIG_DFL:
                signal.signal(signum, _exit_on_signal)
