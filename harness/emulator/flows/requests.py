"""Reading a request's parameters as Cognito checks them."""

from __future__ import annotations

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
