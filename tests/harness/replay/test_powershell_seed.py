# ruff: noqa: E501 (the scripts are written as script authors write them: one call a line)
"""The parts of the Start-CGIPAuthAdmin reference a script author writes that go beyond plain
named parameters: pipeline input, HttpHeader objects, -Select's data flow, the endpoint and
credential parameters. Read with the PowerShell reader, replayed through the emulator."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.replay import Replay, ReplayError, load_replay
from harness.replay.runner import run_replay
from harness.stack import load_stack
from tests.support.emulator import FIXTURE, recorder

POOL = "us-east-1_AbCdEf123"
ENV = {"ALICE_PASSWORD": "Passw0rd!"}
SIGN_IN = "-AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD}"


def load(tmp_path: Path, text: str) -> Replay:
    path = tmp_path / "script.ps1"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_replay([path], env=ENV)


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(ReplayError) as caught:
        load(tmp_path, text)
    return caught.value.problem


# -- pipeline input ------------------------------------------------------------------------


def test_a_string_piped_binds_by_value_to_client_id(tmp_path: Path) -> None:
    replay = load(
        tmp_path, f"'1example23456789' | Start-CGIPAuthAdmin -UserPoolId {POOL} {SIGN_IN}\n"
    )

    assert replay.calls[0].params["ClientId"] == "1example23456789"
    assert replay.calls[0].params["UserPoolId"] == POOL


def test_a_pscustomobject_binds_by_property_name(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        f"""
        $target = [pscustomobject]@{{UserPoolId='{POOL}'; ClientId='1example23456789'; Note='x'; Region='eu-west-1'}}
        $r = $target | Start-CGIPAuthAdmin -AuthFlow CUSTOM_AUTH -AuthParameters @{{USERNAME='alice'}}
        [PSCustomObject]@{{ClientId='other'; ChallengeName='CUSTOM_CHALLENGE'}} | Send-CGIPAuthChallengeResponseAdmin -UserPoolId {POOL} -Session $r.Session -ChallengeResponse @{{USERNAME='alice'; ANSWER='42'}}
        """,
    )

    first, second = (call.params for call in replay.calls)
    assert (first["UserPoolId"], first["ClientId"]) == (POOL, "1example23456789")
    assert "Note" not in first  # a property no parameter takes is ignored, as PowerShell does
    assert replay.region == "eu-west-1"  # -Region bound by property name, noted
    assert any("-Region eu-west-1 is ignored locally" in note for note in replay.skipped)
    assert (second["ClientId"], second["ChallengeName"]) == ("other", "CUSTOM_CHALLENGE")


def test_a_piped_response_binds_its_session_and_challenge_name(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        f"""
        $r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow CUSTOM_AUTH -AuthParameter @{{USERNAME='alice'}}
        $r | Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeResponse @{{USERNAME='alice'; ANSWER='42'}}
        """,
    )

    answer = replay.calls[1].params
    assert answer["Session"] == "${previous:Session}"
    assert answer["ChallengeName"] == "${previous:ChallengeName}"


def test_an_array_piped_runs_the_cmdlet_per_item(tmp_path: Path) -> None:
    replay = load(tmp_path, f"'a','b' | Start-CGIPAuthAdmin -UserPoolId {POOL} {SIGN_IN}\n")

    assert [call.params["ClientId"] for call in replay.calls] == ["a", "b"]


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        (f"@{{ClientId='c'}} | Start-CGIPAuthAdmin -UserPoolId {POOL}\n", "pipe [pscustomobject]"),
        ("'c' | Start-CGIPAuthAdmin -ClientId d\n", "-ClientId is already given"),
        ("[pscustomobject]@{Foo='x'} | Start-CGIPAuthAdmin\n", "binds to none of its parameters"),
        ("'c' | Get-Random\n", "piping a value to 'Get-Random' is not supported"),
    ],
)
def test_pipeline_input_errors(tmp_path: Path, script: str, fragment: str) -> None:
    assert fragment in problem(tmp_path, script)


# -- HttpHeader objects and ContextData ---------------------------------------------------

HEADERS = f"""
$h1 = New-Object Amazon.CognitoIdentityProvider.Model.HttpHeader -Property @{{HeaderName='User-Agent'; HeaderValue='pwsh'}}
$h2 = New-Object -TypeName Amazon.CognitoIdentityProvider.Model.HttpHeader
$h2.HeaderName = 'X-Forwarded-For'
$h2.headervalue = '203.0.113.9'
$h3 = [Amazon.CognitoIdentityProvider.Model.HttpHeader]@{{HeaderName='Accept'; HeaderValue='*/*'}}
Start-CGIPAuthAdmin c -UserPoolId {POOL} {SIGN_IN} `
  -ContextData_IpAddress 203.0.113.9 -ContextData_ServerName login.example.com `
  -ContextData_ServerPath /login -ContextData_HttpHeader @($h1, $h2, $h3, (New-Object Amazon.CognitoIdentityProvider.Model.HttpHeader -Property @{{HeaderName='A'; HeaderValue='b'}}))
