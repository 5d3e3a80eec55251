"""Replay readers: PowerShell, AWS CLI, JSON / JSON Lines and CloudTrail files into ApiCalls."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.replay import (
    ApiCall,
    Expectation,
    Replay,
    ReplayError,
    Setup,
    load_replay,
    previous_ref,
)
from harness.replay.loader import reader_for
from harness.replay.readers import awscli, powershell
from harness.replay.readers.awscli.reader import cli_name

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "events" / "replays"
POOL = "us-east-1_AbCdEf123"
CLIENT = "1example23456789"
ALICE_SUB = "11111111-2222-3333-4444-555555555555"
ENV = {"ALICE_PASSWORD": "s3cret-Alice!", "BOB_PASSWORD": "s3cret-Bob!"}

SETUP: dict[str, Any] = {
    "users": [
        {
            "username": "alice",
            "password": "Passw0rd!demo",
            "attributes": {"email": "alice@example.com", "sub": ALICE_SUB},
        }
    ],
    "tables": {
        "LegacyUsersTable": [{"realm": "default", "username": "legacy-bob", "password": "Legacy1!"}]
    },
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, name: str, text: str, **kwargs: Any) -> Replay:
    return load_replay([write(tmp_path, name, text)], env=kwargs.pop("env", ENV), **kwargs)


def only(replay: Replay) -> ApiCall:
    assert len(replay.calls) == 1
    return replay.calls[0]


def error_of(tmp_path: Path, name: str, text: str, **kwargs: Any) -> ReplayError:
    with pytest.raises(ReplayError) as caught:
        load(tmp_path, name, text, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / name) + ":") or message.startswith(str(tmp_path))
    return caught.value


# ---------------------------------------------------------------------------------------------
# PowerShell


SEED_LINE = (
    "Start-CGIPAuthAdmin -UserPoolId us-east-1_AbCdEf123 -ClientId 1example23456789 "
    "-AuthFlow ADMIN_USER_PASSWORD_AUTH "
    "-AuthParameter @{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD} "
    "-ClientMetadata @{appVersion='2.1.0'; tenant='acme'}\n"
)


def test_powershell_seed_line(tmp_path: Path) -> None:
    call = only(load(tmp_path, "signin.ps1", SEED_LINE))
    assert call.operation == "AdminInitiateAuth"
    assert call.params == {
        "UserPoolId": POOL,
        "ClientId": CLIENT,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "s3cret-Alice!"},
        "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"},
    }
    assert call.source == f"{tmp_path / 'signin.ps1'}:1"
    assert call.secret_paths == frozenset({"AuthParameters.PASSWORD"})
    assert call.expect is None
    assert type(call.params["AuthParameters"]["PASSWORD"]) is str


def test_powershell_multiline_hashtable_continuations_and_expect(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "multi.ps1",
        """
        # Sign in as an app's back end would.
        Import-Module AWS.Tools.CognitoIdentityProvider
        $pool = "us-east-1_AbCdEf123"   # the deployed pool

        <# a block comment
           over two lines #>
        # expect: PreAuthentication=validationData PostAuthentication=none
        # expect: PreTokenGeneration=none outcome=tokens
        $r = Start-CGIPAuthAdmin `
            -UserPoolId $pool `
            -ClientId '1example23456789' `
            -AuthFlow "ADMIN_USER_PASSWORD_AUTH" `
            -AuthParameter @{
                USERNAME = 'alice'   # who
                'PASSWORD' = "$env:ALICE_PASSWORD"
            } `
            -ClientMetadata @{ appVersion = '2.1.0'; tenant = "acme"; build = 42 } `
            -Region us-east-1 -ProfileName dev -Select '*' -Force
        $r.AuthenticationResult
        """,
    )
    call = only(replay)
    assert call.source.endswith("multi.ps1:9")
    assert call.params["UserPoolId"] == POOL
    assert call.params["AuthParameters"] == {"USERNAME": "alice", "PASSWORD": "s3cret-Alice!"}
    assert call.params["ClientMetadata"] == {"appVersion": "2.1.0", "tenant": "acme", "build": "42"}
    assert call.secret_paths == frozenset({"AuthParameters.PASSWORD"})
    assert call.expect == Expectation(
        triggers={
            "PreAuthentication": "validationData",
            "PostAuthentication": "none",
            "PreTokenGeneration": "none",
        },
        outcome="tokens",
    )


def test_powershell_positional_client_id_aliases_and_flattened_structures(tmp_path: Path) -> None:
    call = only(
        load(
            tmp_path,
            "flat.ps1",
            """
            start-cgipauthadmin 1example23456789 -userpoolid us-east-1_AbCdEf123 `
              -AuthFlow ADMIN_NO_SRP_AUTH -AuthParameters @{USERNAME='alice'; PASSWORD='x'} `
              -ContextData_IpAddress 203.0.113.7 -ContextData_ServerName app.example.com `
              -ContextData_ServerPath /login -ContextData_EncodedData abc `
              -ContextData_HttpHeader @(@{headerName='User-Agent'; headerValue='curl'}) `
              -AnalyticsMetadata_AnalyticsEndpointId ep-1 -PassThru -EndpointUrl http://x
            """,
        )
    )
    assert call.params["ClientId"] == CLIENT
    assert call.params["UserPoolId"] == POOL
    assert call.params["ContextData"] == {
        "IpAddress": "203.0.113.7",
        "ServerName": "app.example.com",
        "ServerPath": "/login",
        "EncodedData": "abc",
        "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "curl"}],
    }
    assert call.params["AnalyticsMetadata"] == {"AnalyticsEndpointId": "ep-1"}


def test_powershell_challenge_response_uses_previous_session(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "challenge.ps1",
        """
        $r = Start-CGIPAuthAdmin -UserPoolId us-east-1_AbCdEf123 -ClientId 1example23456789 -AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{USERNAME='carol'; PASSWORD='Temp1!'}
        # expect: PreTokenGeneration=clientMetadata outcome=tokens
        Send-CGIPAuthChallengeResponseAdmin -UserPoolId us-east-1_AbCdEf123 -ClientId 1example23456789 `
            -ChallengeName NEW_PASSWORD_REQUIRED -Session $r.Session `
            -ChallengeResponse @{USERNAME=$r.ChallengeParameters.USER_ID_FOR_SRP; NEW_PASSWORD=$env:BOB_PASSWORD} `
            -ClientMetadata @{appVersion='2.1.0'}
        $session = Start-CGIPAuth -ClientId 1example23456789 -AuthFlow CUSTOM_AUTH -AuthParameter @{USERNAME='carol'} -Select Session
        Send-CGIPAuthChallengeResponse -ClientId 1example23456789 -ChallengeName CUSTOM_CHALLENGE -Session $session -ChallengeResponse @{USERNAME='carol'; ANSWER='42'}
        """,  # noqa: E501
    )
    ops = [call.operation for call in replay.calls]
    assert ops == [
        "AdminInitiateAuth",
        "AdminRespondToAuthChallenge",
        "InitiateAuth",
        "RespondToAuthChallenge",
    ]
    respond = replay.calls[1]
    assert respond.params["Session"] == "${previous:Session}" == previous_ref("Session")
    assert respond.params["ChallengeResponses"] == {
        "USERNAME": "${previous:ChallengeParameters.USER_ID_FOR_SRP}",
        "NEW_PASSWORD": "s3cret-Bob!",
    }
    assert respond.secret_paths == frozenset({"ChallengeResponses.NEW_PASSWORD"})
    assert respond.expect == Expectation(
        triggers={"PreTokenGeneration": "clientMetadata"}, outcome="tokens"
    )
    assert replay.calls[3].params["Session"] == "${previous:Session}"
    assert replay.calls[3].params["ChallengeResponses"] == {"USERNAME": "carol", "ANSWER": "42"}


def test_powershell_sign_up_attributes_try_catch_and_companions(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "signup.ps1",
        """
        $client = '1example23456789'
        $email = 'carol@example.com'
        try {
            Register-CGIPUserInPool -ClientId $client -Username carol -Password $env:ALICE_PASSWORD `
                -UserAttribute @(
                    @{Name='email'; Value=$email}
                    [Amazon.CognitoIdentityProvider.Model.AttributeType]@{Name='name'; Value="Carol $email"}
                ) `
                -ValidationData @{Name='invitationCode'; Value='INVITE-123'} `
                -ClientMetadata @{source='web'}
        } catch {
            Write-Warning "sign-up failed: $($_.Exception.Message)"
            Start-CGIPAuthAdmin -Bogus
        }
        Confirm-CGIPUserRegistration carol -ClientId $client -ConfirmationCode 123456
        New-CGIPUserAdmin us-east-1_AbCdEf123 -Username dave -UserAttribute @{Name='email'; Value='d@example.com'} -MessageAction SUPPRESS -DesiredDeliveryMedium EMAIL,SMS -ForceAliasCreation $true
        Confirm-CGIPUserRegistrationAdmin -UserPoolId us-east-1_AbCdEf123 -Username dave; Reset-CGIPForgottenPassword dave -ClientId $client
        Confirm-CGIPForgotPassword dave -ClientId $client -ConfirmationCode '000111' -Password 'N3w!pass'
        """,  # noqa: E501
    )
    ops = [call.operation for call in replay.calls]
    assert ops == [
        "SignUp",
        "ConfirmSignUp",
        "AdminCreateUser",
        "AdminConfirmSignUp",
        "ForgotPassword",
        "ConfirmForgotPassword",
    ]
    sign_up = replay.calls[0]
    assert sign_up.params["UserAttributes"] == [
        {"Name": "email", "Value": "carol@example.com"},
        {"Name": "name", "Value": "Carol carol@example.com"},
    ]
    assert sign_up.params["ValidationData"] == [{"Name": "invitationCode", "Value": "INVITE-123"}]
    assert sign_up.secret_paths == frozenset({"Password"})
    assert replay.calls[1].params["ConfirmationCode"] == "123456"
    create = replay.calls[2].params
    assert create["UserPoolId"] == POOL
    assert create["DesiredDeliveryMediums"] == ["EMAIL", "SMS"]
    assert create["ForceAliasCreation"] is True
    assert replay.calls[3].source.endswith("signup.ps1:17")
    assert replay.calls[4].source.endswith("signup.ps1:17")


@pytest.mark.parametrize(
    ("script", "line", "fragment"),
    [
        ("Start-CGIPAuthAdminn -ClientId x\n", 1, "did you mean 'Start-CGIPAuthAdmin'"),
        ("Get-CGIPUser -Username x\n", 1, "Send-CGIPAuthChallengeResponseAdmin"),
        (
            "Confirm-CGIPSignUp -ClientId x\n",
            1,
            "(for ConfirmSignUp use 'Confirm-CGIPUserRegistration')",
        ),
        (
            "Start-CGIPAuthAdmin -ClientId x -AuthParamter @{USERNAME='a'}\n",
            1,
            "no parameter -AuthParamter (did you mean 'AuthParameter'?)",
        ),
        ("# one\nStart-CGIPAuthAdmin -ClientId 'abc\n", 2, "unterminated string"),
        (
            "Start-CGIPAuthAdmin -ClientId x `\n  -AuthParameter @{USERNAME='a'\n  PASSWORD='b'\n",
            2,
            "unterminated hashtable",
        ),
        (
            "Start-CGIPAuthAdmin -ClientId x -AuthParameter @{PASSWORD=$env:NOPE_PASSWORD}\n",
            1,
            "environment variable NOPE_PASSWORD is not set",
        ),
        (
            "Start-CGIPAuthAdmin -UserPoolId p\n  -ClientId x\n",
            2,
            "end the previous line with a backtick",
        ),
        ("Start-CGIPAuthAdmin -ClientId $client\n", 1, "variable $client is not assigned"),
        (
            "# expect: PreAuthentication=validationdata\nStart-CGIPAuthAdmin -ClientId x\n",
            1,
            "did you mean 'validationData'",
        ),
        (
            "Start-CGIPAuthAdmin -ClientId x\n# expect: outcome=tokens\n",
            2,
            "not followed by a call",
        ),
        ("if ($true) { Start-CGIPAuthAdmin -ClientId x }\n", 1, "'if' is not supported"),
        (
            "$a = Start-CGIPAuthAdmin -ClientId x\n$b = Start-CGIPAuthAdmin -ClientId x\n"
            "Send-CGIPAuthChallengeResponseAdmin -ClientId x -Session $a.Session\n",
            3,
            "only the call just before",
        ),
        ("Start-CGIPAuthAdmin -ClientId x -ClientMetadata 'web'\n", 1, "takes a hashtable"),
    ],
)
def test_powershell_errors(tmp_path: Path, script: str, line: int, fragment: str) -> None:
    error = error_of(tmp_path, "bad.ps1", script)
    assert error.location == f"{tmp_path / 'bad.ps1'}:{line}"
    assert fragment in error.problem


