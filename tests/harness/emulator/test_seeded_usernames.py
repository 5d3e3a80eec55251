"""Users seeded by ``add_user`` and replay setups, in a pool whose UsernameAttributes are email
or phone_number, get a generated username as AdminCreateUser gives them ([D] AdminCreateUser
API reference, Username), and are still found by the name they were seeded with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness.cognito import errors
from harness.emulator.users import is_generated
from harness.replay import load_replay
from harness.replay.model import Replay, ReplayError
from harness.replay.runner import run_replay
from harness.stack import Stack
from tests.harness.emulator.test_documented_fidelity import client_of, sign_in, with_pool
from tests.support.emulator import (
    PASSWORD,
    MakeEmulator,
    claims,
    one_event,
    recorder,
    recording_stack,
)


@pytest.mark.parametrize(
    ("attributes", "name", "attribute"),
    [
        (["email"], "zed@example.com", "email"),
        (["phone_number"], "+15555550100", "phone_number"),
        (["email", "phone_number"], "+15555550100", "phone_number"),
    ],
)
def test_an_added_user_gets_a_generated_username_and_is_found_by_its_given_name(
    make_emulator: MakeEmulator, attributes: list[str], name: str, attribute: str
) -> None:
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=attributes))
    user = emu.add_user(name, password=PASSWORD)
    assert is_generated(user.username)

    got = client_of(emu).admin_get_user(UserPoolId=emu.user_pool_id, Username=name)
    values = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert got["Username"] == user.username == values["sub"]
    assert values[attribute] == name

    result = sign_in(emu, name)
    token = claims(result["AuthenticationResult"]["IdToken"])
    assert token["cognito:username"] == token["sub"] == user.username
    event = one_event("PreAuthentication_Authentication")
    assert event["userName"] == user.username
    assert event["request"]["userAttributes"]["sub"] == user.username
    with pytest.raises(errors.UsernameExistsException):
        emu.add_user(name, password=PASSWORD)


def test_an_added_user_must_be_what_the_username_attributes_allow(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=["email"]))
    with pytest.raises(errors.InvalidParameterException, match=r"Username should be an email\."):
        emu.add_user("zed", password=PASSWORD)


def test_a_pool_without_username_attributes_keeps_the_given_username(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator()
    assert emu.add_user("zed", password=PASSWORD).username == "zed"
    with pytest.raises(ClientError):  # no user is known by a generated name
        client_of(emu).admin_get_user(UserPoolId=emu.user_pool_id, Username="nobody")


def _replay(tmp_path: Path, setup_name: str) -> Replay:
    """A JSON replay whose setup seeds ``setup_name`` and signs it in by that name."""
    calls = {
        "setup": {"users": [{"username": setup_name, "password": PASSWORD}]},
        "calls": [
            {
                "operation": "AdminInitiateAuth",
                "request": {
                    "UserPoolId": "us-east-1_Deployed1",
                    "ClientId": "deployedclient00000000000",
                    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                    "AuthParameters": {"USERNAME": setup_name, "PASSWORD": PASSWORD},
                    "ClientMetadata": {"app": "web"},
                },
                "expect": {"outcome": "tokens", "PreAuthentication": "validationData"},
            }
        ],
    }
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(calls))
    return load_replay([path], env={})


def email_pool() -> Stack:
    return with_pool(recording_stack(), UsernameAttributes=["email"])


def test_a_replay_setup_user_is_signed_in_by_the_name_the_setup_gave(tmp_path: Path) -> None:
    result = run_replay(_replay(tmp_path, "zed@example.com"), email_pool())

    [call] = result.results
    assert call.failures == []
    assert call.record.outcome["status"] == "tokens"
    event = one_event("PreAuthentication_Authentication")
    assert is_generated(event["userName"])
    assert event["userName"] == event["request"]["userAttributes"]["sub"]
    assert event["request"]["userAttributes"]["email"] == "zed@example.com"


def test_a_replay_setup_user_that_is_no_email_in_an_email_pool_is_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(ReplayError, match=r"user 'zed' cannot be created: Username should be an"):
        run_replay(_replay(tmp_path, "zed"), email_pool())


def test_a_migrated_user_in_an_email_pool_gets_a_generated_username(
    make_emulator: MakeEmulator,
) -> None:
    # Found on a public stack (ES-module UserMigration): the typed email stayed the username
    # while the tokens said a UUID.
    recorder.SCRIPT["UserMigration"] = {
        "userAttributes": {"email": "bob@example.com", "email_verified": "true"},
        "finalUserStatus": "CONFIRMED",
    }
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=["email"]))
    result = sign_in(emu, "bob@example.com")

    got = client_of(emu).admin_get_user(UserPoolId=emu.user_pool_id, Username="bob@example.com")
    values = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    token = claims(result["AuthenticationResult"]["IdToken"])
    assert is_generated(got["Username"])
    assert got["Username"] == values["sub"] == token["sub"] == token["cognito:username"]
    assert values["email"] == "bob@example.com"
    # The trigger was asked about the name the user typed.
    assert one_event("UserMigration_Authentication")["userName"] == "bob@example.com"
