"""The project's triggers answer the same under the Lambda runtime interface emulator as in-process.

Every function of template.yaml, on the sample events of the trigger sources it serves
(events/triggers/), plus variants with the metadata and data the trigger needs to say yes. Both
invokers share one emulated AWS: moto's in-process mock for the in-process trigger, the local
moto server (same backends) for the RIE one.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from harness.invokers import InProcessInvoker, InvokeResult
from harness.invokers.local_aws import trigger_client
from harness.invokers.rie import RieInvoker
from harness.stack import Stack, load_stack
from tests.support.invokers import ROOT

# Slow: Lambda's runtime interface emulator per function; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow

EVENTS = ROOT / "events" / "triggers"
SALT = bytes(range(16))


def _sources_prefix(trigger: str) -> str:
    return "TokenGeneration" if trigger == "PreTokenGeneration" else trigger


def _with(event: dict[str, Any], **request: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["request"].update(request)
    return changed


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(function logical id, case name, event) for every function of the project template."""
    stack = load_stack(ROOT / "template.yaml")
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for trigger, logical_id in sorted(stack.default_pool.triggers.items()):
        paths = sorted(EVENTS.glob(f"{_sources_prefix(trigger)}_*.json"))
        assert paths, f"no sample event for {trigger} in {EVENTS}"
        for path in paths:
            event = json.loads(path.read_text())
            cases.append((logical_id, path.stem, event))
            cases.extend((logical_id, f"{path.stem}+{name}", e) for name, e in _variants(event))
    return cases


def _variants(event: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The sample event with what the trigger needs to accept it (or to refuse for a reason)."""
    source = event["triggerSource"]
    if source == "PreAuthentication_Authentication":
        yield "appVersion", _with(event, validationData={"appVersion": "2.1.0"})
        yield "old-app", _with(event, validationData={"appVersion": "1.0.0"})
        tenant = _with(event, validationData={"appVersion": "2.1.0", "tenant": "acme"})
        tenant["request"]["userAttributes"]["custom:tenant"] = "other"
        yield "wrong-tenant", tenant
    elif source == "PreSignUp_SignUp":
        yield "invitation", _with(event, validationData={"invitationCode": "INVITE-123"})
        yield "unknown-invitation", _with(event, clientMetadata={"invitationCode": "NOPE-0000"})
        yield "bad-code", _with(event, validationData={"invitationCode": "!"})
    elif source.startswith("UserMigration_"):
        bob = copy.deepcopy(event)
        bob["userName"] = "legacy-bob"
        bob["request"]["password"] = "LegacyPassw0rd!demo"
        yield "legacy-bob", bob
        yield "realm", _with(bob, validationData={"realm": "nowhere"})
    elif source == "PostAuthentication_Authentication":
        yield "clientMetadata", _with(event, clientMetadata={"appVersion": "2.1.0"})
        yield "bad-metadata", _with(event, clientMetadata={"appVersion": "x"})
    elif source.startswith("TokenGeneration_"):
        tenant = copy.deepcopy(event)
        tenant["request"]["userAttributes"]["custom:tenant"] = "acme"
        yield "tenant", tenant


CASES = _cases()


@pytest.fixture(scope="module")
def shared_aws(project_rie: RieInvoker, project_stack: Stack) -> Iterator[None]:
    """The template's tables, seeded, seen by both invokers' triggers."""
    with mock_aws():
        dynamodb = trigger_client("dynamodb", project_stack.region, project_rie.aws_endpoint_url)
        for table in project_stack.tables.values():
            dynamodb.create_table(**table.create_table_kwargs())
        tables = {t.logical_id: t.table_name for t in project_stack.tables.values()}
        dynamodb.put_item(
            TableName=tables["InvitationsTable"],
            Item={"code": {"S": "INVITE-123"}, "email": {"S": "alice@example.com"}},
        )
        password_hash = hashlib.pbkdf2_hmac("sha256", b"LegacyPassw0rd!demo", SALT, 1000).hex()
        dynamodb.put_item(
            TableName=tables["LegacyUsersTable"],
            Item={
                "realm": {"S": "default"},
                "username": {"S": "legacy-bob"},
                "email": {"S": "bob@example.com"},
                "email_verified": {"BOOL": True},
                "tenant": {"S": "acme"},
                "salt": {"S": SALT.hex()},
                "iterations": {"N": "1000"},
                "algorithm": {"S": "pbkdf2_sha256"},
                "password_hash": {"S": password_hash},
            },
        )
        yield


@pytest.fixture(scope="module")
def inprocess(project_stack: Stack) -> Iterator[InProcessInvoker]:
    invoker = InProcessInvoker(region=project_stack.region)
    yield invoker
    invoker.close()


def _answer(result: InvokeResult) -> dict[str, Any]:
    """What Cognito reads of an answer."""
    return {
        "payload": result.payload,
        "error": (result.error_type, result.error_message),
        "timed_out": result.timed_out,
        "raw": result.raw,
    }


@pytest.mark.usefixtures("shared_aws")
@pytest.mark.parametrize(
    ("logical_id", "event"),
    [pytest.param(lid, event, id=f"{lid}-{name}") for lid, name, event in CASES],
)
def test_each_trigger_answers_the_same_through_rie(
    logical_id: str,
    event: dict[str, Any],
    project_rie: RieInvoker,
    inprocess: InProcessInvoker,
    project_stack: Stack,
) -> None:
    function = project_stack.functions[logical_id]
    expected = inprocess.invoke(function, copy.deepcopy(event), 5)
    got = project_rie.invoke(function, copy.deepcopy(event), 5)
    assert _answer(got) == _answer(expected)
    assert got.error_type != "Runtime.ImportModuleError", got.error_message


def test_the_variants_reach_the_triggers_yes(
    shared_aws: None, project_rie: RieInvoker, project_stack: Stack
) -> None:
    """Not all refusals: the seeded invitation and legacy user are read from the local server."""
    accepted = []
    for logical_id, name, event in CASES:
        result = project_rie.invoke(project_stack.functions[logical_id], copy.deepcopy(event), 5)
        if result.error_type is None:
            accepted.append(f"{logical_id}-{name}")
    for wanted in (
        "PreSignUpFunction-PreSignUp_SignUp+invitation",
        "UserMigrationFunction-UserMigration_Authentication+legacy-bob",
        "UserMigrationFunction-UserMigration_ForgotPassword+legacy-bob",
        "PreAuthenticationFunction-PreAuthentication_Authentication+appVersion",
    ):
        assert wanted in accepted


def test_a_warm_environment_is_reused_and_reports_no_init(
    project_rie: RieInvoker, project_stack: Stack
) -> None:
    function = project_stack.functions["PreTokenGenerationFunction"]
    event = json.loads((EVENTS / "TokenGeneration_Authentication.json").read_text())
    project_rie.invoke(function, copy.deepcopy(event), 5)
    pid = project_rie.warm_pids()[function.logical_id]
    again = project_rie.invoke(function, copy.deepcopy(event), 5)
    assert again.init_duration_ms is None
    assert project_rie.warm_pids()[function.logical_id] == pid
    assert '"message":"trigger metadata"' in again.logs  # Powertools' line, captured
    assert "REPORT RequestId" not in again.logs
