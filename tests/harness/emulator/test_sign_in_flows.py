"""Contract section 4: what (Admin)InitiateAuth runs, per flow and user state, and in what order."""

from __future__ import annotations

from typing import Any

import pytest

from harness.cognito import srp
from harness.emulator import SESSION_SECONDS, Emulator
from harness.settings import Settings
from tests.support.emulator import (
    EMAIL,
    METADATA,
    NEW_PASSWORD,
    PASSWORD,
    RESPOND_FOR,
    RESPOND_METADATA,
    MakeEmulator,
    claims,
    error_of,
    events,
    initiate,
    invocation,
    one_event,
    ran,
    recorder,
    recording_stack,
    respond,
    sources,
    tokens,
    without_triggers,
)

INITIATE_OPERATIONS = pytest.mark.parametrize("operation", ["AdminInitiateAuth", "InitiateAuth"])
BAD_CREDENTIALS = ("NotAuthorizedException", "Incorrect username or password.")
PASSWORD_FLOW = [
    "PreAuthentication_Authentication",
    "PostAuthentication_Authentication",
    "TokenGeneration_Authentication",
]
MIGRATED = {
    "userAttributes": {
        "email": "bob@example.com",
        "email_verified": "true",
        "custom:tenant": "acme",
    },
    "finalUserStatus": "CONFIRMED",
    "messageAction": "SUPPRESS",
}


# --------------------------------------------------------------------------- password flows


@INITIATE_OPERATIONS
def test_password_flow_runs_pre_auth_then_post_auth_then_pre_token(
    emu: Emulator, operation: str
) -> None:
    record = initiate(emu, operation, metadata=METADATA)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == PASSWORD_FLOW
    assert sources() == PASSWORD_FLOW
    result = tokens(record)
    assert set(result) >= {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn"}
    assert result["TokenType"] == "Bearer"
    assert claims(result["IdToken"])["cognito:username"] == "alice"


def test_pre_token_first_setting_runs_pre_token_before_post_auth(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(settings=Settings(auth_trigger_order="pre-token-first"))
    emu.add_user("alice", password=PASSWORD, attributes={"email": EMAIL})

    record = initiate(emu)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "PreAuthentication_Authentication",
        "TokenGeneration_Authentication",
        "PostAuthentication_Authentication",
    ]


@INITIATE_OPERATIONS
def test_wrong_password_runs_pre_auth_then_not_authorized_and_no_post_auth(
    emu: Emulator, operation: str
) -> None:
    record = initiate(emu, operation, password="Wrong-Passw0rd!", metadata=METADATA)

    assert error_of(record) == BAD_CREDENTIALS
    assert ran(record) == ["PreAuthentication_Authentication"]
    assert invocation(record, "PreAuthentication_Authentication").error is None


@INITIATE_OPERATIONS
def test_pre_authentication_that_raises_wins_over_a_wrong_password(
    emu: Emulator, operation: str
) -> None:
    recorder.SCRIPT["PreAuthentication"] = recorder.Raise("Sign-in is blocked")

    record = initiate(emu, operation, password="Wrong-Passw0rd!")

    assert error_of(record) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Sign-in is blocked.",
    )
    assert ran(record) == ["PreAuthentication_Authentication"]
    assert invocation(record, "PreAuthentication_Authentication").error == {
        "code": "UserLambdaValidationException",
        "message": "PreAuthentication failed with error Sign-in is blocked.",
    }


# --------------------------------------------------------------------------- user migration


@INITIATE_OPERATIONS
def test_migration_creates_the_user_and_signs_in_with_post_auth_and_pre_token(
    emu: Emulator, operation: str
) -> None:
    recorder.SCRIPT["UserMigration"] = MIGRATED

    record = initiate(emu, operation, username="bob", metadata=METADATA)

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "UserMigration_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    request = one_event("UserMigration_Authentication")["request"]
    assert request["password"] == PASSWORD
    assert request["userAttributes"] is None
    user = emu.find_user("bob")
    assert user is not None
    assert user.status == "CONFIRMED"
    attributes = emu.user_attributes(user)
    assert {k: attributes[k] for k in MIGRATED["userAttributes"]} == MIGRATED["userAttributes"]
    id_token = claims(tokens(record)["IdToken"])
    assert id_token["cognito:username"] == "bob"
    assert id_token["email"] == "bob@example.com"
    assert id_token["email_verified"] is True

    again = initiate(emu, operation, username="bob")

    assert again.outcome == {"status": "tokens"}
    assert ran(again) == PASSWORD_FLOW  # the user exists now: no migration


