"""The ``sam`` invoker: ``sam local invoke`` each event, in the Lambda container image.

The most faithful local mode (Amazon Linux, the managed runtime's own Python), and the slowest:
a container per invocation. It needs a container engine: Docker or Finch. Without one, creating
the invoker raises :class:`~harness.invokers.base.InvokerError` with the way out
(``--invoke rie`` runs the same ``sam build`` package through the same runtime interface
emulator, without a container).

The functions' AWS calls: the invoker starts the same local moto server as ``rie`` and gives
``sam local invoke`` fake credentials, the region, and ``--env-vars`` with
``AWS_ENDPOINT_URL`` and ``--docker-network host`` (Linux), so the container reaches the
server on 127.0.0.1. SAM only applies ``--env-vars`` to variables the template declares: a
template whose functions do not declare ``AWS_ENDPOINT_URL`` keeps the SDK's default endpoints,
where the fake credentials make any call fail instead of reaching a real account.

Not exercised by this project's CI (no container engine there).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from harness.aws.lambda_logs import mentions_timeout
from harness.invokers.base import InvokerError, InvokeResult
from harness.invokers.build import sam_executable
from harness.invokers.local_aws import LocalAwsServer, function_aws_environment
from harness.invokers.processes import ManagedProcess
from harness.stack import FunctionSpec, Stack, load_stack

NO_CONTAINER_ENGINE = (
    "sam local invoke needs Docker or Finch, and none answers here; use --invoke rie to run "
    "the same code through the Lambda runtime interface emulator"
)
#: Pulling an image and starting a container come on top of the function's own time.
CONTAINER_START_SECONDS = 120.0


def _answers(argv: list[str]) -> bool:
    if shutil.which(argv[0]) is None:
        return False
    try:
        done = subprocess.run(
            argv, capture_output=True, timeout=10, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _docker_host_reachable(docker_host: str) -> bool:
    url = urlparse(docker_host)
    try:
        if url.scheme == "unix":
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(2)
                probe.connect(url.path)
            return True
        if url.scheme in ("tcp", "http", "https") and url.hostname:
            with socket.create_connection((url.hostname, url.port or 2375), timeout=2):
                return True
    except OSError:
        return False
    return False


def container_engine_answers() -> bool:
    """Whether ``docker info`` (or ``finch info``) succeeds, or ``DOCKER_HOST`` accepts."""
    if _answers(["docker", "info"]) or _answers(["finch", "info"]):
        return True
    docker_host = os.environ.get("DOCKER_HOST")
    return bool(docker_host) and _docker_host_reachable(docker_host or "")


class SamLocalInvoker:
    """``sam local invoke <LogicalId> -e - --template <template>`` per event."""

    name = "sam"

    def __init__(self, template: Path | str | Stack, *, region: str | None = None) -> None:
        if not container_engine_answers():
            raise InvokerError(NO_CONTAINER_ENGINE)
        self.stack = template if isinstance(template, Stack) else load_stack(Path(template))
        self.template = self.stack.path
        self.region = region or self.stack.region
        self._sam = sam_executable()
        self._server: LocalAwsServer | None = LocalAwsServer()
        self.aws_endpoint_url: str | None = self._server.endpoint_url
        self._finalizer = weakref.finalize(self, LocalAwsServer.stop, self._server)

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        endpoint = self.aws_endpoint_url or ""
        overrides = {**function.environment, **function_aws_environment(endpoint)}
        descriptor, env_vars = tempfile.mkstemp(prefix="harness-env-vars-", suffix=".json")
        try:
            with open(descriptor, "w", encoding="utf-8") as env_file:
                json.dump({function.logical_id: overrides}, env_file)
            return self._sam_local_invoke(function, event, timeout, Path(env_vars))
        finally:
            # Also when sam cannot be started (ManagedProcess raises): no file left behind.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(env_vars)

    def _sam_local_invoke(
        self, function: FunctionSpec, event: dict[str, Any], timeout: float, env_vars: Path
    ) -> InvokeResult:
        endpoint = self.aws_endpoint_url or ""
        argv = [
            self._sam,
            "local",
            "invoke",
            function.logical_id,
            "--event",
            "-",
            "--template",
            str(self.template),
            "--region",
            self.region,
            "--env-vars",
            str(env_vars),
        ]
        if sys.platform.startswith("linux"):
            argv += ["--docker-network", "host"]
        env = {**os.environ, **function_aws_environment(endpoint), "SAM_CLI_TELEMETRY": "0"}
        env.pop("AWS_PROFILE", None)
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = self.region
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = ManagedProcess(
                argv,
                cwd=self.template.parent,
                env=env,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
            )
            try:
                assert process.popen.stdin is not None
                process.popen.stdin.write(json.dumps(event).encode())
                process.popen.stdin.close()
                process.popen.wait(timeout=timeout + CONTAINER_START_SECONDS)
            except subprocess.TimeoutExpired:
                return InvokeResult(timed_out=True, duration_ms=timeout * 1000)
            finally:
                process.stop()
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            logs = err.read().decode("utf-8", "replace")
        elapsed_ms = (time.perf_counter() - started) * 1000
        return _result_of(stdout, logs, process.popen.returncode, elapsed_ms)

    def close(self) -> None:
        self._finalizer()


def _result_of(stdout: str, logs: str, returncode: int | None, elapsed_ms: float) -> InvokeResult:
    # SAM CLI's own line ("Function 'X' timed out after 3 seconds"), or Lambda's answer.
    if "timed out after" in logs or mentions_timeout(stdout):
        return InvokeResult(timed_out=True, logs=logs, duration_ms=elapsed_ms)
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        detail = next((x for x in reversed(logs.splitlines()) if x.strip()), "no output")
        return InvokeResult(
            error_type="Runtime.Unknown",
            error_message=f"sam local invoke answered nothing (exit {returncode}): {detail}",
            logs=logs,
            duration_ms=elapsed_ms,
        )
    try:
        payload = json.loads(lines[-1])
    except ValueError:
        return InvokeResult(raw=lines[-1].encode(), logs=logs, duration_ms=elapsed_ms)
    if isinstance(payload, dict) and {"errorType", "errorMessage"} <= payload.keys():
        return InvokeResult(
            error_type=str(payload["errorType"]),
            error_message=str(payload["errorMessage"]),
            logs=logs,
            duration_ms=elapsed_ms,
        )
    return InvokeResult(payload=payload, logs=logs, duration_ms=elapsed_ms)
