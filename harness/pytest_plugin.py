"""pytest plugin (entry point ``pytest11``): fixtures for testing Cognito triggers.

* ``cognito_pool``: a fresh emulated pool built from ``template.yaml`` for each test, with
  seeding helpers, a boto3 client (``cognito_pool.client``) and trigger assertions
  (:class:`harness.testing.CognitoPool`);
* ``lambda_context``: a Lambda context whose remaining time is deterministic;
* ``trigger_event``: a factory of real-shaped events for any triggerSource
  (the generator behind ``harness events generate``).

Configure per test with the marker ``@pytest.mark.cognito(template=..., settings={...},
overrides={...}, invoker="auto", strict=True)``, or for a whole suite with the ini option
``cognito_template``. With ``strict`` (the default) a trigger that failed with a programming
error (KeyError, TypeError...) fails the test at teardown with its traceback, even when the
test only looked at Cognito's answer; ``cognito_pool.expect_trigger_error(trigger)`` or
``strict=False`` opts out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Nothing heavy at import: pytest loads this module in every run of an environment where the
# harness is installed, whether the run uses the fixtures or not. moto, boto3, the emulator and
# Powertools are imported by the fixtures that need them.
if TYPE_CHECKING:
    from harness.emulator.snapshot import Snapshot
    from harness.invokers import Invoker
    from harness.invokers.lambda_context import LambdaContext
    from harness.stack import Stack
    from harness.testing import CognitoPool

MARKER = "cognito"
_OPTIONS = (
    "template",
    "settings",
    "overrides",
    "invoker",
    "strict",
    "pool",
    "client",
    "parameters",
)
#: Per session: (template path, parameters) -> (modification time, Stack), and the pools
#: built once.
_STACKS = pytest.StashKey[dict[str, tuple[int, "Stack"]]]()
_SNAPSHOTS = pytest.StashKey[dict[str, "Snapshot"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "cognito_template",
        "SAM template the cognito_pool fixture builds its pool from (default template.yaml)",
        default="template.yaml",
    )
    parser.addini(
        "cognito_parameter_overrides",
        "template parameter values in SAM CLI's syntax ('Key=Value Key2=Value2'); default: "
        "parameter_overrides of the samconfig.toml beside the template",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(template=None, settings=None, overrides=None, invoker='auto', "
        "strict=True, parameters=None): configure the emulated Cognito pool of this test",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):  # closest marker wins
        unknown = sorted(set(marker.kwargs) - set(_OPTIONS))
        if marker.args or unknown:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER} takes keyword arguments {', '.join(_OPTIONS)}; "
                f"got {', '.join(map(repr, marker.args)) or ', '.join(unknown)}"
            )
        options.update(marker.kwargs)
    return options


def _invoker(name: str, stack: Stack) -> Invoker | None:
    from harness.errors import HarnessInputError
    from harness.invokers import chosen_invoker

    try:
        return chosen_invoker(name, stack)
    except HarnessInputError as error:
        raise pytest.UsageError(f"@pytest.mark.cognito(invoker={name!r}): {error}") from None


def _parameters(
    request: pytest.FixtureRequest, template: Path, options: dict[str, Any]
) -> dict[str, str]:
    """Template parameter values: the marker's ``parameters`` over the ini option's (which
    replaces samconfig.toml's, as SAM CLI's --parameter-overrides does)."""
    from harness.stack.parameters import effective_overrides

    ini = str(request.config.getini("cognito_parameter_overrides"))
    values = effective_overrides(template, [ini] if ini.strip() else None)
    return {**values, **{k: str(v) for k, v in (options.get("parameters") or {}).items()}}


def _stack(config: pytest.Config, template: Path, parameters: dict[str, str]) -> Stack:
    """The template's stack for these parameters, read once per session (again if the file
    changes)."""
    from harness.stack import load_stack

    stacks = config.stash.setdefault(_STACKS, {})
    key = json.dumps([str(template), parameters], sort_keys=True)
    mtime = template.stat().st_mtime_ns
    if key not in stacks or stacks[key][0] != mtime:
        stacks[key] = (mtime, load_stack(template, parameter_overrides=parameters))
    return stacks[key][1]


def _pool(config: pytest.Config, stack: Stack, options: dict[str, Any]) -> CognitoPool:
    """A pool for one test, started from the session's snapshot of the same stack, pool,
    client and overrides (built by the first test that needs it)."""
    from harness.testing import CognitoPool

    invoker = _invoker(options.get("invoker", "auto"), stack)
    arguments: dict[str, Any] = {
        "settings": options.get("settings"),
        "overrides": options.get("overrides"),
        "invoker": invoker,
        "pool": options.get("pool"),
        "client": options.get("client"),
    }
    key = json.dumps(
        [
            str(stack.path),
            stack.parameters,
            options.get("overrides"),
            options.get("pool"),
            options.get("client"),
        ],
        sort_keys=True,
        default=repr,
    )
    snapshots = config.stash.setdefault(_SNAPSHOTS, {})
    try:
        pool = CognitoPool(stack, snapshot=snapshots.get(key), **arguments)
        pool.__enter__()
    except BaseException:
        if invoker is not None:  # the pool would have closed it; there is no pool
            invoker.close()
        raise
    if key not in snapshots:
        snapshots[key] = pool.emulator.snapshot()  # the state as built, before the test runs
    return pool


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """While a test file is collected (inside pytest's capture), trigger output routed as
    in-process invocations route it (:mod:`harness.trigger_logs`): a handler module the file
    imports makes its Powertools Logger then, binding ``sys.stdout``, and must still write to
    the invocation's log when a ``cognito_pool`` trigger runs it (stdlib only, no cost to
    speak of)."""
    from harness.trigger_logs import routing

    with routing():
        return (yield)


@pytest.fixture
def cognito_pool(request: pytest.FixtureRequest) -> Iterator[CognitoPool]:
    """A fresh emulated user pool from the template, with its triggers wired.

    The first test of a session that uses a given template, overrides, pool and client builds
    the pool; the others start from a snapshot of it (:mod:`harness.emulator.snapshot`):
    nothing one test does to its pool is seen by another.
    """
    options = _options(request)
    given = Path(options.get("template") or request.config.getini("cognito_template"))
    template = given
    if not given.is_absolute():
        # The rootdir, or the nearest folder above it that has the template: without an ini
        # file, `cd tests && pytest` makes tests/ the rootdir, and the template is one up.
        root = Path(request.config.rootpath)
        template = next(
            (d / given for d in (root, *root.parents) if (d / given).is_file()), root / given
        )
    if not template.exists():
        raise pytest.UsageError(
            f"cognito_pool: no template at {template} (nor in a folder above it); set "
            "@pytest.mark.cognito(template=...) or the cognito_template ini option"
        )
    parameters = _parameters(request, template, options)
    pool = _pool(request.config, _stack(request.config, template, parameters), options)
    try:
        yield pool
        if options.get("strict", True):
            unexpected = pool.unexpected_errors()
            if unexpected:
                from harness.testing import describe

                tracebacks = "\n".join(i.traceback or "" for i in unexpected)
                pytest.fail(
                    f"a trigger failed with a programming error (mark the test "
                    f"@pytest.mark.cognito(strict=False) or call "
                    f"cognito_pool.expect_trigger_error(...) if that is intended):\n"
                    f"{describe(unexpected)}\n{tracebacks}",
                    pytrace=False,
                )
    finally:
        pool.__exit__(None, None, None)


@pytest.fixture
def lambda_context() -> LambdaContext:
    """A Lambda context: function name ``test-function``, 5 s left on every call."""
    from harness.invokers.lambda_context import LambdaContext

    return LambdaContext(function_name="test-function")


@pytest.fixture
def trigger_event() -> Callable[..., dict[str, Any]]:
    """``trigger_event("PreAuthentication_Authentication", validation_data={...}, ...)``."""
    from harness.cognito.events import build_event

    return build_event
