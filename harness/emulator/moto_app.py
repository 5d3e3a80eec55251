"""moto's cognito-idp service as a WSGI application on werkzeug alone.

``harness serve`` hands moto every call the emulator does not run. moto's own server
application (``moto.moto_server.werkzeug_app.create_backend_app``) is a Flask app and needs
moto's ``server`` extra, which installs Flask, flask-cors, cfn-lint, sympy, networkx and more
(about 200 MB). This application routes the same three paths of moto's ``cognito-idp`` URL
table (the JSON API at ``/``, each pool's ``/.well-known/jwks.json`` and
``/.well-known/openid-configuration``) to the same handlers, with moto's own request class,
and answers CORS as moto's server does (flask-cors defaults: any origin; a preflight
``OPTIONS`` allows the requested headers and every method).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError
from moto.cognitoidp import urls
from moto.core.request import Request
from werkzeug.wrappers import Response

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


class _ServerRequest(Request):
    """What moto's server gives its handlers: its request class, received over WSGI."""

    from_wsgi_server = True


class MotoCognitoApp:
    """A WSGI application answering cognito-idp requests with moto's handlers."""

    def __init__(self) -> None:
        self.routes = [
            (re.compile(path.format("")), handler) for path, handler in urls.url_paths.items()
        ]

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = _ServerRequest(environ)
        if request.method == "OPTIONS":
            response = Response(status=200)
            requested = request.headers.get("Access-Control-Request-Headers")
            if requested:
                response.headers["Access-Control-Allow-Headers"] = requested
            response.headers["Access-Control-Allow-Methods"] = _METHODS
        else:
            response = self._answer(request)
        if "Origin" in request.headers:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response(environ, start_response)

    def _answer(self, request: _ServerRequest) -> Response:
        for pattern, handler in self.routes:
            if pattern.match(request.path):
                try:
                    result = handler(request, request.raw_url, dict(request.headers))
                except ClientError as error:  # as moto's server answers it
                    result = 400, {}, error.response["Error"]["Message"]
                status, headers, body = result if len(result) == 3 else (200, {}, result)
                return Response(response=body, status=status, headers=headers)
        return Response(status=404)
