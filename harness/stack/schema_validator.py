"""A JSON-schema validator for exactly the keywords CloudFormation's Cognito resource schemas
use, with the semantics of cfn-lint's ``CfnTemplateValidator`` (cfn-lint 1.58.0,
``cfnlint/jsonschema``), which the harness used before it shipped the schemas itself.

What cfn-lint does that plain JSON Schema does not, and this validator does too:
- types are strict (``"30"`` is not an integer; ``harness.stack.schema`` then accepts the
  strings CloudFormation converts); ``True`` is neither an integer nor a number, ``2.0`` is an
  integer;
- ``minimum``/``maximum`` also compare a string that parses as a float;
- ``pattern`` also checks a number or boolean as its JSON text, with the ``regex`` module's
  meaning (the schemas use ``\\p{L}``, which ``re`` lacks: ``harness.patterns`` translates);
- ``enum`` compares ``"true"``/``"false"`` with booleans and strings with numbers by text;
- a string holding a dynamic reference (``{{resolve:...}}``) is not checked: its value exists
  only when CloudFormation deploys;
- ``required``, ``minItems``, ``maxItems`` and ``if``/``then`` are checked first, on the value
  without its null members; an object typed without properties, or an array without
  ``items``, refuses a null inside it;
- ``format`` is an annotation for every format these schemas name (``json``, ARNs).

Errors come in cfn-lint's order with its messages (``tests/harness/stack/
test_schema_validator.py`` compares both on generated properties). ``SUPPORTED`` lists the
keywords understood; ``unsupported()`` finds any other keyword cfn-lint would validate, so a
schema refresh that brings one fails its test instead of being ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from numbers import Number
from typing import Any, Final

from harness import patterns

#: Keywords checked on the value (the rest of a schema node is annotation).
SUPPORTED: Final = frozenset(
    {
        "$ref",
        "additionalProperties",
        "allOf",
        "enum",
        "format",
        "if",
        "items",
        "maxItems",
        "maxLength",
        "maximum",
        "minItems",
        "minLength",
        "minimum",
        "not",
        "pattern",
        "patternProperties",
        "properties",
        "required",
        "type",
    }
)
#: cfn-lint's keywords that need the value without its nulls, checked before the others
#: (``cfnlint.jsonschema._filter.FunctionFilter.group_functions``).
_GROUP: Final = frozenset(
    {
        "dependencies",
        "dependentExcluded",
        "dependentRequired",
        "else",
        "if",
        "maxItems",
        "maxProperties",
        "minItems",
        "minProperties",
        "required",
        "requiredOr",
        "requiredXor",
        "then",
        "uniqueItems",
    }
)
#: The formats cfn-lint checks (``cfnlint.jsonschema._format``); any other is an annotation.
CHECKED_FORMATS: Final = frozenset(
    {"date", "date-time", "email", "ipv4", "ipv4-network", "ipv6", "ipv6-network", "regex", "time"}
)
#: The time bound of one pattern check. The schemas' patterns are linear on any value they
#: allow, but some are quadratic on a long hostile one (18,000 characters: 1.5 s).
PATTERN_SECONDS: Final = 1.0
_ALL_TYPES: Final = ["array", "boolean", "integer", "number", "object", "string"]
# cfnlint.helpers.REGEX_DYN_REF and REGEX_DYN_REF_SPACES.
_DYNAMIC_REFERENCE: Final = re.compile(r"^.*{{(resolve:.+)}}.*$")
_DYNAMIC_REFERENCE_SPACES: Final = re.compile(
    r"\{\{\s+resolve\s*:\s*(?:ssm|ssm-secure|secretsmanager)\s*:"
)
_TYPES: Final[Mapping[str, Any]] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, Number) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One refusal, with the attribute names of cfn-lint's (and jsonschema's) ValidationError."""

    validator: str  # the keyword
    validator_value: Any
    instance: Any
    schema: Mapping[str, Any]
    path: tuple[str | int, ...]
    message: str


