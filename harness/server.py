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

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from harness.cognito import errors
from harness.cognito.validation import validate_request
from harness.emulator import Emulator
from harness.emulator.service import OPERATIONS
from harness.emulator.tokens import install_pool_key, public_jwks
from harness.invokers.build import newest_file_mtime
from harness.redaction import redact_params
from harness.replay.model import ApiCall
from harness.replay.recorder import Recorder
from harness.report import call_line, to_json
from harness.results import CallRecord, CallResult, ReplayResult

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"

StartResponse = Callable[..., Any]
LOG = logging.getLogger("harness.serve")
#: The largest request body served: Cognito's largest input is far smaller.
MAX_BODY_BYTES = 1 << 20


class CognitoApp:
    """The WSGI application behind ``harness serve``."""

    def __init__(
        self,
        emulator: Emulator,
        *,
        out: IO[str] | None = None,
        record: Path | None = None,
        wire_created_pools: bool = False,
        watch: bool = False,
        color: bool = False,
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
        self.watch = CodeWatch(emulator) if watch else None
        self.color = color

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self._answer(environ)
        except Exception:  # a harness bug: Cognito's shape, and its traceback logged once
            LOG.exception("harness serve: internal error")
            response = cognito_error(
                errors.InternalErrorException("harness error; see the server log"), 500
            )
        return response(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> Response:
        request = Request(environ)
        request.max_content_length = MAX_BODY_BYTES
        try:
            data = request.get_data()
        except RequestEntityTooLarge:
            return cognito_error(
                errors.InvalidParameterException(
                    f"the request body is larger than {MAX_BODY_BYTES} bytes"
                ),
                413,
            )
        if request.method == "GET":
            return self._get(request)
        if request.method == "OPTIONS":  # a browser SDK's CORS preflight: moto's app answers
            return self._moto_answer(environ, "", data)
        target = request.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        if request.method != "POST" or request.path != "/" or not operation:
            return cognito_error(
                errors.UnknownOperationException(
                    f"no operation: POST / with X-Amz-Target: {TARGET_PREFIX}<Operation>"
                )
            )
        try:
            params = parse_body(data)
            validate_request(operation, params)
        except errors.CognitoError as refused:
            return cognito_error(refused)
        # One lock around the routing decision and the call: the emulator swaps its pool while
        # it serves a created pool, and moto's backends are not thread-safe either.
        with self.lock:
            self._reload_if_changed()
            if operation in OPERATIONS and not self._moto_pool(params):
                return self._emulated(operation, params)
            answer = self._moto_answer(environ, operation, data)
            self._answered_by_moto(operation, params, answer)
            return answer

    def _reload_if_changed(self) -> None:
        """Trigger code edited since the last call: import it again / restart its runtime."""
        if self.watch is None or not self.watch.changed():
            return
        reload = getattr(self.emulator.invoker, "reload", None)
        if reload is not None:
            reload()
            if self.out is not None:
                print("(trigger code changed: reloaded)", file=self.out, flush=True)

    def _answered_by_moto(self, operation: str, params: dict[str, Any], answer: Response) -> None:
        """A call moto answered gets its row, its place in the report and in the recording,
        so that a recorded session replays to the same outcomes."""
        try:
            body = json.loads(answer.get_data() or b"{}")
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        error = None
        if answer.status_code >= 300:
            code = str(body.get("__type", "InternalErrorException")).rpartition("#")[2]
            error = errors.cognito_error(code, str(body.get("message", "")), answer.status_code)
        record = CallRecord(
            operation=operation,
            source=f"http:{len(self.results) + 1}",
            request=redact_params(params),
            invocations=[],
            response=None if error else body,
            error=error,
        )
        self._done(operation, params, record)

    def _get(self, request: Request) -> Response:
        if request.path == "/_harness/invocations":
            with self.lock:
                body = json.dumps(to_json(self.report()), indent=2)
            return Response(body, content_type="application/json")
        parts = request.path.strip("/").split("/")
        if len(parts) == 3 and parts[1:] == [".well-known", "jwks.json"]:
            with self.lock:
                pool = self.emulator.backend.user_pools.get(parts[0])
                if pool is not None:
                    return Response(json.dumps(public_jwks(pool)), content_type="application/json")
            return cognito_error(
                errors.ResourceNotFoundException(f"User pool {parts[0]} does not exist."), 404
            )
        if len(parts) == 3 and parts[1:] == [".well-known", "openid-configuration"]:
            return self._moto_answer(request.environ, "", b"")
        return cognito_error(errors.ResourceNotFoundException(f"no resource {request.path}"), 404)

    def _moto_answer(self, environ: dict[str, Any], operation: str, data: bytes) -> Response:
        """moto's own answer; anything but its JSON (an HTML page, a 5xx) is a harness error."""
        # The body was read: hand moto's app a fresh stream of it.
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        answer = Response.from_app(self.moto, environ)
        body = answer.get_data()
        html = (answer.mimetype or "").startswith("text/html")
        if answer.status_code >= 500 or html:
            LOG.error(
                "harness serve: moto answered %s %s with %s: %s",
                operation or environ.get("PATH_INFO"),
                answer.status_code,
                answer.mimetype,
                body[:2000].decode("utf-8", "replace"),
            )
            if answer.status_code == 404:
                return cognito_error(
                    errors.UnknownOperationException(f"Unknown operation {operation}")
                )
            return cognito_error(
                errors.InternalErrorException(f"{operation} failed in moto; see the server log"),
                500,
            )
        if operation == "CreateUserPool" and answer.status_code == 200:
            self._adopt([body])
        return answer

    def _adopt(self, body: list[bytes]) -> None:
        """A pool an SDK just created gets its own signing key, and, with --wire-created-pools,
        the template's triggers."""
        try:
            pool_id = json.loads(b"".join(body))["UserPool"]["Id"]
        except (ValueError, KeyError, TypeError):
            return  # moto refused the request: no pool to wire
        pool = self.emulator.backend.user_pools.get(pool_id)
        if pool is not None:
            install_pool_key(pool)
        if not self.wire_created_pools:
            return
        self.emulator.adopt_pool(pool_id)
        if self.out is not None:
            print(
                f"(pool {pool_id} created through the API: template triggers wired)", file=self.out
            )

    def _moto_pool(self, params: dict[str, Any]) -> bool:
        """True when the call names a pool an SDK created and nobody wired: moto answers it.

        (A replay maps unknown ids onto the template's pool; a server must not, since the pool
        the client named really exists here.)
        """
        emulator = self.emulator
        pools = emulator.backend.user_pools
        pool_id, client_id = params.get("UserPoolId"), params.get("ClientId")
        for other, pool in list(pools.items()):
            if other == self.template_pool_id or other in emulator.adopted_pools:
                continue
            if pool_id == other or (isinstance(client_id, str) and client_id in pool.clients):
                return True
        return False

    def _emulated(self, operation: str, params: dict[str, Any]) -> Response:
        # The caller holds self.lock: one call at a time, one row each, in order.
        number = len(self.results) + 1
        record = self.emulator.call(operation, params, source=f"http:{number}")
        self._done(operation, params, record)
        if record.error is not None:
            if record.traceback:
                LOG.error("harness serve: %s failed:\n%s", operation, record.traceback)
            return cognito_error(record.error)
        return Response(json.dumps(record.response or {}), content_type=CONTENT_TYPE)

    def _done(self, operation: str, params: dict[str, Any], record: CallRecord) -> None:
        """One call answered (the caller holds self.lock): its row, report entry, recording."""
        result = CallResult(
            call=ApiCall(operation=operation, params=params, source=record.source),
            record=record,
        )
        self.results.append(result)
        if self.out is not None:
            print(call_line(result, color=self.color), file=self.out, flush=True)
        if self.recorder is not None:
            self._record(operation, params, record)

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


class CodeWatch:
    """Notices when a trigger's files change (the newest modification time under each
    function's CodeUri), so that ``harness serve`` runs the code as it is now."""

    def __init__(self, emulator: Emulator) -> None:
        self.roots = sorted({f.code_uri for f in emulator.dispatcher.functions.values()})
        self.seen = self._newest()

    def _newest(self) -> float:
        return max((newest_file_mtime(root) for root in self.roots), default=0.0)

    def changed(self) -> bool:
        newest = self._newest()
        if newest <= self.seen:
            return False
        self.seen = newest
        return True


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


def parse_body(data: bytes) -> dict[str, Any]:
    """The request's JSON object, or Cognito's SerializationException."""
    try:
        params = json.loads(data.decode("utf-8") if data else "{}", parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise errors.SerializationException(f"the request body is not JSON: {error}") from None
    if not isinstance(params, dict):
        raise errors.SerializationException("the request body must be a JSON object")
    return params


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def cognito_error(error: errors.CognitoError, status: int | None = None) -> Response:
    """Cognito's JSON error shape: ``__type`` and ``message``, the error's status."""
    body = {"__type": error.code, "message": error.message}
    return Response(
        json.dumps(body),
        status=status or error.status,
        content_type=CONTENT_TYPE,
        headers={"x-amzn-ErrorType": error.code},
    )


def banner(emulator: Emulator, endpoint: str, setup: Path | None = None) -> str:
    wired = ", ".join(f"{t}→{f.logical_id}" for t, f in emulator.dispatcher.functions.items())
    users = len(emulator.pool.users)
    return "\n".join(
        [
            f"harness serve: Cognito on {endpoint} ({time.strftime('%H:%M:%S')})",
            f"  template      {emulator.stack.path}",
            f"  UserPoolId    {emulator.user_pool_id}   ({emulator.pool_spec.name})",
            *_client_lines(emulator),
            f"  triggers      {wired or '(none)'} ({emulator.invoker.name})",
            f"  setup         {setup or '(none)'}: {users} user(s)",
            f"  JWKS          {endpoint}/{emulator.user_pool_id}/.well-known/jwks.json",
            f"  report        {endpoint}/_harness/invocations",
            "  e.g. aws cognito-idp admin-initiate-auth --endpoint-url "
            f"{endpoint} --user-pool-id {emulator.user_pool_id} --client-id "
            f"{emulator.client_id} ...",
        ]
    )
