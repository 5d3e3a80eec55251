"""Fixtures of the functional tests: a fresh recorder per test and emulators of the stacks."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from joserfc import jwk

from harness.emulator import Emulator
from harness.settings import Settings
from harness.stack import Stack
from tests.support.emulator import EMAIL, PASSWORD, MakeEmulator, recorder, recording_stack

_shared_loader = functools.cache(botocore.loaders.create_loader)
_import_rsa_key = jwk.RSAKey.import_key
_rsa_keys: dict[str, Any] = {}


def _cached_rsa_key(value: Any, *args: Any, **kwargs: Any) -> Any:
    key = json.dumps([value, args, kwargs], sort_keys=True, default=str)
    if key not in _rsa_keys:
        _rsa_keys[key] = _import_rsa_key(value, *args, **kwargs)
    return _rsa_keys[key]


@pytest.fixture(autouse=True, scope="module")
def _fast_emulator_start() -> Iterator[None]:
    """Make starting an emulator cheap (each test starts its own): ~0.1 s instead of ~0.3 s.

    Two costs of the libraries, not of the harness, dominate a start: moto's ``mock_aws``
    gives boto3 a fresh session, so botocore re-reads its JSON service models for every
    client; and moto re-imports the same pool signing key (an RSA key check) for every pool.
    Here botocore's data loader is shared by all sessions (as it is by all clients of one
    session), and the imported key is reused. Both are undone after the module.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            botocore.session.Session,
            "_register_data_loader",
            lambda session: session._components.lazy_register_component(
                "data_loader",
                lambda: _shared_loader(session.get_config_variable("data_path")),
            ),
        )
        patch.setattr(jwk.RSAKey, "import_key", staticmethod(_cached_rsa_key))
        yield


@pytest.fixture(autouse=True)
def _fresh_recorder() -> Iterator[None]:
    recorder.reset()
    yield
    recorder.reset()  # also releases a handler still sleeping past its timeout...
    for thread in threading.enumerate():
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