def test_powershell_windows_line_endings_and_pipelines(tmp_path: Path) -> None:
    lines = [
        "# harness-setup: empty.setup.json",
        "$s = Start-CGIPAuth -ClientId c -AuthFlow CUSTOM_AUTH -AuthParameter @{USERNAME='a'} `",
        "  | Select-Object -ExpandProperty Session",
        "Send-CGIPAuthChallengeResponse -ClientId c -ChallengeName CUSTOM_CHALLENGE -Session:$s `",
        "  -ChallengeResponse @{USERNAME='a'; ANSWER=42} -Force:$false | Out-Null",
    ]
    write(tmp_path, "empty.setup.json", "{}")
    path = tmp_path / "crlf.ps1"
    path.write_bytes("\r\n".join(lines).encode())
    replay = load_replay([path], env={})
    assert replay.calls[1].params["Session"] == "${previous:Session}"
    assert replay.calls[1].params["ChallengeResponses"] == {"USERNAME": "a", "ANSWER": "42"}
    assert replay.calls[1].source.endswith("crlf.ps1:4")


def test_powershell_skipped_text_follows_powershell_quoting(tmp_path: Path) -> None:
    """Catch blocks and ignored commands are skipped with the same quoting rules as values:
    subexpressions with their own strings, here-strings, comments with an apostrophe or a
    brace, and continuations with Windows line endings."""
    lines = [
        "try { Start-CGIPAuth -ClientId a -AuthFlow CUSTOM_AUTH } catch {",
        '  Write-Warning "failed: $($_.Exception.Message + " (code $($_.Code))")"',
        "  # don't retry }",
        "  <# it's {",
        "  #>",
        "}",
        "Write-Host @'",
        "it's } a here-string",
        "'@",
        "Write-Host 'waiting' `",
        "  'for the pool'",
        "Start-CGIPAuth -ClientId b -AuthFlow CUSTOM_AUTH",
    ]
    path = tmp_path / "skipped.ps1"
    path.write_bytes("\r\n".join(lines).encode())
    replay = load_replay([path], env={})
    assert [call.params["ClientId"] for call in replay.calls] == ["a", "b"]
    assert replay.calls[1].source.endswith("skipped.ps1:12")


