"""``--invoke auto``, the default: each function by its ``Runtime``.

===================================  ==============================================================
Runtime                              How it runs
===================================  ==============================================================
``python3.*``                        in this process (:class:`~harness.invokers.inprocess.
                                     InProcessInvoker`), as ``--invoke inprocess``
``nodejs<N>.x``                      its ``sam build`` package under the Lambda runtime interface
                                     emulator with AWS's Node.js runtime client
                                     (:class:`~harness.invokers.rie.RieInvoker` with
                                     :class:`~harness.invokers.node.NodeRuntime`)
anything else (Java, .NET, Ruby,     one line naming ``--invoke sam`` or ``--invoke lambda``:
``provided``)                        creating the invoker fails when a trigger needs one
===================================  ==============================================================

A template with Python functions only gets the in-process invoker itself: nothing is built
or started. With Node.js functions, the RIE invoker's local moto server is the AWS every
function's calls reach (the in-process mock serves the same state), published as
``aws_endpoint_url``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from harness.invokers.base import Invoker, InvokerError, InvokeResult
from harness.invokers.inprocess import InProcessInvoker
from harness.invokers.node import NodeRuntime, runtime_major
from harness.stack import FunctionSpec, Stack


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def runs_locally(runtime: str) -> bool:
    """Whether ``--invoke auto`` runs functions of this ``Runtime``."""
    return runtime.startswith("python") or runtime_major(runtime) is not None


def not_local(function: FunctionSpec) -> InvokerError:
    """The one line for a function whose runtime only a container or Lambda runs."""
    return InvokerError(
        f"{function.logical_id}: Runtime {function.runtime} does not run on this machine's "
        "interpreters (Python in-process, Node.js under the runtime interface emulator); use "
        "--invoke sam (Docker or Finch) or --invoke lambda (the deployed function)"
    )


class AutoInvoker:
    """Python functions in-process, Node.js functions under the RIE (see the module docstring)."""

    name = "auto"

    def __init__(
        self,
        stack: Stack,
        *,
        region: str | None = None,
        announce: Callable[[str], None] = _announce,
    ) -> None:
        from harness.invokers.rie import RieInvoker

        self.region = region or stack.region
        self._inprocess = InProcessInvoker(region=self.region)
        self._node = RieInvoker(stack, region=region, announce=announce, runtimes=[NodeRuntime()])
        #: The local moto server the Node.js functions call (the Python ones share its state).
        self.aws_endpoint_url: str | None = self._node.aws_endpoint_url

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        if function.runtime.startswith("python"):
            return self._inprocess.invoke(function, event, timeout)
        if runtime_major(function.runtime) is not None:
            return self._node.invoke(function, event, timeout)
        raise not_local(function)

    def recycle(self, logical_id: str) -> None:
        """End a Node.js function's environment, if warm: its next invocation is a cold start."""
        self._node.recycle(logical_id)

    def close(self) -> None:
        self._inprocess.close()
        self._node.close()


def auto_invoker(
    stack: Stack, *, region: str | None = None, announce: Callable[[str], None] = _announce
) -> Invoker:
    """The ``auto`` invoker of ``stack``: the in-process one when every function is Python.

    Raises :class:`InvokerError` (one line) when a trigger's runtime does not run locally.
    """
    wired = sorted({lid for pool in stack.pools.values() for lid in pool.triggers.values()})
    for logical_id in wired:
        function = stack.functions[logical_id]
        if not runs_locally(function.runtime):
            raise not_local(function)
    if not any(runtime_major(f.runtime) is not None for f in stack.functions.values()):
        return InProcessInvoker(region=region or stack.region)
    return AutoInvoker(stack, region=region, announce=announce)
