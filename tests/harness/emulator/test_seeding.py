"""Table records go in as they are, or through the seeder the template names; bad ones say why."""

from __future__ import annotations

import warnings
from pathlib import Path

import boto3
import pytest

from harness.emulator import Emulator
from harness.emulator.overrides import SetupError
from harness.emulator.seeding import SeedError
from harness.stack import TemplateError, load_stack
from harness.testing import CognitoPool
from tests.support.paths import TEMPLATE

TEMPLATE_TEXT = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Seeded:
    Type: AWS::DynamoDB::Table
    Metadata:
      CognitoTriggerHarness:
        Seeder: hooks/seed.py:stamp
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""

SEEDER = """\
def stamp(record, now):
    if "id" not in record:
        raise ValueError("a record needs an id")
    return {**record, "id": record["id"].upper(), "seeded_at": int(now)}
"""


@pytest.fixture
def stack_dir(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE_TEXT)
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "seed.py").write_text(SEEDER)
    return tmp_path


def items(emulator: Emulator, logical_id: str) -> list[dict[str, object]]:
    table = emulator.stack.tables[logical_id].table_name
    found = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table)["Items"]
    return sorted(found, key=str)


def test_records_go_in_as_they_are_without_a_seeder(stack_dir: Path) -> None:
    with Emulator(stack_dir / "template.yaml") as emulator:
        emulator.put_items("Plain", [{"id": "a", "count": 2, "ratio": 0.5}])
        assert items(emulator, "Plain") == [
            {"id": {"S": "a"}, "count": {"N": "2"}, "ratio": {"N": "0.5"}}
        ]


def test_the_templates_seeder_turns_records_into_items_with_the_emulated_clock(
    stack_dir: Path,
) -> None:
    with Emulator(stack_dir / "template.yaml", clock=lambda: 1_700_000_000.9) as emulator:
        emulator.put_items("Seeded", [{"id": "a"}])
        assert items(emulator, "Seeded") == [{"id": {"S": "A"}, "seeded_at": {"N": "1700000000"}}]


def test_a_record_the_seeder_refuses_is_one_line_naming_table_and_record(stack_dir: Path) -> None:
    with (
        Emulator(stack_dir / "template.yaml") as emulator,
        pytest.raises(SeedError, match=r"^Seeded record 2: a record needs an id$"),
    ):
        emulator.put_items("Seeded", [{"id": "a"}, {"name": "no id"}])


def test_an_unknown_table_lists_the_templates_tables(stack_dir: Path) -> None:
    with (
        Emulator(stack_dir / "template.yaml") as emulator,
        pytest.raises(SeedError, match=r"no table 'Nope' in template.yaml; tables: Plain"),
    ):
        emulator.put_items("Nope", [{"id": "a"}])


def test_a_seeder_file_that_is_missing_says_the_path_is_template_relative(
    stack_dir: Path,
) -> None:
    (stack_dir / "hooks" / "seed.py").unlink()
    with (
        Emulator(stack_dir / "template.yaml") as emulator,
        pytest.raises(SeedError, match="relative to the template's folder"),
    ):
        emulator.put_items("Seeded", [{"id": "a"}])


def test_a_seeder_metadata_without_a_function_is_a_template_error(stack_dir: Path) -> None:
    path = stack_dir / "template.yaml"
    path.write_text(TEMPLATE_TEXT.replace("hooks/seed.py:stamp", "hooks/seed.py"))
    with pytest.raises(TemplateError, match=r"Seeded\.Metadata\.CognitoTriggerHarness"):
        load_stack(path)


def test_a_pool_or_client_the_stack_lacks_is_an_input_error(stack_dir: Path) -> None:
    with pytest.raises(SetupError, match=r"no pool 'Pol' in template.yaml \(did you mean 'Pool'"):
        Emulator(stack_dir / "template.yaml", pool="Pol")
    with pytest.raises(SetupError, match="no client 'Other'"):
        Emulator(stack_dir / "template.yaml", client="Other")


def test_the_deprecated_project_helpers_still_seed_through_the_seeders() -> None:
    with CognitoPool(TEMPLATE) as pool:
        with pytest.warns(DeprecationWarning, match=r"put_items\('LegacyUsersTable'"):
            pool.add_legacy_user("bob", "Legacy-pa55!", iterations=1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pool.add_invitation("INVITE-9", "dan@example.com")
        legacy = items(pool.emulator, "LegacyUsersTable")[0]
        assert legacy["username"] == {"S": "bob"}
        assert "password" not in legacy  # hashed by events/seeders.py
        assert legacy["algorithm"] == {"S": "pbkdf2_sha256"}
        assert "expires_at" in items(pool.emulator, "InvitationsTable")[0]


def test_the_project_template_names_its_seeders() -> None:
    stack = load_stack(TEMPLATE)
    assert stack.tables["LegacyUsersTable"].seeder == "events/seeders.py:legacy_user"
    assert stack.tables["InvitationsTable"].seeder == "events/seeders.py:invitation"
