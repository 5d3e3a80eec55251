"""Node.js and TypeScript triggers run the way Lambda runs them: ``--invoke auto``, the default,
starts their ``sam build`` package under the Lambda runtime interface emulator with AWS's
Node.js runtime client.

Three stacks of this folder: a CommonJS pre sign-up (callback handler, in a subfolder, with the
AWS SDK from its own node_modules), an ES-module pre authentication (``"type": "module"``, a
package from a local layer), and a TypeScript custom-auth trio bundled by ``sam build`` with
esbuild. Slow: each builds its stack once and starts Node.js runtimes.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.testing import CognitoPool

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CJS = HERE / "cjs_presignup" / "template.yaml"
ESM = HERE / "esm_preauth" / "template.yaml"
TS = HERE / "ts_custom_auth" / "template.yaml"


@pytest.fixture(scope="module")
def cjs_pool() -> Iterator[CognitoPool]:
    """The CommonJS stack's pool, built once (its environment stays warm between tests)."""
    with CognitoPool(CJS) as pool:
        pool.put_items("InvitesTable", [{"code": "INV-1", "email": "carol@example.com"}])
        yield pool


def _sign_up(pool: CognitoPool, email: str, validation: dict[str, str]) -> Any:
    return pool.call(
        "SignUp",
        ClientId=pool.client_id,
        Username=email,
        Password="Passw0rd!node",
        UserAttributes=[{"Name": "email", "Value": email}],
        ValidationData=[{"Name": k, "Value": v} for k, v in validation.items()],
    )


def test_commonjs_pre_sign_up_reads_validation_data_and_its_table(cjs_pool: CognitoPool) -> None:
    call = _sign_up(cjs_pool, "carol@example.com", {"invitationCode": "INV-1"})

    # The handler's AWS SDK (its own node_modules) found the invite in the emulated table.
    assert call.outcome == {"status": "ok"}
    assert call.response["UserConfirmed"] is True
    run = call.invocations[-1]
    assert (run.runtime, run.function, run.metadata_field) == (
        "nodejs20.x",
        "PreSignUpFunction",
        "validationData",
    )
    assert run.metadata == {"invitationCode": "INV-1"}
    # (an email-as-username pool names the user by its sub in the event)
    assert "(validationData keys: invitationCode)" in run.logs


def test_commonjs_pre_sign_up_refusal_is_cognitos_validation_error(cjs_pool: CognitoPool) -> None:
    call = _sign_up(cjs_pool, "dan@example.com", {})

    assert call.outcome == {
        "status": "error",
        "code": "UserLambdaValidationException",
        "message": "PreSignUp failed with error An invitation code is required.",
    }
    wrong = _sign_up(cjs_pool, "eve@example.com", {"invitationCode": "INV-1"})
    # The invitation code is a secret: the report never shows it, even in an error message.
    assert wrong.outcome["message"] == (
        "PreSignUp failed with error Invitation [REDACTED] is not for this address."
    )


def test_a_node_function_gets_lambdas_environment(cjs_pool: CognitoPool) -> None:
    cjs_pool.emulator.invoker.recycle("PreSignUpFunction")  # type: ignore[attr-defined]
    call = _sign_up(cjs_pool, "fay@example.com", {"invitationCode": "none"})

    run = call.invocations[-1]
    # The cold start ran the module's top level with the function's name and Globals.
    assert "cold start harness-PreSignUpFunction formal" in run.logs
    assert "Executing" not in run.logs  # the client's CLI banner, which Lambda never prints
    assert run.init_duration_ms is not None
    assert run.init_duration_ms > 0
    assert run.duration_ms > 0


def _alice_signs_in(pool: CognitoPool, *metadata: dict[str, str]) -> list[Any]:
    """alice, added to the pool, signs in once with each ClientMetadata, in order."""
    pool.add_user("alice", "Passw0rd!node", attributes={"email": "alice@example.com"})
    return [pool.sign_in("alice", "Passw0rd!node", client_metadata=m) for m in metadata]


@pytest.mark.cognito(template=str(ESM))
def test_es_module_pre_authentication_refuses_from_client_metadata(
    cognito_pool: CognitoPool,
) -> None:
    allowed, refused = _alice_signs_in(cognito_pool, {"appVersion": "2.1"}, {"appVersion": "1.9"})

    assert allowed.outcome == {"status": "tokens"}  # the layer's app-policy package was imported
    assert refused.outcome == {
        "status": "error",
        "code": "UserLambdaValidationException",
        "message": "PreAuthentication failed with error App version 1.9 is no longer supported.",
    }
    cognito_pool.assert_invoked(
        "PreAuthentication", field="validationData", metadata={"appVersion": "1.9"}
    )
    assert {i.runtime for i in cognito_pool.invocations} == {"nodejs20.x"}


