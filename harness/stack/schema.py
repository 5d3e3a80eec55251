"""CloudFormation's own rules for the Cognito resources, from its resource provider schemas.

A template is valid when CloudFormation accepts it, not when the API kwargs the harness builds
satisfy botocore. The schemas are CloudFormation's registry schemas as cfn-lint 1.58.0 ships
them, copied into ``harness/stack/schemas/`` (provenance there; ``python -m
harness.stack.schema_refresh`` refreshes them from the dev extra's cfn-lint) and checked with
``harness.stack.schema_validator``, which has cfn-lint's semantics for the keywords they use; each
resolved Cognito resource is validated against its type's schema before anything is built. A
value CloudFormation converts is accepted as it does: ``"true"`` for a Boolean, ``"30"`` for an
Integer (a String parameter's value). Values that exist only once a resource is created
(``${Pool:Id}`` placeholders) are not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from harness.errors import close_matches
from harness.stack.errors import TemplateError
from harness.stack.schema_validator import Validator
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
#: The shipped copies of the schemas (package data).
SCHEMA_DIR: Final = Path(__file__).parent / "schemas"


def schema_file_name(type_name: str) -> str:
    """``AWS::Cognito::UserPool`` -> ``AWS-Cognito-UserPool.json``."""
    return type_name.replace("::", "-") + ".json"


@cache
def resource_schema(type_name: str) -> dict[str, Any]:
    """CloudFormation's schema of ``type_name``. Every region where cfn-lint knows the type has
    this one schema (``schemas/index.json`` lists them; the refresh refuses otherwise)."""
    text = (SCHEMA_DIR / schema_file_name(type_name)).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator(type_name: str) -> Validator:
    return Validator(resource_schema(type_name))


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


def _errors(type_name: str, props: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    return described(_validator(type_name).iter_errors(dict(props)))


def described(errors: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """(property path, "problem; what is allowed") for each error CloudFormation would raise,
    from a validator's errors (ours, or cfn-lint's in the differential test)."""
    for error in errors:
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
    first value CloudFormation would refuse in ``props`` (resolved properties). ``region`` does
    not matter: each of these types has one schema in every region cfn-lint lists it in."""
    del region
    for where, problem in _errors(type_name, props):
        message, _, allowed = problem.rpartition("; ")
        raise TemplateError(
            path,
            f"{logical_id}.{where}" if where else logical_id,
            f"{message} (CloudFormation's {type_name} schema)",
            allowed,
        )
