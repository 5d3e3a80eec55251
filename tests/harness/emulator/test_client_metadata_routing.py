"""Contract section 3: where an API call's ClientMetadata goes, one test per row and consequence.

Each test drives the emulator through its Python API and checks both what the report shows
(``record.invocations``: trigger, triggerSource, metadata field) and what the trigger really
received (the recorder's events).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.cognito import srp
from harness.cognito.events import CLIENT_ID_NOT_APPLICABLE
from harness.emulator import Emulator
from harness.settings import Settings
from tests.support.emulator import (
    EMAIL,
    METADATA,
    NEW_PASSWORD,
    PASSWORD,
    RESPOND_FOR,
    RESPOND_METADATA,
    MakeEmulator,
    events,
    initiate,
    invocation,
    one_event,
    ran,
    recorder,
    respond,
    sources,
    tokens,
)

INITIATE_OPERATIONS = pytest.mark.parametrize("operation", ["AdminInitiateAuth", "InitiateAuth"])
CODE = Settings().mfa_code


def assert_validation_data(record: Any, source: str, expected: dict[str, str]) -> None:
    """``source`` got ``expected`` as validationData, and no clientMetadata."""
    shown = invocation(record, source)
    assert (shown.metadata_field, shown.metadata) == ("validationData", expected)
    request = one_event(source)["request"]
    assert request["validationData"] == expected
    assert "clientMetadata" not in request


def assert_client_metadata(record: Any, source: str, expected: dict[str, str]) -> None:
    """``source`` got ``expected`` as clientMetadata (and not as validationData)."""
    shown = invocation(record, source)
    assert (shown.metadata_field, shown.metadata) == ("clientMetadata", expected)
    request = events(source)[-1]["request"]
    assert request["clientMetadata"] == expected
    assert request.get("validationData") != expected


def assert_no_metadata(record: Any, source: str) -> None:
    """``source`` ran without the call's ClientMetadata, in either field."""
    shown = invocation(record, source)
    assert (shown.metadata_field, shown.metadata) == (None, None)
    request = events(source)[-1]["request"]
    assert "clientMetadata" not in request
    assert not request.get("validationData")


# --------------------------------------------------------------------------- (Admin)InitiateAuth


@INITIATE_OPERATIONS
def test_initiate_auth_pre_authentication_gets_client_metadata_as_validation_data(
    emu: Emulator, operation: str
) -> None:
    record = initiate(emu, operation, metadata=METADATA)

    assert record.outcome == {"status": "tokens"}
    assert_validation_data(record, "PreAuthentication_Authentication", METADATA)


@INITIATE_OPERATIONS
def test_initiate_auth_user_migration_gets_client_metadata_as_validation_data(
    emu: Emulator, operation: str
) -> None:
    recorder.SCRIPT["UserMigration"] = {
        "userAttributes": {"email": "bob@example.com"},
        "finalUserStatus": "CONFIRMED",
    }

    record = initiate(emu, operation, username="bob", metadata=METADATA)

    assert record.outcome == {"status": "tokens"}
    assert_validation_data(record, "UserMigration_Authentication", METADATA)
    assert one_event("UserMigration_Authentication")["request"]["password"] == PASSWORD


@INITIATE_OPERATIONS
def test_initiate_auth_post_authentication_gets_no_client_metadata(
    emu: Emulator, operation: str
) -> None:
    record = initiate(emu, operation, metadata=METADATA)

    assert_no_metadata(record, "PostAuthentication_Authentication")


@INITIATE_OPERATIONS
def test_initiate_auth_pre_token_generation_gets_no_client_metadata(
    emu: Emulator, operation: str
) -> None:
    record = initiate(emu, operation, metadata=METADATA)

    assert_no_metadata(record, "TokenGeneration_Authentication")


@INITIATE_OPERATIONS
def test_initiate_auth_custom_message_gets_no_client_metadata(
    make_emulator: MakeEmulator, operation: str
) -> None:
    emu = make_emulator(overrides={"MfaConfiguration": "OPTIONAL"})
    emu.add_user(
        "alice",
        password=PASSWORD,
        attributes={"phone_number": "+15555550100"},
        mfa={"sms": True, "preferred": "SMS_MFA"},
    )

    record = initiate(emu, operation, metadata=METADATA)

    assert record.outcome == {"status": "challenge", "challenge": "SMS_MFA"}
    assert_no_metadata(record, "CustomMessage_Authentication")


