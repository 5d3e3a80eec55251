"""Real boto3 clients whose cognito-idp calls go through the emulator.

A botocore ``before-call`` hook answers the operations the emulator implements (with triggers)
and lets every other operation fall through to moto, which holds the same pool. The app's
code keeps using a genuine ``boto3.client("cognito-idp")``: parameter validation, response
parsing and exception classes (``client.exceptions.NotAuthorizedException``) are botocore's own.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.parsers import create_parser

from harness.emulator.service import OPERATIONS

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from harness.emulator.pool import Emulator
    from harness.results import CallRecord

_EVENT = "before-call.cognito-identity-provider.*"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def http_response(status: int, body: dict[str, Any]) -> tuple[AWSResponse, bytes]:
    raw = json.dumps(body).encode()
    response = AWSResponse("https://cognito-idp.harness.local/", status, HTTPHeaders(), _Raw(raw))
    return response, raw


def error_body(record: CallRecord) -> dict[str, Any]:
    assert record.error is not None
    return {"__type": record.error.code, "message": record.error.message}


class EmulatorRoute:
    """Attach to a cognito-idp client: emulated operations are answered by the emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._parser = create_parser("json")

    def attach(self, client: Any) -> Any:
        client.meta.events.register_first(_EVENT, self._before_call)
        return client

    def _before_call(
        self, model: OperationModel, params: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        if model.name not in OPERATIONS:
            return None  # moto answers it, from the same pool
        body = params.get("body") or b"{}"
        request = json.loads(body.decode() if isinstance(body, bytes) else body)
        # Not act_as_sdk: boto3 computes no SECRET_HASH, so a call without one is refused here
        # as by Cognito (the app's code must send it, harness.cognito.refusals).
        record = self.emulator.call(model.name, request, source=f"boto3:{model.name}")
        if record.error is not None:
            http, raw = http_response(record.error.status, error_body(record))
            status = http.status_code
        else:
            http, raw = http_response(200, record.response or {})
            status = 200
        parsed: dict[str, Any] = self._parser.parse(
            {"status_code": status, "headers": {}, "body": raw},
            model.output_shape,  # type: ignore[arg-type]
        )
        return http, parsed


def emulated_client(emulator: Emulator, **kwargs: Any) -> Any:
    """A boto3 cognito-idp client bound to ``emulator``."""
    kwargs.setdefault("region_name", emulator.region)
    return EmulatorRoute(emulator).attach(boto3.client("cognito-idp", **kwargs))
