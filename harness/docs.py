"""The README's generated blocks: never typed twice, always what the code does.

Blocks sit between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->`` markers.
``python -m harness.docs`` rewrites them; ``python -m harness.docs --check`` (and the test
suite) fails when the README is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def sample_table() -> str:
    from harness.replay.loader import load_replay
    from harness.replay.runner import run_replay
    from harness.report import to_table
    from harness.stack import load_stack

    replay = load_replay([ROOT / "events" / "replays" / "sample.ps1"])
    result = run_replay(replay, load_stack(ROOT / "template.yaml"))
    # The emulated ids are new on every run; everything else is deterministic.
    text = to_table(result, width=100, show_ids=False)
    return f"```text\n$ harness replay events/replays/sample.ps1\n{text}\n```"


def routing_table() -> str:
    from harness.cognito.routing import routing_markdown

    return routing_markdown()


def settings_table() -> str:
    from harness.settings import settings_markdown

    return settings_markdown()


def reference_table() -> str:
    from harness.emulator.operations.initiate_auth import ADMIN_FLOWS
    from harness.replay.readers.powershell.reference import FLOW_NOTES, reference_markdown

    missing = [flow for flow in ADMIN_FLOWS if flow not in FLOW_NOTES]
    if missing:
        raise ValueError(f"the reference table describes no {', '.join(missing)}")
    return reference_markdown()


BLOCKS: dict[str, Callable[[], str]] = {
    "sample-table": sample_table,
    "routing": routing_table,
    "settings": settings_table,
    "seed-reference": reference_table,
}


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- generated:{name} --> block")
        content = make()
        text = pattern.sub(lambda m, c=content: m[1] + c + "\n" + m[2], text)  # type: ignore[misc]
    return text


def main(argv: list[str]) -> int:
    current = README.read_text()
    updated = render(current)
    if "--check" in argv:
        if updated != current:
            print("README.md is stale: run `python -m harness.docs`", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
