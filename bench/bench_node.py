"""A Node.js trigger under ``--invoke auto``: warm overhead, cold start.

(a) Warm: the same pre authentication event, ``--invocations`` times, through the RIE invoker
    with AWS's Node.js runtime client (what ``--invoke auto`` runs a ``nodejs20.x`` function
    with) on a no-op ES-module handler (``bench/node_noop/``). Medians of the wall time of an
    invocation, of the function's own time (the RIE's REPORT Duration), and of what running it
    adds to that (wall minus Duration: HTTP to the RIE, the runtime API, JSON both ways).
    Goal: a warm invocation adds < 5 ms to the function's own time.
(b) Cold start: from starting a fresh environment (emulator, node, runtime client, handler
    module) to its first answer, beside a bare ``node -e "import('./app.mjs')"`` in the
    function's build folder. Medians of ``--cold`` samples, alternating.

Goals are reported, never asserted.

    .venv/bin/python bench/bench_node.py [--invocations 300] [--cold 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from harness.invokers.build import function_build_dir
from harness.invokers.node import NodeRuntime
from harness.invokers.rie import RieInvoker
from harness.stack import load_stack

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bench" / "node_noop" / "template.yaml"
EVENT = ROOT / "events" / "triggers" / "PreAuthentication_Authentication.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=300)
    parser.add_argument("--cold", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    stack = load_stack(TEMPLATE)
    function = stack.functions["NoopFunction"]
    event: dict[str, Any] = json.loads(EVENT.read_text())
    node = shutil.which("node") or "node"
    with RieInvoker(stack, runtimes=[NodeRuntime()]) as rie:
        for _ in range(20):  # warm up
            rie.invoke(function, copy.deepcopy(event), 5)
        wall: list[float] = []
        own: list[float] = []
        for _ in range(args.invocations):
            started = time.perf_counter()
            result = rie.invoke(function, copy.deepcopy(event), 5)
            wall.append((time.perf_counter() - started) * 1000)
            own.append(result.duration_ms)
            if result.error_type or result.timed_out:
                raise SystemExit(f"failed: {result.error_type}: {result.error_message}")
        added = [w - o for w, o in zip(wall, own, strict=True)]
        build = function_build_dir(stack.path, function)
        cold: list[float] = []
        init: list[float] = []
        bare: list[float] = []
        for _ in range(args.cold):
            rie.recycle(function.logical_id)
            started = time.perf_counter()
            result = rie.invoke(function, copy.deepcopy(event), 5)
            cold.append((time.perf_counter() - started) * 1000)
            init.append(result.init_duration_ms or 0.0)
            started = time.perf_counter()
            subprocess.run([node, "-e", "import('./app.mjs')"], cwd=build, check=True)
            bare.append((time.perf_counter() - started) * 1000)
    figures = {
        "warm_wall_ms": statistics.median(wall),
        "warm_wall_p90_ms": statistics.quantiles(wall, n=10)[-1],
        "warm_function_ms": statistics.median(own),
        "warm_added_ms": statistics.median(added),
        "warm_added_p90_ms": statistics.quantiles(added, n=10)[-1],
        "cold_start_ms": statistics.median(cold),
        "cold_init_report_ms": statistics.median(init),
        "bare_node_import_ms": statistics.median(bare),
    }
    figures["cold_vs_bare_ratio"] = figures["cold_start_ms"] / figures["bare_node_import_ms"]
    for name, value in figures.items():
        print(f"{name:24} {value:8.2f}")
    goal = "met" if figures["warm_added_ms"] < 5 else "NOT met"
    print(f"goal (warm invocation adds < 5 ms): {goal}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
