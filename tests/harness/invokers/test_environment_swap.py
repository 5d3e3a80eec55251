"""An in-process function's Lambda variables: seen by its code and its child processes during
the invocation, and the harness's own back afterwards (os.environ and the C library agree)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.invokers.inprocess import InProcessInvoker
from tests.support.invokers import python_function

# Slow: starts Python processes (a child of the handler, and one after the call).
pytestmark = pytest.mark.slow

HANDLER = """
import os, subprocess, sys

def handler(event, context):
    child = subprocess.run(
        [sys.executable, "-c", "import os; print('|'.join(os.environ.get(n, '-') for n in "
         "('SWAP_GREETING', 'SWAP_CHANGED', 'AWS_LAMBDA_FUNCTION_NAME')))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip().split("|")
    seen = [os.environ.get("SWAP_GREETING"), os.getenv("SWAP_CHANGED")]
    os.environ["SWAP_CHANGED"] = "changed by the function"
    del os.environ["SWAP_REMOVED"]
    return {"python": seen, "child": child}
"""

CHILD = (
    "import os; print(repr([os.environ.get(n) for n in "
    "('SWAP_GREETING', 'SWAP_CHANGED', 'SWAP_REMOVED', 'AWS_LAMBDA_FUNCTION_NAME')]))"
)


def test_the_functions_variables_are_set_for_its_call_and_the_harnesss_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "swap_handler.py").write_text(HANDLER)
    monkeypatch.setenv("SWAP_CHANGED", "the harness's")
    monkeypatch.delenv("SWAP_REMOVED", raising=False)
    function = python_function(
        "SwapFunction",
        tmp_path,
        "swap_handler.handler",
        environment={
            "SWAP_GREETING": "hello",
            "SWAP_CHANGED": "for the function",
            "SWAP_REMOVED": "for the function",
        },
        function_name="stack-SwapFunction-1",
    )
    invoker = InProcessInvoker()
    try:
        for _ in range(2):  # the second time with the variables already encoded
            result = invoker.invoke(function, {}, 30)
            assert result.error_message is None, result.traceback
            assert result.payload == {
                "python": ["hello", "for the function"],
                "child": ["hello", "for the function", "stack-SwapFunction-1"],
            }
            after = subprocess.run(
                [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
            ).stdout.strip()
            assert after == repr([None, "the harness's", None, None])
            assert os.environ.get("SWAP_GREETING") is None
            assert os.environ["SWAP_CHANGED"] == "the harness's"
            assert "SWAP_REMOVED" not in os.environ
    finally:
        invoker.close()
