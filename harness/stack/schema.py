"""CloudFormation's own rules for the Cognito resources, from its resource provider schemas.

A template is valid when CloudFormation accepts it, not when the API kwargs the harness builds
satisfy botocore. The schemas are CloudFormation's registry schemas as cfn-lint ships them
(``cfnlint/data/schemas/providers``, checked with cfn-lint's validator); each resolved pool and
client is validated against its type's schema before anything is built. A value CloudFormation
converts is accepted as it does: ``"true"`` for a Boolean, ``"30"`` for an Integer (a String
parameter's value). Values that exist only once a resource is created (``${Pool:Id}``
placeholders) are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from harness.errors import close_matches
from harness.stack.errors import TemplateError
from harness.stack.specs import CLIENT_TYPE, PLACEHOLDER_RE, POOL_TYPE

#: The resource types validated against their CloudFormation schema.
VALIDATED_TYPES: Final = frozenset(
    {
        POOL_TYPE,
        CLIENT_TYPE,
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolUser",
        "AWS::Cognito::UserPoolUserToGroupAttachment",
        "AWS::Cognito::UserPoolResourceServer",
        "AWS::Cognito::UserPoolDomain",
    }
)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@cache
def _validator(type_name: str, region: str) -> Any:
    # cfn-lint takes ~0.4 s to import: only templates with Cognito resources pay it, once.
    from cfnlint.jsonschema import CfnTemplateValidator
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, type_name).schema
    return CfnTemplateValidator(schema)


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER_RE.search(value) is not None
    if isinstance(value, list):
        return any(map(_has_placeholder, value))
    if isinstance(value, dict):
        return any(map(_has_placeholder, value.values()))
    return False


def _converted(instance: Any, wanted: Any) -> bool:
    """CloudFormation converts this string to the wanted scalar type."""
    if not isinstance(instance, str):
        return False
    types = wanted if isinstance(wanted, list) else [wanted]
    return ("boolean" in types and instance.lower() in ("true", "false")) or (
        bool({"integer", "number"} & set(types)) and _NUMBER.fullmatch(instance.strip()) is not None
    )


def _allowed(error: Any) -> str:
    """What the schema allows where ``error`` is, in words."""
    kind, value, schema = error.validator, error.validator_value, error.schema
    if kind == "enum":
        return f"allowed: {', '.join(map(str, value))}"
    if kind == "type":
        return f"expected {' or '.join(value) if isinstance(value, list) else value}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        return f"allowed: {low if low is not None else '…'} to {high if high is not None else '…'}"
    if kind in ("minLength", "maxLength"):
        return f"allowed: {schema.get('minLength', 0)} to {schema.get('maxLength', '…')} characters"
    if kind in ("minItems", "maxItems"):
        return f"allowed: {schema.get('minItems', 0)} to {schema.get('maxItems', '…')} items"
    if kind == "pattern":
        return f"allowed: values matching {value}"
    if kind == "required":
        return "add the required properties"
    return "see the CloudFormation reference of this resource type"


def _errors(type_name: str, region: str, props: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for error in _validator(type_name, region).iter_errors(dict(props)):
        if _has_placeholder(error.instance):
            continue
        if error.validator == "type" and _converted(error.instance, error.validator_value):
            continue
        where = ".".join(map(str, error.path))
        if error.validator == "additionalProperties":
            known = list((error.schema.get("properties") or {}).keys())
            path = list(error.path)
            parent = path[:-1] if path and path[-1] in error.instance else path
            for name in sorted(set(error.instance) - set(known)):
                yield (
                    ".".join(map(str, [*parent, name])),
                    f"{name} is not a property here; "
                    + (
                        f"did you mean {match[0]}?"
                        if (match := close_matches(name, known, n=1))
                        else f"allowed: {', '.join(sorted(known))}"
                    ),
                )
            continue
        yield where, f"{error.message}; {_allowed(error)}"


def validate(
    path: Path, logical_id: str, type_name: str, props: Mapping[str, Any], region: str
) -> None:
    """Raise TemplateError, one line naming the property path and what is allowed, for the
    first value CloudFormation would refuse in ``props`` (resolved properties)."""
    for where, problem in _errors(type_name, region, props):
        message, _, allowed = problem.rpartition("; ")
        raise TemplateError(
            path,
            f"{logical_id}.{where}" if where else logical_id,
            f"{message} (CloudFormation's {type_name} schema)",
            allowed,
        )
