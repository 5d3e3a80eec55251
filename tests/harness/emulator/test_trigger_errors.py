"""Contract section 5: the errors the caller sees when a trigger fails, and request errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from harness.emulator import Emulator
from harness.emulator.service import OPERATIONS
from harness.results import CallRecord
from harness.settings import Settings
from tests.harness.emulator.test_secrets import report_text
from tests.support.emulator import (
    EMAIL,
    METADATA,
    NEW_PASSWORD,
    PASSWORD,
    MakeEmulator,
    error_of,
    events,
    initiate,
    ran,
    recorder,
    recording_stack,
    respond,
    with_handler,
)

UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
TIMEOUT = "invocation failed due to error Socket timeout while invoking Lambda function."


def sign_up(emu: Emulator) -> CallRecord:
    return emu.call(
        "SignUp",
        {
            "ClientId": emu.client_id,
            "Username": "dave",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "dave@example.com"}],
        },
    )


def admin_confirm(emu: Emulator) -> CallRecord:
    emu.add_user("dave", password=PASSWORD, status="UNCONFIRMED")
    return emu.call("AdminConfirmSignUp", {"UserPoolId": emu.user_pool_id, "Username": "dave"})


def custom_respond(emu: Emulator) -> CallRecord:
    first = initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})
    return respond(
        emu,
        "AdminRespondToAuthChallenge",
        first,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": recorder.ANSWER},
    )


#: How to make each trigger run: (trigger, triggerSource that fails, the call).
SCENARIOS: list[tuple[str, str, Callable[[Emulator], CallRecord]]] = [
    ("PreAuthentication", "PreAuthentication_Authentication", initiate),
    ("PostAuthentication", "PostAuthentication_Authentication", initiate),
    ("PreTokenGeneration", "TokenGeneration_Authentication", initiate),
    ("UserMigration", "UserMigration_Authentication", lambda emu: initiate(emu, username="bob")),
    ("PreSignUp", "PreSignUp_SignUp", sign_up),
    ("CustomMessage", "CustomMessage_SignUp", sign_up),
    ("PostConfirmation", "PostConfirmation_ConfirmSignUp", admin_confirm),
    (
        "DefineAuthChallenge",
        "DefineAuthChallenge_Authentication",
        lambda emu: initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}),
    ),
    (
        "CreateAuthChallenge",
        "CreateAuthChallenge_Authentication",
        lambda emu: initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}),
    ),
    ("VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication", custom_respond),
]
SCENARIO_IDS = [trigger for trigger, _, _ in SCENARIOS]


# --------------------------------------------------------------------------- a trigger raises


@pytest.mark.parametrize(("trigger", "source", "call"), SCENARIOS, ids=SCENARIO_IDS)
def test_trigger_that_raises_is_user_lambda_validation_exception_with_a_period_appended(
    emu: Emulator, trigger: str, source: str, call: Callable[[Emulator], CallRecord]
) -> None:
    recorder.SCRIPT[source] = recorder.Raise("boom.")

    record = call(emu)

    expected = ("UserLambdaValidationException", f"{trigger} failed with error boom..")
    assert error_of(record) == expected
    assert ran(record)[-1] == source  # nothing runs after the failing trigger
    assert record.invocations[-1].error == {"code": expected[0], "message": expected[1]}


def test_trigger_message_without_a_period_gets_one(emu: Emulator) -> None:
    recorder.SCRIPT["PreAuthentication"] = recorder.Raise("Not allowed")

    record = initiate(emu)

    assert error_of(record) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Not allowed.",
    )


# --------------------------------------------------------------------------- unusable answers


@pytest.mark.parametrize(
    "garbage",
    [None, "ok", 42, True, ["response"], {"response": "yes"}, {"response": ["x"]}],
    ids=["null", "string", "number", "boolean", "list", "response-string", "response-list"],
)
def test_trigger_answer_that_is_not_an_event_is_unrecognizable_lambda_output(
    emu: Emulator, garbage: Any
) -> None:
    recorder.SCRIPT["PreAuthentication"] = recorder.Return(garbage)

    record = initiate(emu)

    assert error_of(record) == UNRECOGNIZABLE
    assert ran(record) == ["PreAuthentication_Authentication"]


@pytest.mark.parametrize("trigger", ["PreAuthentication", "PostAuthentication"])
def test_trigger_answer_without_a_response_is_unrecognizable_lambda_output(
    emu: Emulator, trigger: str
) -> None:
    recorder.SCRIPT[trigger] = lambda event: {k: v for k, v in event.items() if k != "response"}

    record = initiate(emu)

    assert error_of(record) == UNRECOGNIZABLE


def test_trigger_answer_that_is_not_json_is_an_invalid_lambda_response(emu: Emulator) -> None:
    recorder.SCRIPT["PreAuthentication"] = recorder.Return(object())

    record = initiate(emu)

    assert error_of(record)[0] == "InvalidLambdaResponseException"


WRONG_TYPES: list[tuple[str, dict[str, Any], Callable[[Emulator], CallRecord]]] = [
    ("PreSignUp_SignUp", {"autoConfirmUser": "true"}, sign_up),
    ("PreSignUp_SignUp", {"autoVerifyEmail": 1}, sign_up),
    ("CustomMessage_SignUp", {"emailMessage": ["{####}"]}, sign_up),
    ("TokenGeneration_Authentication", {"claimsOverrideDetails": ["tenant"]}, initiate),
    (
        "TokenGeneration_Authentication",
        {"claimsOverrideDetails": {"claimsToSuppress": "email"}},
        initiate,
    ),
    (
        "UserMigration_Authentication",
        {"userAttributes": [["email", "bob@example.com"]]},
        lambda emu: initiate(emu, username="bob"),
    ),
    (
        "UserMigration_Authentication",
        {"userAttributes": {"email_verified": True}},
        lambda emu: initiate(emu, username="bob"),
    ),
    # An unknown finalUserStatus is a refused migration, not unreadable output:
    # tests/harness/emulator/test_documented_fidelity.py.
    (
        "DefineAuthChallenge_Authentication",
        {"challengeName": 7},
        lambda emu: initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}),
    ),
    (
        "DefineAuthChallenge_Authentication",
        {"issueTokens": "yes"},
        lambda emu: initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}),
    ),
    (
        "CreateAuthChallenge_Authentication",
        {"publicChallengeParameters": "question"},
        lambda emu: initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"}),
    ),
    ("VerifyAuthChallengeResponse_Authentication", {"answerCorrect": "true"}, custom_respond),
]


@pytest.mark.parametrize(
    ("source", "response", "call"),
    WRONG_TYPES,
    ids=[f"{source.split('_')[0]}-{next(iter(response))}" for source, response, _ in WRONG_TYPES],
)
def test_trigger_response_of_the_wrong_types_is_unrecognizable_lambda_output(
    emu: Emulator,
    source: str,
    response: dict[str, Any],
    call: Callable[[Emulator], CallRecord],
) -> None:
    recorder.SCRIPT[source] = response

    record = call(emu)

    assert error_of(record) == UNRECOGNIZABLE
    assert ran(record)[-1] == source


@pytest.mark.parametrize(
    ("source", "response", "call", "detail"),
    [
        (
            *WRONG_TYPES[0],
            "PreSignUp's response.autoConfirmUser is a string; Cognito takes a boolean there",
        ),
        (
            *WRONG_TYPES[2],
            "CustomMessage's response.emailMessage is an array; Cognito takes a string there",
        ),
        (
            *WRONG_TYPES[-1],
            "VerifyAuthChallengeResponse's response.answerCorrect is a string; "
            "Cognito takes a boolean there",
        ),
    ],
    ids=["PreSignUp", "CustomMessage", "Verify"],
)
def test_a_response_field_of_the_wrong_type_is_named_in_the_errors_detail(
    emu: Emulator,
    source: str,
    response: dict[str, Any],
    call: Callable[[Emulator], CallRecord],
    detail: str,
) -> None:
    # Cognito's message names neither trigger nor field: the harness's detail does.
    recorder.SCRIPT[source] = response

    record = call(emu)

    assert error_of(record) == UNRECOGNIZABLE
    assert record.error is not None
    assert record.error.detail == detail


def test_custom_message_without_the_code_parameter_is_an_invalid_lambda_response(
    emu: Emulator,
) -> None:
    recorder.SCRIPT["CustomMessage"] = {"emailMessage": "Welcome!"}

    record = sign_up(emu)

    assert error_of(record)[0] == "InvalidLambdaResponseException"


# --------------------------------------------------------------------------- invoke failures


def test_trigger_sleeping_past_its_timeout_is_unexpected_lambda_exception(emu: Emulator) -> None:
    timeout = emu.stack.functions["PreAuthenticationFunction"].timeout
    assert timeout == 1  # the fixture's Timeout; the emulator waits min(Timeout, 5 s)
    recorder.SCRIPT["PreAuthentication"] = recorder.Sleep(10)

    started = time.perf_counter()
    record = initiate(emu)
    elapsed = time.perf_counter() - started

    assert error_of(record) == ("UnexpectedLambdaException", f"PreAuthentication {TIMEOUT}")
    assert timeout <= elapsed < timeout + 2
    assert ran(record) == ["PreAuthentication_Authentication"]
    assert len(events("PreAuthentication_Authentication")) == 1  # it did start
    recorder.RELEASE.set()


def test_post_authentication_timeout_names_post_authentication(emu: Emulator) -> None:
    recorder.SCRIPT["PostAuthentication"] = recorder.Sleep(10)

    record = initiate(emu)

    assert error_of(record) == ("UnexpectedLambdaException", f"PostAuthentication {TIMEOUT}")
    assert ran(record) == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]
    recorder.RELEASE.set()


def test_handler_module_that_fails_to_import_is_unexpected_lambda_exception(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(with_handler(recording_stack(), "PreAuthentication", "broken.handler"))
    emu.add_user("alice", password=PASSWORD)

    record = initiate(emu)

    code, message = error_of(record)
    assert code == "UnexpectedLambdaException"
    assert message == "PreAuthentication invocation failed due to error Runtime.ImportModuleError."


# --------------------------------------------------------------------------- request errors

BAD_METADATA = [{"count": 1}, {"flag": True}, {"missing": None}, {"nested": {"a": "b"}}, ["a"]]


def call_with_metadata(emu: Emulator, operation: str, metadata: Any) -> CallRecord:
    emu.add_user("dave", password=PASSWORD, status="UNCONFIRMED", attributes={"email": EMAIL})
    params: dict[str, Any] = {
        "AdminInitiateAuth": {
            "UserPoolId": emu.user_pool_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
        "InitiateAuth": {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
        "SignUp": {"Username": "erin", "Password": PASSWORD},
        "AdminCreateUser": {"UserPoolId": emu.user_pool_id, "Username": "erin"},
        "ForgotPassword": {"Username": "alice"},
        "ConfirmSignUp": {"Username": "dave", "ConfirmationCode": Settings().mfa_code},
        "AdminConfirmSignUp": {"UserPoolId": emu.user_pool_id, "Username": "dave"},
        "ConfirmForgotPassword": {
            "Username": "alice",
            "ConfirmationCode": Settings().mfa_code,
            "Password": NEW_PASSWORD,
        },
    }[operation]
    return emu.call(operation, {"ClientId": emu.client_id, **params, "ClientMetadata": metadata})


@pytest.mark.parametrize("metadata", BAD_METADATA, ids=["int", "bool", "null", "map", "list"])
@pytest.mark.parametrize(
    "operation",
    [
        "AdminInitiateAuth",
        "InitiateAuth",
        "SignUp",
        "AdminCreateUser",
        "ForgotPassword",
        "ConfirmSignUp",
        "AdminConfirmSignUp",
        "ConfirmForgotPassword",
    ],
)
def test_client_metadata_that_is_not_a_string_map_is_invalid_parameter_and_changes_nothing(
    emu: Emulator, operation: str, metadata: Any
) -> None:
    record = call_with_metadata(emu, operation, metadata)

    assert error_of(record)[0] == "InvalidParameterException"
    assert record.invocations == []
    assert recorder.EVENTS == []
    dave, alice = emu.find_user("dave"), emu.find_user("alice")
    assert dave is not None
    assert dave.status == "UNCONFIRMED"
    assert alice is not None
    assert alice.password == PASSWORD
    assert emu.find_user("erin") is None


@pytest.mark.parametrize("operation", ["AdminRespondToAuthChallenge", "RespondToAuthChallenge"])
def test_respond_client_metadata_that_is_not_a_string_map_is_invalid_parameter(
    emu: Emulator, operation: str
) -> None:
    first = initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})
    recorder.EVENTS.clear()

    record = respond(
        emu,
        operation,
        first,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "alice", "ANSWER": recorder.ANSWER},
        metadata={"attempt": 2},
    )

    assert error_of(record)[0] == "InvalidParameterException"
    assert recorder.EVENTS == []


def test_unknown_operation_is_unsupported_and_lists_the_supported_ones(emu: Emulator) -> None:
    record = emu.call("ListUsers", {"UserPoolId": emu.user_pool_id})

    code, message = error_of(record)
    assert code == "UnsupportedOperationException"
    assert message.startswith("ListUsers is not emulated; supported: ")
    assert message.endswith(", ".join(sorted(OPERATIONS)))
    assert record.invocations == []


# --------------------------------------------------------------------------- deployed ids


def test_deployed_pool_and_client_ids_map_onto_the_emulated_ones(emu: Emulator) -> None:
    deployed_pool, deployed_client = "eu-west-1_Deployed1", "4deployedclientid0123456789"

    record = emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": deployed_pool,
            "ClientId": deployed_client,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            "ClientMetadata": METADATA,
        },
    )

    assert record.outcome == {"status": "tokens"}
    assert emu.id_map == {deployed_pool: emu.user_pool_id, deployed_client: emu.client_id}
    event = events("PreAuthentication_Authentication")[0]
    assert event["userPoolId"] == emu.user_pool_id
    assert event["callerContext"]["clientId"] == emu.client_id


def test_missing_user_pool_id_is_invalid_parameter(emu: Emulator) -> None:
    record = emu.call(
        "AdminInitiateAuth",
        {
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
    )

    assert error_of(record)[0] == "InvalidParameterException"
    assert record.invocations == []


def test_handler_missing_from_its_module_is_handler_not_found(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(with_handler(recording_stack(), "PreAuthentication", "recorder.no_such"))
    emu.add_user("alice", password=PASSWORD)

    code, message = error_of(initiate(emu))
    assert code == "UnexpectedLambdaException"
    assert message == "PreAuthentication invocation failed due to error Runtime.HandlerNotFound."


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        ({"challengeName": "CUSTOM_SRP_CHALLENGE"}, "has challengeName 'CUSTOM_SRP_CHALLENGE'"),
        ({"challengeName": "PASSWORD_VERIFIER"}, "PASSWORD_VERIFIER only right after SRP_A"),
        ({}, "has no challengeName and neither issueTokens nor failAuthentication true"),
    ],
)
def test_an_unknown_challenge_name_from_define_names_the_trigger_and_the_field(
    emu: Emulator, answer: dict[str, Any], named: str
) -> None:
    # Cognito's answer is its generic one (no AWS page names another); the report adds which
    # trigger answered what, in which field.
    recorder.SCRIPT["DefineAuthChallenge"] = {"issueTokens": False, **answer}

    record = initiate(emu, flow="CUSTOM_AUTH", auth={"USERNAME": "alice"})

    assert error_of(record) == UNRECOGNIZABLE
    assert record.error is not None
    assert record.error.detail is not None
    assert record.error.detail.startswith("DefineAuthChallenge's response ")
    assert named in record.error.detail
    assert "Cognito accepts CUSTOM_CHALLENGE" in record.error.detail
    assert record.outcome["detail"] == record.error.detail
    assert record.error.to_dict() == dict(zip(("code", "message"), UNRECOGNIZABLE, strict=True))
    text = report_text(emu)
    assert "(DefineAuthChallenge's response " in text  # the table and the markdown
    assert '"detail": "DefineAuthChallenge' in text  # the JSON
