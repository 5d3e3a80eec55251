"""Work moto does that a harness run rarely needs, done when first needed, or once.

moto 5.2.5's own code, changed in this one place (imported with the emulator; each change has
a test in tests/harness/emulator/test_deferred_work.py that fails without it). What moto
answers is unchanged; only when, or how often, the work happens:

* **Each service's regions.** The first use of a service's backend in an account lists the
  regions it exists in, from botocore's endpoints file and the service's model, in a boto3
  session moto creates for it (~600 event handlers registered, ~15 ms, before any file is
  read). Here the same botocore data (:class:`botocore.regions.EndpointResolver` over the
  endpoints file, the model's ``endpointPrefix``) is read through the process's shared loader
  (:func:`harness.cognito.botocore_data.data_loader`, ``AWS_DATA_PATH`` honoured as botocore honours
  it), once per service.
* **Its IAM checker's import.** Every request moto dispatches (a trigger's DynamoDB call, the
  harness's own ``CreateTable``) calls ``_authenticate_and_authorize_normal_action``, which
  imports ``moto.iam.access_control`` (and with it moto's S3 and CloudWatch models: ~10 to
  70 ms) before it looks whether authorization is on. It is off unless a test turns it on
  (moto's ``INITIAL_NO_AUTH_ACTION_COUNT``, infinite by default), and then moto only counts
  the request. Here the request is counted the same way without the import while it is off;
  once it is on, moto's own method runs.
* **The RSA key pair of every KMS key.** moto's KMS generates one (2048 bits: 20 to 200 ms,
  random) for each key it creates, symmetric keys included (a DynamoDB table's default
  encryption key, the custom senders' key), and uses it only to answer Sign, Verify and
  GetPublicKey. Here it is generated when one of those first needs it.
* **Its own copy of botocore's models** (moto reads a service's model to parse its requests):
  through the shared loader instead of a new loader for each service, which listed every
  service's folder and parsed the model again.
"""

from __future__ import annotations

import copy
import functools
import os
from typing import Any

from botocore.exceptions import DataNotFoundError, UnknownServiceError
from botocore.regions import EndpointResolver
from moto import settings
from moto.core import authorization, base_backend
from moto.core import utils as moto_utils
from moto.kms import models as kms_models

from harness.cognito.botocore_data import api_model, data_loader


@functools.cache
def _regions(data_path: str | None, service_name: str) -> tuple[str, ...]:
    """The regions of every partition that botocore's endpoints list for the service: what
    moto's ``AccountSpecificBackend._generate_regions`` asks a boto3 session for
    (``get_available_partitions``, then ``get_available_regions`` of each)."""
    try:
        # (the harness's own copy of the model: the same file, parsed once, and found without
        # listing every service's folder first as a session's loader does)
        metadata = api_model(service_name).metadata
    except (DataNotFoundError, UnknownServiceError):
        return ()  # (botocore answers no region for a service it does not know)
    prefix = metadata.get("endpointPrefix", service_name)
    resolver = EndpointResolver(data_loader(data_path).load_data("endpoints"))
    return tuple(
        region
        for partition in resolver.get_available_partitions()
        for region in resolver.get_available_endpoints(prefix, partition, False)
    )


def _generate_regions(_backend: Any, service_name: str) -> list[str]:
    return list(_regions(os.environ.get("AWS_DATA_PATH"), service_name))


_Mixin = authorization.ActionAuthenticatorMixin
_authorize = _Mixin._authenticate_and_authorize_normal_action


def _authorize_if_on(self: Any, resource: str = "*") -> None:
    if _Mixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        _Mixin.request_count += 1  # what moto's method does while authorization is off
        return
    _authorize(self, resource)


_generate_key_pair = kms_models.generate_private_key  # type: ignore[attr-defined]


class KeyPairOnFirstUse:
    """A KMS key's key pair (moto's ``AbstractPrivateKey``), generated on first use."""

    def __init__(self, key_spec: str) -> None:
        self.key_spec = key_spec
        self._pair: Any = None

    @property
    def pair(self) -> Any:
        if self._pair is None:
            self._pair = _generate_key_pair(self.key_spec)
        return self._pair

    @property
    def generated(self) -> bool:
        return self._pair is not None

    def sign(self, message: bytes, signing_algorithm: str) -> bytes:
        return self.pair.sign(message, signing_algorithm)  # type: ignore[no-any-return]

    def verify(self, message: bytes, signature: bytes, signing_algorithm: str) -> bool:
        return self.pair.verify(message, signature, signing_algorithm)  # type: ignore[no-any-return]

    def public_key(self) -> bytes:
        return self.pair.public_key()  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:  # anything else moto's key objects have
        if name.startswith("__") or name in ("key_spec", "_pair"):
            raise AttributeError(name)
        return getattr(self.pair, name)

    def __deepcopy__(self, memo: dict[int, Any]) -> KeyPairOnFirstUse:
        # (a snapshot of the backends) A pair nobody has seen yet is as good as another one.
        twin = KeyPairOnFirstUse(self.key_spec)
        if self._pair is not None:
            twin._pair = copy.deepcopy(self._pair, memo)
        return twin


def _shared_loader() -> Any:
    return data_loader(None)  # moto's create_loader(): botocore's own data path only


setattr(base_backend.AccountSpecificBackend, "_generate_regions", _generate_regions)  # noqa: B010
_Mixin._authenticate_and_authorize_normal_action = _authorize_if_on  # type: ignore[method-assign]
setattr(kms_models, "generate_private_key", KeyPairOnFirstUse)  # noqa: B010 (moto's module)
setattr(moto_utils, "create_loader", _shared_loader)  # noqa: B010 (moto's module)
