"""Documented Cognito behaviours and pool settings, each through a real boto3 client.

Each test names the page of the Cognito developer guide (or API reference) it follows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator import Emulator
from harness.emulator.sdk_client import emulated_client
from harness.settings import Settings
from harness.stack import Stack
from tests.support.emulator import (
    EMAIL,
    PASSWORD,
    MakeEmulator,
    claims,
    events,
    one_event,
    recorder,
    recording_stack,
)

MIGRATED = {"userAttributes": {"email": "bob@example.com", "email_verified": "true"}}


def with_pool(stack: Stack, **properties: Any) -> Stack:
    pool = stack.default_pool
    changed = dataclasses.replace(pool, properties={**pool.properties, **properties})
    return dataclasses.replace(stack, pools={pool.logical_id: changed})


def client_of(emu: Emulator) -> Any:
    return emulated_client(emu, aws_access_key_id="testing", aws_secret_access_key="testing")


def error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    body = excinfo.value.response["Error"]
    return body["Code"], body["Message"]


def sign_in(emu: Emulator, username: str, password: str = PASSWORD) -> dict[str, Any]:
    result: dict[str, Any] = client_of(emu).admin_initiate_auth(
        UserPoolId=emu.user_pool_id,
        ClientId=emu.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return result


@pytest.fixture
def legacy(make_emulator: MakeEmulator) -> Emulator:
    """The recording stack with PreventUserExistenceErrors LEGACY."""
    return make_emulator(overrides={"PreventUserExistenceErrors": "LEGACY"})


# ------------------------------------------------------------------ user migration


def test_migration_without_final_user_status_creates_a_reset_required_user(emu: Emulator) -> None:
    # [D] user-pool-lambda-migrate-user, finalUserStatus: "If you don't set this attribute to
    # CONFIRMED, it's set to RESET_REQUIRED".
    recorder.SCRIPT["UserMigration"] = MIGRATED

    with pytest.raises(ClientError) as refused:
        sign_in(emu, "bob")

    assert error(refused)[0] == "PasswordResetRequiredException"
    user = emu.find_user("bob")
    assert user is not None
    assert user.status == "RESET_REQUIRED"


def test_migration_default_final_status_confirmed_signs_the_user_in(
    make_emulator: MakeEmulator,
) -> None:
    # The pages disagree (see the setting's reason): the earlier text of
    # user-pool-lambda-migrate-user said finalUserStatus "can be set to CONFIRMED, or not set,
    # to auto-confirm your users"; migration_default_final_status=CONFIRMED follows it.
    emu = make_emulator(settings=Settings(migration_default_final_status="CONFIRMED"))
    recorder.SCRIPT["UserMigration"] = MIGRATED

    answer = sign_in(emu, "bob")

    assert "IdToken" in answer["AuthenticationResult"]
    user = emu.find_user("bob")
    assert user is not None
    assert user.status == "CONFIRMED"


def test_migration_without_a_user_under_enabled_is_the_generic_not_authorized(
    emu: Emulator,
) -> None:
    # [D] cognito-user-pool-managing-errors: with PreventUserExistenceErrors ENABLED an
    # unknown user's sign-in gets NotAuthorizedException, whatever the migration said.
    recorder.SCRIPT["UserMigration"] = {}

    with pytest.raises(ClientError) as refused:
        sign_in(emu, "nobody")

    assert error(refused) == ("NotAuthorizedException", "Incorrect username or password.")
    assert emu.find_user("nobody") is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({}, "Exception migrating user in app client {client}"),
        ({"userAttributes": {}}, "Exception migrating user in app client {client}"),
        ({"userAttributes": None}, "Exception migrating user in app client {client}"),
        (
            {**MIGRATED, "finalUserStatus": "ACTIVE"},
            "Error during migration: Invalid finalUserStatus",
        ),
        ({**MIGRATED, "messageAction": "SEND"}, "Error during migration: Invalid messageAction"),
        (
            {**MIGRATED, "desiredDeliveryMediums": ["PIGEON"]},
            "Error during migration: Invalid desiredDeliveryMediums",
        ),
        (
            {"userAttributes": {"email": "bob@example.com", "custom:undeclared": "x"}},
            "Attributes did not conform to the schema: "
            "custom:undeclared: Attribute does not exist in the schema.\n",
        ),
    ],
    ids=[
        "no-response",
        "no-attributes",
        "null-attributes",
        "finalUserStatus",
        "messageAction",
        "desiredDeliveryMediums",
        "undeclared-attribute",
    ],
)
def test_migration_without_a_usable_user_under_legacy_is_user_not_found(
    legacy: Emulator, answer: dict[str, Any], message: str
) -> None:
    # [D] cognito-user-pool-managing-errors (LEGACY): an answer without a user means the user
    # does not exist; [D] knowledge-center cognito-migration-lambda-trigger-errors: an invalid
    # finalUserStatus, messageAction, desiredDeliveryMediums ("Error during migration: Invalid
    # <field>") or an attribute outside the schema ("Attributes did not conform to the schema:
    # <attribute>: Attribute does not exist in the schema") is UserNotFoundException. Nobody
    # is created.
    recorder.SCRIPT["UserMigration"] = answer

    with pytest.raises(ClientError) as refused:
        sign_in(legacy, "bob")

    assert error(refused) == (
        "UserNotFoundException",
        message.format(client=legacy.client_id),
    )
    assert legacy.find_user("bob") is None


def test_forgot_password_of_an_unknown_user_under_enabled_gets_simulated_delivery(
    emu: Emulator,
) -> None:
    # [D] cognito-user-pool-managing-errors: ForgotPassword of an unknown user returns a
    # simulated CodeDeliveryDetails, also when the migration trigger knows no such user.
    recorder.SCRIPT["UserMigration"] = {}

    answer = client_of(emu).forgot_password(ClientId=emu.client_id, Username="nobody")

    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert emu.find_user("nobody") is None
    assert [e["triggerSource"] for e in events()] == ["UserMigration_ForgotPassword"]


def test_confirm_forgot_password_of_an_unknown_user_under_enabled_is_code_mismatch(
    emu: Emulator,
) -> None:
    # [D] cognito-user-pool-managing-errors: ConfirmForgotPassword of an unknown user
    # returns CodeMismatchException (LEGACY: UserNotFoundException).
    with pytest.raises(ClientError) as refused:
        client_of(emu).confirm_forgot_password(
            ClientId=emu.client_id, Username="nobody", ConfirmationCode="123456", Password=PASSWORD
        )

    assert error(refused)[0] == "CodeMismatchException"


# ------------------------------------------------------------------ pre token generation


def test_v1_claim_both_overridden_and_suppressed_is_suppressed(emu: Emulator) -> None:
    # [D] user-pool-lambda-pre-token-generation: suppression wins over an override.
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"email": "other@example.com", "kept": "yes"},
            "claimsToSuppress": ["email"],
        }
    }

    id_token = claims(sign_in(emu, "alice")["AuthenticationResult"]["IdToken"])

    assert "email" not in id_token
    assert id_token["kept"] == "yes"


@pytest.mark.parametrize("details", [None, {}])
def test_v1_empty_or_null_group_override_details_suppresses_the_groups(
    make_emulator: MakeEmulator, details: Any
) -> None:
    # [D] user-pool-lambda-pre-token-generation: an empty or null groupOverrideDetails
    # suppresses cognito:groups.
    emu = make_emulator()
    emu.add_user("alice", password=PASSWORD, groups=["admins"])
    recorder.SCRIPT["PreTokenGeneration"] = {
        "claimsOverrideDetails": {"groupOverrideDetails": details}
    }

    result = sign_in(emu, "alice")["AuthenticationResult"]

    assert "cognito:groups" not in claims(result["IdToken"])


def test_v1_without_group_override_details_keeps_the_groups(make_emulator: MakeEmulator) -> None:
    emu = make_emulator()
    emu.add_user("alice", password=PASSWORD, groups=["admins"])
    recorder.SCRIPT["PreTokenGeneration"] = {"claimsOverrideDetails": {}}

    id_token = claims(sign_in(emu, "alice")["AuthenticationResult"]["IdToken"])

    assert id_token["cognito:groups"] == ["admins"]


# ------------------------------------------------------------------ pre sign-up and delivery


def test_auto_verify_email_without_an_email_fails_the_sign_up(emu: Emulator) -> None:
    # [D] user-pool-lambda-pre-sign-up, autoVerifyEmail: the email must be present, otherwise
    # an error occurs and the user is not created.
    recorder.SCRIPT["PreSignUp"] = {"autoVerifyEmail": True}

    with pytest.raises(ClientError) as refused:
        client_of(emu).sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)

    assert error(refused)[0] == "InvalidParameterException"  # the setting's default
    assert emu.find_user("carol") is None


def test_auto_verify_error_code_is_the_setting(make_emulator: MakeEmulator) -> None:
    # The page does not say which error: auto_verify_missing_attribute_error ([A]) decides.
    emu = make_emulator(
        settings=Settings(auto_verify_missing_attribute_error="InvalidLambdaResponseException")
    )
    recorder.SCRIPT["PreSignUp"] = {"autoVerifyPhone": True}

    with pytest.raises(ClientError) as refused:
        client_of(emu).sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)

    assert error(refused) == (
        "InvalidLambdaResponseException",
        "autoVerifyPhone is true but the user has no phone_number attribute",
    )
    assert emu.find_user("carol") is None


def test_code_delivery_never_names_a_medium_the_user_lacks(emu: Emulator) -> None:
    # [D] SignUp API reference: CodeDeliveryDetails says where the code was sent; a user
    # without email or phone number receives none.
    answer = client_of(emu).sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)

    assert answer["UserConfirmed"] is False
    assert "CodeDeliveryDetails" not in answer


# ------------------------------------------------------------------ pool settings


def test_username_attributes_email_gives_a_uuid_username_and_signs_in_by_email(
    make_emulator: MakeEmulator,
) -> None:
    # [D] user-pool-settings-attributes: with email as username, the user's username is a
    # generated UUID (the events' userName) and the user signs in with the email.
    emu = make_emulator(with_pool(recording_stack(), UsernameAttributes=["email"]))
    recorder.SCRIPT["PreSignUp"] = {"autoConfirmUser": True}
    client = client_of(emu)

    client.sign_up(ClientId=emu.client_id, Username="carol@example.com", Password=PASSWORD)
    result = sign_in(emu, "carol@example.com")

    username = one_event("PreSignUp_SignUp")["userName"]
    assert username != "carol@example.com"
    assert len(username) == 36
    assert one_event("PreSignUp_SignUp")["request"]["userAttributes"]["email"] == (
        "carol@example.com"
    )
    assert one_event("PreAuthentication_Authentication")["userName"] == username
    assert claims(result["AuthenticationResult"]["IdToken"])["cognito:username"] == username
    with pytest.raises(ClientError) as refused:
        client.sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)
    assert error(refused) == ("InvalidParameterException", "Username should be an email.")


def test_alias_attributes_sign_in_with_a_verified_alias_only(make_emulator: MakeEmulator) -> None:
    # [D] user-pool-settings-attributes: an alias signs in once verified.
    emu = make_emulator(with_pool(recording_stack(), AliasAttributes=["email"]))
    emu.add_user("alice", password=PASSWORD, attributes={"email": EMAIL, "email_verified": "true"})
    emu.add_user("dan", password=PASSWORD, attributes={"email": "dan@example.com"})
    recorder.SCRIPT["UserMigration"] = {}  # the legacy directory knows nobody

    result = sign_in(emu, EMAIL)

    assert claims(result["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"
    with pytest.raises(ClientError) as refused:
        sign_in(emu, "dan@example.com")
    assert error(refused)[0] == "NotAuthorizedException"  # ENABLED: an unknown user
    assert one_event("UserMigration_Authentication")["userName"] == "dan@example.com"


def test_case_insensitive_usernames_match_in_any_case(make_emulator: MakeEmulator) -> None:
    # [D] CreateUserPool API reference, UsernameConfiguration.CaseSensitive.
    emu = make_emulator(
        with_pool(recording_stack(), UsernameConfiguration={"CaseSensitive": False})
    )
    emu.add_user("Alice", password=PASSWORD)

    result = sign_in(emu, "aLiCe")

    assert claims(result["AuthenticationResult"]["IdToken"])["cognito:username"] == "Alice"


def test_allow_admin_create_user_only_refuses_sign_up(make_emulator: MakeEmulator) -> None:
    # [D] CreateUserPool API reference, AdminCreateUserConfig.AllowAdminCreateUserOnly.
    emu = make_emulator(
        with_pool(recording_stack(), AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    )

    with pytest.raises(ClientError) as refused:
        client_of(emu).sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)

    assert error(refused)[0] == "NotAuthorizedException"
    assert events() == []
    assert emu.find_user("carol") is None


def test_schema_required_and_undeclared_attributes_are_refused_at_sign_up(
    make_emulator: MakeEmulator,
) -> None:
    # [D] user-pool-settings-attributes: required attributes must be given at sign-up; custom
    # attributes exist only when declared.
    schema = [
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
    ]
    emu = make_emulator(with_pool(recording_stack(), Schema=schema))
    client = client_of(emu)

    with pytest.raises(ClientError) as missing:
        client.sign_up(ClientId=emu.client_id, Username="carol", Password=PASSWORD)
    with pytest.raises(ClientError) as undeclared:
        client.sign_up(
            ClientId=emu.client_id,
            Username="carol",
            Password=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": "carol@example.com"},
                {"Name": "custom:plan", "Value": "gold"},
            ],
        )

    # The messages as real pools give them (harness.cognito.refusals, with the sources):
    # [O] furaiev/amazon-cognito-identity-dart-2#89 "Attributes did not conform to the schema:
    # email: The attribute is required"; [O] aws-amplify/amplify-flutter#509 one line per
    # attribute, "custom:x: Attribute does not exist in the schema.".
    assert error(missing) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: email: The attribute is required\n",
    )
    assert error(undeclared) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: "
        "custom:plan: Attribute does not exist in the schema.\n",
    )
    assert emu.find_user("carol") is None
    assert events() == []


def test_schema_immutable_attribute_cannot_be_updated(make_emulator: MakeEmulator) -> None:
    # [D] user-pool-settings-attributes: an attribute that is not mutable cannot be changed.
    schema = [{"Name": "tenant", "AttributeDataType": "String", "Mutable": False}]
    emu = make_emulator(with_pool(recording_stack(), Schema=schema))
    emu.add_user("alice", password=PASSWORD, attributes={"custom:tenant": "acme"})

    with pytest.raises(ClientError) as refused:
        client_of(emu).admin_update_user_attributes(
            UserPoolId=emu.user_pool_id,
            Username="alice",
            UserAttributes=[{"Name": "custom:tenant", "Value": "other"}],
        )

    # [O] aws-amplify/amplify-swift#3981: "user.email: Attribute cannot be updated."
    assert error(refused) == (
        "InvalidParameterException",
        "user.custom:tenant: Attribute cannot be updated.\n",
    )
    user = emu.find_user("alice")
    assert user is not None
    assert emu.user_attributes(user)["custom:tenant"] == "acme"


def test_deletion_protection_active_refuses_delete_user_pool(make_emulator: MakeEmulator) -> None:
    # [D] CreateUserPool API reference, DeletionProtection: an ACTIVE pool cannot be deleted.
    emu = make_emulator(with_pool(recording_stack(), DeletionProtection="ACTIVE"))
    emu.add_user("alice", password=PASSWORD)
    client = client_of(emu)

    with pytest.raises(ClientError) as refused:
        client.delete_user_pool(UserPoolId=emu.user_pool_id)

    assert error(refused)[0] == "InvalidParameterException"
    assert "AuthenticationResult" in sign_in(emu, "alice")  # the pool still works


# --- Confirming sign-up: the code proves the address ([D] knowledge-center cognito-confirm-account)


def _signed_up(emu: Emulator, username: str) -> Any:
    client = client_of(emu)
    client.sign_up(
        ClientId=emu.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    return client


def _attributes(emu: Emulator, client: Any, username: str) -> dict[str, str]:
    user = client.admin_get_user(UserPoolId=emu.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def test_confirm_sign_up_with_the_code_verifies_the_email_it_was_sent_to(emu: Emulator) -> None:
    client = _signed_up(emu, "carol")
    client.confirm_sign_up(
        ClientId=emu.client_id, Username="carol", ConfirmationCode=emu.settings.mfa_code
    )
    assert _attributes(emu, client, "carol")["email_verified"] == "true"
    # PostConfirmation runs once the address is verified (as its documented events show).
    event = one_event("PostConfirmation_ConfirmSignUp")
    assert event["request"]["userAttributes"]["email_verified"] == "true"


def test_an_administrators_confirmation_verifies_nothing(emu: Emulator) -> None:
    client = _signed_up(emu, "dan")
    client.admin_confirm_sign_up(UserPoolId=emu.user_pool_id, Username="dan")
    assert "email_verified" not in _attributes(emu, client, "dan")
