"""Replay throughput: the harness with three no-op triggers against bare moto, same process.

Measures ADMIN_USER_PASSWORD_AUTH calls per second:

* harness: ``Emulator.call("AdminInitiateAuth", ...)`` through the in-process invoker, with
  PreAuthentication, PostAuthentication and PreTokenGeneration wired to no-op triggers
  (bench/noop/template.yaml), each invocation a full event build, JSON round trip and check;
* moto: moto's own AdminInitiateAuth through a boto3 client under ``mock_aws`` (no triggers:
  moto never invokes one).

Rounds alternate between the two so both see the same machine state; the ratio is
harness / moto of the median rounds. Goal (issue 3): ratio >= 1.0.

    .venv/bin/python bench/bench_replay.py [--calls 300] [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import boto3
from moto import mock_aws

from harness.emulator import Emulator
from harness.stack import load_stack

HERE = Path(__file__).resolve().parent
PASSWORD = "Bench-passw0rd!"


def harness_rate(calls: int, emu: Emulator) -> float:
    params = {
        "UserPoolId": emu.user_pool_id,
        "ClientId": emu.client_id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        "ClientMetadata": {"appVersion": "2.1.0"},
    }
    started = time.perf_counter()
    for _ in range(calls):
        record = emu.call("AdminInitiateAuth", params)
        if record.outcome["status"] != "tokens" or len(record.invocations) != 3:
            raise SystemExit(f"benchmark call did not sign in through 3 triggers: {record.outcome}")
    return calls / (time.perf_counter() - started)


def moto_rate(calls: int) -> float:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name="us-east-1")
        pool = client.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool,
            ClientName="bench",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        client.admin_set_user_password(
            UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True
        )
        started = time.perf_counter()
        for _ in range(calls):
            result = client.admin_initiate_auth(
                UserPoolId=pool,
                ClientId=app,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
            )
            assert "AuthenticationResult" in result
        return calls / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    stack = load_stack(HERE / "noop" / "template.yaml")
    harness, moto = [], []
    for round_ in range(args.rounds):
        with Emulator(stack) as emu:
            emu.add_user("alice", password=PASSWORD, attributes={"email": "alice@example.com"})
            harness_rate(20, emu)  # warm: imports, first JWT signing
            harness.append(harness_rate(args.calls, emu))
        moto_rate(20)
        moto.append(moto_rate(args.calls))
        print(
            f"round {round_ + 1}/{args.rounds}: "
            f"harness {harness[-1]:7.1f}/s  moto {moto[-1]:7.1f}/s",
            file=sys.stderr,
            flush=True,
        )
    result = {
        "benchmark": "AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH, calls per second",
        "calls_per_round": args.calls,
        "rounds": args.rounds,
        "harness_3_noop_triggers_inprocess": round(statistics.median(harness), 1),
        "moto_boto3_no_triggers": round(statistics.median(moto), 1),
    }
    result["ratio"] = round(
        result["harness_3_noop_triggers_inprocess"] / result["moto_boto3_no_triggers"], 2
    )
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
