"""The emulated AWS the triggers' own calls reach when they run outside this process.

In-process, moto's ``mock_aws`` intercepts a trigger's boto3 calls (DynamoDB for invitations and
legacy users). A function run by the Lambda runtime interface emulator (``--invoke rie``) is
another process that mock cannot reach, so the invoker starts moto's server on a free
127.0.0.1 port (:class:`LocalAwsServer`, a thread of this process) and gives the functions
``AWS_ENDPOINT_URL=http://127.0.0.1:<port>`` and fake credentials
(:func:`function_aws_environment`). The invoker publishes the URL as ``aws_endpoint_url``; the
emulator then creates and seeds the template's tables through :func:`trigger_client`, against
the same endpoint, so the functions find them. The Cognito state stays in the in-process mock.

The fake credentials also mean that a call a trigger sends anywhere else cannot succeed with
the developer's real credentials.
"""

from __future__ import annotations

import logging
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from harness.stack import Stack

#: Credentials the functions (and the harness's own clients of the local server) sign with.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


#: How long a port handed out by :func:`free_port` stays reserved for its process: far longer
#: than a runtime emulator takes to bind it.
RESERVATION_SECONDS = 60.0
_reserved: dict[int, tuple[float, IO[bytes]]] = {}
_reserved_lock = threading.Lock()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, and reserved for this process for a while.

    The port is handed to a child process (a runtime emulator) that binds it a moment later.
    Other harness processes (pytest-xdist workers, a replay beside a test run) probing at the
    same moment could be handed the same port by the OS in that moment; a harness process
    therefore takes an exclusive lock on a file named after the port, in the temporary
    directory, and the others pass over a locked port. The lock goes with the process, or
    after :data:`RESERVATION_SECONDS`.
    """
    directory = Path(tempfile.gettempdir()) / "cognito-trigger-harness-ports"
    directory.mkdir(exist_ok=True)
    with _reserved_lock:
        now = time.monotonic()
        for port, (since, held) in list(_reserved.items()):
            if now - since > RESERVATION_SECONDS:
                held.close()  # closing the file releases its lock
                del _reserved[port]
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("127.0.0.1", 0))
                port = int(probe.getsockname()[1])
            if port in _reserved:
                continue
            lock = open(directory / f"{port}.lock", "wb")  # noqa: SIM115 - held past this call
            if _try_lock(lock):
                _reserved[port] = (now, lock)
                return port
            lock.close()  # another harness process reserved it: probe again


def _try_lock(file: IO[bytes]) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: the OS's choice alone
        return True
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class LocalAwsServer:
    """moto's server on 127.0.0.1 (an OS-chosen free port), in a thread of this process.

    It serves moto's in-process backends, the same ones ``mock_aws`` uses: state the harness
    writes through either is visible through both.
    """

    def __init__(self) -> None:
        from moto.moto_server import threaded_moto_server
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from harness.invokers.local_aws_errors import AwsErrors

        # werkzeug logs each request at INFO on stderr; keep the harness's output clean.
        werkzeug = logging.getLogger("werkzeug")
        if werkzeug.level == logging.NOTSET:
            werkzeug.setLevel(logging.WARNING)

        class Server(threaded_moto_server.ThreadedMotoServer):
            """moto's server (5.2's ``_server_entry``, its application wrapped), with the
            application's failures answered as AWS errors."""

            def _server_entry(self) -> None:
                app = DomainDispatcherApplication(create_backend_app)
                self._server = make_server(
                    self._ip_address,
                    self._port,
                    AwsErrors(app),
                    True,
                    request_handler=MotoRequestHandler,
                )
                self._server_ready_event.set()
                self._server.serve_forever()

        self._server = Server(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._stopped = False

    def stop(self) -> None:
        """Stop serving, without waiting: werkzeug notices within its 0.5 s poll interval."""
        if not self._stopped:
            self._stopped = True
            threading.Thread(target=self._server.stop, name="moto-server-stop", daemon=True).start()


def function_aws_environment(endpoint_url: str) -> dict[str, str]:
    """The variables that point a function's AWS SDK at the local server."""
    return {"AWS_ENDPOINT_URL": endpoint_url, **FAKE_CREDENTIALS}


def trigger_client(service: str, region: str, endpoint_url: str | None) -> Any:
    """A boto3 client of the AWS the triggers see: the local server, else the in-process mock."""
    if endpoint_url is None:
        return boto3.client(service, region_name=region)  # type: ignore[call-overload]
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
    )


#: An address or a domain a function's environment names (a sender, typically).
_EMAIL = re.compile(r"[^@\s<>\"']+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")


def sandbox_identities(stack: Stack) -> list[str]:
    """The SES identities the stack sends from, as a developer's account has them verified.

    In the user's sandbox account the sender a trigger mails from is a verified SES identity,
    set up out of band; moto starts with none and refuses every SendEmail ("Email address not
    verified"). These are the addresses in the functions' environment variables and the
    pools' EmailConfiguration (From, and the identity of SourceArn).
    """
    found: list[str] = []
    for function in stack.functions.values():
        for value in function.environment.values():
            found.extend(m[0] for m in _EMAIL.finditer(value))
    for pool in stack.pools.values():
        email = pool.properties.get("EmailConfiguration") or {}
        found.extend(m[0] for m in _EMAIL.finditer(str(email.get("From") or "")))
        source = str(email.get("SourceArn") or "")
        if ":identity/" in source:
            found.append(source.split(":identity/", 1)[1])
    return list(dict.fromkeys(found))


def set_up_sandbox(stack: Stack, endpoint_url: str | None, region: str) -> None:
    """Verify the stack's SES identities (:func:`sandbox_identities`) where triggers call."""
    identities = sandbox_identities(stack)
    if not identities:
        return
    ses = trigger_client("ses", region, endpoint_url)
    for identity in identities:
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)


@contextmanager
def emulated_tables(stack: Stack, endpoint_url: str | None, region: str) -> Iterator[None]:
    """moto's mock started and the template's tables created, empty, where the triggers look.

    What ``harness invoke`` runs a function in: a DynamoDB-backed trigger then reads an empty
    table and answers as it would for an unknown key, instead of failing to connect.
    """
    from moto import mock_aws

    with mock_aws():
        dynamodb = trigger_client("dynamodb", region, endpoint_url)
        for table in stack.tables.values():
            dynamodb.create_table(**table.create_table_kwargs())
        set_up_sandbox(stack, endpoint_url, region)
        yield
