"""An emulator served on 127.0.0.1 (a free port), a boto3 client of it, and pycognito's SRP
client (an SRP implementation nobody here wrote) pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import boto3
from pycognito.aws_srp import AWSSRP

from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer


class ServedPool:
    def __init__(self, emulator: Emulator, endpoint: str) -> None:
        self.emulator = emulator
        self.client = boto3.client(
            "cognito-idp",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    def srp(self, username: str, password: str, **device: Any) -> AWSSRP:
        """pycognito's client for ``username`` (``device``: device_key, device_group_key,
        device_password of a remembered device)."""
        return AWSSRP(
            username=username,
            password=password,
            pool_id=self.emulator.user_pool_id,
            client_id=self.emulator.client_id,
            client=self.client,
            **device,
        )


Served = TypeVar("Served", bound=ServedPool)


def served(emulator: Emulator, kind: type[Served]) -> Iterator[Served]:
    """Serve ``emulator`` until the generator is closed, as a ``kind`` of :class:`ServedPool`."""
    server = CognitoServer(CognitoApp(emulator), port=0).start()
    try:
        yield kind(emulator, server.endpoint)
    finally:
        server.stop()