def test_powershell_parameter_table_matches_aws_tools_names() -> None:
    table = powershell.parameter_table("AdminInitiateAuth")
    shown = {name for name, _ in table.values()}
    assert {
        "UserPoolId",
        "ClientId",
        "AuthFlow",
        "AuthParameter",
        "ClientMetadata",
        "ContextData_EncodedData",
        "ContextData_HttpHeader",
        "ContextData_IpAddress",
        "ContextData_ServerName",
        "ContextData_ServerPath",
        "AnalyticsMetadata_AnalyticsEndpointId",
    } <= shown
    assert table["authparameters"] == ("AuthParameter", ("AuthParameters",))
    assert table["contextdata_httpheaders"][1] == ("ContextData", "HttpHeaders")
    sign_up = {name for name, _ in powershell.parameter_table("SignUp").values()}
    assert {"UserAttribute", "ValidationData", "Password", "Username"} <= sign_up


# ---------------------------------------------------------------------------------------------
# AWS CLI


def test_awscli_shorthand(tmp_path: Path) -> None:
    call = only(
        load(
            tmp_path,
            "signin.sh",
            """
            #!/bin/bash
            # expect: PreAuthentication=validationData error=NotAuthorizedException
            aws --region us-east-1 cognito-idp admin-initiate-auth \\
                --user-pool-id us-east-1_AbCdEf123 --client-id 1example23456789 \\
                --auth-flow ADMIN_USER_PASSWORD_AUTH \\
                --auth-parameters USERNAME=alice,PASSWORD="$ALICE_PASSWORD" \\
                --client-metadata appVersion=2.1.0,tenant=acme,'note="a,b"' \\
                --output json --query 'AuthenticationResult' --no-cli-pager  # trailing comment
            """,
        )
    )
    assert call.operation == "AdminInitiateAuth"
    assert call.source.endswith("signin.sh:3")
    assert call.params == {
        "UserPoolId": POOL,
        "ClientId": CLIENT,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "s3cret-Alice!"},
        "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme", "note": "a,b"},
    }
    assert call.secret_paths == frozenset({"AuthParameters.PASSWORD"})
    assert call.expect == Expectation(
        triggers={"PreAuthentication": "validationData"}, error_code="NotAuthorizedException"
    )


