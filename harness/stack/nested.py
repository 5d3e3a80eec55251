"""Nested stacks with a local template: ``AWS::Serverless::Application`` (``Location``) and
``AWS::CloudFormation::Stack`` (``TemplateURL``), followed as ``sam local`` follows them.

The child template's path is relative to the parent's folder; the nested resource's
``Parameters`` (resolved in the parent) are the child's parameter values. The child's pools,
clients, functions, tables and pool resources join the parent's under their own logical ids
(SAM CLI addresses them as ``Child/LogicalId``; the harness needs them unique across the stacks
and says so when they are not). A child from the Serverless Application Repository or an S3
URL is deployed-only: it is refused with the way out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, NoReturn

from harness.stack.specs import Stack
from harness.stack.symbols import plain_str

#: The nested-stack types and the property naming the child template.
NESTED_TYPES: Final[Mapping[str, str]] = {
    "AWS::Serverless::Application": "Location",
    "AWS::CloudFormation::Stack": "TemplateURL",
}

Fail = Callable[[str, str, str], NoReturn]


def child_template(
    logical_id: str, type_name: str, props: Mapping[str, Any], folder: Path, fail: Fail
) -> tuple[Path, dict[str, str]]:
    """The child template's path and its parameter values, from the resolved properties."""
    key = NESTED_TYPES[type_name]
    where = f"{logical_id}.{key}"
    location = props.get(key)
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
    raw = props.get("Parameters") or {}
    if not isinstance(raw, Mapping):
        fail(f"{logical_id}.Parameters", f"expected a mapping, got {raw!r}", "fix Parameters")
    values = {
        str(k): ",".join(map(plain_str, v)) if isinstance(v, list) else plain_str(v)
        for k, v in raw.items()
    }
    return path, values


def merge(parent: Stack, children: Iterable[tuple[str, Stack]], fail: Fail) -> Stack:
    """The parent with its children's resources; a logical id in two stacks is refused."""
    import dataclasses

    merged: dict[str, dict[str, Any]] = {
        "functions": dict(parent.functions),
        "tables": dict(parent.tables),
        "pools": dict(parent.pools),
        "clients": dict(parent.clients),
        "pool_resources": dict(parent.pool_resources),
    }
    notes = list(parent.notes)
    grants = list(parent.invoke_grants)
    for child_id, child in children:
        grants.extend(child.invoke_grants)
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
        **merged,  # type: ignore[arg-type]
    )
