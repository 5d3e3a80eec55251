"""The ``sam build`` output the ``rie`` invoker runs: built when missing or older than the code.

``sam build --template <template> --build-dir <template dir>/.aws-sam/build`` puts each
function, its code and its ``requirements.txt`` dependencies, in ``.aws-sam/build/<LogicalId>/``:
exactly the package Lambda would run. The build counts as stale when it is missing, when the
template is newer than it, or when any file under a function's CodeUri is (``__pycache__``,
``*.pyc`` and hidden directories aside). Deleted files are not noticed: run ``sam build``.

Two harness processes do not build at once: the build holds a lock file in ``.aws-sam/``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from harness.invokers.base import InvokerError
from harness.stack import FunctionSpec
from harness.stack.code import is_inline

#: A build that takes longer than this is stuck (a pip download hanging, usually).
BUILD_TIMEOUT_SECONDS = 600


_log = logging.getLogger(__name__)


def build_dir(template: Path) -> Path:
    """Where ``sam build`` puts the template's functions."""
    return template.resolve().parent / ".aws-sam" / "build"


def function_build_dir(template: Path, function: FunctionSpec) -> Path:
    """The folder the function runs from: its ``sam build`` output, or for inline code
    (``InlineCode``, ``Code.ZipFile``, which ``sam build`` does not build) the folder it is
    written out to."""
    if is_inline(function.code_uri):
        return function.code_uri
    return build_dir(template) / function.logical_id


def newest_file_mtime(root: Path) -> float:
    """The newest modification time of the files under ``root`` (caches and dot-dirs left out)."""
    newest = 0.0
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [
            d for d in subdirectories if d != "__pycache__" and not d.startswith(".")
        ]
        for name in files:
            if name.endswith(".pyc"):
                continue
            with contextlib.suppress(OSError):
                newest = max(newest, os.stat(os.path.join(directory, name)).st_mtime)
    return newest


def stale_reason(template: Path, functions: Iterable[FunctionSpec]) -> str | None:
    """Why the build of ``functions`` must be redone, or None when it is up to date."""
    build = build_dir(template)
    built_template = build / "template.yaml"
    try:
        built_at = built_template.stat().st_mtime
    except OSError:
        return f"no build in {build}"
    if template.stat().st_mtime > built_at:
        return f"{template.name} is newer than the build"
    for function in functions:
        if is_inline(function.code_uri):
            continue  # nothing to build: it runs from where its code is written out
        if not (build / function.logical_id).is_dir():
            return f"{function.logical_id} is not built"
        for folder in (function.code_uri, *function.layers):
            if newest_file_mtime(folder) > built_at:
                return f"{folder} has changed since the build"
    return None


def sam_executable() -> str:
    """The ``sam`` next to this interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "sam"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("sam")
    if found is None:
        raise InvokerError(
            "sam (aws-sam-cli) is not installed; it comes with the rie extra: "
            "pip install 'cognito-trigger-harness[rie]'"
        )
    return found


@contextlib.contextmanager
def _build_lock(build: Path) -> Iterator[None]:
    build.parent.mkdir(parents=True, exist_ok=True)
    with open(build.parent / "harness-build.lock", "w") as lock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run_build(
    argv: list[str], cwd: Path, env: dict[str, str], announce: Callable[[str], None]
) -> tuple[list[str], int | None]:
    """Run ``sam build``, handing each line it prints to ``announce`` as it comes (a build
    resolving dependencies takes minutes: the user sees it move). Returns its non-empty lines
    and its exit status (None: killed after ``BUILD_TIMEOUT_SECONDS``)."""
    import threading

    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        process.kill()

    timer = threading.Timer(BUILD_TIMEOUT_SECONDS, stop)
    timer.start()
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.strip()
            if line:
                lines.append(line)
                announce(f"  sam build | {line}")
        process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    return lines, None if expired.is_set() else process.returncode


def ensure_built(
    template: Path,
    functions: Iterable[FunctionSpec],
    *,
    announce: Callable[[str], None],
    path_first: Sequence[str] = (),
) -> Path:
    """Run ``sam build`` if the build of ``functions`` is missing or stale; return the build dir.

    ``announce`` gets one line before a build starts, then each line ``sam build`` prints, as it
    prints it. Raises :class:`InvokerError` (one line)
    when the build fails.
    """
    template = template.resolve()
    wanted = [function for function in functions if not is_inline(function.code_uri)]
    build = build_dir(template)
    if not wanted or stale_reason(template, wanted) is None:
        return build
    with _build_lock(build):
        reason = stale_reason(template, wanted)  # another process may have built meanwhile
        if reason is None:
            return build
        announce(f"sam build: {reason}; building {template.name} into {build} ...")
        argv = [
            sam_executable(),
            "build",
            "--template",
            str(template),
            "--build-dir",
            str(build),
        ]
        env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
        env["PATH"] = os.pathsep.join([*path_first, env.get("PATH", os.defpath)])
        _log.debug("running %s", " ".join(argv))
        lines, returncode = _run_build(argv, template.parent, env, announce)
        if returncode is None:
            raise InvokerError(
                f"sam build --template {template} took over {BUILD_TIMEOUT_SECONDS} s; "
                "run it yourself to see where it hangs"
            )
        if returncode != 0:
            detail = failure_line(lines)
            raise InvokerError(
                f"sam build --template {template} failed ({detail}); "
                "run that command to see its full output"
            )
    return build


def run_tool(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    what: str,
    fix: str,
    env: Mapping[str, str] | None = None,
) -> None:
    """Run a set-up command (``sam build``, ``npm install``) to completion, output captured.

    Raises :class:`InvokerError` (one line: ``what``, its last error line, ``fix``) when it
    fails or takes over ``timeout`` seconds.
    """
    try:
        done = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InvokerError(
            f"{what} took over {timeout:g} s; run it yourself to see where it hangs"
        ) from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        raise InvokerError(f"{what} failed ({failure_line(lines)}); {fix}")


def failure_line(lines: Sequence[str]) -> str:
    """The line of a failed tool's output that says why: SAM CLI's own ``Error:`` summary,
    else the last line naming an error (not npm's pointer to its log file), else the last."""
    lines = [line.strip() for line in lines if line.strip()]
    summaries = [line for line in lines if line.startswith("Error:")]
    errors = [
        line
        for line in lines
        if ("error" in line.lower() or "not found" in line)
        and "A complete log of this run" not in line
    ]
    return (summaries or errors or lines or ["no output"])[-1]