def test_awscli_json_forms_and_variables(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "json.sh",
        """
        POOL=us-east-1_AbCdEf123
        export CLIENT='1example23456789'
        aws cognito-idp admin-initiate-auth --user-pool-id "$POOL" --client-id ${CLIENT} \\
          --auth-flow ADMIN_USER_PASSWORD_AUTH \\
          --auth-parameters '{"USERNAME": "alice", "PASSWORD": "literal $NOT_EXPANDED"}' \\
          --client-metadata "{\\"appVersion\\": \\"2.1.0\\", \\"user\\": \\"$ALICE_PASSWORD\\"}"
        """,
    )
    call = only(replay)
    assert call.params["UserPoolId"] == POOL
    assert call.params["ClientId"] == CLIENT
    assert call.params["AuthParameters"]["PASSWORD"] == "literal $NOT_EXPANDED"
    assert call.params["ClientMetadata"] == {"appVersion": "2.1.0", "user": "s3cret-Alice!"}
    assert call.secret_paths == frozenset({"ClientMetadata.user"})


def test_awscli_cli_input_json_inline_and_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "bob.json",
        """
        {"UserPoolId": "us-east-1_AbCdEf123", "ClientId": "1example23456789",
         "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
         "AuthParameters": {"USERNAME": "legacy-bob", "PASSWORD": "${env:BOB_PASSWORD}"}}
        """,
    )
    replay = load(
        tmp_path,
        "input.sh",
        """
        aws cognito-idp admin-initiate-auth --cli-input-json '{
            "UserPoolId": "us-east-1_AbCdEf123",
            "ClientId": "1example23456789",
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"}
        }' --client-metadata appVersion=2.1.0
        aws cognito-idp admin-initiate-auth --cli-input-json file://bob.json --auth-flow ADMIN_NO_SRP_AUTH
        """,  # noqa: E501
    )
    first, second = replay.calls
    assert first.params["AuthParameters"] == {"USERNAME": "alice", "PASSWORD": "x"}
    assert first.params["ClientMetadata"] == {"appVersion": "2.1.0"}
    assert first.source.endswith("input.sh:1")
    assert second.source.endswith("input.sh:7")
    assert second.params["AuthFlow"] == "ADMIN_NO_SRP_AUTH"
    assert second.params["AuthParameters"]["PASSWORD"] == "s3cret-Bob!"
    assert second.secret_paths == frozenset({"AuthParameters.PASSWORD"})


