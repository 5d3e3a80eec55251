"""Shared by the invoker tests: the templates, and the processes an invoker may leave behind."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from harness.stack import FunctionSpec

ROOT = Path(__file__).resolve().parents[2]
PROJECT_TEMPLATE = ROOT / "template.yaml"
FIXTURE_TEMPLATE = ROOT / "tests" / "harness" / "invokers" / "fixtures" / "template.yaml"
#: What the command line of an emulator or a Python runtime process contains.
MARKERS = ("aws-lambda-rie", "awslambdaric", "aws-lambda-ric")


def python_function(logical_id: str, code_uri: Path, handler: str, **fields: Any) -> FunctionSpec:
    """A Python 3.11 function of 128 MB in ``code_uri``, named ``stack-<logical_id>`` unless
    ``fields`` say otherwise (an invoker test's function, without a template)."""
    values: dict[str, Any] = {
        "runtime": "python3.11",
        "timeout": 30.0,
        "memory_size": 128,
        "environment": {},
        "architectures": ("x86_64",),
        "function_name": f"stack-{logical_id}",
        **fields,
    }
    return FunctionSpec(logical_id=logical_id, code_uri=code_uri, handler=handler, **values)


def lambda_processes(sessions: Collection[int]) -> list[str]:
    """Live RIE and runtime processes (``/proc/*/cmdline``) in the sessions of ``sessions``.

    Each process the harness starts leads a session of its own, and the runtime the RIE starts
    stays in it, so this finds them even once reparented, and only them (not the processes of
    another test run on the same machine). Zombies are dead: not counted.
    """
    wanted = set(sessions)
    found: list[str] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text(errors="replace").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if not any(marker in cmdline for marker in MARKERS):
            continue
        state, session = fields[0], int(fields[3])
        if state != "Z" and session in wanted:
            found.append(f"{entry.name} (session {session}): {cmdline.strip()}")
    return found
