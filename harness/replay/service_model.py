"""The cognito-idp service model (botocore's, installed with boto3): names, shapes, checks.

Readers use it to map a CLI command or a PowerShell cmdlet parameter to the API's names, to
coerce AWS CLI shorthand, and to check that every call only uses parameters the operation has,
with values of the right JSON type, as boto3's own parameter validation would. Required
parameters and enum values are not checked: the engine answers with Cognito's own errors.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from harness.cognito.botocore_data import api_model
from harness.cognito.validation import json_type
from harness.replay.model import Hidden, ReplayError, suggest

SERVICE = "cognito-idp"


def service_model() -> ServiceModel:
    return api_model(SERVICE)


@functools.cache
def operation_names() -> tuple[str, ...]:
    return tuple(service_model().operation_names)


def operation(name: str, location: str) -> OperationModel:
    """The operation called ``name`` (PascalCase), or a ReplayError with a suggestion."""
    if name not in operation_names():
        raise ReplayError(
            location,
            f"unknown Cognito operation '{name}'{suggest(name, operation_names())}; "
            "use a cognito-idp API operation name such as AdminInitiateAuth",
        )
    return service_model().operation_model(name)


def input_shape(name: str, location: str) -> StructureShape:
    shape = operation(name, location).input_shape
    if shape is None:  # every cognito-idp operation has an input; be safe anyway
        raise ReplayError(location, f"operation {name} takes no parameters")
    return shape


def output_members(name: str) -> tuple[str, ...]:
    """The top-level members of operation ``name``'s response."""
    shape = service_model().operation_model(name).output_shape
    return tuple(members(shape)) if shape is not None else ()


def output_path(name: str, path: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """``path`` into a response of operation ``name``, each step spelled as the response spells
    it (matched case-insensitively); or, when a step is not there, what is wrong with it."""
    shape: Shape | None = service_model().operation_model(name).output_shape
    out: list[str] = []
    for part in path:
        if shape is not None and shape.type_name == "structure":
            known = members(shape)
            member = next((m for m in known if m.casefold() == part.casefold()), None)
            if member is None:
                where = ".".join(out) or f"a {name} response"
                return tuple(out), f"{where} has no property {part}"
            out.append(member)
            shape = known[member]
        elif shape is not None and shape.type_name == "map":
            out.append(part)
            shape = shape.value  # type: ignore[attr-defined]
        else:
            kind = shape.type_name if shape is not None else "value"
            return tuple(out), f"{'.'.join(out)} is a {kind}, which has no property {part}"
    return tuple(out), None


@functools.cache
def cli_commands() -> dict[str, str]:
    """``admin-initiate-auth`` -> ``AdminInitiateAuth`` for every operation."""
    return {xform_name(name, "-"): name for name in operation_names()}


@functools.cache
def error_codes() -> frozenset[str]:
    """The error codes (exception shape names) cognito-idp declares."""
    return frozenset(shape.name for shape in service_model().error_shapes)


def members(shape: Shape) -> dict[str, Shape]:
    """A structure's members (an empty dict for other shapes)."""
    if isinstance(shape, StructureShape):
        return dict(shape.members)
    return {}


def check_params(operation_name: str, params: dict[str, Any], location: str) -> None:
    """Raise a ReplayError unless ``params`` fits the operation's input shape.

    Names are checked at every level (unknown ones get a suggestion) and JSON types are checked
    (a structure is an object, a map an object of the value type, a list a list...).
    """
    shape = input_shape(operation_name, location)
    _check(shape, params, "", operation_name, location)


def _check(shape: Shape, value: Any, path: str, op: str, location: str) -> None:
    if isinstance(value, Hidden):
        return
    kind = shape.type_name
    where = f"{op} parameter {path}" if path else f"{op} request"
    if kind == "structure":
        if not isinstance(value, dict):
            raise ReplayError(location, f"{where} must be an object, not {json_type(value)}")
        known = members(shape)
        for name, item in value.items():
            if name not in known:
                owner = f"{op} has no parameter" if not path else f"{where} has no member"
                raise ReplayError(
                    location,
                    f"{owner} '{name}'{suggest(name, known)}; known: {', '.join(known)}",
                )
            _check(known[name], item, f"{path}.{name}" if path else name, op, location)
    elif kind == "map":
        if not isinstance(value, dict):
            raise ReplayError(location, f"{where} must be an object, not {json_type(value)}")
        value_shape = shape.value  # type: ignore[attr-defined]
        for key, item in value.items():
            if not isinstance(key, str):
                raise ReplayError(location, f"{where} keys must be strings")
            _check(value_shape, item, f"{path}.{key}", op, location)
    elif kind == "list":
        if not isinstance(value, list):
            raise ReplayError(location, f"{where} must be a list, not {json_type(value)}")
        member = shape.member  # type: ignore[attr-defined]
        for index, item in enumerate(value):
            _check(member, item, f"{path}[{index}]", op, location)
    elif kind == "string":
        if not isinstance(value, str):
            raise ReplayError(location, f"{where} must be a string, not {json_type(value)}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ReplayError(location, f"{where} must be true or false, not {json_type(value)}")
    elif kind in ("integer", "long") and (isinstance(value, bool) or not isinstance(value, int)):
        raise ReplayError(location, f"{where} must be an integer, not {json_type(value)}")


def describe(shape: Shape) -> str:
    """A short description of the JSON a shape takes, for error messages."""
    kind = shape.type_name
    if kind == "structure":
        return "an object with " + ", ".join(members(shape))
    if kind == "map":
        return "a map of strings"
    if kind == "list":
        return "a list"
    return f"a {kind}"
