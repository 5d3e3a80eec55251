"""Live replay against a "deployed" pool: moto holds the stack, TriggerLogs plays Cognito."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from harness import report
from harness.aws.deployed import aws_session
from harness.aws.errors import LiveError
from harness.replay.live import run_live, write_plan
from harness.replay.loader import load_replay
from harness.replay.model import Replay
from harness.results import LiveReplayResult, ObservedInvocation
from harness.stack import load_stack
from tests.support.live import (
    PASSWORD,
    RECORDED_CLIENT,
    RECORDED_POOL,
    REGION,
    Deployed,
    TriggerLogs,
    trigger_log_line,
)
from tests.support.paths import TEMPLATE

SETUP = {
    "users": [
        {
            "username": "alice",
            "password": PASSWORD,
            "status": "CONFIRMED",
            "attributes": {"email": "alice@example.com", "custom:tenant": "acme"},
        }
    ],
    "tables": {
        "LegacyUsersTable": [
            {
                "realm": "default",
                "username": "legacy-bob",
                "password": "LegacyPassw0rd!demo",
                "email": "bob@example.com",
            }
        ],
        "InvitationsTable": [{"code": "INVITE-123", "email": "carol@example.com"}],
    },
}
#: The local template: its tables' seeders hash the legacy password, as in the emulator.
STACK = load_stack(TEMPLATE)

SIGN_IN = """\
# 1. alice signs in: ClientMetadata reaches PreAuthentication only.
# expect: PreAuthentication=validationData PostAuthentication=none
# expect: PreTokenGeneration=none outcome=tokens
$r = Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{{USERNAME='alice'; PASSWORD='{password}'}} `
    -ClientMetadata @{{appVersion='2.1.0'; tenant='acme'}}

# 2. a wrong password: PreAuthentication runs, then Cognito refuses.
# expect: PreAuthentication=validationData PostAuthentication=not-run error=NotAuthorizedException
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{{USERNAME='alice'; PASSWORD='not-her-password'}} `
    -ClientMetadata @{{appVersion='2.1.0'; tenant='acme'}}
