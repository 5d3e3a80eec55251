"""Nested stacks with a local template: ``AWS::Serverless::Application`` (``Location``) and
``AWS::CloudFormation::Stack`` (``TemplateURL``), followed as ``sam local`` follows them.

The child template's path is relative to the parent's folder; the nested resource's
``Parameters`` (resolved in the parent) are the child's parameter values, and
``!GetAtt Child.Outputs.Name`` is the child's output ([D] CloudFormation
AWS::CloudFormation::Stack, Return values: ``Outputs.NestedStackOutputName``; SAM
AWS::Serverless::Application: ``Outputs.ApplicationOutputName``). The child's pools,
clients, functions, tables and pool resources join the parent's under their own logical ids
(SAM CLI addresses them as ``Child/LogicalId``; the harness needs them unique across the stacks
and says so when they are not). A child from the Serverless Application Repository or an S3
URL is deployed-only: it is refused with the way out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, NoReturn

from harness.cognito.triggers import ARN_OBJECT_KEYS
from harness.stack.errors import TemplateError
from harness.stack.specs import Stack
from harness.stack.symbols import plain_str

#: The nested-stack types and the property naming the child template.
NESTED_TYPES: Final[Mapping[str, str]] = {
    "AWS::Serverless::Application": "Location",
    "AWS::CloudFormation::Stack": "TemplateURL",
}

Fail = Callable[[str, str, str], NoReturn]


def child_template(
    logical_id: str, type_name: str, location: Any, folder: Path, fail: Fail
) -> Path:
    """The child template's path, from the resolved ``Location`` / ``TemplateURL``."""
    where = f"{logical_id}.{NESTED_TYPES[type_name]}"
    if not isinstance(location, str) or location.startswith(("s3://", "https://", "http://")):
        fail(
            where,
            f"{location!r} is not a local template (a Serverless Application Repository "
            "application or an S3 URL is deployed-only)",
            "point it at the child template's path, relative to this template",
        )
    path = (folder / location).resolve()
    if path.is_dir():
        path = next((path / n for n in ("template.yaml", "template.yml", "template.json")), path)
    if not path.is_file():
        fail(where, f"no template at {path}", "fix the path (relative to this template)")
    return path


def child_parameters(
    logical_id: str, raw: Any, resolve: Callable[[Any, str], Any], fail: Fail
) -> tuple[dict[str, str], dict[str, TemplateError]]:
    """The child's parameter values, each resolved in the parent on its own: one the parent
    cannot resolve is an error only where the child uses it (a nested stack the command does
    not need must not stop it)."""
    if raw is None:
        return {}, {}
    if not isinstance(raw, Mapping):
        fail(f"{logical_id}.Parameters", f"expected a mapping, got {raw!r}", "fix Parameters")
    values: dict[str, str] = {}
    unresolved: dict[str, TemplateError] = {}
    for key, item in raw.items():
        try:
            value = resolve(item, f"{logical_id}.Parameters.{key}")
        except TemplateError as error:
            unresolved[str(key)] = error
            continue
        values[str(key)] = (
            ",".join(map(plain_str, value)) if isinstance(value, list) else plain_str(value)
        )
    return values, unresolved


def link_triggers(stack: Stack) -> Stack:
    """Each pool's trigger whose ARN names a function of another stack of the template (a
    nested stack's parameter, an output, a ``!Sub``'d ARN) wired to that function, as
    CloudFormation's deployed ARN would be: it runs as the function, not as an outside one.

    A qualified ARN names the function too; an ARN of another region or account does not.
    """
    by_name = {spec.function_name: lid for lid, spec in stack.functions.items()}
    pools = dict(stack.pools)
    for pool_id, pool in stack.pools.items():
        linked = {
            trigger: by_name[name]
            for trigger, arn in pool.external_triggers.items()
            if (name := _local_name(arn, stack)) in by_name
        }
        if not linked:
            continue
        config = dict(pool.properties.get("LambdaConfig") or {})
        for key, wired in config.items():
            function_id = linked.get(ARN_OBJECT_KEYS.get(key, key))
            if function_id is not None:
                arn = stack.functions[function_id].arn
                config[key] = {**wired, "LambdaArn": arn} if isinstance(wired, dict) else arn
        pools[pool_id] = dataclasses.replace(
            pool,
            triggers={**pool.triggers, **linked},
            external_triggers={t: a for t, a in pool.external_triggers.items() if t not in linked},
            properties={**pool.properties, "LambdaConfig": config},
        )
    return dataclasses.replace(stack, pools=pools)


def _local_name(arn: str, stack: Stack) -> str | None:
    """The function name an ARN of this stack's region and account names, else None."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return parts[6] if (parts[3], parts[4]) == (stack.region, stack.account_id) else None
    return None


def merge(parent: Stack, children: Iterable[tuple[str, Stack]], fail: Fail) -> Stack:
    """The parent with its children's resources; a logical id in two stacks is refused."""
    merged: dict[str, dict[str, Any]] = {
        "functions": dict(parent.functions),
        "tables": dict(parent.tables),
        "pools": dict(parent.pools),
        "clients": dict(parent.clients),
        "pool_resources": dict(parent.pool_resources),
    }
    notes = list(parent.notes)
    grants = list(parent.invoke_grants)
    templates = dict(parent.templates)
    for child_id, child in children:
        grants.extend(child.invoke_grants)
        for logical_id in (*child.functions, *child.pools):
            templates[logical_id] = child.templates.get(logical_id, child.path)
        for field, mine in merged.items():
            theirs: Mapping[str, Any] = getattr(child, field)
            for logical_id in theirs:
                if logical_id in mine:
                    fail(
                        child_id,
                        f"{logical_id} is a logical id of this stack and of nested stack "
                        f"{child_id} ({child.path})",
                        "rename one of them: the harness addresses resources by logical id",
                    )
            mine.update(theirs)
        notes.extend(n for n in child.notes if n not in notes)
    return dataclasses.replace(
        parent,
        notes=tuple(notes),
        invoke_grants=tuple(grants),
        templates=templates,
        **merged,  # type: ignore[arg-type]
    )
