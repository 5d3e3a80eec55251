"""The lambda invoker: the deployed functions found from the stack or the pool, Invoke mapped
to what the dispatcher reads. moto holds the stack; Stubber checks the Invoke request."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from harness.aws.deployed import detach_from_moto
from harness.aws.errors import LiveError
from harness.aws.lambda_logs import parse_report_line
from harness.invokers.lambda_ import LambdaInvoker
from harness.replay.loader import load_replay
from harness.replay.runner import run_replay
from harness.stack import FunctionSpec, Stack
from tests.support.live import PASSWORD, RECORDED_CLIENT, RECORDED_POOL, REGION, Deployed

EVENT = {"triggerSource": "PreAuthentication_Authentication", "request": {}, "response": {}}
REPORT = (
    "START RequestId: 1 Version: $LATEST\n"
    '{"message":"trigger metadata"}\n'
    "END RequestId: 1\n"
    "REPORT RequestId: 1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\t"
    "Max Memory Used: 70 MB\tInit Duration: 345.60 ms\t\n"
)


def invoker_for(deployed: Deployed, **kwargs: Any) -> LambdaInvoker:
    options: dict[str, Any] = {
        "stack_name": deployed.stack_name,
        "session": deployed.session,
        "isolate_from_moto": False,
    }
    options.update(kwargs)
    return LambdaInvoker(**options)


def function(stack: Stack, logical_id: str = "PreAuthenticationFunction") -> FunctionSpec:
    return stack.functions[logical_id]


def body(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


def stub_invoke(invoker: LambdaInvoker, response: dict[str, Any], name: str) -> Stubber:
    stubber = Stubber(invoker.lambda_client(5.0))
    stubber.add_response(
        "invoke",
        response,
        {
            "FunctionName": name,
            "InvocationType": "RequestResponse",
            "LogType": "Tail",
            "Payload": json.dumps(EVENT).encode(),
        },
    )
    stubber.activate()
    return stubber


def test_functions_are_found_from_the_stack_resources(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)

    assert invoker.name == "lambda"
    for trigger, name in deployed.functions.items():
        logical_id = {"PreTokenGeneration": "PreTokenGenerationFunction"}.get(
            trigger, f"{trigger}Function"
        )
        assert invoker.function_name(function(stack, logical_id)) == name


def test_functions_are_found_from_the_pool_lambda_config(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(
        deployed, stack_name=None, user_pool_id=deployed.user_pool_id, template=stack
    )

    found = invoker.function_name(function(stack))

    assert found.endswith(f":function:{deployed.functions['PreAuthentication']}")


def test_a_function_missing_from_the_stack_is_one_line_naming_it(
    deployed: Deployed, stack: Stack
) -> None:
    invoker = invoker_for(deployed)
    ghost = dataclasses.replace(function(stack), logical_id="GhostFunction")

    with pytest.raises(LiveError) as raised:
        invoker.invoke(ghost, EVENT, 5.0)

    assert str(raised.value) == (
        f"function GhostFunction is not in stack {deployed.stack_name} ({REGION}): deploy this "
        "template (sam build && sam deploy) or check --stack-name and --template"
    )


def test_a_missing_stack_or_pool_is_one_line(deployed: Deployed, stack: Stack) -> None:
    with pytest.raises(LiveError, match=r"^stack 'nope' not found in us-east-1"):
        invoker_for(deployed, stack_name="nope")
    with pytest.raises(LiveError, match=r"^user pool us-east-1_missing not found in us-east-1"):
        invoker_for(deployed, stack_name=None, user_pool_id="us-east-1_missing", template=stack)
    with pytest.raises(LiveError, match="needs the template"):
        invoker_for(deployed, stack_name=None, user_pool_id=deployed.user_pool_id)
    with pytest.raises(LiveError, match="not both"):
        invoker_for(deployed, user_pool_id=deployed.user_pool_id)


def test_invoke_maps_the_answer_payload_and_logs(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    answer = {**EVENT, "response": {"claimsOverrideDetails": None}}
    stubber = stub_invoke(
        invoker,
        {
            "StatusCode": 200,
            "Payload": body(json.dumps(answer).encode()),
            "LogResult": base64.b64encode(REPORT.encode()).decode(),
            "ExecutedVersion": "$LATEST",
        },
        deployed.functions["PreAuthentication"],
    )

    result = invoker.invoke(function(stack), EVENT, 5.0)

    stubber.assert_no_pending_responses()
    assert result.payload == answer
    assert result.error_type is None
    assert not result.timed_out
    assert result.logs == '{"message":"trigger metadata"}\n'  # START / END / REPORT dropped
    assert result.duration_ms == 12.34
    assert result.init_duration_ms == 345.6


def test_function_error_becomes_error_type_and_message(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    error = {
        "errorMessage": "This app version is no longer supported; please update the app",
        "errorType": "TriggerError",
        "requestId": "1",
        "stackTrace": ['  File "/var/task/pre_authentication.py", line 70\n'],
    }
    stub_invoke(
        invoker,
        {
            "StatusCode": 200,
            "FunctionError": "Unhandled",
            "Payload": body(json.dumps(error).encode()),
        },
        deployed.functions["PreAuthentication"],
    )

    result = invoker.invoke(function(stack), EVENT, 5.0)

    assert result.error_type == "TriggerError"
    assert result.error_message == error["errorMessage"]
    assert result.traceback == error["stackTrace"][0]
    assert not result.timed_out


def test_lambda_timing_out_is_a_timeout(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    error = {"errorMessage": "2026-01-01T00:00:05Z 1 Task timed out after 5.00 seconds"}
    stub_invoke(
        invoker,
        {
            "StatusCode": 200,
            "FunctionError": "Unhandled",
            "Payload": body(json.dumps(error).encode()),
        },
        deployed.functions["PreAuthentication"],
    )

    result = invoker.invoke(function(stack), EVENT, 5.0)

    assert result.timed_out
    assert result.error_type is None


def test_a_read_timeout_is_a_timeout(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    client = invoker.lambda_client(2.0)

    def hang(**kwargs: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://lambda.us-east-1.amazonaws.com")

    client.meta.events.register("before-send.lambda.Invoke", hang)

    result = invoker.invoke(function(stack), EVENT, 2.0)

    assert result.timed_out
    assert result.duration_ms == 2000


def test_not_json_is_raw(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    stub_invoke(
        invoker,
        {"StatusCode": 200, "Payload": body(b"not json")},
        deployed.functions["PreAuthentication"],
    )

    result = invoker.invoke(function(stack), EVENT, 5.0)

    assert result.raw == b"not json"
    assert result.payload is None


def test_a_function_deleted_since_is_one_line(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    stubber = Stubber(invoker.lambda_client(5.0))
    stubber.add_client_error("invoke", "ResourceNotFoundException", "Function not found")
    stubber.activate()

    with pytest.raises(LiveError) as raised:
        invoker.invoke(function(stack), EVENT, 5.0)

    assert str(raised.value).startswith(
        f"function PreAuthenticationFunction ({deployed.functions['PreAuthentication']}) not "
        f"found in stack {deployed.stack_name}"
    )


def test_invoke_denied_says_which_permission(deployed: Deployed, stack: Stack) -> None:
    invoker = invoker_for(deployed)
    stubber = Stubber(invoker.lambda_client(5.0))
    stubber.add_client_error("invoke", "AccessDeniedException", "User is not authorized")
    stubber.activate()

    with pytest.raises(LiveError, match=r"^lambda:InvokeFunction on PreAuthenticationFunction"):
        invoker.invoke(function(stack), EVENT, 5.0)


def alice_signs_in(folder: Path, metadata: dict[str, str] | None = None) -> Path:
    """A replay: alice (set up) signs in with AdminInitiateAuth and ``metadata``."""
    request: dict[str, Any] = {
        "UserPoolId": RECORDED_POOL,
        "ClientId": RECORDED_CLIENT,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
    }
    if metadata:
        request["ClientMetadata"] = metadata
    path = folder / "calls.json"
    path.write_text(
        json.dumps(
            {
                "setup": {"users": [{"username": "alice", "password": PASSWORD}]},
                "calls": [{"operation": "AdminInitiateAuth", "request": request}],
            }
        )
    )
    return path


def test_the_emulator_runs_the_deployed_functions(
    tmp_path: Path, deployed: Deployed, stack: Stack
) -> None:
    # moto's Lambda (no Docker) answers with the event it was sent: every trigger "allows".
    invoker = invoker_for(deployed)
    replay_file = alice_signs_in(tmp_path, {"appVersion": "2.1.0"})

    result = run_replay(load_replay([replay_file]), stack, invoker=invoker)

    assert result.invoker == "lambda"
    record = result.results[0].record
    assert record.outcome["status"] == "tokens"
    assert [(i.trigger, i.metadata_field) for i in record.invocations] == [
        ("PreAuthentication", "validationData"),
        ("PostAuthentication", None),
        ("PreTokenGeneration", None),
    ]


def test_invoke_lambda_leaves_the_permission_to_the_deployed_pool(
    tmp_path: Path, deployed: Deployed, stack: Stack
) -> None:
    # With --invoke lambda the deployed function's own policy decides: the template-based
    # check (check_invoke_permission) does not refuse, even for a template without grants.
    from harness.stack.permissions import with_invoke_checks

    ungranted = with_invoke_checks(dataclasses.replace(stack, invoke_grants=()))
    assert "PreAuthentication" in ungranted.default_pool.invoke_denied
    replay_file = alice_signs_in(tmp_path)

    result = run_replay(load_replay([replay_file]), ungranted, invoker=invoker_for(deployed))

    record = result.results[0].record
    assert record.outcome["status"] == "tokens"
    assert record.invocations[0].trigger == "PreAuthentication"
    assert record.invocations[0].error is None


def test_isolated_clients_bypass_moto(aws: None) -> None:
    # Inside mock_aws, a detached client really connects (here to a closed local port).
    client = detach_from_moto(
        boto3.client(
            "lambda",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
        )
    )
    with pytest.raises(EndpointConnectionError):
        client.list_functions()
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []


def test_report_line() -> None:
    assert parse_report_line(REPORT) == (12.34, 345.6)
    assert parse_report_line("nothing") == (None, None)
