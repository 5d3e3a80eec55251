"""Two costs of the libraries, not of the harness, that would dominate each test's emulator
start (the root conftest removes them for the whole session):

* moto's ``mock_aws`` gives boto3 a fresh session each time, so botocore would re-read its
  JSON service models for every client: here botocore's data loader is shared by all
  sessions (as it is by all clients of one session; the models are read-only);
* moto imports the same pool signing key again for every pool (an RSA key check): here the
  imported key is reused.

What a user's suite pays is measured in bench/, not here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from joserfc import jwk

_shared_loader = functools.cache(botocore.loaders.create_loader)
_import_rsa_key = jwk.RSAKey.import_key
_rsa_keys: dict[str, Any] = {}


def _cached_rsa_key(value: Any, *args: Any, **kwargs: Any) -> Any:
    key = json.dumps([value, args, kwargs], sort_keys=True, default=str)
    if key not in _rsa_keys:
        _rsa_keys[key] = _import_rsa_key(value, *args, **kwargs)
    return _rsa_keys[key]


@contextmanager
def shared_models_and_keys() -> Iterator[None]:
    """Share botocore's data loader and the imported RSA keys until the block ends."""
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
        yield
