"""16 concurrent clients signing up and signing in against `harness serve`.

Bounded in count (and in time, whatever the machine's speed), loopback only. All clients
start together, and the interpreter switches threads every 50 µs instead of every 5 ms, so
the server's threads and the clients interleave at a hundred times more points per call than
by default: the races a long run would hit by chance are hit in a short one. Afterwards every
user exists once, every call got its trigger invocations recorded once, and every call printed
exactly one row.
"""

from __future__ import annotations

import io
import json
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer

# Slow: a load test of harness serve (a few seconds); `pytest -m "not slow"` skips it.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CLIENTS = 16
USERS_PER_CLIENT = 25  # 400 users, 800 calls, 1,600 trigger invocations
SECONDS = 60.0  # a bound in time too, on a very slow machine
SWITCH_INTERVAL = 50e-6


@pytest.fixture
def _frequent_thread_switches() -> Iterator[None]:
    default = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(default)


@pytest.mark.usefixtures("_frequent_thread_switches")
def test_concurrent_sign_up_and_sign_in_lose_nothing() -> None:
    out = io.StringIO()
    with Emulator(FIXTURES / "load.yaml") as emulator:
        server = CognitoServer(CognitoApp(emulator, out=out), port=0).start()
        try:
            done: list[list[str]] = [[] for _ in range(CLIENTS)]
            failures: list[BaseException] = []
            deadline = time.monotonic() + SECONDS
            start = threading.Barrier(CLIENTS)

            def client_loop(number: int) -> None:
                client = boto3.client(
                    "cognito-idp",
                    endpoint_url=server.endpoint,
                    region_name="us-east-1",
                    aws_access_key_id="x",
                    aws_secret_access_key="x",
                )
                try:
                    start.wait(timeout=SECONDS)
                    while time.monotonic() < deadline and len(done[number]) < USERS_PER_CLIENT:
                        username = f"user-{number}-{len(done[number])}"
                        client.sign_up(
                            ClientId=emulator.client_id,
                            Username=username,
                            Password="Load-passw0rd!",
                            ClientMetadata={"client": str(number)},
                        )
                        client.admin_initiate_auth(
                            UserPoolId=emulator.user_pool_id,
                            ClientId=emulator.client_id,
                            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": username, "PASSWORD": "Load-passw0rd!"},
                            ClientMetadata={"client": str(number)},
                        )
                        done[number].append(username)
                except BaseException as error:  # reported below, with the others
                    failures.append(error)

            threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(SECONDS + 30)
            assert not any(t.is_alive() for t in threads)
            assert failures == []

            users = [name for names in done for name in names]
            assert len(users) >= CLIENTS  # every client got through at least once
            assert len(set(users)) == len(users)
            # Each signed-up user is in the pool exactly once, under its own name.
            pool_users = [user.username for user in emulator.pool.users.values()]
            assert sorted(pool_users) == sorted(users)

            with urllib.request.urlopen(f"{server.endpoint}/_harness/invocations") as answer:
                report = json.loads(answer.read())
            calls = report["calls"]
            assert len(calls) == 2 * len(users)
            triggers = Counter(i["trigger"] for c in calls for i in c["invocations"])
            assert triggers == {
                "PreSignUp": len(users),
                "PreAuthentication": len(users),
                "PostAuthentication": len(users),
                "PreTokenGeneration": len(users),
            }
            per_user = Counter(
                i["metadata"]["client"]
                for c in calls
                for i in c["invocations"]
                if i["trigger"] == "PreAuthentication"
            )
            assert per_user == {str(n): len(done[n]) for n in range(CLIENTS) if done[n]}
            print(f"\nload: {CLIENTS} clients, {len(users)} users, {len(calls)} calls")
            rows = out.getvalue().splitlines()
            assert len(rows) == len(calls)
            odd = [r for r in rows if not r.startswith(("SignUp user-", "AdminInitiateAuth user-"))]
            assert odd == []
        finally:
            server.stop()
