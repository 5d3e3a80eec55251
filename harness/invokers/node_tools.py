"""The Node.js pieces the harness needs, installed with npm once, into a per-user cache.

Node and npm come from the machine. AWS's Node.js runtime interface client (the npm package
``aws-lambda-ric``) and esbuild (which ``sam build`` runs for ``Metadata: BuildMethod:
esbuild`` functions) are installed by ``npm install`` at the pinned versions below into
``$XDG_CACHE_HOME/cognito-trigger-harness/node-tools-<versions>/`` (``~/.cache`` by default;
``HARNESS_NODE_TOOLS`` names another folder), the first time a Node function runs (one line
on stderr says so) or by ``make setup`` (``python -m harness.invokers.node_tools``). Nothing is
fetched at run time after that.

aws-lambda-ric ships no prebuilt addon: its install scripts build curl and aws-lambda-cpp from
the sources in the package, then its native addon (node-gyp), so the install needs ``make``,
``cmake`` and a C++ compiler (about a minute on two cores). The package asks for Node >= 22; on
Node 20 npm only warns, and the client runs (checked by this project's tests).
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

#: The pinned versions: a change here installs a new cache folder.
RUNTIME_CLIENT: Final = ("aws-lambda-ric", "4.0.2")
ESBUILD: Final = ("esbuild", "0.28.2")
INSTALL_TIMEOUT_SECONDS: Final = 600
_NODE_MAJOR: Final = re.compile(r"^v(\d+)\.")


@dataclass(frozen=True)
class NodeTools:
    """Where the installed pieces are."""

    node: str
    node_major: int
    folder: Path

    @property
    def runtime_client(self) -> Path:
        """The runtime client's entry point: ``node <this> <handler>``."""
        return self.folder / "node_modules" / RUNTIME_CLIENT[0] / "index.mjs"

    @property
    def bin_dir(self) -> Path:
        """``node_modules/.bin``: esbuild, for ``sam build``'s PATH."""
        return self.folder / "node_modules" / ".bin"


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cache_folder() -> Path:
    """The folder the pinned versions are installed in."""
    chosen = os.environ.get("HARNESS_NODE_TOOLS")
    if chosen:
        return Path(chosen)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    versions = "-".join(f"{name}@{version}" for name, version in (RUNTIME_CLIENT, ESBUILD))
    return base / "cognito-trigger-harness" / f"node-tools-{versions}"


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


def _installed(folder: Path) -> bool:
    wanted = (RUNTIME_CLIENT, ESBUILD)
    for name, version in wanted:
        try:
            manifest = json.loads(
                (folder / "node_modules" / name / "package.json").read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            return False
        if manifest.get("version") != version:
            return False
    return (folder / "node_modules" / RUNTIME_CLIENT[0] / "rapid-client.node").is_file()


def ensure_node_tools(announce: Callable[[str], None] = _announce) -> NodeTools:
    """node on PATH, and the runtime client and esbuild installed (npm, once; one line).

    Raises :class:`InvokerError` (one line) when node or npm is missing or npm fails.
    """
    node = _which("node", "a Node.js function")
    major = node_major(node)
    folder = cache_folder()
    if _installed(folder):
        return NodeTools(node, major, folder)
    npm = _which("npm", "installing AWS's Node.js runtime interface client")
    specs = [f"{name}@{version}" for name, version in (RUNTIME_CLIENT, ESBUILD)]
    announce(f"npm: installing {' and '.join(specs)} into {folder} (once) ...")
    folder.mkdir(parents=True, exist_ok=True)
    with _install_lock(folder):
        if not _installed(folder):  # another process may have installed meanwhile
            (folder / "package.json").write_text(
                json.dumps({"name": "harness-node-tools", "private": True}) + "\n",
                encoding="utf-8",
            )
            argv = [npm, "install", "--no-audit", "--no-fund"]
            argv += ["--save-exact", "--loglevel", "error", *specs]
            try:
                done = subprocess.run(
                    argv,
                    cwd=folder,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise InvokerError(
                    f"npm install {' '.join(specs)} took over {INSTALL_TIMEOUT_SECONDS} s; "
                    f"run it yourself in {folder}"
                ) from None
            if done.returncode != 0 or not _installed(folder):
                lines = [x.strip() for x in (done.stderr + done.stdout).splitlines() if x.strip()]
                detail = (lines or ["no output"])[-1]
                raise InvokerError(
                    f"npm install {' '.join(specs)} failed in {folder} ({detail}); it builds "
                    "a native addon (needs make, cmake, g++): run it there to see its full output"
                )
    return NodeTools(node, major, folder)


@contextlib.contextmanager
def _install_lock(folder: Path) -> Iterator[None]:
    import fcntl

    with open(folder / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


if __name__ == "__main__":  # make setup
    try:
        tools = ensure_node_tools()
    except InvokerError as error:
        print(f"harness: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"Node.js {tools.node_major} tools ready in {tools.folder}")
