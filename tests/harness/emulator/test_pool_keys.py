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
