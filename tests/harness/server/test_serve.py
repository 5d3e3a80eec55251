"""`harness serve`: a real HTTP endpoint on 127.0.0.1, driven by boto3 and the AWS CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer
from tests.support.paths import ROOT

# Slow: harness serve on 127.0.0.1 in a thread, and the AWS CLI as a process.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"


class Served:
    def __init__(self, emulator: Emulator, server: CognitoServer, out: io.StringIO) -> None:
        self.emulator = emulator
        self.server = server
        self.out = out
        self.client = boto3.client(
            "cognito-idp",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    @property
    def pool(self) -> str:
        return self.emulator.user_pool_id

    @property
    def app_client(self) -> str:
        return self.emulator.client_id

    def report(self) -> dict:  # type: ignore[type-arg]
        with urllib.request.urlopen(f"{self.server.endpoint}/_harness/invocations") as answer:
            return json.loads(answer.read())  # type: ignore[no-any-return]


def serve(template: Path, record: Path | None = None) -> Iterator[Served]:
    out = io.StringIO()
    with Emulator(template) as emulator:
        server = CognitoServer(CognitoApp(emulator, out=out, record=record), port=0).start()
        try:
            yield Served(emulator, server, out)
        finally:
            server.stop()


@pytest.fixture
def project() -> Iterator[Served]:
    yield from serve(ROOT / "template.yaml")


@pytest.fixture
def custom() -> Iterator[Served]:
    yield from serve(FIXTURES / "template.yaml")


def fields(report: dict, call: int) -> dict[str, str | None]:  # type: ignore[type-arg]
    return {i["trigger"]: i["metadataField"] for i in report["calls"][call]["invocations"]}


def test_sign_up_and_sign_in_over_http(project: Served) -> None:
    project.emulator.put_items(
        "InvitationsTable", [{"code": "INVITE-123", "email": "carol@example.com"}]
    )
    client = project.client
    signed_up = client.sign_up(
        ClientId=project.app_client,
        Username="carol",
        Password="Carol-passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
        ValidationData=[{"Name": "invitationCode", "Value": "INVITE-123"}],
        ClientMetadata={"appVersion": "2.1.0"},
    )
    assert signed_up["UserConfirmed"] is True
    signed_in = client.admin_initiate_auth(
        UserPoolId=project.pool,
        ClientId=project.app_client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "Carol-passw0rd!"},
        ClientMetadata={"appVersion": "2.1.0"},
    )
    assert "IdToken" in signed_in["AuthenticationResult"]
    report = project.report()
    # SignUp: ValidationData -> validationData, ClientMetadata -> clientMetadata (contract 3)
    sign_up_call = report["calls"][0]["invocations"][0]
    assert sign_up_call["trigger"] == "PreSignUp"
    assert sign_up_call["metadataField"] == "clientMetadata"
    assert fields(report, 1) == {
        "PreAuthentication": "validationData",
        "PostAuthentication": None,
        "PreTokenGeneration": None,
    }
    lines = project.out.getvalue().splitlines()
    assert lines[1].startswith("AdminInitiateAuth carol  PreAuth=vData PostAuth=none PreToken=none")


def test_migrating_user_and_wrong_password_errors_have_cognitos_shape(project: Served) -> None:
    project.emulator.put_items(
        "LegacyUsersTable",
        [
            {
                "username": "bob",
                "password": "Legacy-pa55!",
                "email": "b@example.com",
                "iterations": 1000,
            }
        ],
    )
    client = project.client
    client.admin_initiate_auth(
        UserPoolId=project.pool,
        ClientId=project.app_client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Legacy-pa55!"},
        ClientMetadata={"appVersion": "2.1.0"},
    )
    with pytest.raises(client.exceptions.NotAuthorizedException) as raised:
        client.admin_initiate_auth(
            UserPoolId=project.pool,
            ClientId=project.app_client,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bob", "PASSWORD": "wrong"},
            ClientMetadata={"appVersion": "2.1.0"},
        )
    assert raised.value.response["Error"]["Message"] == "Incorrect username or password."
    report = project.report()
    assert fields(report, 0)["UserMigration"] == "validationData"
    assert fields(report, 1) == {"PreAuthentication": "validationData"}
    # Operations the emulator does not implement are moto's, on the same pool:
    user = client.admin_get_user(UserPoolId=project.pool, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"


def test_custom_auth_round_and_refresh_over_http(custom: Served) -> None:
    custom.emulator.add_user("dana", password="Dana-passw0rd!")
    client = custom.client
    started = client.admin_initiate_auth(
        UserPoolId=custom.pool,
        ClientId=custom.app_client,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "dana"},
        ClientMetadata={"device": "kiosk"},
    )
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"]["question"] == "6 x 7?"
    answered = client.admin_respond_to_auth_challenge(
        UserPoolId=custom.pool,
        ClientId=custom.app_client,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "dana", "ANSWER": "42"},
        ClientMetadata={"device": "kiosk"},
    )
    tokens = answered["AuthenticationResult"]
    refreshed = client.admin_initiate_auth(
        UserPoolId=custom.pool,
        ClientId=custom.app_client,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )
    assert "RefreshToken" not in refreshed["AuthenticationResult"]
    report = custom.report()
    assert fields(report, 0) == {"DefineAuthChallenge": None, "CreateAuthChallenge": None}
    assert [i["metadataField"] for i in report["calls"][1]["invocations"]] == ["clientMetadata"] * 2
    assert report["calls"][2]["invocations"] == []


def test_tokens_verify_against_the_served_jwks(project: Served) -> None:
    project.emulator.add_user(
        "alice", password="Passw0rd!demo", attributes={"custom:tenant": "acme"}
    )
    result = project.client.admin_initiate_auth(
        UserPoolId=project.pool,
        ClientId=project.app_client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
        ClientMetadata={"appVersion": "2.1.0", "tenant": "acme"},
    )["AuthenticationResult"]
    url = f"{project.server.endpoint}/{project.pool}/.well-known/jwks.json"
    with urllib.request.urlopen(url) as answer:
        keys = KeySet.import_key_set(json.loads(answer.read()))
    token = jwt.decode(result["IdToken"], keys)
    assert token.claims["tenant"] == "acme"
    assert token.claims["cognito:username"] == "alice"


def test_aws_cli_admin_initiate_auth_with_client_metadata(project: Served, tmp_path: Path) -> None:
    project.emulator.add_user(
        "alice", password="Passw0rd!demo", attributes={"custom:tenant": "acme"}
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    aws = [sys.executable, "-m", "awscli", "cognito-idp", "--endpoint-url", project.server.endpoint]
    done = subprocess.run(
        [
            *aws,
            "admin-initiate-auth",
            "--user-pool-id",
            project.pool,
            "--client-id",
            project.app_client,
            "--auth-flow",
            "ADMIN_USER_PASSWORD_AUTH",
            "--auth-parameters",
            "USERNAME=alice,PASSWORD=Passw0rd!demo",
            "--client-metadata",
            "appVersion=2.1.0,tenant=acme",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "IdToken" in json.loads(done.stdout)["AuthenticationResult"]
    invocation = project.report()["calls"][0]["invocations"][0]
    assert invocation["trigger"] == "PreAuthentication"
    assert invocation["metadataField"] == "validationData"
    assert invocation["metadata"] == {"appVersion": "2.1.0", "tenant": "acme"}
    wrong = subprocess.run(
        [
            *aws,
            "admin-initiate-auth",
            "--user-pool-id",
            project.pool,
            "--client-id",
            project.app_client,
            "--auth-flow",
            "ADMIN_USER_PASSWORD_AUTH",
            "--auth-parameters",
            "USERNAME=alice,PASSWORD=nope",
            "--client-metadata",
            "appVersion=2.1.0,tenant=acme",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert wrong.returncode != 0
    assert "NotAuthorizedException" in wrong.stderr
    assert "Incorrect username or password." in wrong.stderr


def test_record_then_replay_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.replay.loader import load_replay
    from harness.replay.runner import run_replay
    from harness.report import to_json
    from harness.stack import load_stack

    recording = tmp_path / "served.jsonl"
    for served in serve(ROOT / "template.yaml", record=recording):
        served.emulator.add_user(
            "alice", password="Passw0rd!demo", attributes={"custom:tenant": "acme"}
        )
        for password in ("Passw0rd!demo", "wrong"):
            with contextlib.suppress(served.client.exceptions.NotAuthorizedException):
                served.client.admin_initiate_auth(
                    UserPoolId=served.pool,
                    ClientId=served.app_client,
                    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "alice", "PASSWORD": password},
                    ClientMetadata={"appVersion": "2.1.0", "tenant": "acme"},
                )
        live = served.report()
    text = recording.read_text()
    assert "Passw0rd!demo" not in text
    assert "${env:HARNESS_PASSWORD_ALICE}" in text
    setup = tmp_path / "setup.json"
    setup.write_text(
        json.dumps(
            {
                "users": [
                    {
                        "username": "alice",
                        "password": "Passw0rd!demo",
                        "attributes": {"custom:tenant": "acme"},
                    }
                ]
            }
        )
    )
    assert "${env:HARNESS_PASSWORD_ALICE_2}" in text  # the wrong one is another value
    monkeypatch.setenv("HARNESS_PASSWORD_ALICE", "Passw0rd!demo")
    monkeypatch.setenv("HARNESS_PASSWORD_ALICE_2", "wrong")
    replayed = to_json(
        run_replay(load_replay([recording], setup), load_stack(ROOT / "template.yaml"))
    )
    assert replayed["ok"] is True  # the recorded expectations (routing and outcome) hold

    def shape(report: dict) -> list:  # type: ignore[type-arg]
        return [
            (
                c["operation"],
                c["outcome"]["status"],
                [(i["trigger"], i["metadataField"], i["metadata"]) for i in c["invocations"]],
            )
            for c in report["calls"]
        ]

    assert shape(replayed) == shape(live)


def test_pools_created_through_the_api_get_triggers_only_when_asked() -> None:
    for wire in (False, True):
        out = io.StringIO()
        with Emulator(ROOT / "template.yaml") as emulator:
            app = CognitoApp(emulator, out=out, wire_created_pools=wire)
            server = CognitoServer(app, port=0).start()
            try:
                client = Served(emulator, server, out).client
                pool = client.create_user_pool(PoolName="made-by-app")["UserPool"]["Id"]
                app_client = client.create_user_pool_client(
                    UserPoolId=pool,
                    ClientName="made-by-app",
                    ExplicitAuthFlows=[
                        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                        "ALLOW_REFRESH_TOKEN_AUTH",
                    ],
                )["UserPoolClient"]["ClientId"]
                client.admin_create_user(UserPoolId=pool, Username="finn", MessageAction="SUPPRESS")
                client.admin_set_user_password(
                    UserPoolId=pool, Username="finn", Password="Finn-passw0rd!", Permanent=True
                )
                client.admin_initiate_auth(
                    UserPoolId=pool,
                    ClientId=app_client,
                    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "finn", "PASSWORD": "Finn-passw0rd!"},
                    ClientMetadata={"appVersion": "2.1.0"},
                )
                report = Served(emulator, server, out).report()
            finally:
                server.stop()
        if wire:
            sign_in = report["calls"][-1]
            assert sign_in["operation"] == "AdminInitiateAuth"
            assert fields(report, -1) == {
                "PreAuthentication": "validationData",
                "PostAuthentication": None,
                "PreTokenGeneration": None,
            }
            assert report["idMap"] == {}  # the call named the created pool, not the template's
            assert "template triggers wired" in out.getvalue()
        else:
            # moto answered every call for its own pool: each has its row in the report, but
            # nothing was emulated, no trigger ran, and nothing was mapped onto the template's.
            assert [c["operation"] for c in report["calls"]] == [
                "CreateUserPool",
                "CreateUserPoolClient",
                "AdminCreateUser",
                "AdminSetUserPassword",
                "AdminInitiateAuth",
            ]
            assert all(c["invocations"] == [] for c in report["calls"])
            assert report["calls"][-1]["outcome"]["status"] == "tokens"
            assert report["idMap"] == {}
