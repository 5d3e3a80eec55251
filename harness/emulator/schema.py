"""The pool's attribute schema, as Cognito applies it to the attributes a request or a trigger
gives: declared attributes only, required ones present, immutable ones never changed.

[D] user-pool-settings-attributes: custom attributes exist only when declared in the pool's
schema (``custom:`` + the declared name); a required attribute must be given at sign-up; an
attribute that is not mutable cannot be changed after the user is created. The standard
attributes and their defaults are moto's table of them (the same as Cognito's). The codes and
messages of the refusals are :data:`harness.cognito.refusals.REFUSALS`, with their sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

from harness.cognito.refusals import attribute_refusal

STANDARD: Mapping[str, Mapping[str, Any]] = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA
#: Set by Cognito, never a schema entry of their own. [D] user-pool-settings-attributes.
VERIFICATION_FLAGS = ("email_verified", "phone_number_verified")


@dataclass(frozen=True)
class Attribute:
    name: str  # as users carry it: "email", "custom:tenant"
    required: bool
    mutable: bool


def pool_schema(properties: Mapping[str, Any]) -> dict[str, Attribute]:
    """Every attribute the pool declares: the standard ones, then the template's Schema."""
    schema = {
        name: Attribute(name, bool(spec["Required"]), bool(spec["Mutable"]))
        for name, spec in STANDARD.items()
    }
    for entry in properties.get("Schema") or ():
        raw = str(entry.get("Name", ""))
        name = raw if raw in STANDARD else f"custom:{raw}"
        base = schema.get(name, Attribute(name, False, True))
        schema[name] = Attribute(
            name,
            _flag(entry.get("Required"), base.required),
            _flag(entry.get("Mutable"), base.mutable),
        )
    return schema


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    return str(value).lower() == "true" if isinstance(value, str) else bool(value)


def undeclared(schema: Mapping[str, Attribute], names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in schema and n not in VERIFICATION_FLAGS]


def check_declared(schema: Mapping[str, Attribute], attributes: Mapping[str, str]) -> None:
    """InvalidParameterException naming each attribute the pool does not declare."""
    unknown = undeclared(schema, attributes)
    if unknown:
        raise attribute_refusal("undeclared_attribute", unknown)


def check_required(schema: Mapping[str, Attribute], attributes: Mapping[str, str]) -> None:
    """InvalidParameterException naming each required attribute missing at sign-up."""
    missing = [
        a.name
        for a in schema.values()
        if a.required and a.name != "sub" and a.name not in attributes
    ]
    if missing:
        raise attribute_refusal("required_attribute_missing", missing)


def check_mutable(
    schema: Mapping[str, Attribute], changes: Mapping[str, str], current: Mapping[str, str]
) -> None:
    """InvalidParameterException for a change of an attribute that is not mutable."""
    frozen = [
        n
        for n, v in changes.items()
        if n in schema and not schema[n].mutable and current.get(n) != v
    ]
    if frozen:
        raise attribute_refusal("immutable_attribute", frozen)
