"""One execution environment under the Lambda Runtime Interface Emulator, any runtime.

The emulator (``samcli/local/rapid/aws-lambda-rie-<arch>``, shipped inside aws-sam-cli) is
started with a runtime command (``python -m awslambdaric <handler>``, ``node
<aws-lambda-ric>/index.mjs <handler>``: see :mod:`harness.invokers.rie` and
:mod:`harness.invokers.node`) and answers Lambda's Invoke API on 127.0.0.1.

Answers
    An HTTP POST to ``/2015-03-31/functions/function/invocations`` on a keep-alive connection.
    The function's result is the body; a function error is the runtime's JSON error object
    (``errorType``, ``errorMessage``, and ``stackTrace`` from Python's client or ``trace`` from
    Node's: the RIE sends no ``X-Amz-Function-Error`` header, so a function that *returns* an
    object of exactly those keys reads as an error). Cognito's limit: the read gives up after
    ``timeout`` seconds, the result is ``timed_out`` and the environment must be replaced, as
    Lambda does after a timeout (the RIE's own "Task timed out" answer counts the same). A
    runtime that dies answers ``Runtime.ExitError``. The cold start's init duration is the RIE's
    ``INIT REPORT`` line (the ``Init Duration`` of its ``REPORT`` line is not the init: it reads
    a few hundredths of a ms); the function's output between the invocation's ``START`` and
    ``REPORT`` lines is ``InvokeResult.logs``.

Processes
    Every RIE runs in a session of its own and is stopped, with its runtime, by
    :mod:`harness.invokers.processes` (SIGTERM, a 2 s deadline, SIGKILL).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import platform
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from harness.aws.lambda_logs import (
    is_platform_line,
    is_report_line,
    is_timeout_answer,
    parse_report_line,
    start_request_id,
)
from harness.invokers.base import InvokerError, InvokeResult
from harness.invokers.local_aws import free_port
from harness.invokers.processes import ManagedProcess, wait_for
from harness.stack import FunctionSpec

INVOKE_PATH: Final = "/2015-03-31/functions/function/invocations"
#: How long an RIE may take to listen after it is started.
START_TIMEOUT_SECONDS = 10.0
#: How long to wait, after the answer, for the RIE's REPORT line (it is written just before).
#: Only a fallback: the line is in the pipe by the time the answer arrives.
REPORT_WAIT_SECONDS = 1.0

_RAPID_LINE: Final = re.compile(
    r"^\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2},\d{3} \[[A-Z]+\] \(rapid\) (?P<message>.*)$"
)
_INIT_REPORT: Final = re.compile(r"INIT REPORT\(durationMs: (?P<ms>[\d.]+)\)")
#: The RIE's line when an invoke fails in the runtime (exit, init error): it prints no REPORT.
_INVOKE_FAILED: Final = re.compile(r"^Invoke DONE failed")
#: The keys of the runtime's error object (awslambdaric's, aws-lambda-ric's, the RIE's own).
_ERROR_KEYS: Final = frozenset({"errorType", "errorMessage", "requestId", "stackTrace", "trace"})


class RuntimeClient(Protocol):
    """A language's runtime interface client, as the RIE starts it for a function."""

    #: The language it runs, for messages ("Python", "Node.js").
    language: str

    def runs(self, runtime: str) -> bool:
        """Whether it runs functions of this template ``Runtime``."""
        ...

    def prepare(self, functions: Sequence[FunctionSpec], announce: Callable[[str], None]) -> None:
        """Check (or install, once) what ``functions`` need; one-line InvokerError otherwise."""
        ...

    def build_path(self) -> list[str]:
        """Folders ``sam build`` needs first on PATH (esbuild)."""
        ...

    def command(self, function: FunctionSpec) -> list[str]:
        """The runtime command the RIE starts (it ends with the handler)."""
        ...

    def environment(self, function: FunctionSpec, code_dir: Path) -> dict[str, str]:
        """Variables the runtime adds to Lambda's (``code_dir``: the folder it runs from, its
        ``LAMBDA_TASK_ROOT``)."""
        ...

    def place(self, code_dir: Path) -> None:
        """Once ``code_dir`` is built: make what surrounds it read as Lambda's ``/var/task``."""
        ...


