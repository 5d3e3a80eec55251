"""Marks the boto3 calls the harness makes for itself (building a pool), so that a recorder
(:mod:`harness.replay.recorder`) leaves them out of the app's traffic. Imports nothing heavy:
the recorder loads it inside the user's own program."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_own = threading.local()


@contextmanager
def harness_own_calls() -> Iterator[None]:
    """Calls made inside are the harness's own set-up, not the app's traffic."""
    _own.active = True
    try:
        yield
    finally:
        _own.active = False


def harness_own_calls_active() -> bool:
    return bool(getattr(_own, "active", False))
