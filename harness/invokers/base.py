"""What every invoker shares: the result type, the protocol, Lambda's environment, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from harness.errors import HarnessInputError
from harness.stack import FunctionSpec

#: Cognito waits 5 seconds for a trigger, whatever the function's own Timeout.
#: [D] contract section 5; user-pool-working-with-lambda-triggers ("5 seconds").
COGNITO_TRIGGER_TIMEOUT_SECONDS = 5.0

#: The invokers ``--invoke`` accepts, the default first.
INVOKER_NAMES: tuple[str, ...] = ("auto", "inprocess", "rie", "sam", "lambda")


class InvokerError(HarnessInputError, RuntimeError):
    """An invoker cannot run here or cannot start a function: one actionable line.

    Not a function error (those are :class:`InvokeResult` fields): the CLI turns it into
    exit status 2.
    """


@dataclass
class InvokeResult:
    """What Lambda's Invoke API answers, in the terms Cognito reads."""

    payload: Any = None
    #: Set when the function failed: Lambda's ``errorType`` and ``errorMessage``.
    error_type: str | None = None
    error_message: str | None = None
    timed_out: bool = False
    duration_ms: float = 0.0
    init_duration_ms: float | None = None
    #: The raw response body when it was not JSON.
    raw: bytes | None = None
    #: What the function printed (its CloudWatch lines, without START / END / REPORT).
    logs: str = ""
    traceback: str | None = None


class Invoker(Protocol):
    name: str

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        """Run ``function`` on ``event``; give up after ``timeout`` seconds."""
        ...

    def close(self) -> None: ...


def aws_endpoint_url_of(invoker: object) -> str | None:
    """Where the functions an invoker runs send their AWS calls, if not to moto's in-process mock.

    An invoker that runs functions in other processes (``rie``, ``sam``) has them call a local
    moto server: it sets ``aws_endpoint_url`` to that server's URL, and the emulator creates and
    seeds the trigger-facing tables there. ``None`` (in-process, deployed Lambda): use the
    in-process mock, or nothing.
    """
    url = getattr(invoker, "aws_endpoint_url", None)
    return url if isinstance(url, str) and url else None


def lambda_environment(function: FunctionSpec, region: str) -> dict[str, str]:
    """The environment Lambda gives a function: its own variables plus the reserved ones."""
    module, _, _ = function.handler.rpartition(".")
    return {
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(max(1, int(function.timeout))),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.function_name}",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "_HANDLER": function.handler,
        "LAMBDA_TASK_ROOT": str(function.code_uri),
        **({"POWERTOOLS_SERVICE_NAME": module} if module else {}),
        **function.environment,
    }