def rie_binary(why: str = "--invoke rie") -> Path:
    """The Lambda Runtime Interface Emulator inside the installed aws-sam-cli.

    ``why`` starts the one-line error when it cannot run here.
    """
    spec = importlib.util.find_spec("samcli")
    if spec is None or not spec.submodule_search_locations:
        raise InvokerError(
            f"{why} needs aws-sam-cli in this interpreter (it ships the Lambda runtime "
            "interface emulator): pip install 'cognito-trigger-harness[rie]'"
        )
    machine = platform.machine().lower()
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine
    )
    if arch is None or not sys.platform.startswith("linux"):
        raise InvokerError(
            f"{why} runs aws-sam-cli's Linux emulator binary, not available for "
            f"{sys.platform}/{machine}; use --invoke sam with Docker, or --invoke lambda"
        )
    binary = Path(next(iter(spec.submodule_search_locations))) / "local" / "rapid"
    binary = binary / f"aws-lambda-rie-{arch}"
    if not binary.is_file():
        raise InvokerError(
            f"{why}: no emulator at {binary}; reinstall aws-sam-cli (pip install "
            "--force-reinstall aws-sam-cli)"
        )
    if not os.access(binary, os.X_OK):
        raise InvokerError(f"{why}: {binary} is not executable; chmod +x it")
    return binary


@dataclass
class _Capture:
    """What the RIE printed for one invocation."""

    lines: list[str] = field(default_factory=list)
    init_ms: float | None = None
    request_id: str | None = None
    #: The RIE has said the invocation is over (its REPORT line, or its failure line).
    reported: bool = False
    #: The REPORT line's Duration: the function's own time (with its init, on a cold start).
    duration_ms: float | None = None


