"""What a real SRP proof costs per sign-in in the emulator (issue 15), same process, in-process
no-op triggers (bench/noop/template.yaml):

* password: AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH (one call, no SRP), the baseline;
* user SRP: InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER, the client
  side computed by :mod:`harness.replay.sdk` (as a replay does);
* device SRP: the same sign-in with a remembered device's DEVICE_KEY, then DEVICE_SRP_AUTH and
  DEVICE_PASSWORD_VERIFIER (four calls, two SRP proofs).

Median milliseconds per complete sign-in over ``--rounds`` rounds of ``--signins`` each.
Reported, never asserted.

    .venv/bin/python bench/bench_srp.py [--signins 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.emulator import Emulator
from harness.replay.sdk import ActingSdk
from harness.stack import load_stack

HERE = Path(__file__).resolve().parent
PASSWORD = "Bench-passw0rd!"
DEVICES = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class Flow:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.sdk = ActingSdk(emu.user_pool_id)
        self.previous: dict[str, Any] | None = None

    def send(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        params = {"ClientId": self.emu.client_id, **params}
        record = self.emu.call(operation, self.sdk.prepare(operation, params, self.previous))
        if record.error is not None or record.response is None:
            raise SystemExit(f"{operation} failed: {record.outcome}")
        self.previous = record.response
        return record.response

    def answer(self, name: str, responses: dict[str, str]) -> dict[str, Any]:
        assert self.previous is not None
        session = self.previous["Session"]
        return self.send(
            "RespondToAuthChallenge",
            {"ChallengeName": name, "Session": session, "ChallengeResponses": responses},
        )

    def password(self, device_key: str | None = None) -> dict[str, Any]:
        auth = {"USERNAME": "alice", "PASSWORD": PASSWORD}
        if device_key:
            auth["DEVICE_KEY"] = device_key
        return self.send(
            "AdminInitiateAuth",
            {
                "UserPoolId": self.emu.user_pool_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": auth,
            },
        )

    def user_srp(self) -> dict[str, Any]:
        auth = {"USERNAME": "alice", "PASSWORD": PASSWORD}
        self.send("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "AuthParameters": auth})
        return self.answer("PASSWORD_VERIFIER", {"USERNAME": "alice"})

    def device_srp(self, key: str) -> dict[str, Any]:
        self.password(key)
        self.answer("DEVICE_SRP_AUTH", {"USERNAME": "alice", "DEVICE_KEY": key})
        return self.answer("DEVICE_PASSWORD_VERIFIER", {"USERNAME": "alice", "DEVICE_KEY": key})


def per_signin_ms(signins: int, run: Callable[[], dict[str, Any]]) -> float:
    started = time.perf_counter()
    for _ in range(signins):
        if "AuthenticationResult" not in run():
            raise SystemExit("a benchmark sign-in did not end in tokens")
    return (time.perf_counter() - started) * 1000 / signins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signins", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    overrides = {"DeviceConfiguration": DEVICES, "ExplicitAuthFlows": FLOWS}
    with Emulator(load_stack(HERE / "noop" / "template.yaml"), overrides=overrides) as emu:
        emu.add_user("alice", password=PASSWORD)
        flow = Flow(emu)
        tokens = flow.password()["AuthenticationResult"]
        key = tokens["NewDeviceMetadata"]["DeviceKey"]
        flow.send("ConfirmDevice", {"AccessToken": tokens["AccessToken"], "DeviceKey": key})
        runs: dict[str, Callable[[], dict[str, Any]]] = {
            "password": flow.password,
            "user SRP": flow.user_srp,
            "device SRP": lambda: flow.device_srp(key),
        }
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                samples[name].append(per_signin_ms(args.signins, run))
    for name, values in samples.items():
        print(f"{name:>10}: {statistics.median(values):7.2f} ms per sign-in (median)")


if __name__ == "__main__":
    main()
