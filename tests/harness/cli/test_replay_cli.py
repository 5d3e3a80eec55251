"""`harness replay` through its public command line (click's CliRunner, in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.stack import Stack
from tests.support.paths import ROOT

REPLAYS = ROOT / "events" / "replays"
SAMPLES = ["sample.ps1", "aws-cli.sh", "calls.json", "cloudtrail.json"]


def runner(env: dict[str, str] | None = None) -> CliRunner:
    """stdout and stderr apart (click 8.1 mixes them unless told; 8.2 always separates)."""
    try:
        return CliRunner(env=env, mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner(env=env)


def run(*args: str) -> Result:
    return runner().invoke(main, [*args], catch_exceptions=False)


def replay_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = run("replay", "--template", str(ROOT / "template.yaml"), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def fields(call: dict) -> dict[str, str | None]:  # type: ignore[type-arg]
    return {i["trigger"]: i["metadataField"] for i in call["invocations"]}


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_replay_meets_its_expectations(sample: str) -> None:
    report = replay_json(str(REPLAYS / sample))
    assert report["ok"] is True
    assert report["calls"]
    assert all(c["expectations"]["failures"] == [] for c in report["calls"])


def test_sample_table_shows_which_trigger_got_the_metadata() -> None:
    result = run("replay", "--template", str(ROOT / "template.yaml"), str(REPLAYS / "sample.ps1"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Replay of sample.ps1"
    header = ["Line", "Call", "Migrate", "PreAuth", "PostAuth", "PreToken", "Outcome"]
    assert lines[1].split() == header
    first = lines[3].split()
    assert first[:3] == ["13", "AdminInitiateAuth", "alice"]
    assert first[3:] == ["·", "vData", "none", "none", "✓", "tokens"]
    assert "NotAuthorizedException: Incorrect username or password." in result.stdout
    assert "expectations: 5/5 met" in result.stdout
    assert all(len(line) <= 100 for line in lines)


def test_seed_powershell_line_routes_metadata_as_the_reference_says(tmp_path: Path) -> None:
    # The seed's syntax: Start-CGIPAuthAdmin -UserPoolId -ClientId -AuthFlow -AuthParameter
    # -ClientMetadata, for a user the pool knows and one only the legacy store knows.
    script = tmp_path / "seed.ps1"
    script.write_text(
        "# harness-setup: " + str(REPLAYS / "sample.setup.json") + "\n"
        "Start-CGIPAuthAdmin -UserPoolId us-east-1_AbCdEf123 -ClientId 1example23456789abcdefghij "
        "-AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{USERNAME='alice'; "
        "PASSWORD=$env:ALICE_PASSWORD} -ClientMetadata @{appVersion='2.1.0'; tenant='acme'} "
        "-Select '*' -Force\n"
        "Start-CGIPAuthAdmin -UserPoolId us-east-1_AbCdEf123 -ClientId 1example23456789abcdefghij "
        "-AuthFlow ADMIN_USER_PASSWORD_AUTH -AuthParameter @{USERNAME='legacy-bob'; "
        "PASSWORD='LegacyPassw0rd!demo'} -ClientMetadata @{appVersion='2.1.0'}\n"
    )
    result = runner({"ALICE_PASSWORD": "Passw0rd!demo"}).invoke(
        main, ["replay", "--template", str(ROOT / "template.yaml"), "--format", "json", str(script)]
    )
    assert result.exit_code == 0, result.output
    alice, bob = json.loads(result.stdout)["calls"]
    assert fields(alice) == {
        "PreAuthentication": "validationData",
        "PostAuthentication": None,
        "PreTokenGeneration": None,
    }
    assert alice["invocations"][0]["metadata"] == {"appVersion": "2.1.0", "tenant": "acme"}
    assert fields(bob) == {
        "UserMigration": "validationData",
        "PostAuthentication": None,
        "PreTokenGeneration": None,
    }
    assert alice["outcome"]["status"] == bob["outcome"]["status"] == "tokens"
    assert alice["outcome"]["claims"]["id"]["tenant"] == "acme"


def test_json_report_has_the_documented_shape() -> None:
    report = replay_json(str(REPLAYS / "sample.ps1"))
    assert set(report) == {
        "version", "template", "invoker", "userPoolId", "clientId", "idMap", "settings", "ok",
        "calls", "skipped",
    }  # fmt: skip
    call = report["calls"][0]
    assert set(call) == {
        "operation",
        "source",
        "invocations",
        "deliveries",
        "outcome",
        "durationMs",
        "expectations",
    }
    assert set(call["invocations"][0]) == {
        "trigger", "triggerSource", "function", "runtime", "metadataField", "metadata",
        "durationMs", "initDurationMs", "error",
    }  # fmt: skip
    assert call["invocations"][0]["runtime"] == "python3.11"
    assert report["idMap"]["us-east-1_AbCdEf123"] == report["userPoolId"]
    error = report["calls"][1]["outcome"]
    assert error == {
        "status": "error",
        "code": "NotAuthorizedException",
        "message": "Incorrect username or password.",
    }


def test_markdown_report_for_pull_requests() -> None:
    result = run(
        "replay",
        "--format",
        "markdown",
        "--template",
        str(ROOT / "template.yaml"),
        str(REPLAYS / "sample.ps1"),
    )
    assert result.exit_code == 0
    assert (
        "| `sample.ps1:13` | AdminInitiateAuth alice | — | `validationData` | ran without | "
        "ran without | ✅ tokens |" in result.stdout
    )


def test_verbose_report_redacts_every_secret() -> None:
    report = replay_json("--verbose", str(REPLAYS / "sample.ps1"))
    text = json.dumps(report)
    setup = json.loads((REPLAYS / "sample.setup.json").read_text())
    passwords = [u["password"] for u in setup["users"]] + [
        u["password"] for u in setup["tables"]["LegacyUsersTable"]
    ]
    assert passwords
    for password in passwords:
        assert password not in text
    migration = report["calls"][2]["invocations"][0]
    assert migration["event"]["request"]["password"] == "[REDACTED]"
    assert "RefreshToken" not in text or '"RefreshToken": "[REDACTED]"' in text
    assert "eyJ" not in text  # no bearer token: JWTs appear as their claims


def test_broken_expectation_exits_1_and_says_which(tmp_path: Path) -> None:
    call = {
        "operation": "AdminInitiateAuth",
        "request": {
            "UserPoolId": "us-east-1_AbCdEf123",
            "ClientId": "c",
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
            "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"},
        },
        # The misunderstanding this project exists for: post-auth never gets it here.
        "expect": {"PostAuthentication": "validationData"},
    }
    replay = tmp_path / "wrong.jsonl"
    replay.write_text(json.dumps(call) + "\n")
    setup = str(REPLAYS / "sample.setup.json")
    result = run("replay", "--template", str(ROOT / "template.yaml"), "--setup", setup, str(replay))
    assert result.exit_code == 1
    assert (
        "EXPECTATION FAILED: expected PostAuthentication to receive validationData, but it "
        "received none" in " ".join(result.stdout.split())
    )
    assert "1 expectation(s) failed" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Start-CGIPAuthAdmin -UserPoolId p -ClientId c -AuthFlow ADMIN_USER_PASSWORD_AUTH "
            "-Bogus 1\n",
            "bad.ps1:1",
        ),
        (
            "Start-CGIPAuthAdmin -UserPoolId p -ClientId c -AuthParameter @{USERNAME='a'\n",
            "bad.ps1:1",
        ),
    ],
)
def test_malformed_replay_exits_2_with_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.ps1"
    bad.write_text(content)
    result = run("replay", "--template", str(ROOT / "template.yaml"), str(bad))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_setting_and_missing_template_exit_2(tmp_path: Path) -> None:
    result = run("replay", "--set", "no_such=1", str(REPLAYS / "sample.ps1"))
    assert result.exit_code == 2
    assert "unknown setting 'no_such'" in result.stderr
    result = run("replay", "--template", str(tmp_path / "none.yaml"), str(REPLAYS / "sample.ps1"))
    assert result.exit_code == 2
    assert "none.yaml" in result.stderr


def test_a_setting_changes_what_runs_and_the_expectation_catches_it() -> None:
    result = run(
        "replay",
        "--template",
        str(ROOT / "template.yaml"),
        "--format",
        "json",
        "--set",
        "migration_runs_pre_authentication=true",
        str(REPLAYS / "sample.ps1"),
    )
    assert result.exit_code == 1  # sample.ps1 expects PreAuthentication=not-run on migration
    report = json.loads(result.stdout)
    bob = report["calls"][2]
    assert list(fields(bob)) == [
        "UserMigration",
        "PreAuthentication",
        "PostAuthentication",
        "PreTokenGeneration",
    ]
    assert bob["expectations"]["failures"] == ["expected PreAuthentication not to run, but it ran"]
    assert report["settings"]["migration_runs_pre_authentication"] is True


def test_routing_and_settings_commands_print_the_tables() -> None:
    routing = run("routing").stdout
    assert (
        "| AdminInitiateAuth, InitiateAuth | PostAuthentication | — (runs without it) |" in routing
    )
    assert "`refresh_client_metadata_field`" in run("settings").stdout


def test_readme_generated_blocks_are_current() -> None:
    from harness import docs

    assert docs.render(docs.README.read_text()) == docs.README.read_text(), (
        "README.md is stale: run `.venv/bin/python -m harness.docs`"
    )


def test_live_replay_refuses_writes_before_any_aws_call() -> None:
    # The sample's setup would create users in the real pool: refused without --allow-writes,
    # before a single request (no network here, so a request would fail differently).
    result = run("replay", "--live", "--stack-name", "demo", str(REPLAYS / "sample.ps1"))
    assert result.exit_code == 2
    assert "creates 1 user (alice)" in result.stderr
    assert "pass --allow-writes" in result.stderr


def test_live_flags_reach_the_live_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    import harness.replay.live
    from harness.aws.deployed import LiveError

    seen: dict[str, object] = {}

    def fake_run_live(replay: object, **options: object) -> object:
        seen.update(options)
        raise LiveError("stop here")  # an input error, as the real one raises them

    monkeypatch.setattr(harness.replay.live, "run_live", fake_run_live)
    result = run(
        "replay", "--live", "--user-pool-id", "us-east-1_X", "--client-id", "abc",
        "--region", "eu-west-1", "--profile", "dev", "--allow-writes", "--log-wait", "3",
        str(REPLAYS / "sample.ps1"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == "Error: stop here\n"
    assert seen == {
        "stack_name": None,
        "user_pool_id": "us-east-1_X",
        "client_id": "abc",
        "region": "eu-west-1",
        "profile": "dev",
        "allow_writes": True,
        "log_wait_seconds": 3.0,
        "progress": None,
        "stack": seen["stack"],
    }
    assert isinstance(seen["stack"], Stack)  # its tables' seeders write the setup live
    both = run(
        "replay", "--live", "--invoke", "rie", "--stack-name", "s", str(REPLAYS / "sample.ps1")
    )
    assert both.exit_code == 2
    assert "drop --invoke" in both.stderr
