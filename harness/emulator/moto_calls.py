"""Calls the emulator does not implement, answered by moto from the same pool.

``harness serve`` hands them to moto's own HTTP application; a replay (of a ``serve --record``
or ``harness record`` file, with ``AdminSetUserPassword``, ``AdminGetUser``, ``ListUsers``...)
sends them here, so the recording replays to the same outcomes. No trigger runs for them, as
moto runs none. A deployed pool's ids map onto the emulated pool as for emulated calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError, ParamValidationError

from harness.cognito.errors import cognito_error
from harness.emulator.own_calls import harness_own_calls
from harness.redaction import redact_params
from harness.results import CallRecord

if TYPE_CHECKING:
    from harness.emulator.pool import Emulator


def _retarget(emulator: Emulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """The call with a pool or client id moto does not know mapped onto the template's."""
    mapped = dict(params)
    pools = emulator.backend.user_pools
    pool_id, client_id = mapped.get("UserPoolId"), mapped.get("ClientId")
    if isinstance(pool_id, str) and pool_id not in pools:
        mapped["UserPoolId"] = emulator.target.resolve_pool_id(pool_id)
    known_clients = {c for pool in pools.values() for c in pool.clients}
    if isinstance(client_id, str) and client_id not in known_clients:
        mapped["ClientId"] = emulator.target.resolve_client_id(client_id)
    return mapped


def _epoch(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON")


def moto_call(
    emulator: Emulator, operation: str, params: Mapping[str, Any], *, source: str
) -> CallRecord:
    """Send ``operation`` to moto; its answer or error as a :class:`CallRecord`."""
    started = time.perf_counter()
    client = boto3.client("cognito-idp", region_name=emulator.region)
    response: dict[str, Any] | None = None
    error = None
    try:
        method = getattr(client, xform_name(operation))
    except AttributeError:
        error = cognito_error("UnknownOperationException", f"{operation} is not a Cognito API")
    else:
        try:
            with harness_own_calls():  # not the app's traffic: the recorder must not see it
                answer = method(**_retarget(emulator, params))
            answer.pop("ResponseMetadata", None)
            # As the wire carries them: timestamps are epoch seconds, not datetime objects.
            response = json.loads(json.dumps(answer, default=_epoch))
        except ClientError as refused:
            details = refused.response.get("Error", {})
            status = refused.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            error = cognito_error(
                str(details.get("Code", "InternalErrorException")),
                str(details.get("Message", "")),
                int(status),
            )
        except ParamValidationError as invalid:
            error = cognito_error("InvalidParameterException", str(invalid).replace("\n", " "))
    record = CallRecord(
        operation=operation,
        source=source,
        request=redact_params(dict(params)),
        invocations=[],
        response=response,
        error=error,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    emulator.calls.append(record)
    return record