@pytest.mark.parametrize(
    ("setting", "value", "source", "runs"),
    [
        ("migration_runs_pre_authentication", True, "PreAuthentication_Authentication", True),
        ("migration_runs_post_authentication", False, "PostAuthentication_Authentication", False),
        ("migration_runs_pre_token_generation", False, "TokenGeneration_Authentication", False),
    ],
)
def test_migration_runs_settings_flip_which_triggers_run_on_the_migrating_sign_in(
    make_emulator: MakeEmulator, setting: str, value: bool, source: str, runs: bool
) -> None:
    recorder.SCRIPT["UserMigration"] = MIGRATED
    with Emulator(recording_stack()) as default:
        by_default = initiate(default, username="bob", metadata=METADATA)
    flipped = make_emulator(settings=Settings(**{setting: value}))

    record = initiate(flipped, username="bob", metadata=METADATA)

    assert by_default.outcome == record.outcome == {"status": "tokens"}
    assert (source in ran(by_default)) is not runs
    assert (source in ran(record)) is runs
    assert ran(record)[0] == "UserMigration_Authentication"
    if source == "PreAuthentication_Authentication":
        assert invocation(record, source).metadata == METADATA


def test_migration_final_status_reset_required_fails_with_password_reset_required(
    emu: Emulator,
) -> None:
    recorder.SCRIPT["UserMigration"] = {**MIGRATED, "finalUserStatus": "RESET_REQUIRED"}

    record = initiate(emu, username="bob")

    assert error_of(record)[0] == "PasswordResetRequiredException"
    assert ran(record) == ["UserMigration_Authentication"]
    user = emu.find_user("bob")
    assert user is not None
    assert user.status == "RESET_REQUIRED"


@INITIATE_OPERATIONS
def test_migration_that_raises_fails_with_user_lambda_validation_exception(
    emu: Emulator, operation: str
) -> None:
    recorder.SCRIPT["UserMigration"] = recorder.Raise("Bad password")

    record = initiate(emu, operation, username="bob")

    assert error_of(record) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad password.",
    )
    assert emu.find_user("bob") is None


@pytest.mark.parametrize("source", ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"])
def test_migration_pre_signup_source_runs_pre_sign_up_with_validation_data(
    make_emulator: MakeEmulator, source: Any
) -> None:
    emu = make_emulator(settings=Settings(migration_pre_signup_source=source))
    recorder.SCRIPT["UserMigration"] = MIGRATED

    record = initiate(emu, username="bob", metadata=METADATA)

    assert record.outcome == {"status": "tokens"}
    assert ran(record)[:2] == ["UserMigration_Authentication", source]
    shown = invocation(record, source)
    assert (shown.metadata_field, shown.metadata) == ("validationData", METADATA)
    request = one_event(source)["request"]
    assert request["validationData"] == METADATA
    assert "clientMetadata" not in request
    assert request["userAttributes"] == MIGRATED["userAttributes"]


def test_migration_pre_signup_source_unset_runs_no_pre_sign_up(emu: Emulator) -> None:
    recorder.SCRIPT["UserMigration"] = MIGRATED

    record = initiate(emu, username="bob", metadata=METADATA)

    assert not events(trigger="PreSignUp")
    assert record.outcome == {"status": "tokens"}


# --------------------------------------------------------------------------- unknown users


@INITIATE_OPERATIONS
def test_unknown_user_with_prevent_user_existence_errors_runs_pre_auth_with_user_not_found(
    make_emulator: MakeEmulator, operation: str
) -> None:
    emu = make_emulator(without_triggers(recording_stack(), "UserMigration"))

    record = initiate(emu, operation, username="nobody", metadata=METADATA)

    assert error_of(record) == BAD_CREDENTIALS
    assert ran(record) == ["PreAuthentication_Authentication"]
    event = one_event("PreAuthentication_Authentication")
    assert event["request"]["userNotFound"] is True
    assert event["request"]["validationData"] == METADATA
    assert event["userName"] == "nobody"


@INITIATE_OPERATIONS
def test_unknown_user_with_legacy_existence_errors_is_user_not_found_and_runs_no_trigger(
    make_emulator: MakeEmulator, operation: str
) -> None:
    emu = make_emulator(
        without_triggers(recording_stack(), "UserMigration"),
        overrides={"PreventUserExistenceErrors": "LEGACY"},
    )

    record = initiate(emu, operation, username="nobody", metadata=METADATA)

    assert error_of(record) == ("UserNotFoundException", "User does not exist.")
    assert record.invocations == []
    assert recorder.EVENTS == []


def test_known_user_with_prevent_user_existence_errors_gets_user_not_found_false(
    emu: Emulator,
) -> None:
    initiate(emu)

    assert one_event("PreAuthentication_Authentication")["request"]["userNotFound"] is False


def test_known_user_with_legacy_existence_errors_gets_no_user_not_found_field(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(overrides={"PreventUserExistenceErrors": "LEGACY"})
    emu.add_user("alice", password=PASSWORD)

    initiate(emu)

    assert "userNotFound" not in one_event("PreAuthentication_Authentication")["request"]


# --------------------------------------------------------------------------- user states


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ({"status": "UNCONFIRMED"}, ("UserNotConfirmedException", "User is not confirmed.")),
        ({"enabled": False}, ("NotAuthorizedException", "User is disabled.")),
    ],
    ids=["unconfirmed", "disabled"],
)
@pytest.mark.parametrize("pre_auth", [False, True], ids=["default", "refused-runs-pre-auth"])
def test_refused_user_gets_cognitos_error_and_pre_auth_runs_only_with_the_setting(
    make_emulator: MakeEmulator,
    state: dict[str, Any],
    error: tuple[str, str],
    pre_auth: bool,
) -> None:
    emu = make_emulator(settings=Settings(refused_user_runs_pre_authentication=pre_auth))
    emu.add_user("alice", password=PASSWORD, **state)

    record = initiate(emu, metadata=METADATA)

    assert error_of(record) == error
    assert ran(record) == (["PreAuthentication_Authentication"] if pre_auth else [])


