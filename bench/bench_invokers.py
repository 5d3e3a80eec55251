"""The ``rie`` invoker against in-process, per trigger of template.yaml: warm latency, cold init.

(a) Warm latency: the same event, ``--invocations`` times per trigger through each invoker, in
    alternating rounds so both see the same machine state. Medians of the wall time of each,
    of the function's own time under the RIE (its REPORT line's Duration), and of what the
    round trip adds to it (wall minus Duration: HTTP to the RIE, the runtime API, JSON both
    ways). Goal: the round trip adds < 3 ms.
(b) Cold init: the time from starting a function's RIE process to its first answer (a fresh
    execution environment: emulator, interpreter, runtime client, handler module, one
    invocation), against a bare interpreter importing the libraries the trigger truly needs,
    ``python -c "import boto3, aws_lambda_powertools"`` for pre_signup and user_migration,
    ``python -c "import aws_lambda_powertools"`` for the others, run in the function's build
    directory (the same copies of the libraries). Medians of ``--cold`` samples, alternating.
    Goal: ratio <= 1.25.
(c) The pre authentication trigger imports no boto3 (``sys.modules`` after importing it, in a
    fresh interpreter in its build directory).

Goals are reported, never asserted.

    .venv/bin/python bench/bench_invokers.py [--invocations 200] [--cold 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from moto import mock_aws

from harness.invokers import InProcessInvoker, Invoker
from harness.invokers.build import function_build_dir
from harness.invokers.local_aws import trigger_client
from harness.invokers.rie import RieInvoker
from harness.stack import FunctionSpec, Stack, load_stack

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events" / "triggers"
SALT = bytes(range(16))
ITERATIONS = 1000  # the legacy hash's cost: the trigger's own work, kept small and equal

#: What each trigger module truly needs at import time (its own imports, transitively).
DEPENDENCIES = {
    "pre_signup": "boto3, aws_lambda_powertools",
    "user_migration": "boto3, aws_lambda_powertools",
    "pre_authentication": "aws_lambda_powertools",
    "post_authentication": "aws_lambda_powertools",
    "pre_token_generation": "aws_lambda_powertools",
}


def _event(name: str, **request: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    event["request"].update(request)
    return event


def events() -> dict[str, dict[str, Any]]:
    """One event per function that the trigger accepts, doing all of its work."""
    token = _event("TokenGeneration_Authentication")
    token["request"]["userAttributes"]["custom:tenant"] = "acme"
    migration = _event("UserMigration_Authentication", password="LegacyPassw0rd!demo")
    migration["userName"] = "legacy-bob"
    return {
        "PreSignUpFunction": _event(
            "PreSignUp_SignUp", validationData={"invitationCode": "INVITE-123"}
        ),
        "PreAuthenticationFunction": _event(
            "PreAuthentication_Authentication", validationData={"appVersion": "2.1.0"}
        ),
        "PostAuthenticationFunction": _event(
            "PostAuthentication_Authentication", clientMetadata={"appVersion": "2.1.0"}
        ),
        "PreTokenGenerationFunction": token,
        "UserMigrationFunction": migration,
    }


@contextmanager
def seeded_tables(stack: Stack, endpoint_url: str | None) -> Iterator[None]:
    """The template's tables with an invitation and a legacy user, seen by both invokers."""
    with mock_aws():
        dynamodb = trigger_client("dynamodb", stack.region, endpoint_url)
        for table in stack.tables.values():
            dynamodb.create_table(**table.create_table_kwargs())
        names = {t.logical_id: t.table_name for t in stack.tables.values()}
        dynamodb.put_item(
            TableName=names["InvitationsTable"],
            Item={"code": {"S": "INVITE-123"}, "email": {"S": "alice@example.com"}},
        )
        digest = hashlib.pbkdf2_hmac("sha256", b"LegacyPassw0rd!demo", SALT, ITERATIONS).hex()
        dynamodb.put_item(
            TableName=names["LegacyUsersTable"],
            Item={
                "realm": {"S": "default"},
                "username": {"S": "legacy-bob"},
                "email": {"S": "bob@example.com"},
                "salt": {"S": SALT.hex()},
                "iterations": {"N": str(ITERATIONS)},
                "algorithm": {"S": "pbkdf2_sha256"},
                "password_hash": {"S": digest},
            },
        )
        yield


def _timed_invocations(
    invoker: Invoker, function: FunctionSpec, event: dict[str, Any], count: int
) -> list[tuple[float, float]]:
    """(wall time, the duration the invoker reports) of ``count`` invocations, in ms."""
    samples = []
    for _ in range(count):
        payload = copy.deepcopy(event)
        started = time.perf_counter()
        result = invoker.invoke(function, payload, 5)
        samples.append(((time.perf_counter() - started) * 1000, result.duration_ms))
        if result.error_type is not None or result.timed_out:
            raise SystemExit(
                f"{function.logical_id} failed: {result.error_type}: {result.error_message}"
            )
    return samples


