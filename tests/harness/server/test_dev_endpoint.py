"""`harness serve` as a development endpoint: stable ids, edited trigger code picked up."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer
from tests.support.endpoint import admin_sign_in, endpoint_client
from tests.support.paths import ROOT

# Slow: harness serve on 127.0.0.1 in a thread.
pytestmark = pytest.mark.slow

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: reload-tests}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool, ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH]}
  PreAuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      CodeUri: code/
      Handler: reload_hook.handler
      Events:
        Hook: {Type: Cognito, Properties: {Trigger: PreAuthentication, UserPool: !Ref Pool}}
"""

HOOK = """\
def handler(event, context):
    {body}
    return event
"""


def ids_of(template: Path) -> tuple[str, str]:
    with Emulator(template, stable_ids=True) as emulator:
        return emulator.user_pool_id, emulator.client_id


def test_two_starts_of_one_template_give_the_same_cognito_shaped_ids() -> None:
    first, second = ids_of(ROOT / "template.yaml"), ids_of(ROOT / "template.yaml")
    assert first == second
    pool_id, client_id = first
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool_id)
    assert re.fullmatch(r"[0-9a-z]{26}", client_id)
    # Another template's pool gets other ids.
    other = ids_of(ROOT / "tests" / "harness" / "server" / "fixtures" / "template.yaml")
    assert other[0] != pool_id
    assert other[1] != client_id


def test_a_stable_pool_id_is_the_pool_moto_serves(tmp_path: Path) -> None:
    with Emulator(ROOT / "template.yaml", stable_ids=True) as emulator:
        server = CognitoServer(CognitoApp(emulator), port=0).start()
        try:
            client = endpoint_client(server.endpoint)
            pool = client.describe_user_pool(UserPoolId=emulator.user_pool_id)["UserPool"]
            assert pool["Id"] == emulator.user_pool_id
            assert pool["Arn"].endswith(f"userpool/{emulator.user_pool_id}")
            app = client.describe_user_pool_client(
                UserPoolId=emulator.user_pool_id, ClientId=emulator.client_id
            )["UserPoolClient"]
            assert app["ClientId"] == emulator.client_id
        finally:
            server.stop()


def test_edited_trigger_code_runs_at_the_next_call(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    code = tmp_path / "code"
    code.mkdir()
    hook = code / "reload_hook.py"
    hook.write_text(HOOK.format(body="pass"))
    out = io.StringIO()
    with Emulator(tmp_path / "template.yaml", stable_ids=True) as emulator:
        emulator.add_user("alice", password="Passw0rd!demo")
        server = CognitoServer(CognitoApp(emulator, out=out, watch=True), port=0).start()
        try:
            client = endpoint_client(server.endpoint)

            def sign_in() -> str:
                try:
                    admin_sign_in(
                        client, emulator.user_pool_id, emulator.client_id, "alice", "Passw0rd!demo"
                    )
                except client.exceptions.UserLambdaValidationException as refused:
                    return str(refused.response["Error"]["Message"])
                return "tokens"

            assert sign_in() == "tokens"
            hook.write_text(HOOK.format(body='raise Exception("closed for maintenance")'))
            later = os.stat(hook).st_mtime + 2  # a coarse file system clock must see a change
            os.utime(hook, (later, later))
            assert sign_in() == "PreAuthentication failed with error closed for maintenance."
            assert "(trigger code changed: reloaded)" in out.getvalue()
        finally:
            server.stop()


def test_with_no_reload_the_loaded_code_stays(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("reload_hook", "kept_hook"))
    code = tmp_path / "code"
    code.mkdir()
    hook = code / "kept_hook.py"
    hook.write_text(HOOK.format(body="pass"))
    with Emulator(tmp_path / "template.yaml") as emulator:
        emulator.add_user("alice", password="Passw0rd!demo")
        app = CognitoApp(emulator, watch=False)  # serve --no-reload
        params = {
            "UserPoolId": emulator.user_pool_id,
            "ClientId": emulator.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
        }
        assert emulator.call("AdminInitiateAuth", params).error is None
        hook.write_text(HOOK.format(body="raise Exception('x')"))
        later = os.stat(hook).st_mtime + 2
        os.utime(hook, (later, later))
        app._reload_if_changed()
        assert emulator.call("AdminInitiateAuth", params).error is None


def test_a_syntax_error_in_a_trigger_is_shown_with_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("reload_hook", "broken_hook"))
    code = tmp_path / "code"
    code.mkdir()
    (code / "broken_hook.py").write_text("def handler(event, context)\n    return event\n")
    out = io.StringIO()
    with Emulator(tmp_path / "template.yaml") as emulator:
        emulator.add_user("alice", password="Passw0rd!demo")
        server = CognitoServer(CognitoApp(emulator, out=out), port=0).start()
        try:
            client = endpoint_client(server.endpoint)
            with pytest.raises(client.exceptions.UnexpectedLambdaException) as refused:
                admin_sign_in(
                    client, emulator.user_pool_id, emulator.client_id, "alice", "Passw0rd!demo"
                )
        finally:
            server.stop()
    # Cognito's answer names the runtime error only, as Lambda's python runtime reports it...
    assert refused.value.response["Error"]["Message"] == (
        "PreAuthentication invocation failed due to error Runtime.UserCodeSyntaxError."
    )
    # ...and its row says what and where, for the developer.
    assert (
        "(PreAuthFunction: Runtime.UserCodeSyntaxError: Syntax error in module 'broken_hook': "
        "expected ':' (broken_hook.py, line 1))"
    ) in out.getvalue()
