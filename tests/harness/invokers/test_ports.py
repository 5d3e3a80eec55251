"""Ports handed to runtime emulators are reserved across harness processes (pytest-xdist)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness.invokers.local_aws import _try_lock, free_port

# Slow: other Python processes take the ports.
pytestmark = pytest.mark.slow

CHILD = """
import sys
from pathlib import Path
from harness.invokers.local_aws import _try_lock
port = int(sys.argv[1])
path = Path(sys.argv[2]) / f"{port}.lock"
with open(path, "wb") as file:
    print("free" if _try_lock(file) else "reserved")
"""


PORTS = Path(tempfile.gettempdir()) / "cognito-trigger-harness-ports"


def _in_another_process(port: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(port), str(PORTS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_port_given_out_here_is_reserved_for_other_processes() -> None:
    ports = {free_port() for _ in range(5)}
    assert len(ports) == 5  # never the same port twice in one process either
    assert {_in_another_process(port) for port in ports} == {"reserved"}


def test_a_port_nobody_reserved_is_free_for_another_process() -> None:
    import socket

    # A port the OS offers that no harness process holds right now (other test runs on this
    # machine reserve ports too, in the same folder: their ports are not this test's case).
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        PORTS.mkdir(exist_ok=True)
        with open(PORTS / f"{port}.lock", "wb") as file:
            if _try_lock(file):
                break  # nobody's; closing the file lets the lock go again
    assert _in_another_process(port) == "free"