"""

MIGRATE = """\
# 3. legacy-bob is not in the pool yet: UserMigration gets the ClientMetadata as validationData.
# expect: UserMigration=validationData PreAuthentication=not-run
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='legacy-bob'; PASSWORD='LegacyPassw0rd!demo'} `
    -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}
"""


def write_replay(
    tmp_path: Path, body: str, setup: dict[str, Any] | None = SETUP, name: str = "live.ps1"
) -> Replay:
    header = ""
    if setup is not None:
        (tmp_path / "live.setup.json").write_text(json.dumps(setup))
        header = "# harness-setup: live.setup.json\n"
    header += f"$pool = '{RECORDED_POOL}'\n$client = '{RECORDED_CLIENT}'\n\n"
    path = tmp_path / name
    path.write_text(header + body)
    return load_replay([path])


def live(deployed: Deployed, replay: Replay, **kwargs: Any) -> LiveReplayResult:
    options: dict[str, Any] = {
        "stack_name": deployed.stack_name,
        "session": deployed.session,
        "log_wait_seconds": 0,
        "allow_writes": True,
        "stack": STACK,
    }
    options.update(kwargs)
    return run_live(replay, **options)


def fields(result: LiveReplayResult, index: int) -> list[tuple[str, str | None]]:
    return [(i.trigger, i.metadata_field) for i in result.results[index].record.invocations]


def test_stack_replay_shows_pre_authentication_got_validation_data(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD) + MIGRATE)

    result = live(deployed, replay)

    assert result.invoker == "live"
    assert result.user_pool_id == deployed.user_pool_id
    assert result.client_id == deployed.client_id
    assert result.id_map == {
        RECORDED_POOL: deployed.user_pool_id,
        RECORDED_CLIENT: deployed.client_id,
    }
    assert [r.record.outcome["status"] for r in result.results] == ["tokens", "error", "error"]
    assert result.results[1].record.error is not None
    assert result.results[1].record.error.code == "NotAuthorizedException"
    assert fields(result, 0) == [
        ("PreAuthentication", "validationData"),
        ("PostAuthentication", None),
        ("PreTokenGeneration", None),
    ]
    assert fields(result, 1) == [("PreAuthentication", "validationData")]
    assert fields(result, 2) == [("UserMigration", "validationData")]
    first = result.results[0].record.invocations[0]
    assert isinstance(first, ObservedInvocation)
    assert first.observed
    assert first.function == "PreAuthenticationFunction"  # the template's logical id
    assert first.metadata == {"appVersion": "2.1.0", "tenant": "acme"}
    assert first.duration_ms == 1.5  # from Lambda's REPORT line
    assert first.init_duration_ms == 250.25
    assert result.ok, result.failures  # every expectation met, checked by runner.check


def test_setup_is_created_for_the_calls_and_removed_afterwards(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD) + MIGRATE)

    result = live(deployed, replay)

    # While the calls ran: alice in the pool, legacy-bob in the legacy table.
    assert triggers.seen[0] == {"user_exists": True, "legacy_users": ["legacy-bob"]}
    # The migration "created" legacy-bob in the pool; with --allow-writes it is deleted too.
    assert triggers.seen[2]["user_exists"] is False
    assert not deployed.user_exists("alice")
    assert not deployed.user_exists("legacy-bob")
    assert deployed.table_items("LegacyUsersTable") == []
    assert deployed.table_items("InvitationsTable") == []
    cleanup = next(n for n in result.notes if n.startswith("cleanup:"))
    assert "user alice" in cleanup
    assert "user legacy-bob" in cleanup
    assert f"1 item of {deployed.tables['LegacyUsersTable']}" in cleanup
    assert f"1 item of {deployed.tables['InvitationsTable']}" in cleanup


def test_report_says_cells_were_observed_in_aws(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    result = live(deployed, write_replay(tmp_path, SIGN_IN.format(password=PASSWORD)))

    table = report.to_table(result, width=200)
    assert "PreAuth" in table
    assert "vData" in table
    assert "observed in AWS" in table
    assert "does not call read_metadata" in table
    assert f"ids mapped onto the deployed pool: {RECORDED_POOL} → {deployed.user_pool_id}" in table
    assert "expectations: 2/2 met" in table
    document = report.to_json(result)
    assert document["invoker"] == "live"
    invocation = document["calls"][0]["invocations"][0]
    assert invocation["observed"] is True
    assert invocation["metadataField"] == "validationData"
    assert invocation["requestId"]
    assert invocation["loggedAt"].endswith("+00:00")
    assert any("observed in AWS" in note for note in document["notes"])
    markdown = report.to_markdown(result)
    assert f"`{deployed.stack_name}` (live)" in markdown
    # Passwords never reach a report, even a verbose one.
    verbose = json.dumps(report.to_json(result, verbose=True))
    assert PASSWORD not in verbose
    assert "not-her-password" not in verbose
    assert PASSWORD not in table + markdown


def test_refuses_setup_users_without_allow_writes(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD))

    with pytest.raises(LiveError) as raised:
        live(deployed, replay, allow_writes=False)

    message = str(raised.value)
    assert "\n" not in message
    assert "--allow-writes" in message
    assert "creates 1 user (alice)" in message
    assert triggers.calls == 0
    assert not deployed.user_exists("alice")


def test_write_operations_need_allow_writes(tmp_path: Path) -> None:
    path = tmp_path / "calls.json"
    path.write_text(
        json.dumps(
            [
                {
                    "operation": "AdminDeleteUser",
                    "request": {"UserPoolId": RECORDED_POOL, "Username": "alice"},
                }
            ]
        )
    )
    replay = load_replay([path])
    [plan] = write_plan(replay)
    assert plan.startswith("calls AdminDeleteUser (")
    with pytest.raises(LiveError, match="--allow-writes"):
        run_live(replay, user_pool_id="us-east-1_x", client_id="y", session=None)


def test_pool_and_client_ids_without_a_stack(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    deployed.add_user("alice", **{"custom:tenant": "acme"})
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD), setup=None)

    result = live(
        deployed,
        replay,
        stack_name=None,
        user_pool_id=deployed.user_pool_id,
        client_id=deployed.client_id,
        allow_writes=False,
    )

    assert result.ok, result.failures
    # Without the stack, functions are named by their physical name.
    function = result.results[0].record.invocations[0].function
    assert function == deployed.functions["PreAuthentication"]
    assert deployed.user_exists("alice")  # not ours: left alone


def test_stack_not_found_is_one_line(tmp_path: Path, deployed: Deployed) -> None:
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD), setup=None)

    with pytest.raises(LiveError) as raised:
        live(deployed, replay, stack_name="no-such-stack")

    assert str(raised.value) == (
        f"stack 'no-such-stack' not found in {REGION}: check --stack-name and --region "
        "(sam deploy's stack name is in samconfig.toml)"
    )


def test_existing_user_is_never_touched(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    deployed.add_user("alice", email="real-alice@example.com")
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD))

    with pytest.raises(LiveError, match="user 'alice' already exists in pool"):
        live(deployed, replay)

    assert deployed.user_exists("alice")
    assert triggers.calls == 0
    assert deployed.table_items("LegacyUsersTable") == []


def test_existing_legacy_item_is_never_overwritten(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    table = deployed.tables["LegacyUsersTable"]
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=table,
        Item={"realm": {"S": "default"}, "username": {"S": "legacy-bob"}, "real": {"S": "yes"}},
    )
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD))

    exists = r"LegacyUsersTable item realm='default', username='legacy-bob' already exists in"
    with pytest.raises(LiveError, match=exists):
        live(deployed, replay)

    assert [i.get("real") for i in deployed.table_items("LegacyUsersTable")] == [{"S": "yes"}]
    assert not deployed.user_exists("alice")  # created before the refusal, then removed


def test_cleanup_runs_when_the_replay_fails(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    body = """\
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='wrong-password'}
$r = Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='wrong-password'}
Send-CGIPAuthChallengeResponseAdmin -UserPoolId $pool -ClientId $client `
    -ChallengeName NEW_PASSWORD_REQUIRED -Session $r.Session `
    -ChallengeResponse @{USERNAME='alice'; NEW_PASSWORD='whatever'}
"""
    replay = write_replay(tmp_path, body)

    result = live(deployed, replay)

    # The call whose ${previous:Session} has no value fails alone, and the replay reports it.
    assert not result.ok
    assert result.results[2].record.error is not None
    assert "previous:Session" in result.results[2].record.error.message

    assert not deployed.user_exists("alice")
    assert deployed.table_items("InvitationsTable") == []


def test_users_the_calls_created_are_reported_without_allow_writes(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=deployed.tables["LegacyUsersTable"],
        Item={"realm": {"S": "default"}, "username": {"S": "legacy-bob"}},
    )
    replay = write_replay(tmp_path, MIGRATE, setup=None)

    result = live(deployed, replay, allow_writes=False)

    assert deployed.user_exists("legacy-bob")
    note = next(n for n in result.notes if "the calls created" in n)
    assert "legacy-bob" in note
    assert "admin-delete-user" in note


def test_other_traffic_is_not_mistaken_for_the_replay(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    deployed.add_user("alice")
    triggers.extra.append(("mallory", "PreAuthentication_Authentication"))
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD), setup=None)

    result = live(deployed, replay, allow_writes=False)

    assert fields(result, 0)[0] == ("PreAuthentication", "validationData")
    assert [len(r.record.invocations) for r in result.results] == [3, 1]
    note = next(n for n in result.notes if "matched no call" in n)
    assert "1 trigger record" in note
    assert "PreAuthentication for mallory" in note


def test_trigger_error_is_marked_on_its_invocation(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cognito's answer when PreAuthentication raises; moto cannot run the trigger, so the
    # call's error is stubbed and the trigger's record written as the real one would be.
    deployed.add_user("alice")
    message = "PreAuthentication failed with error This app version is no longer supported."

    def refuse(**kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        triggers.write(
            "PreAuthentication_Authentication",
            username="alice",
            validation_data={"appVersion": "1.0.0"},
        )
        error = {"Code": "UserLambdaValidationException", "Message": message}
        return AWSResponse("https://cognito", 400, {}, None), {"Error": error}

    deployed.session.events.register(
        "before-call.cognito-identity-provider.AdminInitiateAuth", refuse
    )
    body = """\
# expect: PreAuthentication=validationData error=UserLambdaValidationException
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='Passw0rd!demo'} `
    -ClientMetadata @{appVersion='1.0.0'}
