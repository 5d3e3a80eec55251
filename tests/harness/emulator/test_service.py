"""One call turned into its record: its own invocations, and the pool it runs against."""

from __future__ import annotations

import boto3

from harness.emulator import Emulator
from tests.support.emulator import PASSWORD, initiate, ran


def test_each_record_keeps_the_invocations_of_its_own_call(emu: Emulator) -> None:
    first = initiate(emu)
    seen = ran(first)

    second = initiate(emu)

    assert seen == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    assert ran(first) == seen  # the second call did not write into the first record
    assert ran(second) == seen
    assert first.invocations is not second.invocations
    assert emu.calls == [first, second]


def test_an_adopted_pool_runs_the_call_with_its_own_ids_and_leaves_the_template_pool_alone(
    emu: Emulator,
) -> None:
    idp = boto3.client("cognito-idp", region_name=emu.region)
    pool = idp.create_user_pool(PoolName="made-by-app")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="made-by-app")[
        "UserPoolClient"
    ]["ClientId"]
    template_pool, template_client = emu.user_pool_id, emu.client_id
    emu.adopt_pool(pool)

    record = emu.call("SignUp", {"ClientId": client, "Username": "finn", "Password": PASSWORD})

    assert record.error is None, record.outcome
    assert ran(record) == ["PreSignUp_SignUp", "CustomMessage_SignUp"]
    for invocation in record.invocations:
        assert invocation.event["userPoolId"] == pool
        assert invocation.event["callerContext"]["clientId"] == client
    assert emu.adopted_pools == (pool,)
    assert (emu.user_pool_id, emu.client_id) == (template_pool, template_client)
    assert emu.find_user("finn") is None  # created in the adopted pool only
    assert emu.id_map == {}

    back = initiate(emu)

    assert back.error is None, back.outcome
    assert {i.event["userPoolId"] for i in back.invocations} == {template_pool}