class RieEnvironment:
    """One function's execution environment: an RIE process, its output reader, a connection."""

    def __init__(
        self,
        function: FunctionSpec,
        rie: Path,
        code_dir: Path,
        env: Mapping[str, str],
        signature: object,
        runtime_argv: Sequence[str],
    ) -> None:
        self.function = function
        self.signature = signature
        self.lock = threading.Lock()
        self._cond = threading.Condition()
        self._capture: _Capture | None = None
        self._recent: deque[str] = deque(maxlen=20)
        self._eof = False
        self._connection: http.client.HTTPConnection | None = None
        self.port = free_port()
        argv = [
            str(rie),
            "--log-level",
            "info",  # its INIT REPORT line is the init duration
            "--runtime-interface-emulator-address",
            f"127.0.0.1:{self.port}",
            "--runtime-api-address",
            f"127.0.0.1:{free_port()}",
            *runtime_argv,
        ]
        self.process = ManagedProcess(argv, cwd=code_dir, env=env)
        try:
            self._reader = threading.Thread(
                target=self._read, name=f"rie-{function.logical_id}", daemon=True
            )
            self._reader.start()
            self._connect()
        except BaseException:
            self.stop()
            raise

    # ------------------------------------------------------------------ output

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            for raw in stream:
                self._line(raw.decode("utf-8", "replace").rstrip("\r\n"))
        except (OSError, ValueError):  # the pipe was closed by stop()
            pass
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _line(self, line: str) -> None:
        with self._cond:
            self._recent.append(line)
            capture = self._capture
            rapid = _RAPID_LINE.match(line)
            if rapid is not None:
                init = _INIT_REPORT.search(rapid["message"])
                if init is not None and capture is not None:
                    capture.init_ms = (capture.init_ms or 0.0) + float(init["ms"])
                elif _INVOKE_FAILED.match(rapid["message"]) and capture is not None:
                    capture.reported = True  # no REPORT line follows a failed invoke
                    self._cond.notify_all()
            elif (request_id := start_request_id(line)) is not None:
                if capture is not None:
                    capture.request_id = request_id
            elif is_report_line(line):
                if capture is not None:
                    capture.duration_ms = parse_report_line(line)[0]
                    capture.reported = True
                    self._cond.notify_all()
            elif not is_platform_line(line) and capture is not None and not capture.reported:
                # awslambdaric ends the lines of one log record with \r (one CloudWatch event).
                capture.lines.append(line.replace("\r", "\n"))

    def _diagnostics(self) -> str:
        with self._cond:
            recent = [line for line in self._recent if line.strip()]
        return recent[-1] if recent else "no output"

    # ------------------------------------------------------------------ connection

    def _connect(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1.0)

        def listening() -> bool:
            if not self.process.alive():
                return True
            try:
                connection.connect()
            except OSError:
                connection.close()
                return False
            return True

        if not wait_for(listening, deadline, step=0.001) or not self.process.alive():
            connection.close()
            raise InvokerError(
                f"{self.function.logical_id}: the Lambda runtime interface emulator did not start "
                f"on 127.0.0.1:{self.port} ({self._diagnostics()}); check the function's handler "
                "and runtime with harness invoke, or report this"
            )
        if connection.sock is not None:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._connection = connection

    def _post(self, payload: bytes, timeout: float) -> tuple[int, bytes]:
        connection = self._connection
        if connection is None:
            self._connect()
            connection = self._connection
            assert connection is not None
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request(
                "POST", INVOKE_PATH, body=payload, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            self._connection = None
            raise
        if response.will_close:
            connection.close()
            self._connection = None
        return response.status, body

    # ------------------------------------------------------------------ invoke

    def invoke(self, payload: bytes, timeout: float) -> tuple[InvokeResult, bool]:
        """The function's answer, and whether this environment must be replaced."""
        capture = _Capture()
        with self._cond:
            self._capture = capture
        started = time.perf_counter()
        broken = False
        try:
            status, body = self._post(payload, timeout)
        except TimeoutError:
            result = InvokeResult(timed_out=True, duration_ms=timeout * 1000)
            broken = True  # Lambda ends an environment whose function timed out
            status, body = 0, b""
        except (OSError, http.client.HTTPException) as error:
            # The RIE itself went away (killed, crashed): what Lambda reports as a runtime exit.
            alive = self.process.alive()
            result = InvokeResult(
                error_type="Runtime.ExitError",
                error_message=(
                    f"RequestId: {capture.request_id or '-'} Error: Runtime exited "
                    f"({'connection lost: ' + type(error).__name__ if alive else 'process died'})"
                ),
            )
            broken = True
            status, body = 0, b""
        elapsed_ms = (time.perf_counter() - started) * 1000
        if status:
            with self._cond:
                self._cond.wait_for(lambda: capture.reported or self._eof, REPORT_WAIT_SECONDS)
            result = result_of(status, body)
            if result.timed_out:
                broken = True
        with self._cond:
            self._capture = None
            result.logs = "".join(line + "\n" for line in capture.lines)
            result.init_duration_ms = capture.init_ms
        if result.timed_out:
            result.duration_ms = max(elapsed_ms, result.duration_ms)
        else:
            # As Lambda reports it: the function's time in its environment, init aside; the
            # round trip's wall time when the RIE printed no REPORT (a failed invoke).
            own = capture.duration_ms if capture.duration_ms is not None else elapsed_ms
            result.duration_ms = max(0.0, own - (capture.init_ms or 0.0))
        return result, broken

    def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self.process.stop()


def result_of(status: int, body: bytes) -> InvokeResult:
    """Read the RIE's answer the way the Invoke API's caller reads Lambda's."""
    if is_timeout_answer(body.decode("utf-8", "replace")):
        return InvokeResult(timed_out=True, error_message=body.decode("utf-8", "replace"))
    try:
        payload = json.loads(body)
    except ValueError:
        if status >= 400:
            return InvokeResult(
                error_type="Runtime.Unknown",
                error_message=body.decode("utf-8", "replace").strip() or f"HTTP {status}",
            )
        return InvokeResult(raw=body)
    if (
        isinstance(payload, dict)
        and {"errorType", "errorMessage"} <= payload.keys()
        and (status >= 400 or payload.keys() <= _ERROR_KEYS)
    ):
        trace = payload.get("stackTrace", payload.get("trace"))
        return InvokeResult(
            error_type=str(payload["errorType"]),
            error_message=str(payload["errorMessage"]),
            traceback=_joined(trace) if isinstance(trace, list) and trace else None,
        )
    if status >= 400:
        return InvokeResult(error_type="Runtime.Unknown", error_message=f"HTTP {status}")
    return InvokeResult(payload=payload)


def _joined(trace: list[object]) -> str:
    """A runtime's stack trace as text: Python's entries end in newlines, Node's do not."""
    lines = [str(entry) for entry in trace]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
