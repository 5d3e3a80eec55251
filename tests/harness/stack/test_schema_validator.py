"""The harness ships CloudFormation's Cognito schemas and validates with its own small
validator (no cfn-lint at run time): the copies equal what the pinned cfn-lint bundles, and the
validator refuses exactly what cfn-lint's CfnTemplateValidator refuses, with the same messages
in the same order, over generated properties of every validated type (dev env: cfn-lint is in
the dev extra)."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness.stack import TemplateError
from harness.stack import schema as schema_module
from harness.stack.schema import VALIDATED_TYPES, described, resource_schema
from harness.stack.schema_refresh import main as refresh_main
from harness.stack.schema_refresh import pinned, shipped
from harness.stack.schema_validator import Validator, unsupported


def CfnTemplateValidator(schema: Any) -> Any:  # (named as cfn-lint names its class)
    """cfn-lint's validator, imported by the first test that needs it: the import costs
    ~0.9 s of CPU, which every xdist worker paid at collection whether it ran these tests or not."""
    validators = pytest.importorskip("cfnlint.jsonschema.validators")
    return validators.CfnTemplateValidator(schema)


def _pseudo_parameters() -> Any:
    return pytest.importorskip("cfnlint.helpers").PSEUDOPARAMS


def test_shipped_schemas_are_the_pinned_cfn_lints_own() -> None:
    assert shipped() == pinned()
    assert refresh_main(["--check"]) == 0


def test_the_schemas_use_no_keyword_cfn_lint_checks_and_the_validator_lacks() -> None:
    keywords = frozenset(CfnTemplateValidator({}).validators)
    for type_name in sorted(VALIDATED_TYPES):
        assert unsupported(resource_schema(type_name), keywords) == set(), type_name


def test_validation_needs_no_cfn_lint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "cfnlint" or m.startswith("cfnlint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cfnlint", None)  # any import of it fails
    schema_module._validator.cache_clear()
    with pytest.raises(TemplateError, match=r"Pool\.MfaConfiguration: 'SOMETIMES' is not one of"):
        schema_module.validate(
            tmp_path / "t.yaml",
            "Pool",
            "AWS::Cognito::UserPool",
            {"MfaConfiguration": "SOMETIMES"},
            "us-east-1",
        )


# Values near what each schema node allows and just past it: the boundaries of lengths,
# ranges and counts, enum members in other cases, numbers and booleans as CloudFormation's
# strings, wrong types, misspelt and extra keys, nulls and dynamic references.
_ALPHABET = st.sampled_from("aZ09_-.:/@+= é\u00a0\n\t,*")
_ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 400),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(_ALPHABET, max_size=6),
    st.sampled_from(["true", "False", "30", "-5", "1e3", " 7", "{{resolve:ssm:/p}}", "x"]),
)
# Keys of any code point assigned in this Python's Unicode (14.0 in 3.11): they may meet a
# ``\p{L}`` pattern, and cfn-lint's regex module knows a newer Unicode, where some code points
# unassigned in 14.0 are letters (harness.patterns has unicodedata's categories; no other change).
_ASSIGNED = st.characters(exclude_categories=["Cs", "Cn"])
_ANY = st.recursive(
    _ANY_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(_ASSIGNED, max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def _strings(node: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    low, high = node.get("minLength", 0), node.get("maxLength", 12)
    made = []
    if "enum" in node:
        made.append(st.sampled_from(node["enum"]))
    elif "pattern" in node:
        made.append(_matching(node["pattern"], low, high))
    else:
        made.append(st.text(_ALPHABET, min_size=low, max_size=min(high, low + 8)))
    if wild:
        sizes = {max(0, low - 1), low, high, high + 1}
        made += [st.text(_ALPHABET, min_size=n, max_size=n) for n in sorted(sizes) if n <= 300]
        if "enum" in node:
            made.append(st.sampled_from(node["enum"]).map(str.lower))
    return st.one_of(made)


# Unicode classes of the schemas' patterns (regex syntax), as plain classes for generating.
_CLASSES = {"L": "a-zA-Zé", "M": "\u0301", "S": "+$", "N": "0-9", "P": "_.,!#", "Z": " "}


def _matching(pattern: str, low: int, high: int) -> st.SearchStrategy[str]:
    """Strings that match ``pattern``, most of them within the lengths allowed."""
    plain = re.sub(r"\\p\{(\w)\}", lambda m: _CLASSES[m[1]], pattern)
    try:
        re.compile(plain)
        return st.from_regex(plain).filter(lambda s: low <= len(s) <= high + 1)
    except re.error:
        return st.text(_ALPHABET, min_size=low, max_size=min(high, low + 8))


def _numbers(node: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    low = node.get("minimum", -10)
    high = node.get("maximum", low + 1000)
    if not wild:
        return st.integers(low, high)
    edges = [low - 1, low, high, high + 1]
    return st.one_of(
        st.sampled_from(edges),
        st.sampled_from(edges).map(str),
        st.integers(low - 2, high + 2).map(float),
        st.sampled_from([1.5, True, "7.0", "abc"]),
    )


_MADE: dict[tuple[int, int, bool], st.SearchStrategy[Any]] = {}


def _for(
    root: dict[str, Any], node: dict[str, Any], depth: int, wild: bool
) -> st.SearchStrategy[Any]:
    """Values for ``node``: allowed ones, or (``wild``) each member allowed or not, so that
    most refused values have one or two defects among allowed siblings."""
    key = (id(node), depth, wild)
    if key not in _MADE:
        made = _made(root, node, depth, wild=False)
        if wild:
            made = made | _made(root, node, depth, wild=True) | _ANY_SCALAR
        _MADE[key] = made
    return _MADE[key]


def _made(
    root: dict[str, Any], node: dict[str, Any], depth: int, wild: bool
) -> st.SearchStrategy[Any]:
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        return _made(root, target, depth, wild)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return _objects(root, node, depth, wild)
    if kind == "array":
        item = _for(root, node.get("items", {}), depth + 1, wild)
        low, high = node.get("minItems", 0), min(node.get("maxItems", 4), 5)
        return st.lists(item, min_size=max(0, low - wild), max_size=high + wild)
    if kind == "string":
        return _strings(node, wild)
    if kind in ("integer", "number"):
        return _numbers(node, wild)
    if kind == "boolean":
        return st.sampled_from(
            [True, False, "true", "FALSE", "yes", 1, "0"] if wild else [True, False]
        )
    return _ANY


def _objects(
    root: dict[str, Any], node: dict[str, Any], depth: int, wild: bool
) -> st.SearchStrategy[Any]:
    props = node.get("properties", {})
    if depth > 4 or not props:
        values = _ANY_SCALAR if wild else st.text(max_size=4)
        return st.dictionaries(st.text(_ALPHABET, max_size=4), values, max_size=3)
    names = sorted(props)
    required = set() if wild else set(node.get("required", []))  # wild: may be missing
    extra = st.sampled_from([*(n.lower() for n in names[:3]), "Extra", "UserPoolAddons"])
    optional = {n: _for(root, props[n], depth + 1, wild) for n in names if n not in required}
    if wild:
        optional["__extra__"] = st.tuples(extra, _ANY_SCALAR)
    return st.fixed_dictionaries(
        {n: _for(root, props[n], depth + 1, wild) for n in names if n in required},
        optional=optional,
    ).map(_with_extra)


def _with_extra(value: dict[str, Any]) -> dict[str, Any]:
    extra = value.pop("__extra__", None)
    if extra is not None:
        value[extra[0]] = extra[1]
    return value


def _no_pseudo_parameter(value: Any) -> bool:
    # cfn-lint leaves a bare "AWS::Region" string to another of its rules; CloudFormation (and
    # the harness) checks it as the literal string it is.
    if isinstance(value, str):
        return value not in _pseudo_parameters()
    if isinstance(value, list):
        return all(map(_no_pseudo_parameter, value))
    if isinstance(value, dict):
        return all(map(_no_pseudo_parameter, value.values()))
    return True


@pytest.mark.parametrize("type_name", sorted(VALIDATED_TYPES))
def test_the_validator_agrees_with_cfn_lint(type_name: str) -> None:
    root = resource_schema(type_name)
    ours, theirs = Validator(root), CfnTemplateValidator(root)
    accepted = refused = 0

    @settings(
        max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(props=_objects(root, root, 0, wild=False) | _objects(root, root, 0, wild=True))
    def agree(props: dict[str, Any]) -> None:
        nonlocal accepted, refused
        assume(_no_pseudo_parameter(props))
        cfn = list(theirs.iter_errors(props))
        mine = list(ours.iter_errors(props))
        assert (not mine) == (not cfn)
        assert list(described(mine)) == list(described(cfn))
        if cfn:
            refused += 1
        else:
            accepted += 1

    agree()
    assert accepted  # the generated properties exercise both sides
    assert refused


# Each keyword's edge, so every one is compared whatever the generator draws.
EDGES = [
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "AccessTokenValidity": 86401}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "AccessTokenValidity": "0"}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "IdTokenValidity": 2.0}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "GenerateSecret": "TRUE"}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "CallbackURLs": [None, "x"]}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "{{resolve:ssm:/pool}}"}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "a_b", "ClientName": 7}),
    ("AWS::Cognito::UserPool", {"AccountRecoverySetting": {"RecoveryMechanisms": []}}),
    (
        "AWS::Cognito::UserPool",
        {
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}] * 3
            }
        },
    ),
    ("AWS::Cognito::UserPool", {"MfaConfiguration": False, "UserPoolName": None}),
    ("AWS::Cognito::UserPool", {"DeletionProtection": "active", "UsernameAttributes": "email"}),
    ("AWS::Cognito::UserPool", {"Policies": {"PasswordPolicy": {"MinimumLength": 100}}}),
    ("AWS::Cognito::UserPool", {"UserPoolTags": {"a": 1, "b": None, "c": {"d": None}}}),
    ("AWS::Cognito::UserPoolDomain", {"UserPoolId": "a_b", "Domain": "my.example.com"}),
    (
        "AWS::Cognito::UserPoolDomain",
        {"UserPoolId": "a_b", "Domain": "mine", "CustomDomainConfig": {}},
    ),
    ("AWS::Cognito::UserPoolUser", {"UserPoolId": "a_b", "ClientMetadata": {"k!": "v", "k": 1}}),
    ("AWS::Cognito::UserPoolGroup", {"UserPoolId": "a_b", "GroupName": "ok", "Precedence": -1}),
    ("AWS::Cognito::UserPoolGroup", {"UserPoolId": None, "Precedence": True}),
    ("AWS::Cognito::UserPoolGroup", {"UserPoolId": "a_b", "GroupName": "", "RoleArn": "arn:x"}),
    ("AWS::Cognito::UserPoolGroup", {"UserPoolId": "a_b", "Description": "d" * 2049}),
]


def _raw(errors: Any) -> list[tuple[str, list[Any], str | None]]:
    # cfn-lint words an unknown property its own way ("Did you mean"); the harness words it.
    return [
        (e.validator, list(e.path), None if e.validator == "additionalProperties" else e.message)
        for e in errors
    ]


@pytest.mark.parametrize(("type_name", "props"), EDGES)
def test_the_validator_agrees_with_cfn_lint_on_each_keywords_edge(
    type_name: str, props: dict[str, Any]
) -> None:
    root = resource_schema(type_name)
    mine, cfn = (
        _raw(Validator(root).iter_errors(props)),
        _raw(CfnTemplateValidator(root).iter_errors(props)),
    )
    assert sorted(mine, key=str) == sorted(cfn, key=str)
    assert [m for m in mine if m[2]] == [c for c in cfn if c[2]]  # same order
    assert list(described(Validator(root).iter_errors(props))) == list(
        described(CfnTemplateValidator(root).iter_errors(props))
    )


def test_the_edges_reach_every_refusing_keyword() -> None:
    reached = {
        e.validator
        for type_name, props in EDGES
        for e in CfnTemplateValidator(resource_schema(type_name)).iter_errors(props)
    }
    assert reached >= {
        "type",
        "enum",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
        "required",
        "additionalProperties",
    }


_HOSTILE = "{####}" * 20_000 + "\x00"
_HOSTILE_ERRORS = [
    ("maxLength", "expected maximum length: 20000, found: 120001"),
    ("pattern", f"{_HOSTILE[:40] + '…'!r} (120001 characters) took over 1.0 s to match"),
]


def _hostile_errors() -> list[tuple[str, str]]:
    errors = Validator(resource_schema("AWS::Cognito::UserPool")).iter_errors(
        {"VerificationMessageTemplate": {"EmailMessage": _HOSTILE}}
    )
    return [(e.validator, e.message) for e in errors]


def test_a_hostile_value_is_refused_within_the_pattern_bound() -> None:
    # Backtracking in the schema's own pattern, cubic with re: unbounded, this takes hours.
    assert _hostile_errors() == _HOSTILE_ERRORS


@pytest.mark.slow  # a child process
def test_a_hostile_value_is_refused_within_the_bound_off_the_main_thread() -> None:
    # A template loaded on another thread: no SIGALRM there, the match runs in a child process.
    found: list[list[tuple[str, str]]] = []
    thread = threading.Thread(target=lambda: found.append(_hostile_errors()))
    thread.start()
    thread.join(120)  # a hang guard, not a speed assertion
    assert not thread.is_alive()
    assert found == [_HOSTILE_ERRORS]
