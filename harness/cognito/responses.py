"""A Lambda answer read as Cognito reads it: the trigger's ``response``, or Cognito's error.

Contract section 5 (observed against real pools): a function error is
``UserLambdaValidationException`` "<Trigger> failed with error <message>."; an answer Cognito
cannot use is ``InvalidLambdaResponseException``; an invoke that fails or times out is
``UnexpectedLambdaException``. The response fields and their types are the trigger table's
(:mod:`harness.cognito.triggers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from harness.cognito import errors
from harness.cognito.triggers import BY_NAME


class LambdaAnswer(Protocol):
    """What Lambda's Invoke API answered (an invoker's ``InvokeResult``)."""

    @property
    def payload(self) -> Any: ...
    @property
    def error_type(self) -> str | None: ...
    @property
    def error_message(self) -> str | None: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def raw(self) -> bytes | None: ...


def read_response(trigger: str, answer: LambdaAnswer) -> dict[str, Any]:
    """The ``response`` object of ``trigger``'s answer; raises the CognitoError the caller gets."""
    if answer.timed_out:
        raise errors.UnexpectedLambdaException(
            f"{trigger} invocation failed due to error Socket timeout while invoking Lambda "
            "function."
        )
    if answer.error_type is not None:
        if answer.error_type == "Runtime.MarshalError":  # the answer was not JSON-able
            raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
        if answer.error_type.startswith("Runtime."):
            # The runtime itself failed (import error, process exit, out of memory).
            raise errors.UnexpectedLambdaException(
                f"{trigger} invocation failed due to error {answer.error_type}."
            )
        # Cognito appends a period even when the message already ends with one.
        raise errors.UserLambdaValidationException(
            f"{trigger} failed with error {answer.error_message}."
        )
    if answer.raw is not None:
        raise errors.InvalidLambdaResponseException("Invalid lambda function output : Invalid JSON")
    spec = BY_NAME.get(trigger)
    # Custom senders are asynchronous: Cognito reads no reply.
    if spec is not None and spec.asynchronous:
        return {}
    payload = answer.payload
    # The whole event must come back: Cognito reads `response`, and an answer without the
    # envelope is unusable (contract section 5).
    if (
        not isinstance(payload, dict)
        or "response" not in payload
        or not isinstance(payload["response"], dict | None)
    ):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    response: dict[str, Any] = payload.get("response") or {}
    _check_types(trigger, response, spec.response if spec is not None else {})
    return response


#: How a detail names the JSON type a response field must have.
_JSON_TYPE = {bool: "boolean", str: "string", dict: "object", list: "array", int: "number"}


def _check_types(
    trigger: str, response: Mapping[str, Any], fields: Mapping[str, tuple[type, ...]]
) -> None:
    for name, types in fields.items():
        value = response.get(name)
        if value is not None and not isinstance(value, types):
            wanted = " or ".join(dict.fromkeys(_JSON_TYPE.get(t, t.__name__) for t in types))
            raise errors.InvalidLambdaResponseException(
                "Unrecognizable lambda output",
                detail=f"{trigger}'s response.{name} is {_json_name(value)}; Cognito takes a "
                f"{wanted} there",
            )


def _json_name(value: Any) -> str:
    """``value``'s JSON type with its article, as a detail names it."""
    name = next((n for t, n in _JSON_TYPE.items() if isinstance(value, t)), type(value).__name__)
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"
