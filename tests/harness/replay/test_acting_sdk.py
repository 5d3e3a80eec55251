"""The replay's SDK part (harness.replay.sdk) against the emulator: the device password it keeps
after ConfirmDevice proves the device at DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER."""

from __future__ import annotations

from typing import Any

import pytest

from harness.emulator import Emulator
from harness.replay.sdk import ActingSdk
from tests.support.emulator import PASSWORD, recorder, recording_stack, sources

pytestmark = pytest.mark.slow

DEVICES = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}


def test_the_acting_sdk_remembers_a_device_and_proves_it() -> None:
    recorder.reset()
    with Emulator(recording_stack(), overrides={"DeviceConfiguration": DEVICES}) as emu:
        emu.add_user("alice", password=PASSWORD, attributes={"email": "alice@example.com"})
        sdk = ActingSdk(emu.user_pool_id)
        previous: dict[str, Any] | None = None

        def send(operation: str, params: dict[str, Any]) -> dict[str, Any]:
            nonlocal previous
            record = emu.call(operation, sdk.prepare(operation, params, previous))
            assert record.error is None, record.outcome
            previous = record.response
            assert previous is not None
            return previous

        def sign_in(device_key: str | None) -> dict[str, Any]:
            auth = {"USERNAME": "alice", "PASSWORD": PASSWORD}
            if device_key:
                auth["DEVICE_KEY"] = device_key
            return send(
                "AdminInitiateAuth",
                {
                    "UserPoolId": emu.user_pool_id,
                    "ClientId": emu.client_id,
                    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                    "AuthParameters": auth,
                },
            )

        def answer(name: str, responses: dict[str, str]) -> dict[str, Any]:
            assert previous is not None
            return send(
                "RespondToAuthChallenge",
                {
                    "ClientId": emu.client_id,
                    "ChallengeName": name,
                    "Session": previous["Session"],
                    "ChallengeResponses": responses,
                },
            )

        tokens = sign_in(None)["AuthenticationResult"]
        key = tokens["NewDeviceMetadata"]["DeviceKey"]
        send("ConfirmDevice", {"AccessToken": tokens["AccessToken"], "DeviceKey": key})

        assert sign_in(key)["ChallengeName"] == "DEVICE_SRP_AUTH"
        verifier = answer("DEVICE_SRP_AUTH", {"USERNAME": "alice", "DEVICE_KEY": key})
        assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
        done = answer("DEVICE_PASSWORD_VERIFIER", {"USERNAME": "alice", "DEVICE_KEY": key})

        assert "AccessToken" in done["AuthenticationResult"]
        assert sources()[-1] == "TokenGeneration_AuthenticateDevice"
