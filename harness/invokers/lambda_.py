"""The ``lambda`` invoker: run the triggers as the DEPLOYED functions, through Lambda's Invoke API.

The emulator still plays Cognito (moto holds the pool; the routing decides the events), but each
trigger event goes to the function deployed from the same template, found by its logical id:

* ``LambdaInvoker(stack_name="cognito-trigger-harness")``: the stack's ``AWS::Lambda::Function``
  resources (``DescribeStackResources``) give each logical id's function name;
* ``LambdaInvoker(user_pool_id="us-east-1_AbC", template=stack)``: the deployed pool's
  ``LambdaConfig`` (``DescribeUserPool``) gives each trigger's function ARN, and the template
  says which trigger each logical id serves.

Each call is ``Invoke`` with ``InvocationType=RequestResponse`` and ``LogType=Tail``: the last
4 KB of the function's log give the result's ``logs`` (what the function printed; Lambda's
START / END / REPORT lines removed) and its durations (the REPORT line). ``FunctionError`` in
the answer becomes ``error_type`` / ``error_message`` (Lambda's ``errorType`` /
``errorMessage``); a read timeout, or Lambda's own "Task timed out", becomes ``timed_out``.
Never retried: a trigger is invoked once per event, as the emulator asked.

Make the invoker BEFORE the emulator starts: its clients are then bound to the real
credentials and taken out of moto's hands (:func:`harness.aws.deployed.detach_from_moto`), so they
reach AWS while moto emulates Cognito in the same process.

Caveat: the deployed functions read and write the deployed tables (the invitation and legacy
user tables), not the emulator's moto tables, and see the emulated pool's ids in their events.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from harness.aws.deployed import (
    StackResource,
    aws_session,
    describe_user_pool,
    detach_from_moto,
    lambda_config_functions,
    stack_resources,
)
from harness.aws.errors import LiveError, aws_call
from harness.aws.lambda_logs import is_platform_line, mentions_timeout, parse_report_line
from harness.invokers.base import InvokeResult
from harness.stack import FunctionSpec, Stack

__all__ = ["LambdaInvoker"]


class LambdaInvoker:
    """Invoke the deployed functions of a stack (or of a pool's LambdaConfig) with boto3.

    Implements :class:`harness.invokers.Invoker`. Raises :class:`~harness.aws.errors.LiveError`
    (one line) when the stack, the pool or a function cannot be found or invoked.
    """

    name = "lambda"

    def __init__(
        self,
        *,
        stack_name: str | None = None,
        user_pool_id: str | None = None,
        template: Stack | None = None,
        region: str | None = None,
        profile: str | None = None,
        session: boto3.Session | None = None,
        isolate_from_moto: bool = True,
    ) -> None:
        if bool(stack_name) == bool(user_pool_id):
            raise LiveError(
                "--invoke lambda needs --stack-name NAME, or --user-pool-id ID (not both)"
            )
        if user_pool_id and template is None:
            raise LiveError(
                "--invoke lambda with --user-pool-id needs the template, to know which trigger "
                "each function serves; or use --stack-name"
            )
        self.stack_name = stack_name
        self.user_pool_id = user_pool_id
        self.template = template
        self.session = session or aws_session(
            region=region, profile=profile, user_pool_id=user_pool_id
        )
        self.region = self.session.region_name or ""
        self.isolate_from_moto = isolate_from_moto
        self._clients: dict[float, Any] = {}
        #: logical id → physical function name (stack) or function ARN (pool).
        self._functions: dict[str, str] = {}
        self._resolve()

    @property
    def where(self) -> str:
        """The deployed target, for messages."""
        if self.stack_name:
            return f"stack {self.stack_name} ({self.region})"
        return f"pool {self.user_pool_id} ({self.region})"

    def _client(self, service: str, **config: Any) -> Any:
        client = self.session.client(
            service,  # type: ignore[call-overload]
            region_name=self.region,
            config=Config(retries={"total_max_attempts": 1}, **config),
        )
        return detach_from_moto(client) if self.isolate_from_moto else client

    def _resolve(self) -> None:
        if self.stack_name:
            cloudformation = self._client("cloudformation")
            resources: dict[str, StackResource] = stack_resources(cloudformation, self.stack_name)
            self._functions = {
                r.logical_id: r.physical_id
                for r in resources.values()
                if r.resource_type == "AWS::Lambda::Function"
            }
            return
        assert self.user_pool_id is not None
        assert self.template is not None
        cognito = self._client("cognito-idp")
        pool = describe_user_pool(cognito, self.user_pool_id, self.region, "--user-pool-id")
        wired = lambda_config_functions(pool.get("LambdaConfig", {}))
        for spec in self.template.pools.values():
            for trigger, logical_id in spec.triggers.items():
                if trigger in wired:
                    self._functions.setdefault(logical_id, wired[trigger])

    def function_name(self, function: FunctionSpec) -> str:
        """The deployed function (name or ARN) for the template's ``function``."""
        if function.external:
            return function.arn  # wired to an ARN outside the template
        found = self._functions.get(function.logical_id)
        if found is None:
            if self.stack_name:
                raise LiveError(
                    f"function {function.logical_id} is not in stack {self.stack_name} "
                    f"({self.region}): deploy this template (sam build && sam deploy) or check "
                    "--stack-name and --template"
                )
            raise LiveError(
                f"function {function.logical_id} is not wired to pool {self.user_pool_id} "
                f"({self.region}): its trigger has no function in the pool's LambdaConfig; "
                "deploy this template or check --user-pool-id and --template"
            )
        return found

    def lambda_client(self, timeout: float) -> Any:
        """The Lambda client for invocations limited to ``timeout`` seconds (one per limit)."""
        client = self._clients.get(timeout)
        if client is None:
            client = self._client(
                "lambda",
                read_timeout=max(timeout, 0.001),
                connect_timeout=max(min(timeout, 5.0), 0.001),
            )
            self._clients[timeout] = client
        return client

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        name = self.function_name(function)
        client = self.lambda_client(timeout)
        started = time.perf_counter()
        try:
            with aws_call(
                "lambda:InvokeFunction",
                f"{function.logical_id} ({name})",
                expect={"ResourceNotFoundException"},
            ):
                try:
                    response = client.invoke(
                        FunctionName=name,
                        InvocationType="RequestResponse",
                        LogType="Tail",
                        Payload=json.dumps(event).encode(),
                    )
                    body: bytes = response["Payload"].read()
                except ReadTimeoutError:
                    return InvokeResult(timed_out=True, duration_ms=timeout * 1000)
                except (EndpointConnectionError, ConnectTimeoutError) as error:
                    raise LiveError(
                        f"cannot reach Lambda in {self.region} to invoke "
                        f"{function.logical_id}: {error}"
                    ) from None
        except ClientError:
            raise LiveError(
                f"function {function.logical_id} ({name}) not found in {self.where}: "
                "deploy the stack (sam build && sam deploy) or check --stack-name"
            ) from None
        elapsed_ms = (time.perf_counter() - started) * 1000
        tail = _decode_logs(response.get("LogResult"))
        duration, init = parse_report_line(tail)
        result = InvokeResult(
            duration_ms=elapsed_ms if duration is None else duration,
            init_duration_ms=init,
            logs=_printed(tail),
        )
        function_error = response.get("FunctionError")
        if function_error:
            _function_error(result, function_error, body)
            return result
        try:
            result.payload = json.loads(body)
        except ValueError:
            result.raw = body
        return result

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def _decode_logs(log_result: str | None) -> str:
    if not log_result:
        return ""
    try:
        return base64.b64decode(log_result).decode("utf-8", errors="replace")
    except ValueError:
        return ""


def _printed(tail: str) -> str:
    """What the function printed: the log tail without Lambda's START / END / REPORT lines."""
    lines = tail.splitlines(keepends=True)
    return "".join(line for line in lines if not is_platform_line(line))


def _function_error(result: InvokeResult, function_error: str, body: bytes) -> None:
    """Fill ``result`` from an answer with ``FunctionError`` (``Unhandled`` / ``Handled``)."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        result.error_type = str(payload.get("errorType") or function_error)
        result.error_message = str(payload.get("errorMessage") or "")
        trace = payload.get("stackTrace")
        if isinstance(trace, list) and all(isinstance(line, str) for line in trace):
            result.traceback = "".join(trace)
    else:
        result.error_type = function_error
        result.error_message = body.decode("utf-8", errors="replace")
    if result.error_type == "Sandbox.Timedout" or mentions_timeout(result.error_message or ""):
        result.timed_out = True
        result.error_type = result.error_message = None
