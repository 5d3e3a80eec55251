"""Fixtures for the live replay and the Lambda invoker: moto plays the deployed stack."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from tests.support.live import REGION, Deployed, TriggerLogs, deploy


@pytest.fixture
def aws() -> Iterator[None]:
    # use_docker False: moto's Lambda answers Invoke with the payload it was sent (no Docker).
    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return boto3.Session(region_name=REGION)


@pytest.fixture
def deployed(session: boto3.Session) -> Deployed:
    return deploy(session)


@pytest.fixture
def triggers(deployed: Deployed) -> TriggerLogs:
    return TriggerLogs(deployed).install(deployed.session)
