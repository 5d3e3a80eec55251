"""`harness serve` against moto's own server, both driven by a sequential boto3 client.

* harness: `harness serve`'s app (bench/noop/template.yaml: PreAuthentication,
  PostAuthentication and PreTokenGeneration wired to no-op triggers, in-process) on a free
  127.0.0.1 port;
* moto: moto_server (moto's own server, its console script, in its own process as users run
  it) on another free 127.0.0.1 port, the same pool, client and user made through its API, no
  triggers.

Each round signs the same user in with AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH `--calls`
times per server, alternating servers; the ratio is harness / moto of the median rounds.
Goal (issue 5): ratio >= 1.0.

    .venv/bin/python bench/bench_serve.py [--calls 300] [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3

from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer
from harness.stack import load_stack

HERE = Path(__file__).resolve().parent
PASSWORD = "Bench-passw0rd!"


def client(endpoint: str) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def rate(cognito: Any, pool: str, app: str, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        result = cognito.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=app,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
            ClientMetadata={"appVersion": "2.1.0"},
        )
        if "AuthenticationResult" not in result:
            raise SystemExit(f"benchmark call did not sign in: {result}")
    return calls / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    port = free_port()
    moto_server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return compare(args, port)
    finally:
        moto_server.terminate()
        try:
            moto_server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            moto_server.kill()
            moto_server.wait()


def compare(args: argparse.Namespace, port: int) -> int:
    moto = client(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        try:
            moto.list_user_pools(MaxResults=1)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise SystemExit("moto_server did not start within 30 s") from None
            time.sleep(0.2)
    moto_pool = moto.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    moto_app = moto.create_user_pool_client(
        UserPoolId=moto_pool,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    moto.admin_create_user(UserPoolId=moto_pool, Username="alice", MessageAction="SUPPRESS")
    moto.admin_set_user_password(
        UserPoolId=moto_pool, Username="alice", Password=PASSWORD, Permanent=True
    )

    harness_rates, moto_rates = [], []
    with Emulator(load_stack(HERE / "noop" / "template.yaml")) as emulator:
        emulator.add_user("alice", password=PASSWORD, attributes={"email": "a@example.com"})
        server = CognitoServer(CognitoApp(emulator), port=0).start()
        served = client(server.endpoint)
        try:
            rate(served, emulator.user_pool_id, emulator.client_id, 20)  # warm both
            rate(moto, moto_pool, moto_app, 20)
            for number in range(args.rounds):
                harness_rates.append(
                    rate(served, emulator.user_pool_id, emulator.client_id, args.calls)
                )
                moto_rates.append(rate(moto, moto_pool, moto_app, args.calls))
                print(
                    f"round {number + 1}/{args.rounds}: harness serve "
                    f"{harness_rates[-1]:6.1f}/s  moto_server {moto_rates[-1]:6.1f}/s",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            server.stop()
    result: dict[str, Any] = {
        "benchmark": "AdminInitiateAuth over HTTP, sequential boto3 client, calls per second",
        "calls_per_round": args.calls,
        "rounds": args.rounds,
        "harness_serve_3_noop_triggers": round(statistics.median(harness_rates), 1),
        "moto_server_no_triggers": round(statistics.median(moto_rates), 1),
    }
    result["ratio"] = round(
        result["harness_serve_3_noop_triggers"] / result["moto_server_no_triggers"], 2
    )
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
