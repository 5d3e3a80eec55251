"""What moto answers behind ``harness serve`` (its handlers on werkzeug, no Flask): errors in
Cognito's shape, the pool's well-known documents, and CORS for browser SDKs."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from tests.harness.server.test_serve import ROOT, Served, serve

pytestmark = pytest.mark.slow


@pytest.fixture
def project() -> Iterator[Served]:
    yield from serve(ROOT / "template.yaml")


def test_a_moto_answered_error_raises_cognitos_exception_class(project: Served) -> None:
    with pytest.raises(project.client.exceptions.UserNotFoundException):
        project.client.admin_get_user(UserPoolId=project.pool, Username="nobody")
    described = project.client.describe_user_pool(UserPoolId=project.pool)["UserPool"]
    assert described["Id"] == project.pool


def test_openid_configuration_names_the_served_jwks(project: Served) -> None:
    url = f"{project.server.endpoint}/{project.pool}/.well-known/openid-configuration"
    with urllib.request.urlopen(url) as answer:
        document = json.loads(answer.read())
    assert document["jwks_uri"].endswith(f"/{project.pool}/.well-known/jwks.json")
    assert document["issuer"].endswith(f"/{project.pool}")


def test_a_browser_preflight_is_allowed(project: Served) -> None:
    preflight = urllib.request.Request(
        f"{project.server.endpoint}/",
        method="OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
        },
    )
    with urllib.request.urlopen(preflight) as answer:
        assert answer.status == 200
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "x-amz-target" in answer.headers["Access-Control-Allow-Headers"]
        assert "POST" in answer.headers["Access-Control-Allow-Methods"]
