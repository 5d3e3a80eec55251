"""Fixtures of the invoker tests: RIE invokers of the project and fixture templates, and the
check, when the session ends, that no emulator or runtime process it started is left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.invokers.processes import started_pids
from harness.invokers.rie import RieInvoker
from harness.stack import Stack, load_stack
from tests.support.invokers import FIXTURE_TEMPLATE, PROJECT_TEMPLATE, lambda_processes


@pytest.fixture(scope="session", autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """Torn down last: every RIE and runtime this session started must be gone."""
    yield
    left = lambda_processes(started_pids())
    assert not left, f"processes left behind by the invoker tests: {left}"


@pytest.fixture(scope="session")
def project_stack() -> Stack:
    return load_stack(PROJECT_TEMPLATE)


@pytest.fixture(scope="session")
def fixture_stack() -> Stack:
    return load_stack(FIXTURE_TEMPLATE)


@pytest.fixture(scope="session")
def project_rie(project_stack: Stack) -> Iterator[RieInvoker]:
    """One RIE invoker of template.yaml for the session: its environments stay warm."""
    with RieInvoker(project_stack) as invoker:
        yield invoker


@pytest.fixture(scope="session")
def fixture_rie(fixture_stack: Stack) -> Iterator[RieInvoker]:
    with RieInvoker(fixture_stack) as invoker:
        yield invoker