@INITIATE_OPERATIONS
def test_custom_auth_first_define_and_create_get_no_client_metadata(
    emu: Emulator, operation: str
) -> None:
    record = initiate(
        emu, operation, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}, metadata=METADATA
    )

    assert record.outcome == {"status": "challenge", "challenge": "CUSTOM_CHALLENGE"}
    assert ran(record) == [
        "PreAuthentication_Authentication",
        "DefineAuthChallenge_Authentication",
        "CreateAuthChallenge_Authentication",
    ]
    assert_validation_data(record, "PreAuthentication_Authentication", METADATA)
    assert_no_metadata(record, "DefineAuthChallenge_Authentication")
    assert_no_metadata(record, "CreateAuthChallenge_Authentication")


# --------------------------------------------------------------------------- Respond calls


@INITIATE_OPERATIONS
def test_respond_new_password_required_post_auth_and_pre_token_get_respond_client_metadata(
    emu: Emulator, operation: str
) -> None:
    emu.add_user("carol", password="Tmp-Passw0rd!", status="FORCE_CHANGE_PASSWORD")
    first = initiate(emu, operation, username="carol", password="Tmp-Passw0rd!", metadata=METADATA)
    assert first.outcome == {"status": "challenge", "challenge": "NEW_PASSWORD_REQUIRED"}

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "carol", "NEW_PASSWORD": NEW_PASSWORD},
        metadata=RESPOND_METADATA,
    )

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "PostAuthentication_Authentication",
        "TokenGeneration_NewPasswordChallenge",
    ]
    assert_client_metadata(record, "PostAuthentication_Authentication", RESPOND_METADATA)
    assert_client_metadata(record, "TokenGeneration_NewPasswordChallenge", RESPOND_METADATA)


