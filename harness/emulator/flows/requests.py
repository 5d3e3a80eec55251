"""Reading a request's parameters as Cognito checks them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.cognito import errors


def required(value: Any, name: str) -> str:
    """A required string parameter (or AuthParameters / ChallengeResponses key)."""
    if not isinstance(value, str) or not value:
        raise errors.InvalidParameterException(f"Missing required parameter {name}")
    return value


def string_map(value: Any, name: str) -> dict[str, Any]:
    """An optional map parameter (AuthParameters, ChallengeResponses)."""
    value = value or {}
    if not isinstance(value, dict):
        raise errors.InvalidParameterException(f"{name} must be a map of strings")
    return value


def attribute_map(value: Any, name: str) -> dict[str, str]:
    """``[{"Name": "email", "Value": "a@b.c"}]`` → ``{"email": "a@b.c"}``."""
    if value is None:
        return {}
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and isinstance(a.get("Name"), str) for a in value
    ):
        raise errors.InvalidParameterException(f"{name} must be a list of {{Name, Value}} objects")
    return {a["Name"]: str(a.get("Value", "")) for a in value}


#: ContextDataType's required members, as the API names them in its validation errors. [D]
#: AdminInitiateAuth / AdminRespondToAuthChallenge API reference, ContextDataType ("Required:
#: Yes" for IpAddress, ServerName, ServerPath and HttpHeaders).
CONTEXT_DATA_REQUIRED = (
    ("IpAddress", "ipAddress"),
    ("ServerName", "serverName"),
    ("ServerPath", "serverPath"),
    ("HttpHeaders", "httpHeaders"),
)


def check_context_data(params: Mapping[str, Any]) -> None:
    """A ContextData, when given, has every required member (the service refuses it else)."""
    context = params.get("ContextData")
    if context is None:
        return
    if not isinstance(context, dict):
        raise errors.InvalidParameterException("ContextData must be a structure")
    missing = [wire for member, wire in CONTEXT_DATA_REQUIRED if context.get(member) is None]
    if missing:
        count = len(missing)
        raise errors.InvalidParameterException(
            f"{count} validation error{'s' if count > 1 else ''} detected: "
            + "; ".join(
                f"Value null at 'contextData.{wire}' failed to satisfy constraint: "
                "Member must not be null"
                for wire in missing
            )
        )