def test_awscli_attribute_lists_booleans_and_previous_session(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "flows.txt",
        """
        set -euo pipefail
        aws cognito-idp sign-up --client-id 1example23456789 --username carol \\
            --password "$ALICE_PASSWORD" \\
            --user-attributes Name=email,Value=carol@example.com Name=name,Value='Carol C' \\
            --validation-data '[{"Name": "invitationCode", "Value": "INVITE-123"}]'
        aws cognito-idp admin-create-user --user-pool-id us-east-1_AbCdEf123 --username dave \\
            --no-force-alias-creation --desired-delivery-mediums EMAIL SMS --message-action SUPPRESS
        SESSION=$(aws cognito-idp admin-initiate-auth --user-pool-id us-east-1_AbCdEf123 \\
            --client-id 1example23456789 --auth-flow CUSTOM_AUTH \\
            --auth-parameters USERNAME=carol --query Session --output text)
        aws cognito-idp admin-respond-to-auth-challenge --user-pool-id us-east-1_AbCdEf123 \\
            --client-id 1example23456789 --challenge-name CUSTOM_CHALLENGE \\
            --challenge-responses USERNAME=carol,ANSWER=42 --session "$SESSION" \\
            --client-metadata appVersion=2.1.0 | jq .
        """,
    )
    sign_up, create, initiate, respond = replay.calls
    assert sign_up.params["UserAttributes"] == [
        {"Name": "email", "Value": "carol@example.com"},
        {"Name": "name", "Value": "Carol C"},
    ]
    assert sign_up.params["ValidationData"] == [{"Name": "invitationCode", "Value": "INVITE-123"}]
    assert sign_up.secret_paths == frozenset({"Password"})
    assert create.params["ForceAliasCreation"] is False
    assert create.params["DesiredDeliveryMediums"] == ["EMAIL", "SMS"]
    assert initiate.operation == "AdminInitiateAuth"
    assert initiate.source.endswith("flows.txt:8")
    assert respond.params["Session"] == "${previous:Session}"
    assert respond.params["ChallengeResponses"] == {"USERNAME": "carol", "ANSWER": "42"}


@pytest.mark.parametrize(
    ("script", "line", "fragment"),
    [
        (
            "aws cognito-idp admin-initiate-auht --client-id x\n",
            1,
            "did you mean 'admin-initiate-auth'",
        ),
        (
            "aws cognito-idp admin-initiate-auth \\\n  --client-id x \\\n  --auth-parameter A=b\n",
            3,
            "no option --auth-parameter (did you mean 'auth-parameters'?)",
        ),
        ("aws cognito-idp admin-initiate-auth --client-id $NOPE\n", 1, "NOPE is not set"),
        ("# one\naws cognito-idp admin-initiate-auth --client-id 'x\n", 2, "unterminated string"),
        (
            "aws cognito-idp admin-initiate-auth --client-metadata '{\"a\": }'\n",
            1,
            "invalid JSON at line 1 column 7",
        ),
        ("aws s3 ls\n", 1, "only 'aws cognito-idp <command>'"),
        ("curl https://example.com\n", 1, "unsupported command 'curl'"),
        ("aws cognito-idp admin-initiate-auth --client-metadata novalue\n", 1, "not key=value"),
        (
            "aws cognito-idp sign-up --client-id x --user-attributes Nam=email,Value=a\n",
            1,
            "unknown key 'Nam' (did you mean 'Name'?)",
        ),
    ],
)
def test_awscli_errors(tmp_path: Path, script: str, line: int, fragment: str) -> None:
    error = error_of(tmp_path, "bad.sh", script)
    assert error.location == f"{tmp_path / 'bad.sh'}:{line}"
    assert fragment in error.problem


def test_awscli_command_names_come_from_the_service_model() -> None:
    assert cli_name("AuthParameters") == "auth-parameters"
    from harness.replay import service_model as _service

    commands = _service.cli_commands()
    assert commands["admin-initiate-auth"] == "AdminInitiateAuth"
    assert commands["respond-to-auth-challenge"] == "RespondToAuthChallenge"
    assert commands["sign-up"] == "SignUp"
    assert commands["confirm-forgot-password"] == "ConfirmForgotPassword"


# ---------------------------------------------------------------------------------------------
# JSON and JSON Lines


def test_json_document_with_setup_and_expectations(tmp_path: Path) -> None:
    write(tmp_path, "extra.setup.json", json.dumps({"settings": {"auth_trigger_order": "x"}}))
    replay = load(
        tmp_path,
        "calls.json",
        """
        {
          "setupFile": "extra.setup.json",
          "setup": {
            "users": [{"username": "alice", "password": "${env:ALICE_PASSWORD}",
                       "attributes": {"email": "alice@example.com", "email_verified": true},
                       "mfa": {"sms": true, "preferred": "SMS_MFA"}, "groups": ["staff"]}],
            "tables": {"InvitationsTable": [{"code": "INVITE-123", "email": "carol@example.com"}]},
            "pool": {"PreventUserExistenceErrors": "ENABLED"}
          },
          "calls": [
            {"operation": "AdminInitiateAuth",
             "request": {"UserPoolId": "us-east-1_AbCdEf123", "ClientId": "1example23456789",
                         "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                         "AuthParameters": {"USERNAME": "alice",
                                            "PASSWORD": "${env:ALICE_PASSWORD}"},
                         "ClientMetadata": {"appVersion": "2.1.0"}},
             "expect": {"PreAuthentication": "validationData", "PostAuthentication": "none",
                        "order": "PreAuthentication,PostAuthentication", "outcome": "tokens"}},
            {
              "operation": "AdminRespondToAuthChallenge",
              "request": {"UserPoolId": "us-east-1_AbCdEf123", "ClientId": "1example23456789",
                          "ChallengeName": "SMS_MFA", "Session": "${previous:Session}",
                          "ChallengeResponses": {"USERNAME": "alice", "SMS_MFA_CODE": "123456"}},
              "expect": {"error": "CodeMismatchException"}
            }
          ]
        }
        """,
    )
    first, second = replay.calls
    assert first.source.endswith("calls.json:11")
    assert second.source.endswith("calls.json:19")
    assert first.params["AuthParameters"]["PASSWORD"] == "s3cret-Alice!"
    assert first.secret_paths == frozenset({"AuthParameters.PASSWORD"})
    assert first.expect == Expectation(
        triggers={"PreAuthentication": "validationData", "PostAuthentication": "none"},
        order=["PreAuthentication", "PostAuthentication"],
        outcome="tokens",
    )
    assert second.params["Session"] == "${previous:Session}"
    assert second.expect is not None
    assert second.expect.expected_outcome == "error"
    user = replay.setup.users[0]
    assert user.password == "s3cret-Alice!"
    assert user.attributes["email_verified"] == "true"
    assert user.mfa is not None
    assert user.mfa.preferred == "SMS_MFA"
    assert replay.setup.settings == {"auth_trigger_order": "x"}
    assert replay.setup.pool == {"PreventUserExistenceErrors": "ENABLED"}
    assert replay.sources == [str(tmp_path / "calls.json"), str(tmp_path / "extra.setup.json")]