"""


def test_http_headers_from_new_object_property_sets_and_casts(tmp_path: Path) -> None:
    call = load(tmp_path, HEADERS).calls[0]

    assert call.params["ContextData"]["HttpHeaders"] == [
        {"headerName": "User-Agent", "headerValue": "pwsh"},
        {"headerName": "X-Forwarded-For", "headerValue": "203.0.113.9"},
        {"headerName": "Accept", "headerValue": "*/*"},
        {"headerName": "A", "headerValue": "b"},
    ]


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        (
            "$h = New-Object Amazon.CognitoIdentityProvider.Model.HttpHeader -Property @{Name='x'}\n",
            "HttpHeader has no property 'Name'",
        ),
        (
            "$h = New-Object Amazon.CognitoIdentityProvider.Model.HttpHeader\n$h.Nme = 'x'\n",
            "HttpHeader has no property 'Nme'",
        ),
        ("$h = New-Object System.Net.WebClient\n", "type [System.Net.WebClient] is not supported"),
    ],
)
def test_new_object_errors(tmp_path: Path, script: str, fragment: str) -> None:
    assert fragment in problem(tmp_path, script)


def replay(tmp_path: Path, text: str, **settings: Any) -> Any:
    loaded = load(tmp_path, text)
    return run_replay(loaded, load_stack(FIXTURE / "template.yaml"))


SETUP = (
    '{"users": [{"username": "alice", "password": "Passw0rd!", '
    '"attributes": {"email": "alice@example.com"}}]}'
)


@pytest.fixture
def setup_file(tmp_path: Path) -> str:
    (tmp_path / "alice.setup.json").write_text(SETUP)
    recorder.reset()
    return "# harness-setup: alice.setup.json\n"


@pytest.mark.slow
def test_context_data_with_headers_signs_in_and_without_is_refused(
    tmp_path: Path, setup_file: str
) -> None:
    result = replay(
        tmp_path,
        setup_file
        + HEADERS
        + f"Start-CGIPAuthAdmin c -UserPoolId {POOL} {SIGN_IN} -ContextData_IpAddress 1.2.3.4 "
        "-ContextData_ServerName a -ContextData_ServerPath /\n",
    )

    with_headers, without = (r.record for r in result.results)
    assert with_headers.outcome == {"status": "tokens"}
    assert without.error is not None
    assert without.error.code == "InvalidParameterException"
    assert "'contextData.httpHeaders' failed to satisfy constraint: Member must not be null" in (
        without.error.message
    )


# -- -Select ------------------------------------------------------------------------------


@pytest.mark.slow
def test_select_changes_what_the_variable_holds(tmp_path: Path, setup_file: str) -> None:
    text = setup_file + textwrap.dedent(
        f"""
        $r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow CUSTOM_AUTH -AuthParameter @{{USERNAME='alice'}} -Select AuthenticationResult.IdToken
        Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName CUSTOM_CHALLENGE -Session $r.Session -ChallengeResponse @{{USERNAME='alice'; ANSWER='42'}}
        """
    )
    loaded = load(tmp_path, text)

    assert "Session" not in loaded.calls[1].params
    [note] = [s for s in loaded.skipped if "-Session" in s]
    assert note.startswith(
        f"{tmp_path / 'script.ps1'}:4: -Session is not sent: $r.Session is $null"
    )
    assert "-Select kept only AuthenticationResult.IdToken" in note
    assert "AuthenticationResult.IdToken is a string" in note

    result = run_replay(loaded, load_stack(FIXTURE / "template.yaml"))
    answer = result.results[1].record
    assert answer.error is not None  # the script's own data flow: no Session was sent
    assert answer.error.code == "NotAuthorizedException"


def test_select_of_a_structure_keeps_its_properties_case_insensitively(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        f"""
        $p = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow CUSTOM_AUTH -AuthParameter @{{USERNAME='alice'}} -Select ChallengeParameters
        Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName CUSTOM_CHALLENGE -Session 's' -ChallengeResponse @{{USERNAME=$p.USERNAME}}
        $r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow CUSTOM_AUTH -AuthParameter @{{USERNAME='alice'}}
        Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName CUSTOM_CHALLENGE -Session $r.session -ChallengeResponse @{{USERNAME='alice'}}
        """,
    )

    assert replay.calls[1].params["ChallengeResponses"] == {
        "USERNAME": "${previous:ChallengeParameters.USERNAME}"
    }
    assert replay.calls[3].params["Session"] == "${previous:Session}"


# -- endpoint, region, profile and credentials -------------------------------------------


def test_endpoint_region_profile_and_credentials_are_noted_and_never_shown(tmp_path: Path) -> None:
    replay = load(
        tmp_path,
        f"""
        Start-CGIPAuthAdmin c -UserPoolId {POOL} {SIGN_IN} -Region eu-west-1 -ProfileName dev `
          -EndpointUrl https://cognito-idp.eu-west-1.amazonaws.com -AccessKey AKIAEXAMPLE -SecretKey wJalrXUtnFEMI
        """,
    )

    notes = "\n".join(replay.skipped)
    assert "-Region eu-west-1 is ignored locally; --live uses it" in notes
    assert "-ProfileName dev is ignored locally; --live uses it" in notes
    assert "-EndpointUrl https://cognito-idp.eu-west-1.amazonaws.com is ignored locally" in notes
    assert "-SecretKey (value not shown) is ignored" in notes
    assert "wJalrXUtnFEMI" not in notes
    assert "AKIAEXAMPLE" not in notes
    assert (replay.region, replay.profile) == ("eu-west-1", "dev")


@pytest.mark.parametrize(
    ("command_line", "used"), [(None, "script-profile"), ("cli-profile", "cli-profile")]
)
def test_live_takes_the_scripts_profile_unless_the_command_line_names_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command_line: str | None, used: str
) -> None:
    from harness.aws.errors import LiveError
    from harness.replay.live import run_live

    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    loaded = load(
        tmp_path,
        f"Start-CGIPAuthAdmin c -UserPoolId {POOL} {SIGN_IN} -ProfileName script-profile -Region eu-west-1\n",
    )

    with pytest.raises(LiveError) as raised:
        run_live(loaded, user_pool_id=POOL, client_id="c", profile=command_line)

    assert f"AWS profile '{used}' not found" in str(raised.value)


# -- the README's reference table -------------------------------------------------------

#: The parameters of the Start-CGIPAuthAdmin reference (its syntax block and common parameters).
REFERENCE_PARAMETERS = [
    "-ClientId",
    "-AnalyticsMetadata_AnalyticsEndpointId",
    "-AuthFlow",
    "-AuthParameter",
    "-ClientMetadata",
    "-ContextData_EncodedData",
    "-ContextData_HttpHeader",
    "-ContextData_IpAddress",
    "-ContextData_ServerName",
    "-ContextData_ServerPath",
    "-UserPoolId",
    "-Select",
    "-PassThru",
    "-Force",
    "-ClientConfig",
    "-AccessKey",
    "-Credential",
    "-EndpointUrl",
    "-NetworkCredential",
    "-ProfileLocation",
    "-ProfileName",
    "-Region",
    "-SecretKey",
    "-SessionToken",
]
REFERENCE_FLOWS = [
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "SECRET_HASH",
    "DEVICE_KEY",
]


def test_the_reference_table_covers_every_parameter_and_flow_of_the_reference() -> None:
    from harness.replay.readers.powershell.reference import FLOW_NOTES, parameter_rows

    described = dict(parameter_rows())
    assert [p for p in REFERENCE_PARAMETERS if p not in described] == []
    assert [f for f in REFERENCE_FLOWS if f not in FLOW_NOTES] == []


# -- CUSTOM_AUTH starting with SRP, replayed ----------------------------------------------

SRP_SCRIPT = f"""
$r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow CUSTOM_AUTH -AuthParameter @{{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD; CHALLENGE_NAME='SRP_A'}}
$v = Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName PASSWORD_VERIFIER -Session $r.Session -ChallengeResponse @{{USERNAME='alice'}}
Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName CUSTOM_CHALLENGE -Session $v.Session -ChallengeResponse @{{USERNAME='alice'; ANSWER='42'}}
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("password", "outcomes", "verified"),
    [
        ("Passw0rd!", ["PASSWORD_VERIFIER", "CUSTOM_CHALLENGE", "tokens"], True),
        ("wrong-Passw0rd!", ["PASSWORD_VERIFIER", "NotAuthorizedException"], False),
    ],
)
def test_custom_auth_with_srp_replays_acting_as_the_sdk(
    tmp_path: Path,
    setup_file: str,
    monkeypatch: pytest.MonkeyPatch,
    password: str,
    outcomes: list[str],
    verified: bool,
) -> None:
    from tests.support.emulator import events, recording_stack

    monkeypatch.setitem(ENV, "ALICE_PASSWORD", password)
    recorder.SCRIPT["DefineAuthChallenge"] = recorder.define_with_srp
    script = "\n".join(SRP_SCRIPT.strip().splitlines()[: len(outcomes)])  # what can run
    loaded = load(tmp_path, setup_file + script + "\n")
    assert loaded.calls[0].secret_paths == frozenset({"AuthParameters.PASSWORD"})

    result = run_replay(loaded, recording_stack())

    seen = [
        r.record.outcome.get("challenge") or r.record.outcome.get("code") or "tokens"
        for r in result.results
    ]
    assert seen == outcomes
    verifier = events("DefineAuthChallenge_Authentication")[1]["request"]["session"][1]
    assert verifier == {
        "challengeName": "PASSWORD_VERIFIER",
        "challengeResult": verified,
        "challengeMetadata": None,
    }


# -- DEVICE_KEY and SMS MFA, replayed -----------------------------------------------------

DEVICE_SETUP = """{
  "pool": {"MfaConfiguration": "OPTIONAL",
           "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                                   "DeviceOnlyRememberedOnUserPrompt": false}},
  "users": [{"username": "mia", "password": "Passw0rd!",
             "attributes": {"email": "mia@example.com", "phone_number": "+15555550100"},
             "mfa": {"sms": true, "preferred": "SMS_MFA"}}]
}"""


@pytest.mark.slow
def test_a_device_key_the_pool_does_not_remember_signs_in_as_a_new_device_after_sms_mfa(
    tmp_path: Path,
) -> None:
    from harness import report
    from tests.support.emulator import events, recording_stack

    recorder.reset()
    (tmp_path / "mia.setup.json").write_text(DEVICE_SETUP)
    script = (
        "# harness-setup: mia.setup.json\n"
        f"$r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow ADMIN_USER_PASSWORD_AUTH "
        "-AuthParameter @{USERNAME='mia'; PASSWORD=$env:ALICE_PASSWORD; "
        "DEVICE_KEY='us-east-1_0b1f8bd4-7a8e-4f4e-9c3a-2f4d5e6a7b8c'}\n"
        f"Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName SMS_MFA "
        "-Session $r.Session -ChallengeResponse @{USERNAME='mia'; SMS_MFA_CODE='123456'}\n"
    )

    result = run_replay(load(tmp_path, script), recording_stack())

    mfa, signed_in = (r.record for r in result.results)
    assert mfa.deliveries == [
        "SMS_MFA code sent by SMS to +*******0100 (the code is the mfa_code setting)"
    ]
    assert "delivered: SMS_MFA code sent by SMS to +*******0100" in report.to_table(result)
    assert signed_in.response is not None
    device = signed_in.response["AuthenticationResult"]["NewDeviceMetadata"]
    assert device["DeviceKey"].startswith(POOL.split("_")[0] + "_")
    [post] = events("PostAuthentication_Authentication")
    assert post["request"]["newDeviceUsed"] is True


@pytest.mark.slow
def test_a_replay_confirms_the_new_device_acting_as_the_sdk(tmp_path: Path) -> None:
    from tests.support.emulator import recording_stack

    recorder.reset()
    (tmp_path / "mia.setup.json").write_text(DEVICE_SETUP)
    script = f"""# harness-setup: mia.setup.json
$r = Start-CGIPAuthAdmin c -UserPoolId {POOL} -AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{{USERNAME='mia'; PASSWORD=$env:ALICE_PASSWORD}}
$t = Send-CGIPAuthChallengeResponseAdmin c -UserPoolId {POOL} -ChallengeName SMS_MFA -Session $r.Session -ChallengeResponse @{{USERNAME='mia'; SMS_MFA_CODE='123456'}}
Confirm-CGIPDevice -AccessToken $t.AuthenticationResult.AccessToken -DeviceKey $t.AuthenticationResult.NewDeviceMetadata.DeviceKey -DeviceName laptop
"""

    result = run_replay(load(tmp_path, script), recording_stack())

    confirmed = result.results[2].record
    assert confirmed.response == {"UserConfirmationNecessary": False}
    config = confirmed.request["DeviceSecretVerifierConfig"]  # computed as the SDK does
    assert set(config) == {"PasswordVerifier", "Salt"}
