"""Shared fixtures: fake AWS credentials, moto-backed tables from template.yaml, a context."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from harness.stack import Stack, load_stack
from tests.support.fast_start import next_test, shared_models_and_keys
from tests.support.paths import TEMPLATE
from tests.support.tables import Tables

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may reach real AWS: fake credentials and a fixed region for every test.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "tests",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _fast_emulator_start() -> Iterator[None]:
    """Starting an emulator (or any moto-backed client) costs ~0.05 s instead of ~0.3 s:
    botocore's models are read and the pools' keys made once (tests/support/fast_start.py)."""
    with shared_models_and_keys():
        yield


@pytest.fixture(autouse=True)
def _keys_of_this_test() -> None:
    """Each test's pools get keys of their own again (tests/support/fast_start.py)."""
    next_test()


@pytest.fixture(scope="session")
def stack() -> Stack:
    return load_stack(TEMPLATE)


@pytest.fixture
def tables(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tables]:
    """moto DynamoDB with the template's tables; trigger env vars set as the template sets them."""
    with mock_aws():
        client = boto3.client("dynamodb")
        for table in stack.tables.values():
            client.create_table(**table.create_table_kwargs())
        for function in stack.functions.values():
            for name, value in function.environment.items():
                if name.endswith("_TABLE"):
                    monkeypatch.setenv(name, value)
        yield Tables(
            invitations=stack.tables["InvitationsTable"].table_name,
            legacy_users=stack.tables["LegacyUsersTable"].table_name,
        )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (``make test``): one worker more than the cores this process may use.

    A third of the suite's wall time on 2 cores is waiting, not computing: on trigger
    timeouts (Lambda's 1 s minimum, Cognito's 5 s), on servers and emulators starting, on
    ``sleep``s in the subprocess tests. A worker more fills it, for the CPU of one more worker
    start (~1.6 s of collection, its own emulators and runtimes). Measured on 2 cores
    (bench/README.md, "The suite under -n auto"). ``-n N`` and xdist's own
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decide when given.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (processes, servers: seconds each) first, in their order, then the
    others: under pytest-xdist the workers then end together on short tests instead of one
    waiting for the other's last long one."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