def test_json_list_of_boto3_style_calls(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        "list.json",
        """
        [
          {"operation": "SignUp",
           "request": {"ClientId": "1example23456789", "Username": "carol", "Password": "Pw1!",
                       "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}],
                       "ValidationData": [{"Name": "invitationCode", "Value": "INVITE-123"}]}},
          {"operation": "ConfirmSignUp",
           "request": {"ClientId": "1example23456789", "Username": "carol",
                       "ConfirmationCode": "123456"}}
        ]
        """,
    )
    assert [call.operation for call in replay.calls] == ["SignUp", "ConfirmSignUp"]
    assert [call.source.rsplit(":", 1)[1] for call in replay.calls] == ["2", "6"]


def test_jsonl_with_setup_line(tmp_path: Path) -> None:
    call_line = {
        "operation": "InitiateAuth",
        "request": {
            "ClientId": CLIENT,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "${env:ALICE_PASSWORD}"},
        },
        "expect": {"outcome": "tokens"},
    }
    text = "\n".join(
        [json.dumps({"setup": SETUP}), "", json.dumps(call_line), json.dumps(call_line)]
    )
    replay = load(tmp_path, "calls.jsonl", text)
    assert [call.source.rsplit(":", 1)[1] for call in replay.calls] == ["3", "4"]
    assert replay.setup.users[0].username == "alice"
    assert replay.calls[0].secret_paths == frozenset({"AuthParameters.PASSWORD"})


@pytest.mark.parametrize(
    ("name", "text", "location", "fragment"),
    [
        ("bad.json", '{"calls": [\n  {"operation": "SignUp",}\n]}\n', "2:26", "invalid JSON"),
        ("bad.jsonl", '{"operation": "SignUp"}\n{"operation": \n', "2:15", "invalid JSON"),
        (
            "bad.json",
            '{"calls": [\n {"operation": "AdminInitiateAuthh", "request": {}}\n]}',
            "2",
            "unknown Cognito operation 'AdminInitiateAuthh' (did you mean 'AdminInitiateAuth'?)",
        ),
        (
            "bad.json",
            '[\n {"operation": "AdminInitiateAuth",\n  "request": {"AuthParameter": {}}}\n]',
            "2",
            "AdminInitiateAuth has no parameter 'AuthParameter' (did you mean 'AuthParameters'?)",
        ),
        (
            "bad.json",
            '[{"operation": "AdminInitiateAuth", "request": {"ClientMetadata": {"a": 1}}}]',
            "1",
            "ClientMetadata.a must be a string",
        ),
        (
            "bad.json",
            '[{"operation": "SignUp",\n  "params": {}}]',
            "2",
            "unknown call key 'params' (did you mean 'request'?)",
        ),
        (
            "bad.json",
            '[{"operation": "SignUp",\n  "expect": {"PreSignUp": "yes"}}]',
            "2",
            "PreSignUp=yes is not valid",
        ),
        (
            "bad.json",
            '[{"operation": "SignUp", "expect": {"outcom": "tokens"}}]',
            "1",
            "unknown expectation key 'outcom' (did you mean 'outcome'?)",
        ),
        (
            "bad.json",
            '[{"operation": "SignUp", "expect": {"error": "NotAuthorized"}}]',
            "1",
            "did you mean 'NotAuthorizedException'",
        ),
        (
            "bad.json",
            '[{"operation": "SignUp",\n "request": {"Password": "${env:NOPE}"}}]',
            "2",
            "environment variable NOPE is not set",
        ),
        (
            "bad.json",
            '{"setup": {"users": [\n {"username": "a", "status": "ACTIVE"}]}, "calls": []}',
            "2",
            "status 'ACTIVE' is not valid",
        ),
        (
            "bad.json",
            '{"setup": {"user": []}, "calls": []}',
            "1",
            "unknown setup key 'user' (did you mean 'users'?)",
        ),
    ],
)
def test_json_errors(tmp_path: Path, name: str, text: str, location: str, fragment: str) -> None:
    error = error_of(tmp_path, name, text)
    assert error.location == f"{tmp_path / name}:{location}"
    assert fragment in error.problem


