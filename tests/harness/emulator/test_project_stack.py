"""The project's own template.yaml and triggers, driven through the emulator end to end."""

from __future__ import annotations

import boto3
import pytest

from harness.emulator import Emulator
from harness.results import CallRecord
from harness.stack import load_stack
from tests.support.emulator import (
    PROJECT_TEMPLATE,
    MakeEmulator,
    claims,
    error_of,
    invocation,
    ran,
    tokens,
)

PASSWORD = "Correct-Horse-Battery-1!"
APP = {"appVersion": "2.4.0", "tenant": "acme"}


@pytest.fixture
def project(make_emulator: MakeEmulator) -> Emulator:
    return make_emulator(load_stack(PROJECT_TEMPLATE))


def admin_initiate(
    emu: Emulator, username: str, password: str, metadata: dict[str, str]
) -> CallRecord:
    return emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": password},
            "ClientMetadata": metadata,
        },
    )


def test_sign_up_with_an_invitation_code_in_validation_data_is_auto_confirmed(
    project: Emulator,
) -> None:
    project.put_items("InvitationsTable", [{"code": "INVITE-123", "email": "carol@example.com"}])

    record = project.call(
        "SignUp",
        {
            "ClientId": project.client_id,
            "Username": "carol",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}],
            "ValidationData": [{"Name": "invitationCode", "Value": "INVITE-123"}],
        },
    )

    assert record.outcome == {"status": "ok"}, record.invocations
    assert record.response is not None
    assert record.response["UserConfirmed"] is True
    assert ran(record) == ["PreSignUp_SignUp"]
    user = project.find_user("carol")
    assert user is not None
    assert user.status == "CONFIRMED"
    assert project.user_attributes(user)["email_verified"] == "true"
    table = project.stack.tables["InvitationsTable"].table_name
    item = boto3.client("dynamodb", region_name=project.region).get_item(
        TableName=table, Key={"code": {"S": "INVITE-123"}}
    )["Item"]
    assert item["used_by"] == {"S": "carol"}


def test_sign_up_without_an_invitation_is_refused_by_pre_sign_up(project: Emulator) -> None:
    record = project.call(
        "SignUp",
        {
            "ClientId": project.client_id,
            "Username": "mallory",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "mallory@example.com"}],
        },
    )

    assert error_of(record) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error An invitation code is required to sign up.",
    )
    assert project.find_user("mallory") is None


def test_admin_initiate_auth_with_app_metadata_gets_tokens_with_the_tenant_claim(
    project: Emulator,
) -> None:
    project.add_user(
        "alice",
        password=PASSWORD,
        attributes={"email": "alice@example.com", "custom:tenant": "acme"},
    )

    record = admin_initiate(project, "alice", PASSWORD, APP)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    shown = invocation(record, "PreAuthentication_Authentication")
    assert (shown.metadata_field, shown.metadata) == ("validationData", APP)
    id_token = claims(tokens(record)["IdToken"])
    assert id_token["tenant"] == "acme"
    assert id_token["cognito:username"] == "alice"


def test_admin_initiate_auth_from_another_tenant_is_refused_by_pre_authentication(
    project: Emulator,
) -> None:
    project.add_user("alice", password=PASSWORD, attributes={"custom:tenant": "acme"})

    record = admin_initiate(project, "alice", PASSWORD, {**APP, "tenant": "globex"})

    assert error_of(record) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error This account does not belong to the requested tenant.",
    )


def test_legacy_user_is_migrated_on_first_sign_in(project: Emulator) -> None:
    project.put_items(
        "LegacyUsersTable",
        [
            {
                "username": "bob",
                "password": "Legacy-Passw0rd!",
                "email": "bob@example.com",
                "email_verified": True,
                "iterations": 1000,
            }
        ],
    )

    record = admin_initiate(project, "bob", "Legacy-Passw0rd!", {"appVersion": "2.4.0"})

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "UserMigration_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    user = project.find_user("bob")
    assert user is not None
    assert user.status == "CONFIRMED"
    attributes = project.user_attributes(user)
    assert attributes["email"] == "bob@example.com"
    assert attributes["email_verified"] == "true"
    assert attributes["custom:legacy_realm"] == "default"
    assert claims(tokens(record)["IdToken"])["email"] == "bob@example.com"

    again = admin_initiate(project, "bob", "Legacy-Passw0rd!", {"appVersion": "2.4.0"})

    assert ran(again) == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]


def test_legacy_user_with_a_wrong_password_is_refused_by_user_migration(
    project: Emulator,
) -> None:
    project.put_items(
        "LegacyUsersTable",
        [
            {
                "username": "bob",
                "password": "Legacy-Passw0rd!",
                "email": "bob@example.com",
                "iterations": 1000,
            }
        ],
    )

    record = admin_initiate(project, "bob", "Wrong-Passw0rd!", {"appVersion": "2.4.0"})

    code, message = error_of(record)
    assert code == "UserLambdaValidationException"
    assert message.startswith("UserMigration failed with error ")
    assert project.find_user("bob") is None
