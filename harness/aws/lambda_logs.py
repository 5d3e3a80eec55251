"""Lambda's own log lines: ``START`` / ``END`` / ``REPORT`` around each invocation, and the
message of a function that ran out of its Timeout.

One reader for every place that meets them: the Invoke API's log tail (the ``lambda``
invoker), the runtime interface emulator's output (``rie``, ``sam``) and CloudWatch Logs (the
live replay, :mod:`harness.aws.logs`). It sits under ``harness.aws`` rather than beside the
invokers so that the live replay's log reader, which is below the invokers, can use it too.

A REPORT line, as Lambda writes it after each invocation::

    REPORT RequestId: 8f5... Duration: 2.50 ms Billed Duration: 3 ms Memory Size: 128 MB
    Max Memory Used: 70 MB Init Duration: 250.25 ms

(the fields are separated by tabs; ``Init Duration`` only on a cold start).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "PLATFORM_PREFIXES",
    "REPORT_PREFIX",
    "Report",
    "is_platform_line",
    "is_report_line",
    "is_timeout_answer",
    "mentions_timeout",
    "parse_report",
    "parse_report_line",
    "start_request_id",
]

REPORT_PREFIX: Final = "REPORT RequestId:"
#: The lines Lambda itself writes around each invocation, not the function.
PLATFORM_PREFIXES: Final = ("START RequestId:", "END RequestId:", REPORT_PREFIX)

_START: Final = re.compile(r"^START RequestId: (?P<id>\S+)")
_DURATION: Final = re.compile(r"REPORT RequestId:.*?\tDuration: ([\d.]+) ms")
_INIT: Final = re.compile(r"REPORT RequestId:.*?\tInit Duration: ([\d.]+) ms")
#: What Lambda says when a function runs out of its own Timeout.
_TIMED_OUT: Final = re.compile(r"Task timed out after [\d.]+ seconds")


@dataclass(frozen=True)
class Report:
    """A REPORT line: the invocation's request id and durations (ms)."""

    request_id: str
    duration_ms: float | None
    init_duration_ms: float | None


def parse_report_line(logs: str) -> tuple[float | None, float | None]:
    """Duration and Init Duration (ms) of the ``REPORT RequestId: ...`` line in ``logs``."""
    duration = _DURATION.search(logs)
    init = _INIT.search(logs)
    return (
        float(duration[1]) if duration else None,
        float(init[1]) if init else None,
    )


def parse_report(message: str) -> Report | None:
    """The REPORT line ``message`` (one log event), or None for any other line."""
    parts = message.split()
    if parts[:2] != REPORT_PREFIX.split() or len(parts) < 3:
        return None
    duration, init = parse_report_line(message)
    return Report(parts[2], duration, init)


def is_report_line(line: str) -> bool:
    return line.startswith(REPORT_PREFIX)


def is_platform_line(line: str) -> bool:
    """Whether Lambda wrote ``line`` (START / END / REPORT), not the function."""
    return line.startswith(PLATFORM_PREFIXES)


def start_request_id(line: str) -> str | None:
    """The request id of a ``START RequestId: <id>`` line, or None for any other line."""
    match = _START.match(line)
    return match["id"] if match else None


def mentions_timeout(text: str) -> bool:
    """Whether ``text`` (a function error's message, a log) holds Lambda's timeout message."""
    return _TIMED_OUT.search(text) is not None


def is_timeout_answer(body: str) -> bool:
    """Whether an invocation's whole answer is the timeout message (what the RIE answers)."""
    return _TIMED_OUT.fullmatch(body.strip()) is not None
