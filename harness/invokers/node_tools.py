"""The Node.js pieces the harness needs, installed with npm once, into a per-user cache.

Node and npm come from the machine. AWS's Node.js runtime interface client (the npm package
``aws-lambda-ric``) and esbuild (which ``sam build`` runs for ``Metadata: BuildMethod:
esbuild`` functions) are installed by ``npm install`` at the pinned versions below, each in a
folder of its own under ``$XDG_CACHE_HOME/cognito-trigger-harness/node/`` (``~/.cache`` by
default; ``HARNESS_NODE_TOOLS`` names another folder), the first time a function needs it (one
line on stderr says so), or all at once by ``make setup`` (``python -m
harness.invokers.node_tools``). Nothing is fetched at run time after that.

Two client versions, as Lambda's runtimes differ: the 3.x line serves ``nodejs18.x`` to
``nodejs22.x`` (callback handlers work), 4.x serves ``nodejs24.x`` and later (it refuses
callback handlers, as Lambda's Node.js 24 does: [D] Lambda developer guide, "Define Lambda
function handler in Node.js"). Neither ships a prebuilt addon: the install scripts build curl
and aws-lambda-cpp from the sources in the package, then the native addon (node-gyp), so the
install needs ``make``, ``cmake``, a C++ compiler, and for 3.x ``autoreconf`` (autoconf,
automake, libtool): a few minutes, once. 4.x asks for Node >= 22; on Node 20 npm only warns
and the client runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from harness.invokers.base import InvokerError
from harness.invokers.build import run_tool

#: Runtime client versions by the first Node.js major they serve, and their entry module:
#: 3.x's ``dist/index.mjs`` exports ``run(appRoot, handler)``, which Lambda's bootstrap calls
#: (its ``bin/index.mjs`` CLI would print a line of its own first); 4.x's is the bootstrap.
RUNTIME_CLIENTS: Final[dict[int, tuple[str, str]]] = {
    18: ("3.3.0", "dist/index.mjs"),
    24: ("4.0.2", "index.mjs"),
}
ESBUILD_VERSION: Final = "0.28.2"
INSTALL_TIMEOUT_SECONDS: Final = 900
_NODE_MAJOR: Final = re.compile(r"^v(\d+)\.")


@dataclass(frozen=True)
class NodeTools:
    """The machine's node, and where the pinned packages are installed."""

    node: str
    node_major: int
    folder: Path


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cache_folder() -> Path:
    """The folder the pinned packages are installed under, one folder each."""
    chosen = os.environ.get("HARNESS_NODE_TOOLS")
    if chosen:
        return Path(chosen)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cognito-trigger-harness" / "node"


def _which(program: str, why: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise InvokerError(
            f"{why} needs {program} on PATH, and there is none: install Node.js 18 or later "
            "(it comes with npm), or run the function with --invoke sam or --invoke lambda"
        )
    return found


def node_major(node: str) -> int:
    """The major version of ``node``."""
    try:
        done = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise InvokerError(
            f"{node} --version failed ({error}); check the Node.js install"
        ) from None
    match = _NODE_MAJOR.match(done.stdout.strip())
    if match is None:
        raise InvokerError(f"{node} --version said {done.stdout.strip()!r}; expected vNN.x.y")
    return int(match[1])


def find_node() -> NodeTools:
    """node on PATH (a one-line error without it) and the cache folder."""
    node = _which("node", "a Node.js function")
    return NodeTools(node, node_major(node), cache_folder())


def client_version(runtime_major: int) -> tuple[str, str]:
    """The pinned runtime client (version, entry module) for a ``nodejs<major>.x`` function."""
    served = [first for first in sorted(RUNTIME_CLIENTS) if first <= runtime_major]
    return RUNTIME_CLIENTS[served[-1] if served else min(RUNTIME_CLIENTS)]


def _installed(folder: Path, name: str, version: str, marker: str) -> bool:
    package = folder / "node_modules" / name
    try:
        manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("version") == version and (package / marker).is_file()


def _addon(version: str) -> str:
    # Where each client line leaves its built native addon.
    return "dist/rapid-client.node" if version.startswith("3.") else "rapid-client.node"


def ensure_package(
    tools: NodeTools, name: str, version: str, marker: str, announce: Callable[[str], None]
) -> Path:
    """``name@version`` installed in its own cache folder (npm, once); the package's folder.

    ``marker`` is a file the finished install has. Raises :class:`InvokerError` (one line).
    """
    folder = tools.folder / f"{name}@{version}"
    if _installed(folder, name, version, marker):
        return folder / "node_modules" / name
    npm = _which("npm", f"installing {name}")
    folder.mkdir(parents=True, exist_ok=True)
    with _install_lock(folder):
        if not _installed(folder, name, version, marker):  # or another process did meanwhile
            announce(f"npm: installing {name}@{version} into {folder} (once) ...")
            _npm_install(npm, folder, f"{name}@{version}")
            if not _installed(folder, name, version, marker):
                raise InvokerError(f"npm install {name}@{version} left no {marker} in {folder}")
    return folder / "node_modules" / name


def _npm_install(npm: str, folder: Path, spec: str) -> None:
    (folder / "package.json").write_text(
        json.dumps({"name": "harness-node-tools", "private": True}) + "\n", encoding="utf-8"
    )
    argv = [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--loglevel", "error", spec]
    run_tool(
        argv,
        cwd=folder,
        timeout=INSTALL_TIMEOUT_SECONDS,
        what=f"npm install {spec} (in {folder})",
        fix="the runtime client builds a native addon, which needs make, cmake, g++, autoconf, "
        "automake and libtool: run that command there to see its full output",
    )


def ensure_runtime_client(
    tools: NodeTools, runtime_major: int, announce: Callable[[str], None] = _announce
) -> list[str]:
    """node's arguments that start the runtime client for ``nodejs<runtime_major>.x`` (the
    handler follows them), the client installed."""
    version, entry = client_version(runtime_major)
    package = ensure_package(tools, "aws-lambda-ric", version, _addon(version), announce)
    module = package / entry
    if entry == "index.mjs":
        return [str(module)]
    bootstrap = f"import {{ run }} from {json.dumps(module.as_uri())};"
    return ["--input-type=module", "-e", f"{bootstrap} await run(process.cwd(), process.argv[1]);"]


def ensure_esbuild(tools: NodeTools, announce: Callable[[str], None] = _announce) -> Path:
    """The folder holding the ``esbuild`` command (for ``sam build``'s PATH): installed."""
    package = ensure_package(tools, "esbuild", ESBUILD_VERSION, "bin/esbuild", announce)
    return package.parent / ".bin"


@contextlib.contextmanager
def _install_lock(folder: Path) -> Iterator[None]:
    import fcntl

    with open(folder / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def main() -> None:
    """``make setup``: every pinned package, so that nothing is installed during a run."""
    try:
        tools = find_node()
        for first in sorted(RUNTIME_CLIENTS):
            ensure_runtime_client(tools, first)
        ensure_esbuild(tools)
    except InvokerError as error:
        print(f"harness: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"Node.js tools ready in {tools.folder} (node {tools.node_major})")


if __name__ == "__main__":
    main()
