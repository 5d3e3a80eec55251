"""Cognito invokes a trigger only if the function's resource policy lets it: through boto3.

[D] knowledge-center cognito-lambda-trigger-errors: "PreSignUp invocation failed due to error
AccessDeniedException." when the function's resource-based policy does not allow
cognito-idp.amazonaws.com; [D] knowledge-center cognito-migration-lambda-trigger-errors: for the
migration trigger, UserNotFoundException "Exception migrating user in app client <client id>".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.emulator.sdk_client import emulated_client
from harness.settings import Settings
from harness.stack import Stack, load_stack
from tests.support.emulator import FIXTURE, FUNCTIONS, PASSWORD, MakeEmulator, events, recorder


def without_permissions(tmp_path: Path, *functions: str) -> Stack:
    """The raw-LambdaConfig recording stack without the permissions ``<trigger>Permission``."""
    text = (FIXTURE / "template_v2.yaml").read_text()
    for function in functions:
        block = re.compile(rf"\n  {function}Permission:\n(    .*\n)+", re.MULTILINE)
        text, removed = block.subn("\n", text)
        assert removed == 1, function
    path = tmp_path / "template.yaml"
    path.write_text(text.replace("CodeUri: functions/", f"CodeUri: {FUNCTIONS}/"))
    return load_stack(path)


def client(emu: Any) -> Any:
    return emulated_client(emu, aws_access_key_id="testing", aws_secret_access_key="testing")


CAROL = {
    "Username": "carol",
    "Password": PASSWORD,
    "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}],
}


def sign_up_carol(emu: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client(emu).sign_up(ClientId=emu.client_id, **CAROL)
    return answer


def test_a_trigger_cognito_may_not_invoke_fails_the_call_and_never_runs(
    tmp_path: Path, make_emulator: MakeEmulator
) -> None:
    # [D] knowledge-center cognito-lambda-trigger-errors: no permission for
    # cognito-idp.amazonaws.com → "<Trigger> invocation failed due to error
    # AccessDeniedException." (UnexpectedLambdaException, as aws-samples/
    # amazon-cognito-passwordless-auth#46 shows it); the function is never invoked.
    emu = make_emulator(stack=without_permissions(tmp_path, "PreSignUp"))

    with pytest.raises(ClientError) as refused:
        sign_up_carol(emu)

    body = refused.value.response["Error"]
    assert (body["Code"], body["Message"]) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error AccessDeniedException.",
    )
    assert events("PreSignUp_SignUp") == []
    assert emu.find_user("carol") is None


def test_the_report_row_and_the_stack_notes_say_why_with_the_fix(
    tmp_path: Path, make_emulator: MakeEmulator
) -> None:
    stack = without_permissions(tmp_path, "PreSignUp")
    emu = make_emulator(stack=stack)

    record = emu.call("SignUp", {"ClientId": emu.client_id, **CAROL})

    row = record.invocations[-1]
    assert row.trigger == "PreSignUp"
    assert row.error_type == "AccessDeniedException"
    assert row.error_message is not None
    assert "Cognito may not invoke PreSignUpFunction" in row.error_message
    assert "add an AWS::Lambda::Permission" in row.error_message
    assert "Principal cognito-idp.amazonaws.com" in row.error_message
    (note,) = stack.notes  # the one line every command prints when it loads the template
    assert note.startswith("note: Cognito may not invoke PreSignUpFunction (PreSignUp of UserPool)")
    assert "check_invoke_permission=false" in note


def test_a_migration_function_cognito_may_not_invoke_is_user_not_found(
    tmp_path: Path, make_emulator: MakeEmulator
) -> None:
    # [D] knowledge-center cognito-migration-lambda-trigger-errors: "An error occurred
    # (UserNotFoundException) when calling the InitiateAuth operation: Exception migrating user
    # in app client <client id>" when the policy does not permit cognito-idp.amazonaws.com.
    emu = make_emulator(
        stack=without_permissions(tmp_path, "UserMigration"),
        overrides={"PreventUserExistenceErrors": "LEGACY"},
    )
    recorder.SCRIPT["UserMigration"] = {
        "userAttributes": {"email": "bob@example.com"},
        "finalUserStatus": "CONFIRMED",
    }

    with pytest.raises(ClientError) as refused:
        client(emu).initiate_auth(
            ClientId=emu.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
        )

    body = refused.value.response["Error"]
    assert (body["Code"], body["Message"]) == (
        "UserNotFoundException",
        f"Exception migrating user in app client {emu.client_id}",
    )
    assert events("UserMigration_Authentication") == []
    assert emu.find_user("bob") is None


def test_under_enabled_a_migration_cognito_may_not_invoke_discloses_nothing(
    tmp_path: Path, make_emulator: MakeEmulator
) -> None:
    # [D] cognito-user-pool-managing-errors: with PreventUserExistenceErrors ENABLED an unknown
    # user's sign-in is the generic NotAuthorizedException and ForgotPassword a simulated
    # delivery: the function Cognito could not invoke created nobody.
    emu = make_emulator(stack=without_permissions(tmp_path, "UserMigration"))
    assert emu.client_spec.prevent_user_existence_errors

    with pytest.raises(ClientError) as refused:
        client(emu).initiate_auth(
            ClientId=emu.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
        )
    reset = client(emu).forgot_password(ClientId=emu.client_id, Username="bob")

    body = refused.value.response["Error"]
    assert (body["Code"], body["Message"]) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert "CodeDeliveryDetails" in reset
    assert events() == []
    assert emu.find_user("bob") is None


def test_check_invoke_permission_false_runs_the_trigger_anyway(
    tmp_path: Path, make_emulator: MakeEmulator
) -> None:
    # For a permission granted outside the template (aws lambda add-permission, another stack).
    emu = make_emulator(
        stack=without_permissions(tmp_path, "PreSignUp"),
        settings=Settings(check_invoke_permission=False),
    )
    recorder.SCRIPT["PreSignUp_SignUp"] = {"autoConfirmUser": True}

    answer = sign_up_carol(emu)

    assert answer["UserConfirmed"] is True
    assert len(events("PreSignUp_SignUp")) == 1


def test_every_way_the_fixture_grants_the_permission_lets_its_trigger_run(
    make_emulator: MakeEmulator,
) -> None:
    # template_v2.yaml grants each function differently (ARN or name or partial ARN, with or
    # without SourceArn, a wildcard SourceArn, lambda:* and "*", a principal from !Sub): all run.
    stack = load_stack(FIXTURE / "template_v2.yaml")
    assert stack.default_pool.invoke_denied == {}
    emu = make_emulator(stack=stack)
    recorder.SCRIPT["PreSignUp_SignUp"] = {"autoConfirmUser": True}

    sign_up_carol(emu)
    client(emu).initiate_auth(
        ClientId=emu.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": PASSWORD},
    )

    ran = {e["triggerSource"] for e in recorder.EVENTS}
    assert {
        "PreSignUp_SignUp",
        "PostConfirmation_ConfirmSignUp",
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    } <= ran


def test_harness_replay_prints_the_reason_and_reports_the_denied_row(tmp_path: Path) -> None:
    # What a user sees: one line on stderr naming the function and the fix, and the report's
    # row with Cognito's error and AccessDeniedException.
    import json

    from click.testing import CliRunner

    from harness.cli import main

    without_permissions(tmp_path, "PreSignUp")
    calls = tmp_path / "calls.sh"
    calls.write_text(
        "aws cognito-idp sign-up --client-id app --username carol --password 'Passw0rd!x' "
        "--user-attributes Name=email,Value=carol@example.com\n"
    )
    try:
        cli = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2 always separates them
        cli = CliRunner()
    args = ["replay", str(calls), "-t", str(tmp_path / "template.yaml"), "--format", "json"]

    result = cli.invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "note: Cognito may not invoke PreSignUpFunction (PreSignUp of UserPool)" in (
        result.stderr
    )
    (call,) = json.loads(result.stdout)["calls"]
    (row,) = call["invocations"]
    assert row["trigger"] == "PreSignUp"
    assert row["error"] == {
        "code": "UnexpectedLambdaException",
        "message": "PreSignUp invocation failed due to error AccessDeniedException.",
    }
    # The JSON report names the missing permission and the fix too (machines read it, not stderr).
    assert row["invokeDenied"].startswith("Cognito may not invoke PreSignUpFunction")
    assert "add an AWS::Lambda::Permission" in row["invokeDenied"]
