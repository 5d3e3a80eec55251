"""Fixtures of the functional tests: a fresh recorder per test and emulators of the stacks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.settings import Settings
from harness.stack import Stack
from tests.support.emulator import EMAIL, PASSWORD, MakeEmulator, recorder, recording_stack


@pytest.fixture(autouse=True)
def _fresh_recorder() -> Iterator[None]:
    recorder.reset()
    before = set(threading.enumerate())  # another test's sleeper (invokers/) is not ours
    yield
    recorder.reset()  # also releases a handler still sleeping past its timeout...
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("trigger"):
            # ...and waits until it has returned and restored the environment variables it
            # set, so that nothing of this test runs on into the next one.
            thread.join(timeout=5)


@pytest.fixture
def make_emulator() -> Iterator[MakeEmulator]:
    """``make_emulator(stack=..., settings=..., overrides=..., clock=...)``: a started emulator,
    stopped at the end of the test."""
    with ExitStack() as stack_of_emulators:

        def make(
            stack: Stack | None = None,
            *,
            settings: Settings | None = None,
            **kwargs: Any,
        ) -> Emulator:
            emu = Emulator(stack or recording_stack(), settings=settings or Settings(), **kwargs)
            return stack_of_emulators.enter_context(emu)

        yield make


@pytest.fixture
def emu(make_emulator: MakeEmulator) -> Emulator:
    """The recording stack with default settings, and alice (CONFIRMED, PASSWORD)."""
    emulator = make_emulator()
    emulator.add_user(
        "alice", password=PASSWORD, attributes={"email": EMAIL, "email_verified": "true"}
    )
    return emulator
