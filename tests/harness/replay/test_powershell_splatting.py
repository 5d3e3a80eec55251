"""PowerShell splatting (``$p = @{...}; Start-CGIPAuthAdmin @p``): the common way scripts pass
many parameters ([D] PowerShell about_Splatting) reads as the same call as written out."""

from __future__ import annotations

from pathlib import Path

from tests.harness.replay.test_readers import CLIENT, POOL, SEED_LINE, error_of, load, only

SPLATTED = """\
$auth = @{
    UserPoolId    = 'us-east-1_AbCdEf123'
    ClientId      = '1example23456789'
    AuthFlow      = 'ADMIN_USER_PASSWORD_AUTH'
    AuthParameter = @{USERNAME = 'alice'; PASSWORD = $env:ALICE_PASSWORD}
}
Start-CGIPAuthAdmin @auth -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}
"""


def test_a_splatted_hashtable_is_the_call_written_out(tmp_path: Path) -> None:
    splatted = only(load(tmp_path, "splat.ps1", SPLATTED))
    written = only(load(tmp_path, "seed.ps1", SEED_LINE))

    assert splatted.operation == written.operation == "AdminInitiateAuth"
    assert splatted.params == written.params
    assert splatted.params["UserPoolId"] == POOL
    assert splatted.params["ClientId"] == CLIENT
    assert splatted.secret_paths == written.secret_paths
    assert splatted.source.endswith("splat.ps1:7")


def test_splatting_on_one_line_with_semicolons(tmp_path: Path) -> None:
    text = (
        "$p = @{UserPoolId='us-east-1_AbCdEf123'; ClientId='1example23456789'; "
        "AuthFlow='ADMIN_USER_PASSWORD_AUTH'; "
        "AuthParameter=@{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD}}; "
        "Start-CGIPAuthAdmin @p\n"
    )

    call = only(load(tmp_path, "one.ps1", text))

    assert call.params["AuthParameters"] == {"USERNAME": "alice", "PASSWORD": "s3cret-Alice!"}


def test_splatting_an_unassigned_or_scalar_variable_is_a_clear_error(tmp_path: Path) -> None:
    unassigned = error_of(tmp_path, "a.ps1", "Start-CGIPAuthAdmin @nothing\n")
    scalar = error_of(tmp_path, "b.ps1", "$p = 'x'\nStart-CGIPAuthAdmin @p\n")

    assert "$nothing is not assigned" in unassigned.problem
    assert "splat a hashtable" in scalar.problem