def warm_latency(
    stack: Stack, rie: RieInvoker, inprocess: InProcessInvoker, invocations: int, rounds: int
) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    per_round = max(1, invocations // rounds)
    for logical_id, event in events().items():
        function = stack.functions[logical_id]
        for invoker in (inprocess, rie):  # warm up: imports, clients, connections
            _timed_invocations(invoker, function, event, 5)
        samples: dict[str, list[tuple[float, float]]] = {"inprocess": [], "rie": []}
        for _ in range(rounds):
            samples["inprocess"] += _timed_invocations(inprocess, function, event, per_round)
            samples["rie"] += _timed_invocations(rie, function, event, per_round)
        rie_wall = [wall for wall, _ in samples["rie"]]
        figures[logical_id] = {
            "inprocess_ms": statistics.median(wall for wall, _ in samples["inprocess"]),
            "rie_ms": statistics.median(rie_wall),
            "rie_p90_ms": statistics.quantiles(rie_wall, n=10)[-1],
            # The function's own time in its environment: the RIE's REPORT Duration.
            "rie_function_ms": statistics.median(own for _, own in samples["rie"]),
            # What the round trip adds to it: HTTP to the RIE, the runtime API, JSON both ways.
            "round_trip_ms": statistics.median(wall - own for wall, own in samples["rie"]),
        }
        figures[logical_id]["added_vs_inprocess_ms"] = (
            figures[logical_id]["rie_ms"] - figures[logical_id]["inprocess_ms"]
        )
    return figures


def _bare_import_ms(function: FunctionSpec, build: Path) -> float:
    module = function.handler.rpartition(".")[0]
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import {DEPENDENCIES[module]}"],
        cwd=build,
        check=True,
    )
    return (time.perf_counter() - started) * 1000


def _cold_start(
    rie: RieInvoker, function: FunctionSpec, event: dict[str, Any]
) -> tuple[float, float]:
    """Milliseconds from starting a fresh environment to the answer, and its INIT REPORT."""
    rie.recycle(function.logical_id)
    started = time.perf_counter()
    result = rie.invoke(function, copy.deepcopy(event), 5)
    elapsed = (time.perf_counter() - started) * 1000
    if result.error_type is not None or result.init_duration_ms is None:
        raise SystemExit(f"{function.logical_id}: no cold start: {result.error_message}")
    return elapsed, result.init_duration_ms


def cold_init(stack: Stack, rie: RieInvoker, samples: int) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for logical_id, event in events().items():
        function = stack.functions[logical_id]
        build = function_build_dir(stack.path, function)
        _cold_start(rie, function, event)  # bytecode caches written, page cache warm
        _bare_import_ms(function, build)
        cold: list[float] = []
        init: list[float] = []
        bare: list[float] = []
        for _ in range(samples):
            elapsed, init_ms = _cold_start(rie, function, event)
            cold.append(elapsed)
            init.append(init_ms)
            bare.append(_bare_import_ms(function, build))
        figures[logical_id] = {
            "cold_ms": statistics.median(cold),
            "init_report_ms": statistics.median(init),
            "bare_import_ms": statistics.median(bare),
            "ratio": statistics.median(cold) / statistics.median(bare),
        }
    return figures


def pre_authentication_imports(stack: Stack) -> dict[str, bool]:
    function = stack.functions["PreAuthenticationFunction"]
    probe = (
        "import json, sys, pre_authentication; "
        "print(json.dumps({'boto3': 'boto3' in sys.modules, "
        "'botocore.session': 'botocore.session' in sys.modules, "
        "'botocore (package only)': 'botocore' in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=function_build_dir(stack.path, function),
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, bool] = json.loads(done.stdout)
    return found


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--cold", type=int, default=15, help="cold starts per trigger")
    parser.add_argument("--json", type=Path, help="also write the figures to FILE")
    args = parser.parse_args(argv)

    stack = load_stack(ROOT / "template.yaml")
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    with RieInvoker(stack, announce=say) as rie, seeded_tables(stack, rie.aws_endpoint_url):
        inprocess = InProcessInvoker(region=stack.region)
        try:
            warm = warm_latency(stack, rie, inprocess, args.invocations, args.rounds)
        finally:
            inprocess.close()
        cold = cold_init(stack, rie, args.cold)
    imports = pre_authentication_imports(stack)

    print(f"(a) warm latency, median of {args.invocations} invocations (ms); goal: round trip < 3")
    rows = [["function", "in-process", "rie", "rie p90", "function (REPORT)", "round trip", "goal"]]
    for logical_id, f in warm.items():
        rows.append(
            [
                logical_id,
                f"{f['inprocess_ms']:.3f}",
                f"{f['rie_ms']:.3f}",
                f"{f['rie_p90_ms']:.3f}",
                f"{f['rie_function_ms']:.3f}",
                f"{f['round_trip_ms']:.3f}",
                "met" if f["round_trip_ms"] < 3 else "MISSED",
            ]
        )
    print(_table(rows))
    print(f"\n(b) cold init, median of {args.cold} (ms); goal: ratio <= 1.25")
    rows = [["function", "RIE start to answer", "INIT REPORT", "bare import", "ratio", "goal"]]
    for logical_id, f in cold.items():
        rows.append(
            [
                logical_id,
                f"{f['cold_ms']:.1f}",
                f"{f['init_report_ms']:.1f}",
                f"{f['bare_import_ms']:.1f}",
                f"{f['ratio']:.2f}",
                "met" if f["ratio"] <= 1.25 else "MISSED",
            ]
        )
    print(_table(rows))
    print(f"\n(c) modules after importing pre_authentication: {imports}")
    print("    goal (no boto3):", "met" if not imports["boto3"] else "MISSED")
    if args.json:
        args.json.write_text(
            json.dumps({"warm": warm, "cold": cold, "pre_authentication": imports}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
