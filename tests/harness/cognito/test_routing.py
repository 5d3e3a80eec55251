"""The ClientMetadata routing table, read directly: the rows a user relies on, and its guards."""

from __future__ import annotations

import pytest

from harness.cognito.routing import (
    INITIATE,
    REFRESH,
    RESPOND,
    RULES,
    UnroutedTriggerError,
    metadata_field,
    routing_markdown,
    rule_for,
)
from harness.cognito.triggers import TRIGGER_NAMES
from harness.settings import Settings


@pytest.mark.parametrize("operation", INITIATE)
@pytest.mark.parametrize("trigger", ["PreSignUp", "PreAuthentication", "UserMigration"])
def test_initiate_auth_gives_three_triggers_validation_data(operation: str, trigger: str) -> None:
    assert metadata_field(operation, trigger) == "validationData"


@pytest.mark.parametrize("operation", INITIATE)
@pytest.mark.parametrize(
    "trigger",
    ["PostAuthentication", "PreTokenGeneration", "CustomMessage", "DefineAuthChallenge"],
)
def test_initiate_auth_runs_the_others_without_metadata(operation: str, trigger: str) -> None:
    assert metadata_field(operation, trigger) is None


@pytest.mark.parametrize("operation", RESPOND)
def test_respond_calls_pass_client_metadata_to_every_trigger_that_runs(operation: str) -> None:
    for trigger in ("PostAuthentication", "PreTokenGeneration", "VerifyAuthChallengeResponse"):
        assert metadata_field(operation, trigger) == "clientMetadata"


def test_refresh_follows_its_setting_and_defaults_to_none() -> None:
    assert metadata_field(REFRESH, "PreTokenGeneration") is None
    assert metadata_field(REFRESH, "PreTokenGeneration", Settings()) is None
    chosen = Settings().with_overrides({"refresh_client_metadata_field": "clientMetadata"})
    assert metadata_field(REFRESH, "PreTokenGeneration", chosen) == "clientMetadata"


def test_a_trigger_the_table_does_not_route_is_a_harness_bug_naming_the_table() -> None:
    with pytest.raises(UnroutedTriggerError, match=r"harness/cognito/routing\.py"):
        rule_for("AdminInitiateAuth", "PostConfirmation")


def test_every_rule_names_a_known_trigger_and_cites_a_source() -> None:
    for rule in RULES:
        assert rule.trigger in TRIGGER_NAMES
        assert rule.source.startswith(("[D]", "[O]", "[A]"))
        assert (rule.setting is not None) == rule.source.startswith("[A]")


def test_no_operation_and_trigger_pair_has_two_rules() -> None:
    pairs = [(operation, rule.trigger) for rule in RULES for operation in rule.operations]
    assert len(pairs) == len(set(pairs))


def test_the_markdown_table_has_one_row_per_rule() -> None:
    rows = routing_markdown().splitlines()[2:]
    assert len(rows) == len(RULES)
    assert "| AdminInitiateAuth, InitiateAuth | PreAuthentication | `request.validationData` |" in (
        "\n".join(rows)
    )