@pytest.mark.cognito(template=str(ESM))
def test_a_crashing_or_slow_node_trigger_fails_as_cognito_fails_it(
    cognito_pool: CognitoPool,
) -> None:
    crashed, slow, after = _alice_signs_in(
        cognito_pool, {"crash": "yes"}, {"sleepMs": "6000"}, {"appVersion": "3.0"}
    )

    assert crashed.outcome["code"] == "UnexpectedLambdaException"
    assert "Runtime.ExitError" in crashed.outcome["message"]
    assert slow.outcome["code"] == "UnexpectedLambdaException"
    assert "Socket timeout while invoking Lambda function" in slow.outcome["message"]
    assert after.outcome == {"status": "tokens"}  # a fresh environment after each


def test_typescript_custom_auth_replays_through_admin_initiate_and_respond() -> None:
    result = CliRunner(mix_stderr=False).invoke(
        main,
        ["replay", str(TS.parent / "replay.json"), "--template", str(TS), "--format", "json"],
    )

    assert result.exit_code == 0, result.stderr or result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["invoker"] == "auto"
    statuses = [c["outcome"]["status"] for c in report["calls"]]
    assert statuses == ["challenge", "challenge", "tokens"]
    assert [i["trigger"] for i in report["calls"][2]["invocations"]] == [
        "VerifyAuthChallengeResponse",
        "DefineAuthChallenge",
    ]
    runtimes = {i["runtime"] for c in report["calls"] for i in c["invocations"]}
    assert runtimes == {"nodejs20.x"}
    table = CliRunner(mix_stderr=False).invoke(
        main, ["replay", str(TS.parent / "replay.json"), "--template", str(TS)]
    )
    assert "runtimes: Define nodejs20.x, Create nodejs20.x, Verify nodejs20.x" in table.stdout


def test_harness_invoke_runs_a_node_function(tmp_path: Path) -> None:
    event = json.loads(
        (
            HERE.parents[3] / "events" / "triggers" / "PreAuthentication_Authentication.json"
        ).read_text()
    )
    event["request"]["validationData"] = {"appVersion": "0.1"}
    (tmp_path / "event.json").write_text(json.dumps(event))

    result = CliRunner(mix_stderr=False).invoke(
        main,
        ["invoke", "PreAuthenticationFunction", "-t", str(ESM), "-e", str(tmp_path / "event.json")],
    )

    assert result.exit_code == 1
    assert "Error: App version 0.1 is no longer supported" in result.stderr


def test_harness_serve_runs_a_node_trigger_for_an_sdk_client() -> None:
    from harness.emulator import Emulator
    from tests.support.served import ServedPool, served

    with Emulator(ESM) as emulator:  # the default invoker: auto
        serving = served(emulator, ServedPool)
        client = next(serving).client
        try:
            pool, app = emulator.user_pool_id, emulator.client_id
            client.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
            client.admin_set_user_password(
                UserPoolId=pool, Username="bob", Password="Passw0rd!node", Permanent=True
            )
            with pytest.raises(client.exceptions.UserLambdaValidationException) as refused:
                client.admin_initiate_auth(
                    UserPoolId=pool,
                    ClientId=app,
                    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "bob", "PASSWORD": "Passw0rd!node"},
                    ClientMetadata={"appVersion": "0.9"},
                )
        finally:
            serving.close()
    assert "App version 0.9 is no longer supported" in str(refused.value)
    assert emulator.invoker.name == "auto"


def test_a_runtime_of_another_major_version_than_the_machines_gets_one_warning() -> None:
    from harness.invokers.node import NodeRuntime
    from harness.invokers.node_tools import find_node
    from harness.stack import load_stack

    function = load_stack(ESM).functions["PreAuthenticationFunction"]
    other = f"nodejs{find_node().node_major + 2}.x"
    lines: list[str] = []
    NodeRuntime().prepare([dataclasses.replace(function, runtime=other)], lines.append)

    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == 1
    assert f"Runtime {other} runs on this machine's Node.js" in warnings[0]