def test_reset_required_user_gets_password_reset_required(emu: Emulator) -> None:
    emu.add_user("rita", password=PASSWORD, status="RESET_REQUIRED")

    record = initiate(emu, username="rita")

    assert error_of(record)[0] == "PasswordResetRequiredException"
    assert record.invocations == []


@INITIATE_OPERATIONS
def test_force_change_password_challenges_then_issues_tokens_with_new_password_challenge(
    emu: Emulator, operation: str
) -> None:
    emu.add_user("carol", password="Tmp-Passw0rd!", status="FORCE_CHANGE_PASSWORD")

    first = initiate(emu, operation, username="carol", password="Tmp-Passw0rd!")

    assert first.outcome == {"status": "challenge", "challenge": "NEW_PASSWORD_REQUIRED"}
    assert ran(first) == ["PreAuthentication_Authentication"]
    assert first.response is not None
    assert first.response["ChallengeParameters"]["USER_ID_FOR_SRP"] == "carol"

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "carol", "NEW_PASSWORD": NEW_PASSWORD},
    )

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == [
        "PostAuthentication_Authentication",
        "TokenGeneration_NewPasswordChallenge",
    ]
    user = emu.find_user("carol")
    assert user is not None
    assert user.status == "CONFIRMED"
    assert initiate(emu, username="carol", password=NEW_PASSWORD).outcome == {"status": "tokens"}


# --------------------------------------------------------------------------- MFA


@pytest.fixture
def mfa_emu(make_emulator: MakeEmulator) -> Emulator:
    emu = make_emulator(overrides={"MfaConfiguration": "OPTIONAL"})
    emu.add_user(
        "alice",
        password=PASSWORD,
        attributes={"phone_number": "+15555550100"},
        mfa={"sms": True, "preferred": "SMS_MFA"},
    )
    return emu


@INITIATE_OPERATIONS
def test_sms_mfa_sends_the_code_through_custom_message_then_a_wrong_code_then_the_right_one(
    mfa_emu: Emulator, operation: str
) -> None:
    first = initiate(mfa_emu, operation, metadata=METADATA)

    assert first.outcome == {"status": "challenge", "challenge": "SMS_MFA"}
    assert ran(first) == ["PreAuthentication_Authentication", "CustomMessage_Authentication"]
    assert first.response is not None
    assert first.response["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"].endswith("0100")
    assert one_event("CustomMessage_Authentication")["request"]["codeParameter"] == "{####}"

    respond_operation = RESPOND_FOR[operation]
    wrong = respond(
        mfa_emu, respond_operation, first, "SMS_MFA", {"USERNAME": "alice", "SMS_MFA_CODE": "0"}
    )

    assert error_of(wrong)[0] == "CodeMismatchException"
    assert wrong.invocations == []

    right = respond(
        mfa_emu,
        respond_operation,
        first,  # the same session: a wrong code leaves it usable
        "SMS_MFA",
        {"USERNAME": "alice", "SMS_MFA_CODE": Settings().mfa_code},
        metadata=RESPOND_METADATA,
    )

    assert right.outcome == {"status": "tokens"}
    assert ran(right) == ["PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    again = respond(
        mfa_emu,
        respond_operation,
        first,
        "SMS_MFA",
        {"USERNAME": "alice", "SMS_MFA_CODE": Settings().mfa_code},
    )
    assert error_of(again)[0] == "NotAuthorizedException"  # a used session is gone


