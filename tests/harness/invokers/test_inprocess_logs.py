"""In-process, a trigger's output is its invocation's log, as its CloudWatch stream in Lambda."""

from __future__ import annotations

import logging
import re
import textwrap
from pathlib import Path

from harness.invokers import InProcessInvoker
from tests.support.invokers import python_function

APP = """\
import logging
import sys

logging.getLogger().setLevel(logging.INFO)  # as Lambda functions commonly do


def handler(event, context):
    print("printed")
    print("to stderr", file=sys.stderr)
    logging.getLogger("app").info("logged for %s", context.aws_request_id)
    logging.getLogger("harness.emulator.dispatch").warning("the harness's own")
    logging.getLogger("moto.core").warning("moto's own")
    print("printed again")
    return context.aws_request_id
"""


def test_prints_stderr_and_logging_make_one_stream_in_order(tmp_path: Path) -> None:
    (tmp_path / "logs_app.py").write_text(textwrap.dedent(APP))
    root = logging.getLogger()
    level = root.level
    try:
        result = InProcessInvoker().invoke(
            python_function("LogsFunction", tmp_path, "logs_app.handler"), {}, 3.0
        )
    finally:
        root.setLevel(level)
    request_id = result.payload
    lines = result.logs.splitlines()
    assert lines[:2] == ["printed", "to stderr"]
    # the Python runtime's format: [LEVEL] <tab> UTC time <tab> request id <tab> message
    assert re.fullmatch(
        rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{request_id}\tlogged for "
        + request_id,
        lines[2],
    )
    # the machinery that runs in the trigger's thread here is not the function's
    assert lines[3:] == ["printed again"]
    # outside calls the root logger is as Python leaves it: the harness's warnings still show
    assert not any(type(h).__module__ == "harness.trigger_logs" for h in root.handlers)
