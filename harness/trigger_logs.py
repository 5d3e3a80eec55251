"""Where an in-process trigger's output goes: its invocation's log, as CloudWatch is in Lambda.

(A module of its own at the bottom of the layers, with nothing but the standard library: the
pytest plugin installs the streams while test files are collected, see :func:`routing`.)

Lambda sends what a function prints, writes to stderr or logs with :mod:`logging` to the
function's log stream, never to the caller; in-process the harness does the same, so trigger
logs never mix into its report and land in ``InvokeResult.logs``.

Three paths, one buffer per call (so stdout and stderr lines keep their order, as in one
CloudWatch stream):

* ``sys.stdout`` / ``sys.stderr`` are one process-wide :class:`_RoutedStream` each, put in
  place for each call and taken out after it: pytest's capture (fd or sys) puts its own stream
  back at every test phase, which is why a stream installed once, when the invoker was made,
  missed every later call's ``print`` under pytest. Objects that keep the stream they saw
  (Powertools' Logger binds ``sys.stdout`` when a module creates it) keep routing through it,
  since it is always the same object; outside calls it writes where ``sys.stdout`` does.
* The root logger gets Lambda's own handler during the call, as the Python runtime installs it
  (awslambdaric ``bootstrap._setup_logging``: ``LambdaLoggerHandler`` with the text format
  ``[%(levelname)s]\\t%(asctime)s.%(msecs)03dZ\\t%(aws_request_id)s\\t%(message)s\\n`` in UTC);
  only for the call, so the harness's own warnings outside calls keep Python's defaults.
* A module imported outside any call, as a test file is collected (a unit test importing the
  handler module), makes its Powertools Logger then: :func:`routing` puts the streams in place
  for that time (the pytest plugin does, around collection), so the Logger binds them too.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The calling thread's invocation: its log buffer and request id (unset outside a call).
_LOCAL = threading.local()


class _RoutedStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` stand-in: a trigger's writes go to its invocation's log.

    Writes from any other thread (or outside a call) go where they would have gone: the stream
    it replaced while it is installed, else whatever ``sys.<name>`` is now (pytest's capture
    between calls), never a stream that has since been closed.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.target: Any = getattr(sys, name)

    def _through(self) -> Any:
        current = getattr(sys, self.name)
        return self.target if current is self else current

    def write(self, text: str) -> int:
        buffer = getattr(_LOCAL, "buffer", None)
        return (buffer or self._through()).write(text)  # type: ignore[no-any-return]

    def flush(self) -> None:
        if getattr(_LOCAL, "buffer", None) is None:
            self._through().flush()

    def isatty(self) -> bool:
        return bool(self._through().isatty())

    def fileno(self) -> int:
        return int(self._through().fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._through(), "encoding", "utf-8"))

    def __getattr__(self, name: str) -> Any:
        # Anything else a stream offers (``buffer``, ``errors``...): the underlying stream's.
        if name in ("name", "target"):  # (not set yet: a copy being made)
            raise AttributeError(name)
        return getattr(self._through(), name)


_STDOUT = _RoutedStream("stdout")
_STDERR = _RoutedStream("stderr")


class _LambdaLogHandler(logging.Handler):
    """The Python runtime's root handler: each record, formatted, into the call's log."""

    def emit(self, record: logging.LogRecord) -> None:
        buffer = getattr(_LOCAL, "buffer", None)
        if buffer is None:  # another thread's record (the harness's, a server's)
            return
        if f"{record.name}.".startswith(_NOT_THE_FUNCTIONS) or _powertools_record(record):
            return
        record.aws_request_id = getattr(_LOCAL, "request_id", "")
        try:
            buffer.write(self.format(record))
        except Exception:  # as logging does: a bad record never fails the call
            self.handleError(record)


#: Loggers of the machinery that runs in the trigger's thread in-process (a trigger's Cognito
#: or AWS call reaches the emulator and moto there), never in the function's CloudWatch stream.
_NOT_THE_FUNCTIONS = ("harness.", "moto.", "werkzeug.")


def _powertools_record(record: logging.LogRecord) -> bool:
    """A record of a Powertools Logger, which writes it itself: Powertools puts a filter on the
    root logger's handlers when a Logger is made so that they skip its records (its
    ``SuppressFilter``; unless ``POWERTOOLS_LOG_DEDUPLICATION_DISABLED``). A Logger made
    outside any call (a test imported the module) never saw this handler: the same rule here."""
    loggers = logging.Logger.manager.loggerDict
    name = record.name
    while name:
        if getattr(loggers.get(name), "powertools_handler", None) is not None:
            flag = os.environ.get("POWERTOOLS_LOG_DEDUPLICATION_DISABLED", "false")
            return flag.strip().lower() not in ("1", "y", "yes", "t", "true", "on")
        name = name.rpartition(".")[0]
    return False


_FORMATTER = logging.Formatter(
    "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
    "%Y-%m-%dT%H:%M:%S",
)
_FORMATTER.converter = time.gmtime
_HANDLER = _LambdaLogHandler()
_HANDLER.setFormatter(_FORMATTER)
#: Calls capturing now, on any thread (a trigger's own Cognito call runs another trigger on
#: the worker thread; a timed-out handler may still run there): the handler stays on the root
#: logger until the last one ends.
_calls = 0
_LOCK = threading.Lock()
#: ``sys.stdout`` and ``sys.stderr`` before the first call began.
_before: tuple[Any, Any] = (None, None)


def _install() -> tuple[Any, Any]:
    """The routed streams as ``sys.stdout`` and ``sys.stderr``; what those were."""
    before = sys.stdout, sys.stderr
    if before[0] is not _STDOUT:
        _STDOUT.target, sys.stdout = before[0], _STDOUT
    if before[1] is not _STDERR:
        _STDERR.target, sys.stderr = before[1], _STDERR
    return before


def _uninstall(before: tuple[Any, Any]) -> None:
    if sys.stdout is _STDOUT:
        sys.stdout = before[0]
    if sys.stderr is _STDERR:
        sys.stderr = before[1]


@contextmanager
def routing() -> Iterator[None]:
    """The routed streams in place for a while (outside any call, writes pass through), then
    ``sys.stdout`` and ``sys.stderr`` as they were."""
    before = _install()
    try:
        yield
    finally:
        _uninstall(before)


def begin() -> io.StringIO:
    """Start capturing this thread's output; returns the call's log buffer.

    The streams and the root handler are in place from the first call that begins to the last
    that ends (calls on other threads may overlap: a trigger's own Cognito call runs another
    trigger on the worker thread), then put back: nothing of the harness's stays as
    ``sys.stdout`` where a test's ``capsys`` could take it for the stream to restore.
    """
    global _calls, _before
    with _LOCK:
        if _calls == 0:
            _before = _install()
            logging.root.addHandler(_HANDLER)
        else:
            _install()  # (in case something took their place meanwhile)
        _calls += 1
    buffer = _LOCAL.buffer = io.StringIO()
    _LOCAL.request_id = ""
    return buffer


def request_id(value: str) -> None:
    """The request id the call's :mod:`logging` lines carry (none during the init)."""
    _LOCAL.request_id = value


def end() -> None:
    """Stop capturing this thread's output."""
    _LOCAL.buffer = None
    global _calls
    with _LOCK:
        _calls -= 1
        if _calls == 0:
            logging.root.removeHandler(_HANDLER)
            _uninstall(_before)