def test_sms_mfa_wrong_password_sends_no_code(mfa_emu: Emulator) -> None:
    record = initiate(mfa_emu, password="Wrong-Passw0rd!")

    assert error_of(record) == BAD_CREDENTIALS
    assert ran(record) == ["PreAuthentication_Authentication"]


# --------------------------------------------------------------------------- USER_SRP_AUTH


def srp_initiate(emu: Emulator, operation: str, client: srp.Client) -> Any:
    return initiate(
        emu,
        operation,
        flow="USER_SRP_AUTH",
        auth={"USERNAME": client.username, "SRP_A": client.srp_a},
        metadata=METADATA,
    )


@INITIATE_OPERATIONS
def test_srp_runs_pre_auth_at_initiate_and_post_auth_and_pre_token_at_respond(
    emu: Emulator, operation: str
) -> None:
    client = srp.Client(emu.user_pool_id, "alice", PASSWORD)

    first = srp_initiate(emu, operation, client)

    assert first.outcome == {"status": "challenge", "challenge": "PASSWORD_VERIFIER"}
    assert ran(first) == ["PreAuthentication_Authentication"]
    assert invocation(first, "PreAuthentication_Authentication").metadata == METADATA
    assert first.response is not None
    parameters = first.response["ChallengeParameters"]
    assert set(parameters) >= {"SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP"}

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "PASSWORD_VERIFIER",
        client.respond(parameters),
        metadata=RESPOND_METADATA,
    )

    assert record.outcome == {"status": "tokens"}
    assert ran(record) == ["PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    for source in ran(record):
        assert events(source)[-1]["request"]["clientMetadata"] == RESPOND_METADATA


@INITIATE_OPERATIONS
def test_srp_signature_of_a_wrong_password_is_not_authorized(emu: Emulator, operation: str) -> None:
    client = srp.Client(emu.user_pool_id, "alice", "Wrong-Passw0rd!")
    first = srp_initiate(emu, operation, client)
    assert first.response is not None

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "PASSWORD_VERIFIER",
        client.respond(first.response["ChallengeParameters"]),
    )

    assert error_of(record) == BAD_CREDENTIALS
    assert record.invocations == []


def test_srp_unknown_user_gets_a_challenge_then_not_authorized(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(without_triggers(recording_stack(), "UserMigration"))
    client = srp.Client(emu.user_pool_id, "nobody", PASSWORD)

    first = srp_initiate(emu, "InitiateAuth", client)

    assert first.outcome == {"status": "challenge", "challenge": "PASSWORD_VERIFIER"}
    assert one_event("PreAuthentication_Authentication")["request"]["userNotFound"] is True
    assert first.response is not None
    record = respond(
        emu,
        "RespondToAuthChallenge",
        first,
        "PASSWORD_VERIFIER",
        client.respond(first.response["ChallengeParameters"]),
    )
    assert error_of(record) == BAD_CREDENTIALS


# --------------------------------------------------------------------------- CUSTOM_AUTH


@INITIATE_OPERATIONS
def test_custom_auth_two_rounds_wrong_answer_then_right_answer_issues_tokens(
    emu: Emulator, operation: str
) -> None:
    respond_operation = RESPOND_FOR[operation]
    first = initiate(emu, operation, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})

    assert first.outcome == {"status": "challenge", "challenge": "CUSTOM_CHALLENGE"}
    assert one_event("DefineAuthChallenge_Authentication")["request"]["session"] == []
    create = one_event("CreateAuthChallenge_Authentication")["request"]
    assert (create["challengeName"], create["session"]) == ("CUSTOM_CHALLENGE", [])
    assert first.response is not None
    assert first.response["ChallengeParameters"] == {
        "question": "round 1: the answer?",
        "USERNAME": "alice",
    }

    wrong = respond(
        emu, respond_operation, first, "CUSTOM_CHALLENGE", {"USERNAME": "alice", "ANSWER": "7"}
    )

    assert wrong.outcome == {"status": "challenge", "challenge": "CUSTOM_CHALLENGE"}
    verify = events("VerifyAuthChallengeResponse_Authentication")[-1]["request"]
    assert verify["privateChallengeParameters"] == {"answer": recorder.ANSWER}
    assert verify["challengeAnswer"] == "7"
    round_one = {
        "challengeName": "CUSTOM_CHALLENGE",
        "challengeResult": False,
        "challengeMetadata": "ROUND-1",
    }
    assert events("DefineAuthChallenge_Authentication")[-1]["request"]["session"] == [round_one]
    assert events("CreateAuthChallenge_Authentication")[-1]["request"]["session"] == [round_one]
    assert wrong.response is not None
    assert wrong.response["ChallengeParameters"]["question"] == "round 2: the answer?"

    right = respond(
        emu,
        respond_operation,
        wrong,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": recorder.ANSWER},
    )

    assert right.outcome == {"status": "tokens"}
    assert events("DefineAuthChallenge_Authentication")[-1]["request"]["session"] == [
        round_one,
        {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": True,
            "challengeMetadata": "ROUND-2",
        },
    ]
    assert claims(tokens(right)["IdToken"])["cognito:username"] == "alice"