@INITIATE_OPERATIONS
@pytest.mark.parametrize(
    ("challenge", "mfa", "code_field"),
    [
        ("SMS_MFA", {"sms": True, "preferred": "SMS_MFA"}, "SMS_MFA_CODE"),
        (
            "SOFTWARE_TOKEN_MFA",
            {"totp": True, "preferred": "SOFTWARE_TOKEN_MFA"},
            "SOFTWARE_TOKEN_MFA_CODE",
        ),
    ],
)
def test_respond_mfa_post_auth_and_pre_token_get_respond_client_metadata(
    make_emulator: MakeEmulator,
    operation: str,
    challenge: str,
    mfa: dict[str, Any],
    code_field: str,
) -> None:
    emu = make_emulator(overrides={"MfaConfiguration": "OPTIONAL"})
    emu.add_user("alice", password=PASSWORD, attributes={"phone_number": "+15555550100"}, mfa=mfa)
    first = initiate(emu, operation, metadata=METADATA)
    assert first.outcome == {"status": "challenge", "challenge": challenge}

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        challenge,
        {"USERNAME": "alice", code_field: CODE},
        metadata=RESPOND_METADATA,
    )

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == ["PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    assert_client_metadata(record, "PostAuthentication_Authentication", RESPOND_METADATA)
    assert_client_metadata(record, "TokenGeneration_Authentication", RESPOND_METADATA)


@INITIATE_OPERATIONS
def test_respond_custom_challenge_verify_define_create_get_respond_client_metadata(
    emu: Emulator, operation: str
) -> None:
    first = initiate(emu, operation, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})
    respond_operation = RESPOND_FOR[operation]

    wrong = respond(
        emu,
        respond_operation,
        first,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": "no"},
        metadata=RESPOND_METADATA,
    )

    assert wrong.outcome == {"status": "challenge", "challenge": "CUSTOM_CHALLENGE"}
    assert ran(wrong) == [
        "VerifyAuthChallengeResponse_Authentication",
        "DefineAuthChallenge_Authentication",
        "CreateAuthChallenge_Authentication",
    ]
    for source in ran(wrong):
        assert_client_metadata(wrong, source, RESPOND_METADATA)

    right = respond(
        emu,
        respond_operation,
        wrong,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": recorder.ANSWER},
        metadata={"step": "second"},
    )

    assert right.outcome == {"status": "tokens"}
    assert ran(right) == [
        "VerifyAuthChallengeResponse_Authentication",
        "DefineAuthChallenge_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    for source in ran(right):
        assert_client_metadata(right, source, {"step": "second"})


@INITIATE_OPERATIONS
def test_respond_password_verifier_post_auth_and_pre_token_get_respond_client_metadata(
    emu: Emulator, operation: str
) -> None:
    client = srp.Client(emu.user_pool_id, "alice", PASSWORD)
    first = initiate(
        emu,
        operation,
        flow="USER_SRP_AUTH",
        auth={"USERNAME": "alice", "SRP_A": client.srp_a},
        metadata=METADATA,
    )
    assert first.outcome == {"status": "challenge", "challenge": "PASSWORD_VERIFIER"}
    assert_validation_data(first, "PreAuthentication_Authentication", METADATA)
    assert first.response is not None

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "PASSWORD_VERIFIER",
        client.respond(first.response["ChallengeParameters"]),
        metadata=RESPOND_METADATA,
    )

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == ["PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    assert_client_metadata(record, "PostAuthentication_Authentication", RESPOND_METADATA)
    assert_client_metadata(record, "TokenGeneration_Authentication", RESPOND_METADATA)


# --------------------------------------------------------------------------- SignUp


def sign_up(emu: Emulator, username: str = "dave", **extra: Any) -> Any:
    return emu.call(
        "SignUp",
        {
            "ClientId": emu.client_id,
            "Username": username,
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
            **extra,
        },
    )


def test_sign_up_pre_sign_up_gets_validation_data_and_client_metadata(emu: Emulator) -> None:
    record = sign_up(
        emu,
        ValidationData=[{"Name": "invitationCode", "Value": "INVITE-1"}],
        ClientMetadata=METADATA,
    )

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PreSignUp_SignUp", "CustomMessage_SignUp"]
    shown = invocation(record, "PreSignUp_SignUp")
    assert (shown.metadata_field, shown.metadata) == ("clientMetadata", METADATA)
    request = one_event("PreSignUp_SignUp")["request"]
    assert request["validationData"] == {"invitationCode": "INVITE-1"}
    assert request["clientMetadata"] == METADATA
    assert request["userAttributes"] == {"email": "dave@example.com"}


def test_sign_up_custom_message_gets_client_metadata(emu: Emulator) -> None:
    record = sign_up(emu, ClientMetadata=METADATA)

    assert record.response is not None
    assert record.response["UserConfirmed"] is False
    assert_client_metadata(record, "CustomMessage_SignUp", METADATA)
    assert one_event("CustomMessage_SignUp")["request"]["codeParameter"] == "{####}"


def test_sign_up_auto_confirmed_runs_post_confirmation_with_client_metadata(
    emu: Emulator,
) -> None:
    recorder.SCRIPT["PreSignUp_SignUp"] = {"autoConfirmUser": True, "autoVerifyEmail": True}

    record = sign_up(emu, ClientMetadata=METADATA)

    assert record.response is not None
    assert record.response["UserConfirmed"] is True
    assert ran(record) == ["PreSignUp_SignUp", "PostConfirmation_ConfirmSignUp"]
    assert_client_metadata(record, "PostConfirmation_ConfirmSignUp", METADATA)
    user = emu.find_user("dave")
    assert user is not None
    assert user.status == "CONFIRMED"
    assert emu.user_attributes(user)["email_verified"] == "true"


# --------------------------------------------------------------------------- AdminCreateUser


def admin_create_user(emu: Emulator, **extra: Any) -> Any:
    return emu.call(
        "AdminCreateUser",
        {
            "UserPoolId": emu.user_pool_id,
            "Username": "erin",
            "UserAttributes": [{"Name": "email", "Value": "erin@example.com"}],
            **extra,
        },
    )


def test_admin_create_user_pre_sign_up_gets_validation_data_and_client_metadata(
    emu: Emulator,
) -> None:
    record = admin_create_user(
        emu,
        ValidationData=[{"Name": "source", "Value": "back-office"}],
        ClientMetadata=METADATA,
    )

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PreSignUp_AdminCreateUser", "CustomMessage_AdminCreateUser"]
    assert_client_metadata(record, "PreSignUp_AdminCreateUser", METADATA)
    event = one_event("PreSignUp_AdminCreateUser")
    assert event["callerContext"]["clientId"] == CLIENT_ID_NOT_APPLICABLE
    assert event["request"]["validationData"] == {"source": "back-office"}


def test_admin_create_user_custom_message_gets_client_metadata(emu: Emulator) -> None:
    record = admin_create_user(emu, ClientMetadata=METADATA)

    assert_client_metadata(record, "CustomMessage_AdminCreateUser", METADATA)
    event = one_event("CustomMessage_AdminCreateUser")
    assert event["callerContext"]["clientId"] == CLIENT_ID_NOT_APPLICABLE
    assert event["request"]["usernameParameter"] == "{username}"


def test_admin_create_user_with_message_action_suppress_sends_no_custom_message(
    emu: Emulator,
) -> None:
    record = admin_create_user(emu, MessageAction="SUPPRESS", ClientMetadata=METADATA)

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PreSignUp_AdminCreateUser"]


# --------------------------------------------------------------------------- ForgotPassword


def forgot_password(emu: Emulator, username: str, metadata: dict[str, str]) -> Any:
    return emu.call(
        "ForgotPassword",
        {"ClientId": emu.client_id, "Username": username, "ClientMetadata": metadata},
    )


def test_forgot_password_user_migration_gets_client_metadata_and_no_password(
    emu: Emulator,
) -> None:
    recorder.SCRIPT["UserMigration_ForgotPassword"] = {
        "userAttributes": {"email": "bob@example.com", "email_verified": "true"},
        "messageAction": "SUPPRESS",
    }

    record = forgot_password(emu, "bob", METADATA)

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["UserMigration_ForgotPassword", "CustomMessage_ForgotPassword"]
    assert_client_metadata(record, "UserMigration_ForgotPassword", METADATA)
    event = one_event("UserMigration_ForgotPassword")
    assert "password" not in event["request"]
    assert event["userName"] == "bob"
    user = emu.find_user("bob")
    assert user is not None
    assert user.status == "RESET_REQUIRED"


def test_forgot_password_custom_message_gets_client_metadata(emu: Emulator) -> None:
    record = forgot_password(emu, "alice", METADATA)

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["CustomMessage_ForgotPassword"]
    assert_client_metadata(record, "CustomMessage_ForgotPassword", METADATA)


def test_forgot_password_migration_pre_sign_up_gets_client_metadata(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(settings=Settings(migration_pre_signup_source="PreSignUp_SignUp"))
    recorder.SCRIPT["UserMigration"] = {"userAttributes": {"email": "bob@example.com"}}

    record = forgot_password(emu, "bob", METADATA)

    assert ran(record) == [
        "UserMigration_ForgotPassword",
        "PreSignUp_SignUp",
        "CustomMessage_ForgotPassword",
    ]
    assert_client_metadata(record, "PreSignUp_SignUp", METADATA)


# --------------------------------------------------------------------------- confirmations


def test_confirm_sign_up_post_confirmation_gets_client_metadata(emu: Emulator) -> None:
    emu.add_user("dave", password=PASSWORD, status="UNCONFIRMED")

    wrong = emu.call(
        "ConfirmSignUp",
        {"ClientId": emu.client_id, "Username": "dave", "ConfirmationCode": "000000"},
    )
    record = emu.call(
        "ConfirmSignUp",
        {
            "ClientId": emu.client_id,
            "Username": "dave",
            "ConfirmationCode": CODE,
            "ClientMetadata": METADATA,
        },
    )

    assert wrong.error is not None
    assert wrong.error.code == "CodeMismatchException"
    assert wrong.invocations == []
    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PostConfirmation_ConfirmSignUp"]
    assert_client_metadata(record, "PostConfirmation_ConfirmSignUp", METADATA)


def test_admin_confirm_sign_up_post_confirmation_gets_client_metadata(emu: Emulator) -> None:
    emu.add_user("dave", password=PASSWORD, status="UNCONFIRMED")

    record = emu.call(
        "AdminConfirmSignUp",
        {"UserPoolId": emu.user_pool_id, "Username": "dave", "ClientMetadata": METADATA},
    )

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PostConfirmation_ConfirmSignUp"]
    assert_client_metadata(record, "PostConfirmation_ConfirmSignUp", METADATA)


def test_confirm_forgot_password_post_confirmation_gets_client_metadata(emu: Emulator) -> None:
    record = emu.call(
        "ConfirmForgotPassword",
        {
            "ClientId": emu.client_id,
            "Username": "alice",
            "ConfirmationCode": CODE,
            "Password": NEW_PASSWORD,
            "ClientMetadata": METADATA,
        },
    )

    assert record.outcome == {"status": "ok"}
    assert ran(record) == ["PostConfirmation_ConfirmForgotPassword"]
    assert_client_metadata(record, "PostConfirmation_ConfirmForgotPassword", METADATA)
    assert initiate(emu, password=NEW_PASSWORD).outcome == {"status": "tokens"}


# --------------------------------------------------------------------------- refresh


def refresh(emu: Emulator, operation: str, refresh_token: str) -> Any:
    return initiate(
        emu,
        operation,
        flow="REFRESH_TOKEN_AUTH",
        auth={"REFRESH_TOKEN": refresh_token},
        metadata=METADATA,
    )


@INITIATE_OPERATIONS
def test_refresh_token_auth_runs_only_pre_token_generation_without_client_metadata(
    emu: Emulator, operation: str
) -> None:
    refresh_token = tokens(initiate(emu))["RefreshToken"]
    recorder.EVENTS.clear()

    record = refresh(emu, operation, refresh_token)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == ["TokenGeneration_RefreshTokens"]
    assert_no_metadata(record, "TokenGeneration_RefreshTokens")
    assert sources() == ["TokenGeneration_RefreshTokens"]


@INITIATE_OPERATIONS
def test_refresh_token_auth_pre_token_generation_gets_client_metadata_when_set(
    make_emulator: MakeEmulator, operation: str
) -> None:
    emu = make_emulator(settings=Settings(refresh_client_metadata_field="clientMetadata"))
    emu.add_user("alice", password=PASSWORD, attributes={"email": EMAIL})
    refresh_token = tokens(initiate(emu))["RefreshToken"]

    record = refresh(emu, operation, refresh_token)

    assert ran(record) == ["TokenGeneration_RefreshTokens"]
    assert_client_metadata(record, "TokenGeneration_RefreshTokens", METADATA)


# --------------------------------------------------------------------------- not emulated


def test_resend_confirmation_code_custom_message_gets_client_metadata(emu: Emulator) -> None:
    emu.add_user("dave", password=PASSWORD, status="UNCONFIRMED", attributes={"email": EMAIL})

    record = emu.call(
        "ResendConfirmationCode",
        {"ClientId": emu.client_id, "Username": "dave", "ClientMetadata": METADATA},
    )

    assert record.error is None
    assert ran(record) == ["CustomMessage_ResendCode"]
    assert_client_metadata(record, "CustomMessage_ResendCode", METADATA)


@pytest.mark.parametrize("admin", [True, False])
def test_changing_a_verified_email_sends_a_code_with_client_metadata(
    emu: Emulator, admin: bool
) -> None:
    emu.add_user("dave", password=PASSWORD, attributes={"email": EMAIL, "email_verified": "true"})
    change = [{"Name": "email", "Value": "dave.new@example.com"}]
    if admin:
        params = {"UserPoolId": emu.user_pool_id, "Username": "dave", "UserAttributes": change}
        operation = "AdminUpdateUserAttributes"
    else:
        signed_in = emu.call(
            "AdminInitiateAuth",
            {
                "UserPoolId": emu.user_pool_id,
                "ClientId": emu.client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "dave", "PASSWORD": PASSWORD},
            },
        )
        assert signed_in.response is not None
        token = signed_in.response["AuthenticationResult"]["AccessToken"]
        params = {"AccessToken": token, "UserAttributes": change}
        operation = "UpdateUserAttributes"

    record = emu.call(operation, {**params, "ClientMetadata": METADATA})

    assert record.error is None
    assert ran(record) == ["CustomMessage_UpdateUserAttribute"]
    assert_client_metadata(record, "CustomMessage_UpdateUserAttribute", METADATA)
    user = emu.find_user("dave")
    assert user is not None
    assert emu.user_attributes(user)["email_verified"] == "false"
