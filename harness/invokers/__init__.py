"""Invokers: how the emulator runs a trigger function. ``auto``, by runtime, is the default.

An invoker takes a function from the template and an event, and answers what Lambda's Invoke
API would: the JSON payload, or a function error (``errorType`` / ``errorMessage``), or a
timeout (:class:`InvokeResult`). Turning that into Cognito's answer is the dispatcher's job
(:mod:`harness.emulator.dispatch`). All of them implement :class:`Invoker`:

``auto`` (:func:`harness.invokers.auto.auto_invoker`, the default)
    each function by its ``Runtime``: Python in-process, Node.js under the Lambda Runtime
    Interface Emulator (as ``rie``); other runtimes get one line naming ``sam`` or ``lambda``.
``inprocess`` (:class:`InProcessInvoker`)
    imports the (Python) handler from the function's CodeUri and calls it in this process:
    fast, debuggable; its AWS calls reach moto's in-process mock.
``rie`` (:class:`harness.invokers.rie.RieInvoker`)
    runs each function's ``sam build`` package in its own process under the Lambda Runtime
    Interface Emulator shipped with aws-sam-cli and AWS's runtime client (awslambdaric for
    Python, aws-lambda-ric for Node.js, :mod:`harness.invokers.node`): the real runtime, kept
    warm per function; its AWS calls reach a moto server on 127.0.0.1.
``sam`` (:class:`harness.invokers.sam.SamLocalInvoker`)
    ``sam local invoke`` per event, in the Lambda container image; needs Docker or Finch.
``lambda``
    the deployed functions, through Lambda's Invoke API (:mod:`harness.invokers.lambda_`).

:func:`make_invoker` builds one by name; :func:`chosen_invoker` is the one a user chose
(``--invoke``, ``@pytest.mark.cognito(invoker=...)``). Invokers that run the functions in
another process publish ``aws_endpoint_url`` (see :func:`aws_endpoint_url_of` and
:mod:`harness.invokers.local_aws`): the emulator creates the trigger-facing tables there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.invokers.base import (
    COGNITO_TRIGGER_TIMEOUT_SECONDS,
    INVOKER_NAMES,
    Invoker,
    InvokerError,
    InvokeResult,
    aws_endpoint_url_of,
    lambda_environment,
)
from harness.invokers.inprocess import InProcessInvoker
from harness.stack import Stack, load_stack

__all__ = [
    "COGNITO_TRIGGER_TIMEOUT_SECONDS",
    "INVOKER_NAMES",
    "InProcessInvoker",
    "InvokeResult",
    "Invoker",
    "InvokerError",
    "aws_endpoint_url_of",
    "chosen_invoker",
    "lambda_environment",
    "make_invoker",
]


def make_invoker(
    name: str,
    template: Path | str | Stack,
    *,
    region: str | None = None,
    **options: Any,
) -> Invoker:
    """The invoker called ``name`` (one of :data:`INVOKER_NAMES`) for the functions of ``template``.

    ``options`` go to the deployed-Lambda invoker (``stack_name``, ``user_pool_id``,
    ``profile``...). Raises :class:`InvokerError` (one line) when the invoker cannot run here;
    the deployed-Lambda invoker raises its own one-line ``LiveError``; both are input errors
    (:class:`harness.errors.HarnessInputError`).
    """
    stack = template if isinstance(template, Stack) else load_stack(Path(template))
    if name == "auto":
        from harness.invokers.auto import auto_invoker

        return auto_invoker(stack, region=region)
    if name == "inprocess":
        return InProcessInvoker(region=region or stack.region)
    if name == "rie":
        from harness.invokers.rie import RieInvoker

        return RieInvoker(stack, region=region)
    if name == "sam":
        from harness.invokers.sam import SamLocalInvoker

        return SamLocalInvoker(stack, region=region)
    if name == "lambda":
        from harness.invokers.lambda_ import LambdaInvoker

        invoker: Invoker = LambdaInvoker(template=stack, region=region, **options)
        return invoker
    raise InvokerError(f"unknown invoker {name!r}; choose one of {', '.join(INVOKER_NAMES)}")


def chosen_invoker(
    name: str,
    template: Path | str | Stack,
    *,
    stack_name: str | None = None,
    user_pool_id: str | None = None,
    region: str | None = None,
    profile: str | None = None,
) -> Invoker:
    """The invoker a user chose by name: ``harness ... --invoke``, the pytest marker's ``invoker``.

    The deployed target (``stack_name`` or ``user_pool_id``, ``region``, ``profile``) reaches
    the ``lambda`` invoker only: the others run the template's code locally, in its region.
    Raises a one-line :class:`harness.errors.HarnessInputError` when it cannot run here.
    """
    if name != "lambda":
        return make_invoker(name, template)
    return make_invoker(
        name,
        template,
        region=region,
        stack_name=stack_name,
        user_pool_id=user_pool_id,
        profile=profile,
    )