# ---------------------------------------------------------------------------------------------
# CloudTrail


def record(
    when: str,
    username: str = "alice",
    *,
    source: str = "cognito-idp.amazonaws.com",
    name: str = "AdminInitiateAuth",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "eventVersion": "1.08",
        "eventTime": when,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "requestParameters": {
            "userPoolId": POOL,
            "clientId": CLIENT,
            "authFlow": "ADMIN_USER_PASSWORD_AUTH",
            "authParameters": {"USERNAME": username, "PASSWORD": "HIDDEN_DUE_TO_SECURITY_REASONS"},
            "clientMetadata": {"appVersion": "2.1.0"},
        },
        "responseElements": None,
        **extra,
    }


def test_cloudtrail_hidden_passwords_from_setup_sorted_and_skipped(tmp_path: Path) -> None:
    records = [
        record("2026-03-02T09:15:40Z", errorCode="NotAuthorizedException"),
        record("2026-03-02T09:15:02Z", "legacy-bob"),
        record("2026-03-02T09:14:58Z", source="sts.amazonaws.com", name="AssumeRole"),
        record("2026-03-02T09:15:10Z", name="Login_GET"),
        record("2026-03-02T09:15:03Z", "alice@example.com"),
    ]
    write(tmp_path, "setup.json", json.dumps(SETUP))
    text = json.dumps({"Records": records}, indent=2)
    replay = load(tmp_path, "trail.json", text, setup_path=tmp_path / "setup.json")
    assert [call.params["AuthParameters"] for call in replay.calls] == [
        {"USERNAME": "legacy-bob", "PASSWORD": "Legacy1!"},
        {"USERNAME": "alice@example.com", "PASSWORD": "Passw0rd!demo"},
        {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
    ]
    first = replay.calls[0]
    assert first.params["UserPoolId"] == POOL
    assert first.params["ClientMetadata"] == {"appVersion": "2.1.0"}
    assert first.secret_paths == frozenset({"AuthParameters.PASSWORD"})
    assert replay.calls[2].expect == Expectation(error_code="NotAuthorizedException")
    lines = text.splitlines()
    assert lines[int(first.source.rsplit(":", 1)[1]) - 1].strip() == "{"
    assert replay.skipped == [
        f"{tmp_path / 'trail.json'}: skipped 1 CloudTrail record(s) of other services "
        "(sts.amazonaws.com: 1)",
        f"{tmp_path / 'trail.json'}: skipped 1 cognito-idp record(s) that are not API calls "
        "(Login_GET: 1)",
    ]


@pytest.mark.parametrize(
    ("key", "table"),
    [("legacy_users", "LegacyUsersTable"), ("invitations", "InvitationsTable")],
)
def test_a_retired_setup_key_says_where_its_records_go_now(
    tmp_path: Path, key: str, table: str
) -> None:
    setup = {key: [{"username": "legacy-bob"}]}
    error = error_of(tmp_path, "calls.json", json.dumps({"setup": setup, "calls": []}))
    assert f"setup key '{key}' is gone" in error.problem
    assert f'"tables": {{"{table}": [...]}}' in error.problem


def test_cloudtrail_unresolved_password_is_an_error(tmp_path: Path) -> None:
    text = json.dumps({"Records": [record("2026-03-02T09:15:02Z", "mallory")]}, indent=2)
    error = error_of(tmp_path, "trail.json", text)
    assert error.location == f"{tmp_path / 'trail.json'}:3"
    assert "add user 'mallory'" in error.problem
    assert 'users (or a table record with "username" and "password"' in error.problem


def test_cloudtrail_whole_auth_parameters_hidden_lookup_events_and_jsonl(tmp_path: Path) -> None:
    hidden = record("2026-03-02T09:15:02Z", additionalEventData={"sub": ALICE_SUB})
    hidden["requestParameters"]["authParameters"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
    hidden["requestParameters"]["session"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
    events = {"Events": [{"EventId": "1", "CloudTrailEvent": json.dumps(hidden)}]}
    document = {"setup": SETUP, **events}
    call = only(load(tmp_path, "lookup.json", json.dumps(document)))
    assert call.params["AuthParameters"] == {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"}
    assert call.params["Session"] == "${previous:Session}"
    lines = "\n".join(json.dumps(r) for r in [record("2026-03-02T09:15:02Z", "legacy-bob")])
    write(tmp_path, "setup.json", json.dumps(SETUP))
    replay = load(tmp_path, "trail.jsonl", lines, setup_path=tmp_path / "setup.json")
    assert only(replay).params["AuthParameters"]["PASSWORD"] == "Legacy1!"
    unknown = record("2026-03-02T09:15:02Z", additionalEventData={"sub": "no-such-sub"})
    unknown["requestParameters"]["authParameters"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
    error = error_of(tmp_path, "nosub.json", json.dumps({"setup": SETUP, "Records": [unknown]}))
    assert 'add "sub": "no-such-sub"' in error.problem


def test_cloudtrail_unknown_request_parameter(tmp_path: Path) -> None:
    bad = record("2026-03-02T09:15:02Z")
    bad["requestParameters"]["authParams"] = {}
    error = error_of(tmp_path, "trail.json", json.dumps({"Records": [bad]}, indent=1))
    assert "has no parameter 'authParams' (did you mean 'authParameters'?)" in error.problem


# ---------------------------------------------------------------------------------------------
# Loader, setups, samples


def test_setups_merge_and_duplicate_users(tmp_path: Path) -> None:
    write(tmp_path, "a.setup.json", json.dumps({"users": [{"username": "alice"}]}))
    write(tmp_path, "b.setup.json", json.dumps({"users": [{"username": "alice"}]}))
    script = "# harness-setup: a.setup.json\nStart-CGIPAuthAdmin -ClientId x\n"
    replay = load(tmp_path, "one.ps1", script, setup_path=tmp_path / "a.setup.json")
    assert [user.username for user in replay.setup.users] == ["alice"]
    error = error_of(tmp_path, "two.ps1", script, setup_path=tmp_path / "b.setup.json")
    assert "user 'alice' is already defined" in error.problem
    merged = Setup(settings={"a": 1, "b": 1}).merged(Setup(settings={"b": 2}), "x:1")
    assert merged.settings == {"a": 1, "b": 2}


def test_missing_setup_file_names_the_directive(tmp_path: Path) -> None:
    script = "#!/bin/sh\n# harness-setup: nope.json\naws cognito-idp sign-up\n"
    error = error_of(tmp_path, "s.sh", script)
    assert error.location == f"{tmp_path / 's.sh'}:2"
    assert "nope.json does not exist" in error.problem


def test_a_setup_file_name_with_a_nul_is_refused_in_one_line(tmp_path: Path) -> None:
    # Found by tests/harness/replay/test_fuzz_readers.py: the OS's ValueError escaped.
    script = "#!/bin/sh\n# harness-setup:\0 a.json\naws cognito-idp sign-up\n"
    error = error_of(tmp_path, "s.sh", script)
    assert error.location == f"{tmp_path / 's.sh'}:2"
    assert error.problem == "the setup file name holds a NUL character"
    document = {"setupFile": "a\0.json", "calls": [{"operation": "SignUp", "params": {}}]}
    error = error_of(tmp_path, "c.json", json.dumps(document))
    assert error.problem == "the setup file name holds a NUL character"


def test_reader_is_chosen_by_extension_then_content(tmp_path: Path) -> None:
    assert reader_for(Path("x.ps1"), "") is powershell.read
    assert reader_for(Path("x.txt"), "$r = Start-CGIPAuthAdmin -ClientId x") is powershell.read
    assert reader_for(Path("x.txt"), "aws cognito-idp sign-up") is awscli.read
    with pytest.raises(ReplayError, match="unknown replay format"):
        reader_for(Path("x.yaml"), "calls: []")


def test_expectation_and_error_model() -> None:
    with pytest.raises(ValueError, match="use one of"):
        Expectation(triggers={"PreAuthentication": "sometimes"})
    with pytest.raises(ValueError, match="contradicts"):
        Expectation(outcome="tokens", error_code="NotAuthorizedException")
    assert str(ReplayError("f.ps1:3", "two\nlines")) == "f.ps1:3: two lines"


@pytest.mark.parametrize("name", ["sample.ps1", "aws-cli.sh", "calls.json", "cloudtrail.json"])
def test_samples_load(name: str) -> None:
    replay = load_replay([SAMPLES / name], env={})
    assert all(call.operation == "AdminInitiateAuth" for call in replay.calls)
    assert all(call.params["UserPoolId"] == POOL for call in replay.calls)
    assert all(call.params["ClientId"] == "1example23456789abcdefghij" for call in replay.calls)
    assert {user.username for user in replay.setup.users} == {"alice"}
    assert replay.setup.tables["LegacyUsersTable"][0]["username"] == "legacy-bob"
    assert replay.setup.tables["InvitationsTable"] == [
        {"code": "INVITE-123", "email": "carol@example.com"}
    ]
    usernames = [call.params["AuthParameters"]["USERNAME"] for call in replay.calls]
    if name == "cloudtrail.json":
        assert usernames == ["alice", "legacy-bob", "alice"]
        return
    assert usernames == ["alice", "alice", "legacy-bob", "nobody", "alice"]
    assert [call.params["ClientMetadata"]["appVersion"] for call in replay.calls] == [
        "2.1.0",
        "2.1.0",
        "2.1.0",
        "2.1.0",
        "1.0.0",
    ]
    expects = [call.expect for call in replay.calls]
    assert all(expect is not None for expect in expects)
    assert [e.expected_outcome for e in expects if e is not None] == [
        "tokens",
        "error",
        "tokens",
        "error",
        "error",
    ]


def test_sample_powershell_starts_with_setup_directive() -> None:
    first = (SAMPLES / "sample.ps1").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# harness-setup: sample.setup.json"
