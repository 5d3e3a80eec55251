"""Each pool signs its tokens with its own key; a pool with stable ids keeps it across starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.emulator import Emulator
from harness.emulator.tokens import public_jwks
from tests.support.paths import ROOT


def test_a_pool_with_stable_ids_keeps_its_signing_key_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # harness serve's pools keep their ids from one start to the next; an app's tokens must
    # keep verifying too, so the pool's own key is kept with its id (and only its key).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    jwks = []
    for _ in range(2):
        with Emulator(ROOT / "template.yaml", stable_ids=True) as emu:
            jwks.append(public_jwks(emu.pool))
            pool_id = emu.user_pool_id
    assert jwks[0] == jwks[1]
    kept = tmp_path / "cognito-trigger-harness" / "pool-keys" / f"{pool_id}.jwk.json"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    with Emulator(ROOT / "template.yaml") as fresh:  # random ids: a key of its own
        assert public_jwks(fresh.pool) != jwks[0]


def test_a_pool_moto_alone_holds_still_signs_with_motos_published_key() -> None:
    # The harness defers moto's import of its bundled key (harness.emulator.tokens) until a
    # pool signs with it: a pool the harness never gives a key of its own signs as in moto.
    import boto3
    from joserfc import jwk, jwt
    from moto import mock_aws
    from moto.utilities.utils import load_resource

    import harness.emulator.tokens  # noqa: F401 (what installs the deferral)

    password = "Passw0rd!moto"
    with mock_aws():
        client = boto3.client("cognito-idp", region_name="us-east-1")
        pool = client.create_user_pool(PoolName="moto-only")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        client.admin_set_user_password(
            UserPoolId=pool, Username="alice", Password=password, Permanent=True
        )
        tokens = client.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=app,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": password},
        )["AuthenticationResult"]
    published = jwk.KeySet.import_key_set(load_resource("cognitoidp/resources/jwks-public.json"))
    assert jwt.decode(tokens["IdToken"], published).claims["cognito:username"] == "alice"
