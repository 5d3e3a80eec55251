"""The event generator (harness.cognito.events), its CLI and the committed sample events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    BaseTriggerEvent,
    CreateAuthChallengeTriggerEvent,
    CustomEmailSenderTriggerEvent,
    CustomMessageTriggerEvent,
    CustomSMSSenderTriggerEvent,
    DefineAuthChallengeTriggerEvent,
    PostAuthenticationTriggerEvent,
    PostConfirmationTriggerEvent,
    PreAuthenticationTriggerEvent,
    PreSignUpTriggerEvent,
    PreTokenGenerationTriggerEvent,
    PreTokenGenerationV2TriggerEvent,
    UserMigrationTriggerEvent,
    VerifyAuthChallengeResponseTriggerEvent,
)
from click.testing import CliRunner

from harness.cli import main
from harness.cognito import events
from harness.cognito.triggers import RANK

ALL_SOURCES = [
    "PreSignUp_SignUp",
    "PreSignUp_AdminCreateUser",
    "PreSignUp_ExternalProvider",
    "PreAuthentication_Authentication",
    "PostAuthentication_Authentication",
    "UserMigration_Authentication",
    "UserMigration_ForgotPassword",
    *(
        f"CustomMessage_{s}"
        for s in (
            "SignUp",
            "AdminCreateUser",
            "ResendCode",
            "ForgotPassword",
            "UpdateUserAttribute",
            "VerifyUserAttribute",
            "Authentication",
        )
    ),
    *(
        f"TokenGeneration_{s}"
        for s in (
            "HostedAuth",
            "Authentication",
            "NewPasswordChallenge",
            "AuthenticateDevice",
            "RefreshTokens",
            "ClientCredentials",
        )
    ),
    "DefineAuthChallenge_Authentication",
    "CreateAuthChallenge_Authentication",
    "VerifyAuthChallengeResponse_Authentication",
    "PostConfirmation_ConfirmSignUp",
    "PostConfirmation_ConfirmForgotPassword",
    *(
        f"CustomEmailSender_{s}"
        for s in (
            "SignUp",
            "ResendCode",
            "ForgotPassword",
            "UpdateUserAttribute",
            "VerifyUserAttribute",
            "AdminCreateUser",
            "Authentication",
            "AccountTakeOverNotification",
        )
    ),
    *(
        f"CustomSMSSender_{s}"
        for s in (
            "SignUp",
            "ResendCode",
            "ForgotPassword",
            "UpdateUserAttribute",
            "VerifyUserAttribute",
            "AdminCreateUser",
            "Authentication",
        )
    ),
]

EXPECTED_TRIGGER = {
    "PreSignUp": "PreSignUp",
    "PreAuthentication": "PreAuthentication",
    "PostAuthentication": "PostAuthentication",
    "UserMigration": "UserMigration",
    "CustomMessage": "CustomMessage",
    "TokenGeneration": "PreTokenGeneration",
    "DefineAuthChallenge": "DefineAuthChallenge",
    "CreateAuthChallenge": "CreateAuthChallenge",
    "VerifyAuthChallengeResponse": "VerifyAuthChallengeResponse",
    "PostConfirmation": "PostConfirmation",
    "CustomEmailSender": "CustomEmailSender",
    "CustomSMSSender": "CustomSMSSender",
}


def load_sample(trigger_source: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(events.sample_event_path(trigger_source).read_text("utf-8"))
    return data


# --- the table of sources -------------------------------------------------------------------


def test_trigger_sources_are_exactly_the_40_of_the_contract() -> None:
    assert len(ALL_SOURCES) == 40
    assert sorted(events.TRIGGER_SOURCES) == sorted(ALL_SOURCES)


def test_trigger_sources_come_in_the_order_cognito_runs_their_triggers() -> None:
    ranks = [RANK[spec.trigger] for spec in events.TRIGGER_SOURCES.values()]
    assert ranks == sorted(ranks)
    assert list(RANK)[:3] == ["PreSignUp", "UserMigration", "PreAuthentication"]


@pytest.mark.parametrize("trigger_source", ALL_SOURCES)
def test_trigger_for_source(trigger_source: str) -> None:
    expected = EXPECTED_TRIGGER[trigger_source.partition("_")[0]]
    assert events.trigger_for_source(trigger_source) == expected
    assert events.TRIGGER_SOURCES[trigger_source].trigger == expected


def test_unknown_trigger_source_lists_close_matches() -> None:
    with pytest.raises(events.UnknownTriggerSourceError) as info:
        events.trigger_for_source("PreSignup_Signup")
    assert isinstance(info.value, ValueError)
    assert "PreSignUp_SignUp" in str(info.value)
    assert info.value.suggestions[0] == "PreSignUp_SignUp"


def test_unknown_trigger_source_without_close_match_names_the_prefixes() -> None:
    with pytest.raises(events.UnknownTriggerSourceError, match="PreSignUp_"):
        events.build_event("Nothing")


def test_sample_event_path_is_under_the_repo_root() -> None:
    path = events.sample_event_path("PreSignUp_SignUp")
    assert path == events.REPO_ROOT / "events" / "triggers" / "PreSignUp_SignUp.json"
    assert (events.REPO_ROOT / "pyproject.toml").is_file()


# --- the committed files --------------------------------------------------------------------


def test_every_source_has_a_sample_file_and_there_is_no_other() -> None:
    files = {path.name for path in events.SAMPLE_EVENTS_DIR.iterdir()}
    assert files == {f"{source}.json" for source in ALL_SOURCES}


@pytest.mark.parametrize("trigger_source", ALL_SOURCES)
def test_generator_reproduces_the_committed_file_byte_for_byte(trigger_source: str) -> None:
    committed = events.sample_event_path(trigger_source).read_bytes()
    generated = events.render_event(events.sample_event(trigger_source)).encode("utf-8")
    assert committed == generated, (
        f"{trigger_source}.json differs from the generator: run `harness events generate --all`"
    )


def test_write_sample_events_reproduces_the_committed_directory(tmp_path: Path) -> None:
    written = events.write_sample_events(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        f"{source}.json" for source in ALL_SOURCES
    )
    for path in written:
        assert path.read_bytes() == (events.SAMPLE_EVENTS_DIR / path.name).read_bytes()


@pytest.mark.parametrize("trigger_source", ALL_SOURCES)
def test_sample_envelope(trigger_source: str) -> None:
    event = load_sample(trigger_source)
    spec = events.TRIGGER_SOURCES[trigger_source]
    envelope = ["version", "triggerSource", "region", "userPoolId", "userName"]
    envelope += ["callerContext", "request"]
    if spec.trigger not in ("CustomEmailSender", "CustomSMSSender"):
        envelope.append("response")
    assert list(event) == envelope

    parsed = spec.data_class_for(spec.default_token_version)(event)
    assert isinstance(parsed, BaseTriggerEvent)
    assert parsed.trigger_source == trigger_source
    assert parsed.user_name == "alice"
    assert parsed.region == "us-east-1"
    assert parsed.user_pool_id == "us-east-1_EXAMPLE"
    assert parsed.caller_context.aws_sdk_version == "aws-sdk-unknown-unknown"
    if trigger_source.endswith("_AdminCreateUser"):
        assert parsed.caller_context.client_id == "CLIENT_ID_NOT_APPLICABLE"
    else:
        assert parsed.caller_context.client_id == events.DEFAULT_CLIENT_ID
        assert len(parsed.caller_context.client_id) == 26
    assert parsed.version == ("3" if trigger_source.endswith("ClientCredentials") else "1")


@pytest.mark.parametrize("trigger_source", ALL_SOURCES)
def test_user_attributes_are_strings_with_sub_for_existing_users(trigger_source: str) -> None:
    spec = events.TRIGGER_SOURCES[trigger_source]
    attributes = load_sample(trigger_source)["request"]["userAttributes"]
    if spec.trigger == "UserMigration":
        assert attributes is None  # the user is not in the pool yet
        return
    assert all(isinstance(v, str) for v in attributes.values())
    if spec.user_status is None:
        assert "sub" not in attributes
        assert "cognito:user_status" not in attributes
    else:
        assert attributes["cognito:user_status"] == spec.user_status
        assert len(attributes["sub"]) == 36


# --- every file loads into its Powertools data class -----------------------------------------


@pytest.mark.parametrize("trigger_source", [s for s in ALL_SOURCES if s.startswith("PreSignUp_")])
def test_pre_signup_samples(trigger_source: str) -> None:
    event = PreSignUpTriggerEvent(load_sample(trigger_source))
    assert event["request"]["validationData"] is None
    assert "clientMetadata" not in event["request"]
    assert event.request.validation_data == {}
    assert event.request.client_metadata == {}
    assert event.request.user_attributes == {"email": "alice@example.com"}
    assert event.response.auto_confirm_user is False
    assert event.response.auto_verify_email is False
    assert event.response.auto_verify_phone is False


def test_pre_authentication_sample() -> None:
    event = PreAuthenticationTriggerEvent(load_sample("PreAuthentication_Authentication"))
    assert event["request"]["validationData"] is None
    assert event.request.validation_data == {}
    assert event.request.user_not_found is None
    assert event.request.user_attributes["cognito:user_status"] == "CONFIRMED"
    assert "clientMetadata" not in event["request"]


def test_post_authentication_sample() -> None:
    event = PostAuthenticationTriggerEvent(load_sample("PostAuthentication_Authentication"))
    assert event.request.new_device_used is False
    assert event.request.client_metadata == {}
    assert event.request.user_attributes["email"] == "alice@example.com"


def test_user_migration_samples() -> None:
    signin = UserMigrationTriggerEvent(load_sample("UserMigration_Authentication"))
    assert signin.request.password == events.EXAMPLE_MIGRATION_PASSWORD
    assert signin.request.validation_data == {}
    assert signin.request.client_metadata == {}
    assert signin.response.user_attributes is None
    assert signin.response.final_user_status is None
    forgot = UserMigrationTriggerEvent(load_sample("UserMigration_ForgotPassword"))
    assert "password" not in forgot["request"]
    assert forgot.request.validation_data == {}


@pytest.mark.parametrize(
    "trigger_source", [s for s in ALL_SOURCES if s.startswith("CustomMessage_")]
)
def test_custom_message_samples(trigger_source: str) -> None:
    event = CustomMessageTriggerEvent(load_sample(trigger_source))
    assert event.request.code_parameter == "{####}"
    assert event.request.link_parameter == "{##Click Here##}"
    if trigger_source == "CustomMessage_AdminCreateUser":
        assert event.request.username_parameter == "{username}"
    else:
        assert event.request.username_parameter is None
    assert event.request.client_metadata == {}
    assert event.response.email_message is None
    event.response.email_message = "Your code is {####}"
    assert event["response"]["emailMessage"] == "Your code is {####}"


@pytest.mark.parametrize(
    "trigger_source",
    [s for s in ALL_SOURCES if s.startswith("TokenGeneration_") and "Client" not in s],
)
def test_pre_token_generation_v1_samples(trigger_source: str) -> None:
    event = PreTokenGenerationTriggerEvent(load_sample(trigger_source))
    assert event.version == "1"
    assert "scopes" not in event["request"]
    assert event.request.group_configuration.groups_to_override == []
    assert event.request.group_configuration.preferred_role is None
    assert event.request.user_attributes["cognito:user_status"] == "CONFIRMED"
    event.response.claims_override_details.claims_to_add_or_override = {"tenant": "acme"}
    assert event["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"] == {"tenant": "acme"}


def test_client_credentials_sample_is_v3() -> None:
    event = PreTokenGenerationV2TriggerEvent(load_sample("TokenGeneration_ClientCredentials"))
    assert event.version == "3"
    assert event.request.scopes == ["example-api/read"]
    assert event.request.user_attributes == {}
    details = event.response.claims_scope_override_details
    details.access_token_generation = {"scopesToAdd": ["example-api/write"]}
    assert event["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"] == {
        "scopesToAdd": ["example-api/write"]
    }


def test_define_auth_challenge_sample() -> None:
    event = DefineAuthChallengeTriggerEvent(load_sample("DefineAuthChallenge_Authentication"))
    assert event.request.session == []
    assert event.request.user_not_found is None
    assert event.response.challenge_name is None


def test_create_auth_challenge_sample() -> None:
    event = CreateAuthChallengeTriggerEvent(load_sample("CreateAuthChallenge_Authentication"))
    assert event.request.challenge_name == "CUSTOM_CHALLENGE"
    assert event.request.session == []
    event.response.public_challenge_parameters = {"hint": "six digits"}
    assert event["response"]["publicChallengeParameters"] == {"hint": "six digits"}


def test_verify_auth_challenge_response_sample() -> None:
    event = VerifyAuthChallengeResponseTriggerEvent(
        load_sample("VerifyAuthChallengeResponse_Authentication")
    )
    assert event.request.challenge_answer == events.EXAMPLE_CHALLENGE_ANSWER
    assert event.request.private_challenge_parameters == {"answer": events.EXAMPLE_CHALLENGE_ANSWER}
    assert event.request.client_metadata == {}
    assert event["response"]["answerCorrect"] is None
    assert event.response.answer_correct is False


@pytest.mark.parametrize(
    "trigger_source", [s for s in ALL_SOURCES if s.startswith("PostConfirmation_")]
)
def test_post_confirmation_samples(trigger_source: str) -> None:
    event = PostConfirmationTriggerEvent(load_sample(trigger_source))
    assert event.request.user_attributes["cognito:user_status"] == "CONFIRMED"
    assert event.request.client_metadata == {}


@pytest.mark.parametrize(
    "trigger_source", [s for s in ALL_SOURCES if s.startswith("CustomEmailSender_")]
)
def test_custom_email_sender_samples(trigger_source: str) -> None:
    event = CustomEmailSenderTriggerEvent(load_sample(trigger_source))
    assert event.request.type == "customEmailSenderRequestV1"
    assert event["request"]["clientMetadata"] is None
    assert event.request.client_metadata == {}
    if trigger_source.endswith("AccountTakeOverNotification"):
        assert event.request.code is None
        assert event.request.user_attributes["ACCOUNT_TAKE_OVER_ACTION"] == "BLOCK"
    else:
        assert event.request.code == events.EXAMPLE_ENCRYPTED_CODE
        assert event.request.user_attributes["email"] == "alice@example.com"


@pytest.mark.parametrize(
    "trigger_source", [s for s in ALL_SOURCES if s.startswith("CustomSMSSender_")]
)
def test_custom_sms_sender_samples(trigger_source: str) -> None:
    event = CustomSMSSenderTriggerEvent(load_sample(trigger_source))
    assert event.request.type == "customSMSSenderRequestV1"
    assert event.request.code == events.EXAMPLE_ENCRYPTED_CODE
    assert event.request.user_attributes["phone_number"] == events.EXAMPLE_PHONE_NUMBER
    assert event.request.client_metadata == {}


# --- build_event options ------------------------------------------------------------------


def test_build_event_is_deterministic() -> None:
    assert events.build_event("PostConfirmation_ConfirmSignUp") == events.build_event(
        "PostConfirmation_ConfirmSignUp"
    )
    bob = events.build_event("PostConfirmation_ConfirmSignUp", username="bob")
    alice = events.build_event("PostConfirmation_ConfirmSignUp")
    assert bob["request"]["userAttributes"]["sub"] != alice["request"]["userAttributes"]["sub"]


def test_validation_data_and_client_metadata_are_included_as_given() -> None:
    event = PreSignUpTriggerEvent(
        events.build_event(
            "PreSignUp_SignUp",
            validation_data={"invite": "abc"},
            client_metadata={"locale": "en-US"},
        )
    )
    assert event.request.validation_data == {"invite": "abc"}
    assert event.request.client_metadata == {"locale": "en-US"}

    migration = UserMigrationTriggerEvent(
        events.build_event("UserMigration_Authentication", validation_data={"k": "v"})
    )
    assert migration.request.validation_data == {"k": "v"}
    assert "clientMetadata" not in migration["request"]

    sender = events.build_event("CustomSMSSender_SignUp", client_metadata={"a": "b"})
    assert sender["request"]["clientMetadata"] == {"a": "b"}


def test_user_attributes_replace_the_defaults() -> None:
    given = {"sub": "0000", "custom:tenant": "acme"}
    event = events.build_event(
        "PreAuthentication_Authentication", username="carol", user_attributes=given
    )
    assert event["request"]["userAttributes"] == given
    assert event["userName"] == "carol"
    empty = events.build_event("PreSignUp_SignUp", user_attributes={})
    assert empty["request"]["userAttributes"] == {}


def test_default_user_attributes() -> None:
    attributes = events.default_user_attributes("PreAuthentication_Authentication", username="c")
    assert (
        attributes
        == events.build_event("PreAuthentication_Authentication", username="c")["request"][
            "userAttributes"
        ]
    )
    assert list(attributes) == ["sub", "email_verified", "cognito:user_status", "email"]
    assert attributes["email"] == "c@example.com"
    assert events.default_user_attributes("CustomMessage_SignUp")["email_verified"] == "false"


def test_request_overrides_and_extends() -> None:
    event = DefineAuthChallengeTriggerEvent(
        events.build_event(
            "DefineAuthChallenge_Authentication",
            client_metadata={"step": "2"},
            request={
                "session": [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True}],
                "userNotFound": True,
            },
        )
    )
    assert event.request.session[0].challenge_name == "CUSTOM_CHALLENGE"
    assert event.request.session[0].challenge_result is True
    assert event.request.user_not_found is True
    assert event.request.client_metadata == {"step": "2"}


def test_prevent_user_existence_errors_adds_user_not_found() -> None:
    for source in (
        "PreAuthentication_Authentication",
        "DefineAuthChallenge_Authentication",
        "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication",
    ):
        event = events.build_event(source, prevent_user_existence_errors=True)
        assert event["request"]["userNotFound"] is False
    post = events.build_event(
        "PostAuthentication_Authentication", prevent_user_existence_errors=True
    )
    assert "userNotFound" not in post["request"]


@pytest.mark.parametrize(("token_version", "version"), [("V2_0", "2"), ("V3_0", "3")])
def test_pre_token_generation_v2_and_v3(token_version: str, version: str) -> None:
    event = PreTokenGenerationV2TriggerEvent(
        events.build_event("TokenGeneration_Authentication", token_version=token_version)
    )
    assert event.version == version
    assert event.request.scopes == ["aws.cognito.signin.user.admin"]
    assert event.request.group_configuration.groups_to_override == []
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}
    spec = events.TRIGGER_SOURCES["TokenGeneration_Authentication"]
    assert spec.data_class_for(token_version) is PreTokenGenerationV2TriggerEvent
    assert spec.data_class_for("V1_0") is PreTokenGenerationTriggerEvent


def test_explicit_version_overrides_the_derived_one() -> None:
    event = events.build_event("TokenGeneration_HostedAuth", token_version="V2_0", version="1")
    assert event["version"] == "1"
    assert event["request"]["scopes"] == ["openid", "email", "profile"]


def test_client_credentials_needs_v3() -> None:
    with pytest.raises(ValueError, match="V3_0"):
        events.build_event("TokenGeneration_ClientCredentials")
    with pytest.raises(ValueError, match="pre token generation only"):
        events.build_event("PreSignUp_SignUp", token_version="V2_0")
    with pytest.raises(ValueError, match="unknown token_version"):
        events.build_event("TokenGeneration_Authentication", token_version="V4_0")


# --- CLI ----------------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["events", "generate", *args])


def test_cli_prints_the_sample_by_default() -> None:
    result = run("PreSignUp_SignUp")
    assert result.exit_code == 0, result.output
    assert result.output == events.sample_event_path("PreSignUp_SignUp").read_text("utf-8")


def test_cli_client_metadata_lands_in_client_metadata() -> None:
    result = run(
        "PostConfirmation_ConfirmSignUp",
        "--client-metadata",
        "locale=en-US",
        "--client-metadata",
        "plan=pro=1",
    )
    assert result.exit_code == 0, result.output
    request = json.loads(result.output)["request"]
    assert request["clientMetadata"] == {"locale": "en-US", "plan": "pro=1"}
    assert "validationData" not in request


def test_cli_validation_data_lands_in_validation_data() -> None:
    result = run("PreAuthentication_Authentication", "--validation-data", "captcha=ok")
    assert result.exit_code == 0, result.output
    event = PreAuthenticationTriggerEvent(json.loads(result.output))
    assert event.request.validation_data == {"captcha": "ok"}
    assert "clientMetadata" not in event["request"]


def test_cli_user_attribute_username_and_token_version() -> None:
    result = run(
        "TokenGeneration_RefreshTokens",
        "--username",
        "dave",
        "--user-attribute",
        "custom:tenant=acme",
        "--token-version",
        "V2_0",
    )
    assert result.exit_code == 0, result.output
    event = PreTokenGenerationV2TriggerEvent(json.loads(result.output))
    assert event.user_name == "dave"
    assert event.version == "2"
    assert event.request.user_attributes["custom:tenant"] == "acme"
    assert event.request.user_attributes["email"] == "dave@example.com"  # defaults kept
    assert event.request.scopes == ["aws.cognito.signin.user.admin"]


def test_cli_client_credentials_defaults_to_v3() -> None:
    result = run("TokenGeneration_ClientCredentials")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["version"] == "3"


def test_cli_writes_to_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "event.json"
    result = run("CustomMessage_SignUp", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert target.read_text("utf-8") == events.sample_event_path("CustomMessage_SignUp").read_text(
        "utf-8"
    )


@pytest.mark.parametrize("bad", ["locale", "=en-US"])
def test_cli_bad_key_value_is_a_usage_error(bad: str) -> None:
    result = run("PreSignUp_SignUp", "--client-metadata", bad)
    assert result.exit_code == 2
    assert "expected KEY=VALUE" in result.output
    assert "--client-metadata" in result.output


def test_cli_unknown_trigger_source_is_a_usage_error() -> None:
    result = run("PreSignup_Signup")
    assert result.exit_code == 2
    assert "unknown triggerSource 'PreSignup_Signup'" in result.output
    assert "did you mean PreSignUp_SignUp" in result.output


def test_cli_token_version_mismatch_is_a_usage_error() -> None:
    result = run("PreSignUp_SignUp", "--token-version", "V2_0")
    assert result.exit_code == 2
    assert "pre token generation only" in result.output


def test_cli_needs_a_source_or_all() -> None:
    result = run()
    assert result.exit_code == 2
    assert "--all" in result.output


def test_cli_all_writes_40_files(tmp_path: Path) -> None:
    result = run("--all", "--output-dir", str(tmp_path / "samples"))
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "samples").iterdir())
    assert len(written) == 40
    for path in written:
        assert path.read_bytes() == (events.SAMPLE_EVENTS_DIR / path.name).read_bytes()


def test_cli_all_rejects_customization(tmp_path: Path) -> None:
    result = run("--all", "--output-dir", str(tmp_path), "--username", "bob")
    assert result.exit_code == 2
    assert "--username" in result.output
    assert not any(tmp_path.iterdir())