"""
    result = live(deployed, write_replay(tmp_path, body, setup=None), allow_writes=False)

    invocation = result.results[0].record.invocations[0]
    assert invocation.error == {"code": "UserLambdaValidationException", "message": message}
    assert invocation.metadata == {"appVersion": "1.0.0"}
    assert result.ok, result.failures
    assert "vData!" in report.to_table(result)


def test_permission_to_read_logs_is_checked_before_any_call(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    def deny(**kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        error = {"Code": "AccessDeniedException", "Message": "not authorized"}
        return AWSResponse("https://logs", 400, {}, None), {"Error": error}

    deployed.session.events.register("before-call.cloudwatch-logs.FilterLogEvents", deny)
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD))

    with pytest.raises(LiveError) as raised:
        live(deployed, replay)

    assert str(raised.value).startswith("logs:FilterLogEvents on log group /aws/lambda/")
    assert "--profile" in str(raised.value)
    assert triggers.calls == 0
    assert not deployed.user_exists("alice")


def test_record_shape_is_the_project_triggers(deployed: Deployed) -> None:
    line, request_id = trigger_log_line(
        "PreAuthentication_Authentication",
        function_name="fn",
        username="alice",
        user_pool_id=deployed.user_pool_id,
        client_id=deployed.client_id,
        validation_data={"appVersion": "2.1.0", "extra": "x"},
    )
    record = json.loads(line)
    assert record["message"] == "trigger metadata"
    assert record["function_request_id"] == request_id
    assert record["metadataKeys"] == ["appVersion", "extra"]
    assert record["metadata"] == {"appVersion": "2.1.0"}  # undeclared values are not logged
    assert {"level", "location", "timestamp", "service", "function_name"} <= record.keys()


@pytest.mark.parametrize(
    ("user", "problem"),
    [
        ({"status": "UNCONFIRMED", "password": PASSWORD}, "has status UNCONFIRMED"),
        ({"password": PASSWORD, "mfa": {"sms": True}}, "has MFA settings"),
        ({}, "has no password in the setup"),
    ],
)
def test_a_setup_a_real_pool_cannot_hold_is_refused_first(
    tmp_path: Path, user: dict[str, Any], problem: str
) -> None:
    setup = {"users": [{"username": "carol", **user}]}
    replay = write_replay(tmp_path, SIGN_IN.format(password=PASSWORD), setup=setup)

    # No session, no stack: refused before anything reaches AWS.
    with pytest.raises(LiveError, match=f"user 'carol' {problem}"):
        run_live(replay, stack_name="any", allow_writes=True)


def test_the_region_comes_from_the_pool_id_when_nothing_else_gives_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION")
    (tmp_path / "config").write_text("[profile other]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))

    assert aws_session(region=None, profile=None, user_pool_id="eu-west-1_Ab1").region_name == (
        "eu-west-1"
    )
    assert aws_session(region="ap-south-1", profile=None).region_name == "ap-south-1"
    with pytest.raises(LiveError, match=r"^no AWS region: pass --region"):
        aws_session(region=None, profile=None)
    with pytest.raises(LiveError, match=r"^AWS profile 'missing' not found"):
        aws_session(region=None, profile="missing")


def test_a_failed_cleanup_says_what_to_delete_by_hand(
    tmp_path: Path, deployed: Deployed, triggers: TriggerLogs
) -> None:
    def deny(**kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        error = {"Code": "AccessDeniedException", "Message": "not authorized"}
        return AWSResponse("https://cognito", 400, {}, None), {"Error": error}  # type: ignore[arg-type]

    deployed.session.events.register("before-call.cognito-identity-provider.AdminDeleteUser", deny)

    result = live(deployed, write_replay(tmp_path, SIGN_IN.format(password=PASSWORD)))

    note = next(n for n in result.notes if n.startswith("cleanup FAILED"))
    assert "user alice (AccessDeniedException: not authorized; run: aws cognito-idp" in note
    assert f"--user-pool-id {deployed.user_pool_id} --username alice" in note
    assert deployed.user_exists("alice")
    assert deployed.table_items("LegacyUsersTable") == []  # the rest was still cleaned up
    assert "cleanup FAILED" in report.to_table(result)
