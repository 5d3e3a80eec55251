"""In-process, each configuration of a function is an execution environment of its own, as in
Lambda: another configuration imports the code again (a cold start); the same one stays warm."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.invokers import InProcessInvoker
from harness.stack import FunctionSpec
from tests.support.invokers import python_function

APP = """\
import os

GREETING = os.environ["GREETING"]  # read once, at the cold start
IMPORTS = [GREETING]


def handler(event, context):
    return {"greeting": GREETING, "imports": len(IMPORTS), "module": id(IMPORTS)}
"""


@pytest.fixture
def code(tmp_path: Path) -> Path:
    # a folder of its own per test: namespaces are per process
    (tmp_path / "app_env_greeting.py").write_text(textwrap.dedent(APP))
    return tmp_path


def spec(code: Path, greeting: str, **changes: Any) -> FunctionSpec:
    fields = {"timeout": 3.0, "environment": {"GREETING": greeting}, **changes}
    return python_function("GreeterFunction", code, "app_env_greeting.handler", **fields)


def run(invoker: InProcessInvoker, function: FunctionSpec) -> tuple[dict[str, Any], bool]:
    result = invoker.invoke(function, {}, timeout=3.0)
    assert result.error_type is None, result.error_message
    return result.payload, result.init_duration_ms is not None


def test_other_environment_values_start_a_new_environment(code: Path) -> None:
    invoker = InProcessInvoker()
    ann, ann_cold = run(invoker, spec(code, "ann"))
    bob, bob_cold = run(invoker, spec(code, "bob"))  # e.g. other template parameters
    assert (ann["greeting"], ann_cold) == ("ann", True)
    assert (bob["greeting"], bob_cold) == ("bob", True)
    assert bob["module"] != ann["module"]


def test_the_same_configuration_stays_warm_across_specs_and_invokers(code: Path) -> None:
    first, cold = run(InProcessInvoker(), spec(code, "ann"))
    run(InProcessInvoker(), spec(code, "bob"))
    # the next test's pool: another invoker, another (equal) spec, after another configuration
    again, cold_again = run(InProcessInvoker(), spec(code, "ann"))
    assert cold
    assert not cold_again
    assert again["module"] == first["module"]


@pytest.mark.parametrize(
    "change",
    [
        {"memory_size": 256},
        {"timeout": 4.0},
        {"function_name": "stack-OtherFunction"},  # another function on the same CodeUri
        {"architectures": ("arm64",)},
    ],
)
def test_any_configuration_change_is_a_cold_start(code: Path, change: dict[str, Any]) -> None:
    invoker = InProcessInvoker()
    first, _ = run(invoker, spec(code, "ann"))
    other, cold = run(invoker, spec(code, "ann", **change))
    assert cold
    assert other["module"] != first["module"]
    back, cold_back = run(invoker, spec(code, "ann"))
    assert not cold_back
    assert back["module"] == first["module"]
