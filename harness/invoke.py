"""Compatibility module: the invokers live in :mod:`harness.invokers` (one module each).

``from harness.invoke import Invoker, InvokeResult, InProcessInvoker`` keeps working.
"""

from __future__ import annotations

from harness.invokers.base import (
    COGNITO_TRIGGER_TIMEOUT_SECONDS,
    Invoker,
    InvokerError,
    InvokeResult,
    aws_endpoint_url_of,
    lambda_environment,
)
from harness.invokers.inprocess import InProcessInvoker

__all__ = [
    "COGNITO_TRIGGER_TIMEOUT_SECONDS",
    "InProcessInvoker",
    "InvokeResult",
    "Invoker",
    "InvokerError",
    "aws_endpoint_url_of",
    "lambda_environment",
]