class Validator:
    """Validates instances against one resource schema (local ``#/...`` references only)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        return self._node(instance, self.schema, ())

    def _resolve(self, ref: str) -> Mapping[str, Any]:
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        node: Any = self.schema
        for part in ref[2:].split("/"):
            node = node[part]
        return node  # type: ignore[no-any-return]

    def _node(
        self, instance: Any, schema: Mapping[str, Any], path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        if isinstance(instance, str) and (
            _DYNAMIC_REFERENCE.search(instance) or _DYNAMIC_REFERENCE_SPACES.search(instance)
        ):
            return
        group = {k: v for k, v in schema.items() if k in _GROUP}
        standard = {k: v for k, v in schema.items() if k not in _GROUP}
        kinds = standard.get("type", [])
        if "object" in (kinds if isinstance(kinds, list) else [kinds]) and not (
            {"properties", "additionalProperties", "patternProperties"} & standard.keys()
        ):
            standard["patternProperties"] = {".*": {"type": _ALL_TYPES}}
        if "array" in kinds and "items" not in standard:
            standard["items"] = {"type": _ALL_TYPES}
        if group:
            yield from self._keywords(_without_nulls(instance, root=True), group, path)
        yield from self._keywords(instance, standard, path)

    def _keywords(
        self, instance: Any, schema: Mapping[str, Any], path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        for keyword, value in schema.items():
            check = _CHECKS.get(keyword)
            if check is None:
                continue
            for error in check(self, value, instance, schema, path):
                if isinstance(error, SchemaError):
                    yield error
                else:
                    yield SchemaError(keyword, value, instance, schema, path, error)

    # Each check yields a message (an error of this keyword at this node) or a SchemaError
    # (from a node below, already complete).

    def _ref(self, ref: str, instance: Any, _s: Any, path: Any) -> Iterator[Any]:
        yield from self._node(instance, self._resolve(ref), path)

    def _properties(self, props: Any, instance: Any, _s: Any, path: Any) -> Iterator[Any]:
        if isinstance(instance, dict):
            for name, sub in props.items():
                if name in instance:
                    yield from self._node(instance[name], sub, (*path, name))

    def _pattern_properties(
        self, by_pattern: Any, instance: Any, _s: Any, path: Any
    ) -> Iterator[Any]:
        if isinstance(instance, dict):
            for pattern, sub in by_pattern.items():
                for name, value in instance.items():
                    if isinstance(name, str) and patterns.for_text(pattern, name).search(name):
                        yield from self._node(value, sub, (*path, name))

    def _additional(self, allowed: Any, instance: Any, schema: Any, path: Any) -> Iterator[Any]:
        if not isinstance(instance, dict) or allowed is not False:
            if isinstance(allowed, dict):
                raise ValueError("additionalProperties as a schema is not supported")
            return
        known = schema.get("properties", {})
        joined = "|".join(schema.get("patternProperties", {}))
        extras = [
            name
            for name in instance
            if name not in known
            and not (
                joined and isinstance(name, str) and patterns.for_text(joined, name).search(name)
            )
        ]
        for name in sorted(extras, key=str):
            yield SchemaError(
                "additionalProperties",
                allowed,
                instance,
                schema,
                (*path, name),
                f"Additional properties are not allowed ({name!r} was unexpected)",
            )

    def _items(self, items: Any, instance: Any, _s: Any, path: Any) -> Iterator[Any]:
        if isinstance(instance, list):
            for index, value in enumerate(instance):
                yield from self._node(value, items, (*path, index))

    def _all_of(self, schemas: Any, instance: Any, _s: Any, path: Any) -> Iterator[Any]:
        for sub in schemas:
            yield from self._node(instance, sub, path)

    def _if(self, condition: Any, instance: Any, schema: Any, path: Any) -> Iterator[Any]:
        holds = next(self._node(instance, condition, path), None) is None
        branch = schema.get("then" if holds else "else")
        if branch is not None:
            yield from self._node(instance, branch, path)

    def _not(self, sub: Any, instance: Any, _s: Any, path: Any) -> Iterator[Any]:
        if next(self._node(instance, sub, path), None) is None:
            yield f"{instance!r} should not be valid under {sub!r}"


def _type(_v: Validator, kinds: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    names = kinds if isinstance(kinds, list) else [kinds]
    if not any(_TYPES[name](instance) for name in names):
        yield f"{instance!r} is not of type {', '.join(map(repr, names))}"


def _enum(_v: Validator, values: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    probe = _unbool(instance) if instance in (0, 1) else instance
    if not any(
        _equal(probe, value if instance not in (0, 1) else _unbool(value)) for value in values
    ):
        yield f"{instance!r} is not one of {values!r}"


def _as_number(instance: Any) -> Any:
    if isinstance(instance, str):
        try:
            return float(instance)
        except ValueError:
            return None
    return instance if _TYPES["number"](instance) else None


def _minimum(_v: Validator, low: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    number = _as_number(instance)
    if number is not None and number < low:
        yield f"{instance!r} is less than the minimum of {low!r}"


def _maximum(_v: Validator, high: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    number = _as_number(instance)
    if number is not None and number > high:
        yield f"{instance!r} is greater than the maximum of {high!r}"


def _count(kind: type[str] | type[list[Any]], noun: str, lower: bool) -> Any:
    """minLength/maxLength (``kind`` str) and minItems/maxItems (list), as cfn-lint words them."""

    def check(_v: Validator, limit: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
        if isinstance(instance, kind) and (
            len(instance) < limit if lower else len(instance) > limit
        ):
            bound = "minimum" if lower else "maximum"
            yield f"expected {bound} {noun}: {limit}, found: {len(instance)}"

    return check


def _pattern(_v: Validator, pattern: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    if isinstance(instance, str | int | float | bool):
        text = instance if isinstance(instance, str) else json.dumps(instance)
        try:
            matched = patterns.search(
                pattern, text, PATTERN_SECONDS, quick_below=patterns.QUICK_CHARS
            )
        except patterns.PatternTimeout:  # cfn-lint has no bound; a hostile value must not hang
            shown = text if len(text) <= 40 else text[:40] + "…"
            yield f"{shown!r} ({len(text)} characters) took over {PATTERN_SECONDS} s to match"
            return
        if not matched:
            yield f"{text!r} does not match {pattern!r}"


def _required(_v: Validator, names: Any, instance: Any, _s: Any, _p: Any) -> Iterator[str]:
    if isinstance(instance, dict):
        for name in names:
            if name not in instance:
                yield f"{name!r} is a required property"


def _format(_v: Validator, name: Any, _i: Any, _s: Any, _p: Any) -> Iterator[str]:
    if name in CHECKED_FORMATS:
        raise ValueError(f"format {name!r} is checked by cfn-lint, not here")
    return iter(())


_CHECKS: Final[Mapping[str, Any]] = {
    "$ref": Validator._ref,
    "additionalProperties": Validator._additional,
    "allOf": Validator._all_of,
    "enum": _enum,
    "format": _format,
    "if": Validator._if,
    "items": Validator._items,
    "maxItems": _count(list, "item count", lower=False),
    "maxLength": _count(str, "length", lower=False),
    "maximum": _maximum,
    "minItems": _count(list, "item count", lower=True),
    "minLength": _count(str, "length", lower=True),
    "minimum": _minimum,
    "not": Validator._not,
    "pattern": _pattern,
    "patternProperties": Validator._pattern_properties,
    "properties": Validator._properties,
    "required": _required,
    "type": _type,
}
assert _CHECKS.keys() == SUPPORTED


def _without_nulls(instance: Any, root: bool) -> Any:
    """The value cfn-lint checks the group keywords on: null items of lists (at any depth of
    lists) and null members of the object itself dropped
    (``cfnlint.context.conditions._utils.build_instance_from_scenario``)."""
    if isinstance(instance, list):
        items = (_without_nulls(item, root=False) for item in instance)
        return [item for item in items if item is not None]
    if isinstance(instance, dict) and root:
        members = ((k, _without_nulls(v, root=False)) for k, v in instance.items())
        return {k: v for k, v in members if v is not None}
    return instance


_TRUE: Final = object()
_FALSE: Final = object()


def _unbool(value: Any) -> Any:
    return _TRUE if value is True else _FALSE if value is False else value


def _equal(one: Any, two: Any) -> bool:
    """cfnlint.jsonschema._utils.equal: booleans equal their strings, strings compare as text."""
    if (
        isinstance(one, bool | str)
        and isinstance(two, bool | str)
        and (
            isinstance(one, bool)
            or isinstance(two, bool)
            or one.lower() in ("true", "false")
            or two.lower() in ("true", "false")
        )
    ):
        return _as_bool(one) is _as_bool(two)
    if isinstance(one, str) or isinstance(two, str):
        return str(one) == str(two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(map(_equal, one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(k in two and _equal(v, two[k]) for k, v in one.items())
    return bool(_unbool(one) == _unbool(two))


def _as_bool(value: bool | str) -> bool:
    return value.lower() == "true" if isinstance(value, str) else value


def unsupported(schema: Any, validating: frozenset[str]) -> set[str]:
    """Keywords of ``validating`` (cfn-lint's) that a schema node uses and this module lacks."""
    found: set[str] = set()
    if isinstance(schema, dict):
        found |= (schema.keys() & validating) - SUPPORTED
        if schema.get("format") in CHECKED_FORMATS:
            found.add(f"format: {schema['format']}")
        for key, value in schema.items():
            if key in ("properties", "definitions", "patternProperties"):
                for sub in value.values():
                    found |= unsupported(sub, validating)
            elif key in ("items", "if", "then", "else", "not", "additionalProperties"):
                found |= unsupported(value, validating)
            elif key in ("allOf", "anyOf", "oneOf"):
                for sub in value:
                    found |= unsupported(sub, validating)
    return found
