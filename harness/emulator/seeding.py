"""Putting a setup's or a test's records into the stack's tables, the same way everywhere.

The harness knows no table's record layout: a record goes into the table as it is (plain JSON,
numbers as DynamoDB decimals), unless the template names a *seeder* for the table, a function
of the project's own code that turns the record into the stored item (hashing a plaintext demo
password as the project's migration trigger expects, say)::

    LegacyUsersTable:
      Type: AWS::DynamoDB::Table
      Metadata:
        CognitoTriggerHarness:
          Seeder: events/seeders.py:legacy_user    # path relative to the template's folder

``def legacy_user(record: dict, now: float) -> dict`` gets a copy of the record and the
emulated clock (epoch seconds), and returns the item. It raises ``ValueError`` (or
``KeyError``/``TypeError``) with a one-line message for a record it cannot use. The emulated
replay, ``harness.testing``, ``harness serve`` and the live replay all seed through here.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from harness.errors import HarnessInputError
from harness.stack import Stack, TableSpec

_SERIALIZER = TypeSerializer()

Seeder = Callable[[dict[str, Any], float], Mapping[str, Any]]


class SeedError(HarnessInputError, ValueError):
    """A record that cannot go into its table, or a seeder that cannot be loaded."""


def table_of(stack: Stack, logical_id: str) -> TableSpec:
    table = stack.tables.get(logical_id)
    if table is None:
        raise SeedError(
            f"no table {logical_id!r} in {stack.path.name}; "
            f"tables: {', '.join(stack.tables) or '(none)'}"
        )
    return table


def table_items(
    stack: Stack, logical_id: str, records: Sequence[Mapping[str, Any]], now: float
) -> tuple[TableSpec, list[dict[str, Any]]]:
    """The table and the items its records become (through its seeder, if it has one)."""
    table = table_of(stack, logical_id)
    if table.seeder is None:
        return table, [dict(record) for record in records]
    seeder = load_seeder(stack.path.parent, table.seeder)
    items = []
    for number, record in enumerate(records, 1):
        if not isinstance(record, Mapping):
            raise SeedError(f"{logical_id} record {number} must be an object")
        try:
            item = seeder(dict(record), now)
        except (ValueError, KeyError, TypeError) as error:
            raise SeedError(f"{logical_id} record {number}: {_message(error)}") from None
        if not isinstance(item, Mapping):
            raise SeedError(
                f"{logical_id}'s seeder {table.seeder} returned {type(item).__name__}, not an "
                "object"
            )
        items.append(dict(item))
    return table, items


@functools.cache
def load_seeder(folder: Path, reference: str) -> Seeder:
    """The function ``path.py:name`` names, ``path`` relative to ``folder``; loaded once."""
    path_text, _, name = reference.rpartition(":")
    path = (folder / path_text).resolve()
    if not path.is_file():
        raise SeedError(
            f"seeder {reference}: no file {path}; the path is relative to the template's folder"
        )
    # A private module name per file: two projects' seeders.py never collide.
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"_harness_seeder_{digest}", path)
    if spec is None or spec.loader is None:
        raise SeedError(f"seeder {reference}: {path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function = getattr(module, name, None)
    if not callable(function):
        raise SeedError(f"seeder {reference}: {path.name} defines no function {name!r}")
    return function  # type: ignore[no-any-return]


#: DynamoDB's item size limit ([D] DynamoDB service quotas: "400 KB" per item, names included).
MAX_ITEM_BYTES = 400 * 1024


def check_items(table: TableSpec, items: Sequence[Mapping[str, Any]]) -> None:
    """What DynamoDB would refuse, as one SeedError naming the record: a missing key
    attribute, an item over 400 KB, two records with the same key (the second would silently
    replace the first)."""
    keys = [k["AttributeName"] for k in table.key_schema]
    seen: dict[tuple[str, ...], int] = {}
    for number, item in enumerate(items, 1):
        missing = [k for k in keys if item.get(k) in (None, "")]
        if missing:
            raise SeedError(
                f"{table.logical_id} record {number} has no {', '.join(missing)} "
                f"(the table's key: {', '.join(keys)})"
            )
        size = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in item.items())
        if size > MAX_ITEM_BYTES:
            raise SeedError(
                f"{table.logical_id} record {number} is about {size} bytes, over DynamoDB's "
                f"{MAX_ITEM_BYTES} byte item limit"
            )
        key = tuple(str(item[k]) for k in keys)
        if key in seen:
            raise SeedError(
                f"{table.logical_id} records {seen[key]} and {number} have the same key "
                f"({', '.join(f'{k}={item[k]!r}' for k in keys)}); define each record once"
            )
        seen[key] = number


def _message(error: Exception) -> str:
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def _decimal(value: Any) -> Any:
    # DynamoDB numbers are decimals; floats would be refused.
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimal(v) for v in value]
    return value


def dynamodb_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plain JSON item as DynamoDB's typed attribute values."""
    return {key: _SERIALIZER.serialize(_decimal(value)) for key, value in item.items()}
