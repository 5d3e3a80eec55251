"""The ``rie`` invoker: each function in its own process, through the Lambda runtime interface.

What runs is what Lambda runs: the ``sam build`` package of the function
(``.aws-sam/build/<LogicalId>/``, rebuilt when missing or stale, see
:mod:`harness.invokers.build`), started by the Lambda Runtime Interface Emulator that ships
inside aws-sam-cli with AWS's own runtime interface client: for Python functions
``python -m awslambdaric <handler>`` on this interpreter (:class:`PythonRuntime`), for
Node.js functions ``node <aws-lambda-ric>/index.mjs <handler>`` (:mod:`harness.invokers.node`).
So the handler is imported and called by the real runtime: its module-level code runs once per
execution environment, its answer is serialised by the runtime, an exception becomes the
runtime's ``errorType`` / ``errorMessage``, and a process exit is ``Runtime.ExitError``
(reading the answers: :mod:`harness.invokers.rie_environment`).

Execution environments
    One RIE per function, on free 127.0.0.1 ports (its invoke address and its runtime API
    address), started on the function's first invocation and kept warm, as Lambda keeps an
    execution environment. It gets the environment Lambda gives the function
    (:func:`~harness.invokers.base.lambda_environment`: reserved variables, the template's
    Globals and Environment, ``AWS_LAMBDA_FUNCTION_TIMEOUT`` so the RIE enforces the function's
    Timeout), what its runtime adds (Node's ``NODE_PATH``), and nothing of the harness's own
    environment but ``PATH``, so the developer's AWS credentials never reach a trigger.
    Invocations of one function are serialised (one environment each); different functions run
    side by side. After a timeout or a runtime exit the environment is replaced on next use.

The triggers' AWS calls
    The invoker starts a moto server on 127.0.0.1 (:class:`~harness.invokers.local_aws.
    LocalAwsServer`) and gives every function ``AWS_ENDPOINT_URL`` pointing at it, with fake
    credentials. It publishes the URL as :attr:`RieInvoker.aws_endpoint_url`; the emulator
    creates and seeds the template's tables there (``Emulator._build``, ``put_items``).

Processes
    Every RIE and its runtime are stopped on :meth:`close`, on errors, when the invoker is
    garbage-collected, and at interpreter exit (:mod:`harness.invokers.processes`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.invokers.base import InvokerError, InvokeResult, lambda_environment
from harness.invokers.build import ensure_built, function_build_dir
from harness.invokers.local_aws import LocalAwsServer, function_aws_environment
from harness.invokers.node import NodeRuntime
from harness.invokers.processes import exit_on_signals
from harness.invokers.rie_environment import RieEnvironment, RuntimeClient, rie_binary
from harness.stack import FunctionSpec, Stack, load_stack


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class PythonRuntime:
    """AWS's Python runtime interface client, ``python -m awslambdaric``, on this interpreter."""

    language = "Python"

    def runs(self, runtime: str) -> bool:
        return runtime.startswith("python")

    def prepare(self, functions: Sequence[FunctionSpec], announce: Callable[[str], None]) -> None:
        if importlib.util.find_spec("awslambdaric") is None:
            raise InvokerError(
                "--invoke rie needs AWS's Python runtime interface client in this interpreter: "
                "pip install 'cognito-trigger-harness[rie]'"
            )

    def build_path(self) -> list[str]:
        return []

    def command(self, function: FunctionSpec) -> list[str]:
        return [sys.executable, "-m", "awslambdaric", function.handler]

    def environment(self, function: FunctionSpec, code_dir: Path) -> dict[str, str]:
        return {}

    def place(self, code_dir: Path) -> None:
        pass  # Python finds modules from the code folder and sys.path only


def _close_all(environments: dict[str, RieEnvironment], server: LocalAwsServer | None) -> None:
    for environment in list(environments.values()):
        environment.stop()
    environments.clear()
    if server is not None:
        server.stop()


