"""Node.js functions under the Lambda Runtime Interface Emulator, with AWS's runtime client.

:class:`NodeRuntime` is the runtime client the ``rie`` invoker (:mod:`harness.invokers.rie`)
starts for ``nodejs<N>.x`` functions, and so what ``--invoke auto`` runs them with:
``node <aws-lambda-ric>/index.mjs <handler>`` in the function's ``sam build`` folder, the
handler found as Lambda's Node.js runtime finds it (``src/handlers/app.handler``: the file
``src/handlers/app.js``, ``.mjs`` or ``.cjs``; CommonJS or ES module; async or callback).

Where the code comes from
    ``sam build`` (:mod:`harness.invokers.build`) installs a function's ``package.json``
    dependencies into its build folder, as for a deployment, and bundles ``Metadata:
    BuildMethod: esbuild`` functions (TypeScript) with esbuild, which the build finds first on
    its PATH (installed with the runtime client, :mod:`harness.invokers.node_tools`).

Layers
    Lambda extracts a function's layers into ``/opt`` and its Node.js runtimes put
    ``/opt/nodejs/node<major>/node_modules`` and ``/opt/nodejs/node_modules`` on ``NODE_PATH``
    before the function's own folder ([D] Lambda developer guide, "Layer paths for each
    Lambda runtime"). Here each local layer of the template (its ``sam build`` output when
    it has one, else its ``ContentUri``) contributes the same two folders, the later layer
    first, as a later layer's files replace an earlier one's under ``/opt``. ``NODE_PATH``
    serves ``require``; for ``import``, which ignores it, a resolution hook looks in the same
    folders (:mod:`harness.invokers.node_resolution`).

Packages above the function's folder
    None is found, as none is in Lambda, whose ``/var/task`` has nothing above it: the
    project's own ``node_modules`` (TypeScript, test tools, ``aws-sdk`` v2) is out of reach of
    the function's ``require`` and ``import`` (:mod:`harness.invokers.node_resolution`).

The runtime client
    The one Lambda's runtime of that major version behaves like (pinned, installed once by
    :mod:`harness.invokers.node_tools`): aws-lambda-ric 3.x for ``nodejs18.x`` to
    ``nodejs22.x``, where callback handlers work; 4.x for ``nodejs24.x`` on, which refuses
    them (``Runtime.CallbackHandlerDeprecated``) as Lambda's Node.js 24 does. Its error
    objects are Lambda's (``errorType``, ``errorMessage``, ``trace``): a thrown ``Error``
    becomes Cognito's ``UserLambdaValidationException`` with its message, a crash
    ``Runtime.ExitError`` and ``UnexpectedLambdaException``.

What differs from Lambda
    The machine's ``node`` runs every ``nodejs<N>.x`` function: a template runtime of another
    major version gets one warning line. The AWS SDK Lambda's runtimes bundle
    (``/var/runtime/node_modules``) is not provided: a function that does not package its
    ``@aws-sdk`` clients fails to import them here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from harness.invokers.node_resolution import node_arguments, stop_package_scope
from harness.invokers.node_tools import (
    NodeTools,
    ensure_esbuild,
    ensure_runtime_client,
    find_node,
)
from harness.stack import FunctionSpec

_RUNTIME: Final = re.compile(r"^nodejs(?P<major>\d+)\.x$")


def runtime_major(runtime: str) -> int | None:
    """18 for ``nodejs18.x``; None for any other runtime."""
    match = _RUNTIME.match(runtime)
    return int(match["major"]) if match else None


def _announce(line: str) -> None:  # pragma: no cover - replaced by the invoker's
    import sys

    print(line, file=sys.stderr, flush=True)


class NodeRuntime:
    """AWS's Node.js runtime interface client (npm ``aws-lambda-ric``) on the machine's node."""

    language = "Node.js"

    def __init__(self) -> None:
        self._tools: NodeTools | None = None
        self._esbuild: Path | None = None
        self._clients: dict[int, list[str]] = {}

    def runs(self, runtime: str) -> bool:
        return runtime_major(runtime) is not None

    def prepare(self, functions: Sequence[FunctionSpec], announce: Callable[[str], None]) -> None:
        """node found; the runtime clients and esbuild installed (once); a warning per other
        major version than the machine's."""
        tools = self._tools = find_node()
        for runtime in sorted({f.runtime for f in functions}):
            major = runtime_major(runtime)
            assert major is not None
            self._clients[major] = ensure_runtime_client(tools, major, announce)
            if major != tools.node_major:
                names = ", ".join(sorted(f.logical_id for f in functions if f.runtime == runtime))
                announce(
                    f"warning: {names}: Runtime {runtime} runs on this machine's Node.js "
                    f"{tools.node_major} ({tools.node}); put Node.js {major} first on PATH to "
                    "run the version Lambda runs"
                )
        if functions:
            self._esbuild = ensure_esbuild(tools, announce)

    def build_path(self) -> list[str]:
        return [str(self._esbuild)] if self._esbuild is not None else []

    def command(self, function: FunctionSpec) -> list[str]:
        major = runtime_major(function.runtime)
        assert major is not None
        if self._tools is None or major not in self._clients:
            self.prepare([function], _announce)
        assert self._tools is not None
        hooks = node_arguments(self._tools.folder)  # packages found as in Lambda
        return [self._tools.node, *hooks, *self._clients[major], function.handler]

    def environment(self, function: FunctionSpec, code_dir: Path) -> dict[str, str]:
        # The layers' folders come in NODE_PATH order (harness.stack.code.layer_paths).
        folders = [*map(str, function.layers), str(code_dir)]
        return {"NODE_PATH": os.pathsep.join(folders)}

    def place(self, code_dir: Path) -> None:
        stop_package_scope(code_dir.parent)
