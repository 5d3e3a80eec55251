"""Two costs of the libraries, not of the harness, that would dominate each test's emulator
start (the root conftest removes them for the whole session):

* moto's ``mock_aws`` gives boto3 a fresh session each time, so botocore would re-read its
  JSON service models for every client: here botocore's data loader is shared by all
  sessions (as it is by all clients of one session; the models are read-only);
* moto imports the same pool signing key again for every pool (an RSA key check): here the
  imported key is reused;
* the harness generates an RSA key for every pool it builds (``tokens.install_pool_key``,
  through ``key_prefetch.generate``), and joserfc for moto's: OpenSSL's key generation, 20 to
  200 ms of CPU, ~55 ms on average here. Here the keys a test generates are the session's
  first, second... generated keys, so that every key within a test is still a key of its own
  (two pools never share one) while the next test gets the same keys back instead of new
  ones, as the plugin's snapshots share a pool's key
  (:func:`next_test`, called before each test, starts the count again).

What a user's suite pays is measured in bench/, not here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from joserfc import jwk

from harness.emulator import key_prefetch

_shared_loader = functools.cache(botocore.loaders.create_loader)
_import_rsa_key = jwk.RSAKey.import_key
_rsa_keys: dict[str, Any] = {}
_generate_rsa_key = jwk.RSAKey.generate_key
#: Generated keys by the arguments of the generation: the first, second... of each test.
_generated: dict[str, list[Any]] = {}
#: How many keys of each kind the running test has generated.
_generated_by_test: dict[str, int] = {}


def _cached_rsa_key(value: Any, *args: Any, **kwargs: Any) -> Any:
    key = json.dumps([value, args, kwargs], sort_keys=True, default=str)
    if key not in _rsa_keys:
        _rsa_keys[key] = _import_rsa_key(value, *args, **kwargs)
    return _rsa_keys[key]


def _reusing(name: str, generate: Callable[..., Any]) -> Callable[..., Any]:
    """``generate``, except that the n-th key a test asks for is the session's n-th."""

    def reused(*args: Any, **kwargs: Any) -> Any:
        kind = json.dumps([name, args, kwargs], sort_keys=True, default=str)
        keys = _generated.setdefault(kind, [])
        index = _generated_by_test.get(kind, 0)
        _generated_by_test[kind] = index + 1
        if index == len(keys):
            keys.append(generate(*args, **kwargs))
        return keys[index]

    return reused


_reused_generated_key = _reusing("joserfc", _generate_rsa_key)
#: The pools' own keys (tokens.install_pool_key takes them from key_prefetch).
_reused_pool_key = _reusing("pool", key_prefetch.generate)


def next_test() -> None:
    """A new test starts: its first generated key is the session's first again."""
    _generated_by_test.clear()


@contextmanager
def shared_models_and_keys() -> Iterator[None]:
    """Share botocore's data loader and the imported and generated RSA keys until the block
    ends."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            botocore.session.Session,
            "_register_data_loader",
            lambda session: session._components.lazy_register_component(
                "data_loader",
                lambda: _shared_loader(session.get_config_variable("data_path")),
            ),
        )
        patch.setattr(jwk.RSAKey, "import_key", staticmethod(_cached_rsa_key))
        patch.setattr(jwk.RSAKey, "generate_key", staticmethod(_reused_generated_key))
        patch.setattr(key_prefetch, "generate", _reused_pool_key)
        yield