@INITIATE_OPERATIONS
def test_custom_auth_fail_authentication_is_not_authorized(emu: Emulator, operation: str) -> None:
    def define(event: dict[str, Any]) -> dict[str, Any]:
        if event["request"]["session"]:
            event["response"]["failAuthentication"] = True
            return event
        return recorder.define(event)

    recorder.SCRIPT["DefineAuthChallenge"] = define
    first = initiate(emu, operation, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})

    record = respond(
        emu,
        RESPOND_FOR[operation],
        first,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": "7"},
    )

    assert error_of(record) == BAD_CREDENTIALS
    assert ran(record) == [
        "VerifyAuthChallengeResponse_Authentication",
        "DefineAuthChallenge_Authentication",
    ]


def test_custom_auth_unknown_user_tells_define_user_not_found(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(without_triggers(recording_stack(), "UserMigration"))

    record = initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "nobody"})

    assert record.outcome == {"status": "challenge", "challenge": "CUSTOM_CHALLENGE"}
    for source in ran(record):
        assert one_event(source)["request"]["userNotFound"] is True


# --------------------------------------------------------------------------- refresh and sessions


@INITIATE_OPERATIONS
def test_refresh_reissues_tokens_without_a_refresh_token(emu: Emulator, operation: str) -> None:
    signed_in = tokens(initiate(emu))

    record = initiate(
        emu,
        operation,
        flow="REFRESH_TOKEN_AUTH",
        auth={"REFRESH_TOKEN": signed_in["RefreshToken"]},
    )

    result = tokens(record)
    assert "RefreshToken" not in result
    assert ran(record) == ["TokenGeneration_RefreshTokens"]
    old, new = claims(signed_in["IdToken"]), claims(result["IdToken"])
    assert new["sub"] == old["sub"]
    assert new["origin_jti"] == old["origin_jti"]
    assert new["jti"] != old["jti"]
    assert claims(result["AccessToken"])["token_use"] == "access"


def test_refresh_with_an_unknown_token_is_not_authorized(emu: Emulator) -> None:
    record = initiate(emu, flow="REFRESH_TOKEN_AUTH", auth={"REFRESH_TOKEN": "not-a-token"})

    assert error_of(record)[0] == "NotAuthorizedException"
    assert record.invocations == []


def test_expired_session_is_not_authorized(make_emulator: MakeEmulator) -> None:
    now = [1_700_000_000.0]
    emu = make_emulator(clock=lambda: now[0])
    emu.add_user("carol", password="Tmp-Passw0rd!", status="FORCE_CHANGE_PASSWORD")
    first = initiate(emu, username="carol", password="Tmp-Passw0rd!")
    now[0] += SESSION_SECONDS + 1

    record = respond(
        emu,
        "AdminRespondToAuthChallenge",
        first,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "carol", "NEW_PASSWORD": NEW_PASSWORD},
    )

    assert error_of(record) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )
    assert record.invocations == []


@pytest.mark.parametrize("operation", ["AdminRespondToAuthChallenge", "RespondToAuthChallenge"])
def test_invalid_session_is_not_authorized(emu: Emulator, operation: str) -> None:
    record = respond(
        emu,
        operation,
        "not-a-session-of-this-pool",  # 20 characters or more: the API's shape allows it
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "alice", "NEW_PASSWORD": NEW_PASSWORD},
    )

    assert error_of(record) == ("NotAuthorizedException", "Invalid session for the user.")
    assert record.invocations == []
