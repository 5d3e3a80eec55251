"""Remembered devices, driven by boto3 over HTTP and by pycognito's AWSSRP (its device SRP):
NewDeviceMetadata, ConfirmDevice, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, newDeviceUsed and
TokenGeneration_AuthenticateDevice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP, generate_hash_device

from harness.emulator import Emulator
from tests.support.emulator import PASSWORD, MakeEmulator, events, sources
from tests.support.served import ServedPool, served

pytestmark = pytest.mark.slow

ALWAYS = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}


class Pool(ServedPool):
    def alice(self, **device: Any) -> AWSSRP:
        return self.srp("alice", PASSWORD, **device)

    def remember(self, tokens: dict[str, Any], *, necessary: bool = False) -> dict[str, str]:
        """Confirm the new device as an app does; its key, group key and password."""
        metadata = tokens["AuthenticationResult"]["NewDeviceMetadata"]
        password, verifier = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
        confirmed = self.client.confirm_device(
            AccessToken=tokens["AuthenticationResult"]["AccessToken"],
            DeviceKey=metadata["DeviceKey"],
            DeviceSecretVerifierConfig=verifier,
            DeviceName="test-laptop",
        )
        assert confirmed["UserConfirmationNecessary"] is necessary
        return {
            "device_key": metadata["DeviceKey"],
            "device_group_key": metadata["DeviceGroupKey"],
            "device_password": password,
        }


def serve(emulator: Emulator) -> Iterator[Pool]:
    emulator.add_user("alice", password=PASSWORD, attributes={"email": "alice@example.com"})
    yield from served(emulator, Pool)


@pytest.fixture
def pool(make_emulator: MakeEmulator) -> Iterator[Pool]:
    yield from serve(make_emulator(overrides={"DeviceConfiguration": ALWAYS}))


def post_auth_new_device() -> list[bool]:
    return [e["request"]["newDeviceUsed"] for e in events("PostAuthentication_Authentication")]


def test_a_remembered_device_signs_in_with_device_srp(pool: Pool) -> None:
    first = pool.alice().authenticate_user()
    assert post_auth_new_device() == [True]
    device = pool.remember(first)

    again = pool.alice(**device).authenticate_user()  # pycognito answers DEVICE_SRP_AUTH itself

    result = again["AuthenticationResult"]
    assert {"IdToken", "AccessToken", "RefreshToken"} <= set(result)
    assert "NewDeviceMetadata" not in result
    assert post_auth_new_device() == [True, False]
    assert sources()[-1] == "TokenGeneration_AuthenticateDevice"


def test_a_wrong_device_password_is_not_authorized(pool: Pool) -> None:
    device = pool.remember(pool.alice().authenticate_user())
    device["device_password"] = "not-the-device-password"

    with pytest.raises(ClientError) as raised:
        pool.alice(**device).authenticate_user()

    assert raised.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "TokenGeneration_AuthenticateDevice" not in sources()


def test_an_unconfirmed_device_key_is_a_new_device(pool: Pool) -> None:
    first = pool.alice().authenticate_user()
    key = first["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"]

    again = pool.client.admin_initiate_auth(
        UserPoolId=pool.emulator.user_pool_id,
        ClientId=pool.emulator.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, "DEVICE_KEY": key},
    )

    assert "NewDeviceMetadata" in again["AuthenticationResult"]
    assert post_auth_new_device() == [True, True]


def test_the_password_flow_with_a_remembered_device_key_asks_for_device_srp(pool: Pool) -> None:
    device = pool.remember(pool.alice().authenticate_user())

    started = pool.client.admin_initiate_auth(
        UserPoolId=pool.emulator.user_pool_id,
        ClientId=pool.emulator.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "alice",
            "PASSWORD": PASSWORD,
            "DEVICE_KEY": device["device_key"],
        },
    )

    assert started["ChallengeName"] == "DEVICE_SRP_AUTH"


def test_confirm_device_refuses_another_users_or_unknown_device(pool: Pool) -> None:
    tokens = pool.alice().authenticate_user()
    _, verifier = generate_hash_device("-g", "k")

    with pytest.raises(ClientError) as raised:
        pool.client.confirm_device(
            AccessToken=tokens["AuthenticationResult"]["AccessToken"],
            DeviceKey="us-east-1_00000000-0000-0000-0000-000000000000",
            DeviceSecretVerifierConfig=verifier,
        )
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"

    with pytest.raises(ClientError) as raised:
        pool.client.confirm_device(
            AccessToken="not-a-token",
            DeviceKey="us-east-1_00000000-0000-0000-0000-000000000000",  # well-formed: the
            DeviceSecretVerifierConfig=verifier,  # API model refuses "k" before the token
        )
    assert raised.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_without_device_configuration_no_device_is_remembered(make_emulator: MakeEmulator) -> None:
    for pool in serve(make_emulator()):
        tokens = pool.alice().authenticate_user()

        assert "NewDeviceMetadata" not in tokens["AuthenticationResult"]
        assert post_auth_new_device() == [False]


def test_user_opt_in_pool_says_the_user_must_confirm(make_emulator: MakeEmulator) -> None:
    opt_in = {**ALWAYS, "DeviceOnlyRememberedOnUserPrompt": True}
    for pool in serve(make_emulator(overrides={"DeviceConfiguration": opt_in})):
        tokens = pool.alice().authenticate_user()

        pool.remember(tokens, necessary=True)  # asserts UserConfirmationNecessary
