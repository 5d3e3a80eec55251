"""botocore's data (service models, the endpoints file), read once per process by every user.

The request checks (:mod:`harness.cognito.validation`), the template's API coercions and the
replay readers (:func:`api_model`), moto's region lists and request parsing
(:mod:`harness.emulator.moto_work`) and, in the commands that run the emulator, every botocore
session (:func:`share_models`) read through one loader per data path, which keeps each file
it has parsed. Nothing here imports botocore until it is used.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.loaders import Loader
    from botocore.model import ServiceModel


@cache
def api_model(service: str) -> ServiceModel:
    """botocore's model of an AWS service, loaded once per process for every user (each
    botocore session would load and parse its JSON again)."""
    # botocore comes with boto3; loading its model costs ~0.2 s once, and only kwargs builders
    # use it: load_stack() stays fast. Through a loader of its own, not a botocore session: a
    # session registers ~600 event handlers (~20 ms) and its loader lists every service's
    # folder (~400) before it loads one; no handler touches these models when they load.
    from contextlib import suppress

    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import ExtrasProcessor
    from botocore.model import ServiceModel

    loader = data_loader(os.environ.get("AWS_DATA_PATH"))
    version = loader.determine_latest_version(service, "service-2")
    data = loader.load_data(f"{service}/{version}/service-2")
    with suppress(DataNotFoundError):  # the sdk extras botocore merges into a few models
        extras = loader.load_data(f"{service}/{version}/service-2.sdk-extras")
        ExtrasProcessor().process(data, [extras])
    return ServiceModel(data, service_name=service)


@cache
def data_loader(data_path: str | None) -> Loader:
    """botocore's data loader of ``data_path`` (botocore's ``data_path`` setting), one per
    process: it keeps every JSON file it has read (models, endpoints), so each is parsed once."""
    from botocore.loaders import create_loader

    return create_loader(data_path)


def share_models() -> None:
    """Every botocore session this process creates from now on reads its data through
    :func:`data_loader` (the same files, parsed once), instead of a loader of its own.

    moto works out each service's regions in a boto3 session of its own (botocore's endpoints
    file and the service's model), the request checks read the cognito-idp model in another,
    each boto3 client of the emulated AWS in a third: each session parsed the same files
    again (the cognito-idp model three times, the endpoints file twice: ~0.1 s of a one-call
    replay). botocore's models are read-only data; a botocore session's own clients already
    share its loader the same way. Called by the commands that run the emulator (the harness
    owns their process); a botocore without the hook is left as it is.
    """
    import botocore.session

    session_class: Any = botocore.session.Session
    register = getattr(session_class, "_register_data_loader", None)
    if register is None or getattr(register, "shared", False):
        return

    def register_shared(session: Any) -> None:
        session._components.lazy_register_component(
            "data_loader", lambda: data_loader(session.get_config_variable("data_path"))
        )

    register_shared.shared = True  # type: ignore[attr-defined]
    session_class._register_data_loader = register_shared
