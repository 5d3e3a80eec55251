"""The trigger dispatcher on its own, with a fake invoker: routing, Cognito's reading of the
answer, and secrets kept out of what the harness shows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.cognito import errors
from harness.cognito.routing import REFRESH, UnroutedTriggerError
from harness.cognito.triggers import TRIGGER_NAMES
from harness.emulator.dispatch import TriggerDispatcher, TriggerRun
from harness.invokers.base import InvokeResult
from harness.redaction import REDACTED
from harness.settings import FieldName, Settings
from harness.stack import FunctionSpec

METADATA = {"appVersion": "3.1.0", "tenant": "acme"}
PASSWORD = "hunter2-Secret!"


def echo(event: dict[str, Any]) -> InvokeResult:
    """What a trigger that changes nothing answers: its own event."""
    return InvokeResult(payload=copy.deepcopy(event))


@dataclass
class FakeInvoker:
    """Answers each invoke with ``answer(event)`` and keeps what it was given."""

    answer: Callable[[dict[str, Any]], InvokeResult] = echo
    name: str = "fake"
    calls: list[tuple[FunctionSpec, dict[str, Any], float]] = field(default_factory=list)

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        self.calls.append((function, copy.deepcopy(event), timeout))
        return self.answer(event)

    def close(self) -> None:
        pass

    @property
    def event(self) -> dict[str, Any]:
        """The event of the only invocation."""
        assert len(self.calls) == 1
        return self.calls[0][1]


def function(trigger: str, timeout: float = 3.0) -> FunctionSpec:
    return FunctionSpec(
        logical_id=f"{trigger}Function",
        code_uri=Path("functions"),
        handler="app.handler",
        runtime="python3.12",
        timeout=timeout,
        memory_size=128,
        environment={},
        architectures=("x86_64",),
        function_name=f"{trigger}-function",
    )


def dispatcher(
    invoker: FakeInvoker,
    *,
    settings: Settings | None = None,
    triggers: tuple[str, ...] = TRIGGER_NAMES,
    timeout: float = 3.0,
    pre_token_version: str = "V1_0",
) -> TriggerDispatcher:
    return TriggerDispatcher(
        {trigger: function(trigger, timeout) for trigger in triggers},
        invoker,
        settings or Settings(),
        region="eu-west-1",
        user_pool_id="eu-west-1_TEST",
        pre_token_version=pre_token_version,
    )


def run(
    invoker: FakeInvoker,
    source: str,
    operation: str,
    *,
    metadata: dict[str, str] | None = METADATA,
    validation_data: dict[str, str] | None = None,
    request: dict[str, Any] | None = None,
    **kwargs: Any,
) -> TriggerRun:
    outcome = dispatcher(invoker, **kwargs).run(
        source,
        operation=operation,
        username="alice",
        client_id="client-1",
        user_attributes={"email": "alice@example.com"},
        client_metadata=metadata,
        validation_data=validation_data,
        request=request,
    )
    assert outcome is not None
    return outcome


# --------------------------------------------------------------------------- routing


def assert_routed(invoker: FakeInvoker, outcome: TriggerRun, field: FieldName) -> None:
    """The metadata arrived in ``field`` only (nowhere for None), and the report says so."""
    request = invoker.event["request"]
    for name in ("validationData", "clientMetadata"):
        assert (request.get(name) or None) == (METADATA if name == field else None), name
    assert outcome.invocation.metadata_field == field
    assert outcome.invocation.metadata == (METADATA if field else None)


@pytest.mark.parametrize(
    ("operation", "source", "field"),
    [
        # (Admin)InitiateAuth: three triggers get it as validationData, the others nothing.
        ("AdminInitiateAuth", "PreAuthentication_Authentication", "validationData"),
        ("InitiateAuth", "PreAuthentication_Authentication", "validationData"),
        ("InitiateAuth", "UserMigration_Authentication", "validationData"),
        ("AdminInitiateAuth", "PostAuthentication_Authentication", None),
        ("AdminInitiateAuth", "TokenGeneration_Authentication", None),
        ("InitiateAuth", "DefineAuthChallenge_Authentication", None),
        ("AdminInitiateAuth", "CustomMessage_Authentication", None),
        # Respond calls: every trigger gets it as clientMetadata.
        ("RespondToAuthChallenge", "PostAuthentication_Authentication", "clientMetadata"),
        ("AdminRespondToAuthChallenge", "TokenGeneration_NewPasswordChallenge", "clientMetadata"),
        ("RespondToAuthChallenge", "VerifyAuthChallengeResponse_Authentication", "clientMetadata"),
        ("RespondToAuthChallenge", "CreateAuthChallenge_Authentication", "clientMetadata"),
        # The other operations: clientMetadata.
        ("ForgotPassword", "UserMigration_ForgotPassword", "clientMetadata"),
        ("ConfirmSignUp", "PostConfirmation_ConfirmSignUp", "clientMetadata"),
        ("UpdateUserAttributes", "CustomMessage_UpdateUserAttribute", "clientMetadata"),
    ],
)
def test_the_metadata_reaches_the_trigger_in_the_field_the_routing_table_names(
    operation: str, source: str, field: FieldName
) -> None:
    invoker = FakeInvoker()

    outcome = run(invoker, source, operation)

    assert_routed(invoker, outcome, field)


def test_sign_up_validation_data_and_metadata_arrive_in_their_own_fields() -> None:
    invoker = FakeInvoker()

    outcome = run(invoker, "PreSignUp_SignUp", "SignUp", validation_data={"captcha": "ok"})

    request = invoker.event["request"]
    assert request["validationData"] == {"captcha": "ok"}
    assert request["clientMetadata"] == METADATA
    assert outcome.invocation.metadata_field == "clientMetadata"
    assert outcome.invocation.metadata == METADATA


def test_validation_data_alone_is_shown_as_the_validation_data() -> None:
    invoker = FakeInvoker()

    outcome = run(
        invoker, "PreSignUp_SignUp", "SignUp", metadata=None, validation_data={"captcha": "ok"}
    )

    assert "clientMetadata" not in invoker.event["request"]
    assert outcome.invocation.metadata_field == "validationData"
    assert outcome.invocation.metadata == {"captcha": "ok"}


def test_metadata_routed_to_validation_data_is_merged_over_the_validation_data() -> None:
    invoker = FakeInvoker()

    run(
        invoker,
        "PreAuthentication_Authentication",
        "AdminInitiateAuth",
        validation_data={"tenant": "other", "captcha": "ok"},
    )

    assert invoker.event["request"]["validationData"] == {"captcha": "ok", **METADATA}


@pytest.mark.parametrize("setting", [None, "validationData", "clientMetadata"])
def test_refresh_metadata_goes_where_the_setting_says(setting: FieldName) -> None:
    invoker = FakeInvoker()

    outcome = run(
        invoker,
        "TokenGeneration_RefreshTokens",
        REFRESH,
        settings=Settings(refresh_client_metadata_field=setting),
    )

    assert_routed(invoker, outcome, setting)


def test_a_trigger_the_routing_table_does_not_know_for_the_operation_is_a_harness_bug() -> None:
    invoker = FakeInvoker()

    with pytest.raises(UnroutedTriggerError, match="PreTokenGeneration during SignUp"):
        run(invoker, "TokenGeneration_Authentication", "SignUp")
    assert invoker.calls == []


def test_a_trigger_the_pool_has_no_function_for_is_not_invoked() -> None:
    invoker = FakeInvoker()
    dispatch = dispatcher(invoker, triggers=("PreSignUp",))

    outcome = dispatch.run(
        "PreAuthentication_Authentication",
        operation="AdminInitiateAuth",
        username="alice",
        client_id="client-1",
        user_attributes={},
        client_metadata=METADATA,
    )

    assert outcome is None
    assert not dispatch.has("PreAuthentication")
    assert invoker.calls == []


def test_the_event_names_the_pool_the_client_and_the_user() -> None:
    invoker = FakeInvoker()

    run(invoker, "PreAuthentication_Authentication", "AdminInitiateAuth")

    event = invoker.event
    assert event["userPoolId"] == "eu-west-1_TEST"
    assert event["region"] == "eu-west-1"
    assert event["userName"] == "alice"
    assert event["callerContext"]["clientId"] == "client-1"
    assert event["request"]["userAttributes"] == {"email": "alice@example.com"}


def test_only_pre_token_generation_events_carry_the_pools_lambda_version() -> None:
    invoker = FakeInvoker()
    dispatch = dispatcher(invoker, pre_token_version="V2_0")

    for source in ("PostAuthentication_Authentication", "TokenGeneration_Authentication"):
        dispatch.run(
            source,
            operation="AdminInitiateAuth",
            username="alice",
            client_id="client-1",
            user_attributes={},
            client_metadata=None,
        )

    assert [event["version"] for _, event, _ in invoker.calls] == ["1", "2"]


@pytest.mark.parametrize(("function_timeout", "waited"), [(30.0, 5.0), (2.0, 2.0)])
def test_the_invoker_waits_the_function_timeout_but_never_more_than_cognitos_five_seconds(
    function_timeout: float, waited: float
) -> None:
    invoker = FakeInvoker()

    run(invoker, "PreSignUp_SignUp", "SignUp", timeout=function_timeout)

    assert invoker.calls[0][2] == waited


# --------------------------------------------------------------------------- the answer


def test_a_usable_answer_gives_the_triggers_response() -> None:
    def confirm(event: dict[str, Any]) -> InvokeResult:
        return InvokeResult(
            payload={**event, "response": {"autoConfirmUser": True}},
            duration_ms=12.5,
            init_duration_ms=80.0,
            logs="confirmed alice\n",
        )

    outcome = run(FakeInvoker(confirm), "PreSignUp_SignUp", "SignUp")

    assert outcome.response == {"autoConfirmUser": True}
    assert outcome.error is None
    invocation = outcome.invocation
    assert (invocation.trigger, invocation.trigger_source) == ("PreSignUp", "PreSignUp_SignUp")
    assert invocation.function == "PreSignUpFunction"
    assert invocation.response == {"autoConfirmUser": True}
    assert (invocation.duration_ms, invocation.init_duration_ms) == (12.5, 80.0)
    assert invocation.logs == "confirmed alice\n"
    assert invocation.error is None


def test_a_timeout_is_unexpected_lambda_exception() -> None:
    outcome = run(
        FakeInvoker(lambda _: InvokeResult(timed_out=True, error_message="Task timed out")),
        "PreAuthentication_Authentication",
        "AdminInitiateAuth",
    )

    assert isinstance(outcome.error, errors.UnexpectedLambdaException)
    assert outcome.error.message == (
        "PreAuthentication invocation failed due to error Socket timeout while invoking "
        "Lambda function."
    )
    assert outcome.response is None
    assert outcome.invocation.error_type == "Timeout"
    assert outcome.invocation.error == outcome.error.to_dict()


def test_a_function_error_is_user_lambda_validation_exception_with_its_message() -> None:
    outcome = run(
        FakeInvoker(lambda _: InvokeResult(error_type="ValueError", error_message="m")),
        "PreSignUp_SignUp",
        "SignUp",
    )

    assert isinstance(outcome.error, errors.UserLambdaValidationException)
    assert outcome.error.message == "PreSignUp failed with error m."
    assert outcome.invocation.error == {
        "code": "UserLambdaValidationException",
        "message": "PreSignUp failed with error m.",
    }
    assert outcome.invocation.error_type == "ValueError"


def test_an_answer_that_is_not_json_is_invalid_lambda_response_exception() -> None:
    outcome = run(
        FakeInvoker(lambda _: InvokeResult(raw=b"<html>not json</html>")),
        "PreSignUp_SignUp",
        "SignUp",
    )

    assert isinstance(outcome.error, errors.InvalidLambdaResponseException)
    assert outcome.error.message == "Invalid lambda function output : Invalid JSON"
    assert outcome.invocation.response is None


def test_an_invoker_that_fails_leaves_the_invocation_shown_and_its_error_to_raise() -> None:
    crash = RuntimeError("the runtime could not start")

    def fail(_: dict[str, Any]) -> InvokeResult:
        raise crash

    outcome = run(FakeInvoker(fail), "PreSignUp_SignUp", "SignUp")

    assert outcome.crash is crash
    assert outcome.error is None
    assert outcome.invocation.trigger_source == "PreSignUp_SignUp"
    assert outcome.invocation.event["userName"] == "alice"


# --------------------------------------------------------------------------- secrets


def test_the_migration_password_is_scrubbed_from_logs_error_and_traceback() -> None:
    def careless(event: dict[str, Any]) -> InvokeResult:
        password = event["request"]["password"]
        return InvokeResult(
            error_type="ValueError",
            error_message=f"bad password {password}",
            logs=f"checking {password!r} for alice\n",
            traceback=f'ValueError: "{password}"',
        )

    invoker = FakeInvoker(careless)

    outcome = run(
        invoker,
        "UserMigration_Authentication",
        "AdminInitiateAuth",
        request={"password": PASSWORD, "userAttributes": None},
    )

    assert invoker.event["request"]["password"] == PASSWORD  # the trigger gets it
    shown = outcome.invocation
    assert shown.event["request"]["password"] == REDACTED
    assert PASSWORD not in shown.logs
    assert shown.logs == f"checking '{REDACTED}' for alice\n"
    assert shown.traceback == f'ValueError: "{REDACTED}"'
    assert outcome.error is not None
    assert outcome.error.message == f"UserMigration failed with error bad password {REDACTED}."
    assert PASSWORD not in str(shown.error)


def test_the_expected_answer_of_a_custom_challenge_is_never_shown() -> None:
    def create(event: dict[str, Any]) -> InvokeResult:
        response = {
            "publicChallengeParameters": {"hint": "colour"},
            "privateChallengeParameters": {"answer": "blue"},
            "challengeMetadata": "COLOUR",
        }
        return InvokeResult(payload={**event, "response": response})

    outcome = run(FakeInvoker(create), "CreateAuthChallenge_Authentication", "InitiateAuth")

    assert outcome.response is not None
    assert outcome.response["privateChallengeParameters"] == {"answer": "blue"}
    assert outcome.invocation.response is not None
    assert outcome.invocation.response["privateChallengeParameters"] == {"answer": REDACTED}
    assert outcome.invocation.response["publicChallengeParameters"] == {"hint": "colour"}


def test_metadata_values_of_secret_looking_keys_reach_the_trigger_but_are_not_shown() -> None:
    invoker = FakeInvoker()
    metadata = {"invitationCode": "X-42-secret", "tenant": "acme"}

    outcome = run(invoker, "PreSignUp_SignUp", "SignUp", metadata=metadata)

    assert invoker.event["request"]["clientMetadata"] == metadata
    assert outcome.invocation.event["request"]["clientMetadata"] == {
        "invitationCode": REDACTED,
        "tenant": "acme",
    }
    assert outcome.invocation.to_json()["metadata"] == {
        "invitationCode": REDACTED,
        "tenant": "acme",
    }
