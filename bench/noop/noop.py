"""A trigger that does nothing: the benchmark measures the harness, not trigger code."""

from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return event
