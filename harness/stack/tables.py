"""DynamoDB tables of a template: SAM's SimpleTable as CloudFormation writes it, and the
harness's own per-table setting, the seeder (:mod:`harness.emulator.seeding`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

#: The key of a resource's ``Metadata`` that holds the harness's own settings for it.
HARNESS_METADATA = "CognitoTriggerHarness"


def seeder_of(
    logical_id: str, resource: Mapping[str, Any], fail: Callable[[str, str, str], NoReturn]
) -> str | None:
    """The table's seeder reference, ``Metadata.CognitoTriggerHarness.Seeder``, if any."""
    harness = (resource.get("Metadata") or {}).get(HARNESS_METADATA)
    if harness is None:
        return None
    seeder = harness.get("Seeder") if isinstance(harness, dict) else None
    if not isinstance(seeder, str) or ":" not in seeder:
        fail(
            f"{logical_id}.Metadata.{HARNESS_METADATA}",
            "needs Seeder: path/to/module.py:function",
            "name the function that turns a setup record into the table's item",
        )
    return str(seeder)


def simple_table_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """The AWS::DynamoDB::Table properties SAM generates for an AWS::Serverless::SimpleTable."""
    key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    kind = {"String": "S", "Number": "N", "Binary": "B"}.get(key.get("Type", "String"), "S")
    table: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": kind}],
        "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
    }
    if "ProvisionedThroughput" in props:
        table["BillingMode"] = "PROVISIONED"
        table["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    else:
        table["BillingMode"] = "PAY_PER_REQUEST"
    if "SSESpecification" in props:
        table["SSESpecification"] = props["SSESpecification"]
    if "Tags" in props:
        table["Tags"] = [{"Key": k, "Value": v} for k, v in props["Tags"].items()]
    return table
