"""Several app clients and client secrets: every client exists, --client chooses where unknown
ids map, and callers that act as the SDK compute SECRET_HASH from the emulated secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.emulator import Emulator
from harness.emulator.overrides import SetupError
from harness.replay.recorder import sanitize
from harness.server import banner
from harness.stack import TemplateError, load_stack
from harness.testing import CognitoPool
from tests.harness.stack.test_own_stack_cli import run

TEMPLATE = """\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: two-clients
  WebClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: web
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  ServerClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: server
      GenerateSecret: true
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
"""
PASSWORD = "Passw0rd!demo"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return path


def admin_auth(client_id: str, **extra: str) -> dict:  # type: ignore[type-arg]
    return {
        "UserPoolId": "us-east-1_Deployed1",
        "ClientId": client_id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, **extra},
    }


def test_every_client_is_created_and_calls_use_the_one_they_name(template: Path) -> None:
    with Emulator(load_stack(template), client="web") as emu:
        assert set(emu.client_ids) == {"WebClient", "ServerClient"}
        assert emu.client_spec.logical_id == "WebClient"  # chosen by ClientName
        emu.add_user("alice", password=PASSWORD)
        # The server client's own id: its flags and its secret apply.
        server = emu.client_ids["ServerClient"]
        refused = emu.call("AdminInitiateAuth", admin_auth(server))
        assert refused.error is not None
        assert "SECRET_HASH was not received" in refused.error.message  # as a raw call: serve
        computed = emu.call("AdminInitiateAuth", admin_auth(server), act_as_sdk=True)
        assert computed.outcome["status"] == "tokens"
        # An unknown (deployed) id maps onto the chosen client, whose flags refuse ADMIN_...
        mapped = emu.call("AdminInitiateAuth", admin_auth("deployedwebclient0000000000"))
        assert mapped.error is not None
        assert mapped.error.code == "InvalidParameterException"
        assert emu.id_map["deployedwebclient0000000000"] == emu.client_ids["WebClient"]


def test_a_client_is_named_by_logical_id_or_name(template: Path) -> None:
    stack = load_stack(template)
    with pytest.raises(TemplateError, match="--client LOGICAL_ID_OR_NAME"):
        Emulator(stack)
    with pytest.raises(SetupError, match="no client 'mobile'"):
        Emulator(stack, client="mobile")
    assert Emulator(stack, client="ServerClient").client_spec.name == "server"
    assert Emulator(stack, require_client=False).client_spec.logical_id == "WebClient"


def test_replay_with_client_option_and_computed_secret_hash(template: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.json"
    calls.write_text(
        json.dumps(
            {
                "setup": {"users": [{"username": "alice", "password": PASSWORD}]},
                "calls": [
                    {
                        "operation": "AdminInitiateAuth",
                        "request": admin_auth("deployedserverclient000000"),
                        "expect": {"outcome": "tokens"},
                    }
                ],
            }
        )
    )
    ambiguous = run("replay", "-t", str(template), str(calls))
    assert ambiguous.exit_code == 2
    assert "2 resources of type AWS::Cognito::UserPoolClient" in ambiguous.stderr
    assert "--client" in ambiguous.stderr

    result = run(
        "replay", "-t", str(template), "--client", "server", "--format", "json", str(calls)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["calls"][0]["outcome"]["status"] == "tokens"
    assert "SECRET_HASH" not in json.dumps(report["calls"][0].get("request", {}))


def test_the_plugins_boto3_client_sends_no_secret_hash_of_its_own(template: Path) -> None:
    """boto3 computes no SECRET_HASH: against AWS the app's code adds it, so here too."""
    with CognitoPool(load_stack(template), client="ServerClient") as pool:
        pool.add_user("alice", password=PASSWORD)
        client = pool.client
        with pytest.raises(client.exceptions.NotAuthorizedException) as refused:
            client.admin_initiate_auth(**admin_auth(pool.client_id))
        assert refused.value.response["Error"]["Message"] == (
            f"Client {pool.client_id} is configured with secret but SECRET_HASH was not received"
        )
        secret_hash = pool.emulator.secret_hash("alice")
        assert secret_hash
        answer = client.admin_initiate_auth(**admin_auth(pool.client_id, SECRET_HASH=secret_hash))
        assert "AccessToken" in answer["AuthenticationResult"]


def test_serve_banner_lists_every_client_with_its_secret(template: Path) -> None:
    with Emulator(load_stack(template), require_client=False) as emu:
        text = banner(emu, "http://127.0.0.1:1")
        secret = emu.client_secrets()["ServerClient"]
        assert secret
        assert f"ClientId      {emu.client_ids['WebClient']}   (web)\n" in text
        assert (
            f"ClientId      {emu.client_ids['ServerClient']}   (server)   secret {secret}" in text
        )


def test_recordings_leave_the_secret_hash_to_the_replay() -> None:
    params = {
        "ClientId": "c",
        "SecretHash": "abc=",
        "Username": "alice",
        "AuthParameters": {"USERNAME": "alice", "SECRET_HASH": "abc="},
    }
    cleaned, needed = sanitize(params, None)
    assert "SecretHash" not in cleaned
    assert cleaned["AuthParameters"] == {"USERNAME": "alice"}
    assert not any("SECRET_HASH" in name for name in needed)
