"""What harness.patterns costs (issue 12: the regex package replaced by re): CPU times, best of
--rounds.

- the Unicode table: loading categories.json, against computing it from unicodedata;
- compiling the schemas' largest pattern, its full form and its ASCII form;
- the slowest of the harness's own patterns (botocore's cognito-idp model, the shipped schemas)
  on hostile texts of QUICK_CHARS characters: what a request thread may spend unbounded;
- one bounded match in a child process (the path off the main thread for a long text).

    .venv/bin/python bench/bench_patterns.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LARGEST = (
    r"^[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}"
    r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*$"
)


def cpu(work: Callable[[], Any], rounds: int, fresh: Callable[[], None] = lambda: None) -> float:
    best = float("inf")
    for _ in range(rounds):
        fresh()
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def own_patterns() -> list[tuple[str, str]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cognito-idp")
    found = {
        ("fullmatch", p)
        for name in model.shape_names
        if (p := model.shape_for(name).metadata.get("pattern"))
    }
    for path in (ROOT / "harness" / "stack" / "schemas").glob("AWS-*.json"):
        for raw in re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', path.read_text()):
            found.add(("search", json.loads(raw)))
    return sorted(found)


def hostile_texts(pattern: str, length: int) -> list[str]:
    rng = random.Random(12)  # noqa: S311 - varied benchmark texts, not a secret
    alphabet = sorted(set(pattern) | set("aZ0_ é\n{}#:-.@"))
    units = ["{####}", "{##", "##}", "arn:", "a_", ". ", "a@"]
    units += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(8)]
    return [(unit * length)[: length - len(tail)] + tail for unit in units for tail in ("\0", "")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    from harness import patterns
    from harness.patterns import bound, unicode
    from harness.patterns.translate import translate

    results = {
        "table_load_ms": cpu(unicode.categories, rounds, unicode.categories.cache_clear),
        "table_compute_ms": cpu(unicode.compute, rounds),
        "largest_full_compile_ms": cpu(lambda: re.compile(translate(LARGEST)), rounds, re.purge),
        "largest_ascii_compile_ms": cpu(
            lambda: re.compile(translate(LARGEST, ascii=True)), rounds, re.purge
        ),
    }
    worst = (0.0, "")
    for how, pattern in own_patterns():
        for text in hostile_texts(pattern, patterns.QUICK_CHARS):
            run = getattr(patterns.for_text(pattern, text), how)
            took = cpu(lambda run=run, text=text: run(text), 1)
            worst = max(worst, (took, pattern))
    results["own_worst_at_quick_chars_ms"] = worst[0]
    print(f"slowest own pattern at {patterns.QUICK_CHARS} characters: {worst[1]}")

    def child() -> None:
        bound.in_child(translate(LARGEST), "search", "{####}", 5)

    starts = []
    for _ in range(rounds):
        start = time.perf_counter()
        thread = threading.Thread(target=child)
        thread.start()
        thread.join()
        starts.append(time.perf_counter() - start)
    results["child_match_wall_ms"] = min(starts)
    for name, seconds in results.items():
        print(f"{name:32} {seconds * 1000:8.2f}")


if __name__ == "__main__":
    main()
