"""What the triggers' local AWS answers when moto cannot: an AWS error their SDK reads.

moto's server runs its Flask applications in debug mode, so an exception in a handler reaches
werkzeug, which prints its traceback on stderr and answers an HTML "500 Internal Server Error"
page. A trigger's SDK cannot read that page (``Unexpected token '<', "<!doctype "... is not
valid JSON`` in the report), retries it as a server error (one traceback per attempt), and the
developer learns nothing of the cause. The commonest cause is an operation moto does not
implement (``NotImplementedError``: Rekognition ``SearchFacesByImage``, SNS
``ListOriginationNumbers``...).

:class:`AwsErrors` wraps moto's WSGI application and answers such a request in the request's
own protocol, as AWS answers errors (AWS SDKs and Tools reference, and the protocols'
specifications in the Smithy documentation, "AWS protocols"):

* JSON protocols (``X-Amz-Target``, ``application/x-amz-json-1.x`` or ``application/json``):
  a JSON body ``{"__type": code, "message": ...}`` and the ``X-Amzn-ErrorType`` header;
* query and REST-XML protocols (a form body, S3): an XML ``ErrorResponse``.

The code is ``NotImplemented`` with HTTP 501 for an operation moto does not implement (501 is
not one of the statuses the SDKs retry: botocore's and the JavaScript SDK's transient ones are
500, 502, 503 and 504), else ``InternalFailure`` with 500, as AWS's own internal errors. The
message names the operation and says the harness's emulated AWS is moto; the traceback goes
to the ``--debug`` log only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

import moto

_log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: (status line, error code) by kind of failure.
_NOT_IMPLEMENTED = ("501 Not Implemented", "NotImplemented")
_FAILED = ("500 Internal Server Error", "InternalFailure")


class AwsErrors:
    """moto's WSGI application, with its failures answered as AWS errors (module docstring)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            # moto's applications answer with a list of bytes: nothing is left to fail later.
            return list(self.app(environ, start_response))
        except Exception as error:
            return self._answer(environ, start_response, error)

    @staticmethod
    def _answer(
        environ: dict[str, Any], start_response: Callable[..., Any], error: Exception
    ) -> list[bytes]:
        status, code = _NOT_IMPLEMENTED if isinstance(error, NotImplementedError) else _FAILED
        what = str(error) or type(error).__name__
        message = (
            f"not emulated: {what} (the harness's local AWS is moto {moto.__version__})"
            if code == "NotImplemented"
            else f"the harness's local AWS (moto {moto.__version__}) failed: {what}"
        )
        _log.debug(
            "local AWS: %s %s: %s",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            message,
            exc_info=error,
        )
        request_id = str(uuid.uuid4())
        if _speaks_json(environ):
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amzn-ErrorType", code),
                ("X-Amzn-RequestId", request_id),
            ]
        else:
            body = (
                "<ErrorResponse><Error><Type>Receiver</Type>"
                f"<Code>{code}</Code><Message>{escape(message)}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
            headers = [("Content-Type", "text/xml"), ("x-amz-request-id", request_id)]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


def _speaks_json(environ: dict[str, Any]) -> bool:
    """Whether the request is of a JSON protocol (awsJson1_0/1_1, restJson1)."""
    content_type = environ.get("CONTENT_TYPE", "")
    return "HTTP_X_AMZ_TARGET" in environ or "json" in content_type