class RieInvoker:
    """Run each function's ``sam build`` package under the Lambda runtime interface emulator.

    ``template`` is the SAM template (a path or a loaded :class:`~harness.stack.Stack`).
    ``runtimes`` are the runtime clients it may start (Python's and Node's by default; ``--invoke
    auto`` gives it Node's only). Creating the invoker checks the emulator and the runtime
    clients of the template's functions are installed (installing Node's, once), builds the
    functions if their build is missing or stale (one line on stderr, through ``announce``),
    and starts the local moto server; raises :class:`~harness.invokers.base.InvokerError` (one
    line) when something is missing. Use it as a context manager, or call :meth:`close`.
    """

    name = "rie"

    def __init__(
        self,
        template: Path | str | Stack,
        *,
        region: str | None = None,
        announce: Callable[[str], None] = _announce,
        runtimes: Sequence[RuntimeClient] | None = None,
    ) -> None:
        self.stack = template if isinstance(template, Stack) else load_stack(Path(template))
        self.template = self.stack.path
        self.region = region or self.stack.region
        self._announce = announce
        self._runtimes: tuple[RuntimeClient, ...] = tuple(
            runtimes if runtimes is not None else (PythonRuntime(), NodeRuntime())
        )
        python = any(isinstance(client, PythonRuntime) for client in self._runtimes)
        self._rie = rie_binary("--invoke rie" if python else "running Node.js functions")
        runnable: list[FunctionSpec] = []
        for client in self._runtimes:
            own = [f for f in self.stack.functions.values() if client.runs(f.runtime)]
            if own or isinstance(client, PythonRuntime):
                client.prepare(own, announce)
            runnable += own
        self._build_path = [d for client in self._runtimes for d in client.build_path()]
        ensure_built(self.template, runnable, announce=announce, path_first=self._build_path)
        self._server: LocalAwsServer | None = LocalAwsServer()
        #: The local moto server the functions' AWS SDK calls go to.
        self.aws_endpoint_url: str | None = self._server.endpoint_url
        self._environments: dict[str, RieEnvironment] = {}
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _close_all, self._environments, self._server)
        exit_on_signals()

    def __enter__(self) -> RieInvoker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def runtime_client(self, function: FunctionSpec) -> RuntimeClient:
        """The runtime client that runs ``function``; a one-line error when none does."""
        for client in self._runtimes:
            if client.runs(function.runtime):
                return client
        languages = " and ".join(client.language for client in self._runtimes)
        raise InvokerError(
            f"{function.logical_id}: the runtime interface emulator runs {languages} functions "
            f"here, not {function.runtime}; use --invoke sam (Docker) or --invoke lambda"
        )

    def _environment_of(self, function: FunctionSpec) -> RieEnvironment:
        if not self._finalizer.alive:
            raise InvokerError("the rie invoker is closed; create a new one")
        if function.logical_id not in self.stack.functions:
            raise InvokerError(
                f"{function.logical_id} is not a function of {self.template}; "
                f"functions: {', '.join(self.stack.functions) or '(none)'}"
            )
        client = self.runtime_client(function)
        code_dir = function_build_dir(self.template, function)
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            **lambda_environment(function, self.region),
            "LAMBDA_TASK_ROOT": str(code_dir),
            **client.environment(function, code_dir),
            **(function_aws_environment(self.aws_endpoint_url) if self.aws_endpoint_url else {}),
        }
        argv = client.command(function)
        signature = (tuple(argv), tuple(sorted(env.items())))
        with self._lock:
            current = self._environments.get(function.logical_id)
            if current is not None and current.signature == signature:
                return current
            if current is not None:  # the function's configuration changed: a new environment
                del self._environments[function.logical_id]
                current.stop()
            ensure_built(
                self.template, [function], announce=self._announce, path_first=self._build_path
            )
            client.place(code_dir)
            try:
                environment = RieEnvironment(function, self._rie, code_dir, env, signature, argv)
            except InvokerError:
                # Once more, on new ports: another process may have taken a free one meanwhile.
                environment = RieEnvironment(function, self._rie, code_dir, env, signature, argv)
            self._environments[function.logical_id] = environment
            return environment

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        payload = json.dumps(event).encode()
        environment = self._environment_of(function)
        with environment.lock:
            result, broken = environment.invoke(payload, timeout)
        if broken:
            with self._lock:
                if self._environments.get(function.logical_id) is environment:
                    del self._environments[function.logical_id]
            environment.stop()
        return result

    def recycle(self, logical_id: str) -> None:
        """End a function's environment, if warm: its next invocation is a cold start."""
        with self._lock:
            environment = self._environments.pop(logical_id, None)
        if environment is not None:
            with environment.lock:
                environment.stop()

    def reload(self) -> None:
        """End every warm environment: the next invocation rebuilds what changed and starts
        the function again (``harness serve`` after a trigger file changed)."""
        with self._lock:
            logical_ids = list(self._environments)
        for logical_id in logical_ids:
            self.recycle(logical_id)

    def warm_pids(self) -> dict[str, int]:
        """The RIE process id of each function with a warm environment (for tests and tools)."""
        with self._lock:
            return {lid: env.process.pid for lid, env in self._environments.items()}

    def close(self) -> None:
        """Stop every environment and the local moto server; idempotent."""
        self._finalizer()
