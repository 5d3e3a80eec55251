"""``harness serve``: a local Cognito endpoint with live triggers, for any SDK.

It speaks the Cognito Identity Provider JSON protocol (``POST /`` with ``X-Amz-Target:
AWSCognitoIdentityProviderService.<Operation>``). The operations the emulator implements run
through it, with triggers; every other operation, and the pool's JWKS at
``/<userPoolId>/.well-known/jwks.json``, is answered by moto's own cognito-idp application over
the same in-memory pool. One lock serialises requests, so concurrent clients cannot lose a user
or an invocation record, and rows never interleave.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from harness.emulator import Emulator
from harness.emulator.service import OPERATIONS
from harness.replay.model import ApiCall
from harness.replay.recorder import Recorder
from harness.report import call_line, to_json
from harness.results import CallRecord, CallResult, ReplayResult

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"

StartResponse = Callable[..., Any]


class CognitoApp:
    """The WSGI application behind ``harness serve``."""

    def __init__(
        self,
        emulator: Emulator,
        *,
        out: IO[str] | None = None,
        record: Path | None = None,
        wire_created_pools: bool = False,
    ) -> None:
        from harness.emulator.moto_app import MotoCognitoApp

        self.emulator = emulator
        self.out = out
        self.lock = threading.Lock()
        self.moto = MotoCognitoApp()  # moto's cognito-idp handlers, without Flask
        self.recorder = Recorder(record) if record else None
        self.results: list[CallResult] = []
        self.wire_created_pools = wire_created_pools
        self.template_pool_id = emulator.user_pool_id

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        data = request.get_data()
        if request.path == "/_harness/invocations" and request.method == "GET":
            with self.lock:
                body = json.dumps(to_json(self.report()), indent=2)
            return Response(body, content_type="application/json")(environ, start_response)
        target = request.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        # One lock around the routing decision and the call: the emulator swaps its pool while
        # it serves a created pool, and moto's backends are not thread-safe either.
        with self.lock:
            if operation in OPERATIONS and not self._moto_pool(data):
                return self._emulated(operation, request)(environ, start_response)
            # The body was read: hand moto's app a fresh stream of it.
            environ["wsgi.input"] = io.BytesIO(data)
            environ["CONTENT_LENGTH"] = str(len(data))
            answer = list(self.moto(environ, start_response))
            if operation == "CreateUserPool" and self.wire_created_pools:
                self._adopt(answer)
            return answer

    def _adopt(self, body: list[bytes]) -> None:
        """A pool an SDK just created gets the template's triggers (--wire-created-pools)."""
        try:
            pool_id = json.loads(b"".join(body))["UserPool"]["Id"]
        except (ValueError, KeyError, TypeError):
            return  # moto refused the request: no pool to wire
        self.emulator.adopt_pool(pool_id)
        if self.out is not None:
            print(
                f"(pool {pool_id} created through the API: template triggers wired)", file=self.out
            )

    def _moto_pool(self, data: bytes) -> bool:
        """True when the call names a pool an SDK created and nobody wired: moto answers it.

        (A replay maps unknown ids onto the template's pool; a server must not, since the pool
        the client named really exists here.)
        """
        try:
            params = json.loads(data or b"{}")
        except ValueError:
            return False
        if not isinstance(params, dict):
            return False
        emulator = self.emulator
        pools = emulator.backend.user_pools
        pool_id, client_id = params.get("UserPoolId"), params.get("ClientId")
        for other, pool in list(pools.items()):
            if other == self.template_pool_id or other in emulator.adopted_pools:
                continue
            if pool_id == other or (isinstance(client_id, str) and client_id in pool.clients):
                return True
        return False

    def _emulated(self, operation: str, request: Request) -> Response:
        try:
            params = json.loads(request.get_data() or b"{}")
            if not isinstance(params, dict):
                raise ValueError("the request body must be a JSON object")
        except ValueError as error:
            body = {"__type": "SerializationException", "message": str(error)}
            return Response(json.dumps(body), status=400, content_type=CONTENT_TYPE)
        # The caller holds self.lock: one call at a time, one row each, in order.
        number = len(self.results) + 1
        record = self.emulator.call(operation, params, source=f"http:{number}")
        result = CallResult(
            call=ApiCall(operation=operation, params=params, source=record.source),
            record=record,
        )
        self.results.append(result)
        if self.out is not None:
            print(call_line(result), file=self.out, flush=True)
        if self.recorder is not None:
            self._record(operation, params, record)
        if record.error is not None:
            body = {"__type": record.error.code, "message": record.error.message}
            return Response(json.dumps(body), status=record.error.status, content_type=CONTENT_TYPE)
        return Response(json.dumps(record.response or {}), content_type=CONTENT_TYPE)

    def _record(self, operation: str, params: dict[str, Any], record: CallRecord) -> None:
        assert self.recorder is not None
        status = record.error.status if record.error else 200
        parsed = {"Error": {"Code": record.error.code}} if record.error else (record.response or {})
        # The server knows which triggers ran and where the metadata went: keep it as the
        # replay's expectation, so replaying the recording checks the same routing.
        triggers = {i.trigger: i.metadata_field or "none" for i in record.invocations}
        self.recorder.write(operation, params, parsed, status, expect=triggers)

    def report(self) -> ReplayResult:
        emu = self.emulator
        return ReplayResult(
            results=list(self.results),
            template=str(emu.stack.path),
            invoker=emu.invoker.name,
            settings=emu.settings,
            id_map=dict(emu.id_map),
            skipped=[],
            user_pool_id=emu.user_pool_id,
            client_id=emu.client_id,
        )

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()


class CognitoServer:
    """The app on a werkzeug threaded server; ``start()`` in a thread or ``serve_forever()``."""

    def __init__(self, app: CognitoApp, host: str = "127.0.0.1", port: int = 9229) -> None:
        self.app = app
        # The per-call rows are the log; werkzeug's access lines would only interleave with them.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # werkzeug exits the process when the port is taken; find out first, as an OSError.
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug binds
            probe.bind((host, port))
        self.server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.host = host
        self.port = self.server.server_port
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> CognitoServer:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self, timeout: float = 5.0) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        self.app.close()


def _client_lines(emulator: Emulator) -> list[str]:
    """One line per app client; a client's secret is printed (the emulated one, local only):
    an SDK configured with it computes SECRET_HASH as it does against AWS."""
    secrets = emulator.client_secrets()
    return [
        f"  ClientId      {client_id}   ({emulator.client_target(lid).client_spec.name})"
        + (f"   secret {secrets[lid]}" if secrets[lid] else "")
        for lid, client_id in emulator.client_ids.items()
    ]


def banner(emulator: Emulator, endpoint: str) -> str:
    wired = ", ".join(f"{t}→{f.logical_id}" for t, f in emulator.dispatcher.functions.items())
    return "\n".join(
        [
            f"harness serve: Cognito on {endpoint} ({time.strftime('%H:%M:%S')})",
            f"  template      {emulator.stack.path}",
            f"  UserPoolId    {emulator.user_pool_id}   ({emulator.pool_spec.name})",
            *_client_lines(emulator),
            f"  triggers      {wired or '(none)'}",
            f"  JWKS          {endpoint}/{emulator.user_pool_id}/.well-known/jwks.json",
            f"  report        {endpoint}/_harness/invocations",
            "  e.g. aws cognito-idp admin-initiate-auth --endpoint-url "
            f"{endpoint} --user-pool-id {emulator.user_pool_id} ...",
        ]
    )
