"""A pool started from a snapshot has the snapshot's state and nothing of its other users'."""

from __future__ import annotations

import boto3
import pytest

from harness.emulator.snapshot import Snapshot
from harness.stack import Stack
from harness.testing import CognitoPool
from tests.support.paths import TEMPLATE

PASSWORD = "Passw0rd!demo"
METADATA = {"appVersion": "2.1.0", "tenant": "acme"}


@pytest.fixture(scope="module")
def snapshot(stack: Stack) -> Snapshot:
    """The project's pool as built, with one user every test shares (seeded before the
    snapshot)."""
    with CognitoPool(stack) as pool:
        pool.add_user("shared", PASSWORD, attributes={"email": "shared@example.com"})
        return pool.emulator.snapshot()


def _table_items(pool: CognitoPool, logical_id: str) -> list[dict[str, object]]:
    table = pool.emulator.stack.tables[logical_id].table_name
    items: list[dict[str, object]] = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return items


def _use_everything(pool: CognitoPool) -> None:
    """What a test does to its pool: users, items, calls with invocations, an open session,
    a group, an id seen in a call."""
    pool.add_user("alice", PASSWORD, attributes={"email": "a@example.com"}, groups=["admins"])
    pool.put_items("InvitationsTable", [{"code": "INVITE-1", "email": "carol@example.com"}])
    signed_in = pool.sign_in("alice", PASSWORD, client_metadata=METADATA)
    assert signed_in.outcome["status"] == "tokens"
    pool.client.sign_up(
        ClientId=pool.client_id,
        Username="carol",
        Password="Carol-passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
        ValidationData=[{"Name": "invitationCode", "Value": "INVITE-1"}],
    )
    pool.add_user("dave", PASSWORD, status="FORCE_CHANGE_PASSWORD")
    challenged = pool.sign_in("dave", PASSWORD, client_metadata=METADATA)
    assert challenged.outcome["status"] == "challenge"
    assert pool.emulator.sessions._open
    pool.emulator.id_map["us-east-1_Deployed1"] = pool.user_pool_id
    assert pool.invocations


def test_a_restored_pool_has_the_snapshot_and_nothing_of_the_pool_before_it(
    stack: Stack, snapshot: Snapshot
) -> None:
    with CognitoPool(stack, snapshot=snapshot) as first:
        ids = first.user_pool_id, first.client_id
        _use_everything(first)
        assert first.emulator.find_user("carol") is not None
        assert _table_items(first, "InvitationsTable")

    with CognitoPool(stack, snapshot=snapshot) as second:
        # The same pool and client (restored, not built again)...
        assert (second.user_pool_id, second.client_id) == ids
        # ...with the snapshot's user, who can still sign in with the pool's signing key...
        assert second.sign_in("shared", PASSWORD, METADATA).outcome["status"] == "tokens"
        # ...and nothing of the first: no user, group, item, call, invocation, session, id.
        assert second.emulator.find_user("alice") is None
        assert second.emulator.find_user("carol") is None
        assert second.emulator.pool.groups == {}
        assert _table_items(second, "InvitationsTable") == []
        assert [c.operation for c in second.calls] == ["AdminInitiateAuth"]
        assert [i.trigger for i in second.invocations] == [
            "PreAuthentication",
            "PostAuthentication",
            "PreTokenGeneration",
        ]
        assert second.emulator.sessions._open == {}
        assert second.emulator.id_map == {}
        # moto answers from the same restored pool
        listed = second.client.list_users(UserPoolId=second.user_pool_id)["Users"]
        assert [u["Username"] for u in listed] == ["shared"]


def test_the_snapshot_itself_is_never_changed(stack: Stack, snapshot: Snapshot) -> None:
    for _ in range(2):
        with CognitoPool(stack, snapshot=snapshot) as pool:
            assert [u.username for u in pool.emulator.pool.users.values()] == ["shared"]
            pool.emulator.find_user("shared").enabled = False  # type: ignore[union-attr]
            _use_everything(pool)


def test_settings_may_differ_but_not_what_the_pool_was_built_from(
    stack: Stack, snapshot: Snapshot
) -> None:
    with CognitoPool(
        stack, snapshot=snapshot, settings={"auth_trigger_order": "pre-token-first"}
    ) as pool:
        pool.sign_in("shared", PASSWORD, METADATA)
        pool.assert_order("PreTokenGeneration", "PostAuthentication")
    overridden = CognitoPool(stack, snapshot=snapshot, overrides={"MfaConfiguration": "OPTIONAL"})
    with pytest.raises(ValueError, match="snapshot is of another"):
        overridden.__enter__()


def test_a_snapshot_of_another_template_is_refused(snapshot: Snapshot) -> None:
    other = TEMPLATE.parent / "tests" / "fixtures" / "recording" / "template.yaml"
    with pytest.raises(ValueError, match="snapshot is of another"):
        CognitoPool(other, snapshot=snapshot).__enter__()


def test_a_restored_pool_encrypts_sender_codes_under_its_own_kms_key(
    stack: Stack, snapshot: Snapshot
) -> None:
    # The pool's KMSKeyID lives in moto's KMS: a restore must bring the key back, or the custom
    # sender cannot decrypt the code (the first pool's key would be gone with its mock).
    for _ in range(2):
        with CognitoPool(stack, snapshot=snapshot) as pool:
            created = pool.call(
                "AdminCreateUser",
                Username="erin",
                UserAttributes=[{"Name": "email", "Value": "erin@example.com"}],
            )
            assert created.error is None, created.error
            (sender,) = pool.invocations_of("CustomEmailSender")
            assert sender.error is None, sender.traceback
            (queued,) = _table_items(pool, "OutboxTable")
            assert queued["destination"] == {"S": "erin@example.com"}
