"""pycognito, the common Python Cognito client, as an independent oracle of USER_SRP_AUTH.

pycognito computes SRP_A and the PASSWORD_VERIFIER answer itself, answers without a Session
(the SRP exchange is identified by USERNAME and PASSWORD_CLAIM_SECRET_BLOCK, [D]
API_RespondToAuthChallenge), and checks the ID token's signature against the pool's JWKS: a
sign-in that works here works the same with pycognito against Cognito.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

from harness.testing import cognito_pool
from tests.harness.server.test_serve import Served, serve
from tests.support.emulator import FIXTURE, PASSWORD, events, recorder

pytestmark = pytest.mark.slow


@pytest.fixture
def recording() -> Iterator[Served]:
    recorder.reset()
    yield from serve(FIXTURE / "template.yaml")
    recorder.reset()


def test_pycognito_signs_in_with_srp_against_harness_serve(
    recording: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pycognito as against AWS: the SDK's endpoint comes from the environment, the issuer it
    # checks is Cognito's own; the pool's keys are the ones `harness serve` publishes.
    endpoint = recording.server.endpoint
    with urllib.request.urlopen(f"{endpoint}/{recording.pool}/.well-known/jwks.json") as answer:
        monkeypatch.setenv("COGNITO_JWKS", answer.read().decode())
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    recording.emulator.add_user("alice", password=PASSWORD, attributes={"email": "a@example.com"})

    user = Cognito(recording.pool, recording.app_client, username="alice")
    user.authenticate(password=PASSWORD)  # verifies both tokens' signatures and claims

    assert user.id_claims["cognito:username"] == "alice"
    assert user.id_claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{recording.pool}"
    assert user.access_claims["token_use"] == "access"
    assert [e["triggerSource"] for e in events()] == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ]
    with pytest.raises(ClientError) as refused:
        Cognito(recording.pool, recording.app_client, username="alice").authenticate(
            password="Wrong-Passw0rd!"
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_pycognito_signs_in_with_srp_through_cognito_pool_client() -> None:
    recorder.reset()
    with cognito_pool(FIXTURE / "template.yaml") as pool:
        pool.add_user("bob", PASSWORD)
        srp = AWSSRP(
            username="bob",
            password=PASSWORD,
            pool_id=pool.user_pool_id,
            client_id=pool.client_id,
            client=pool.client,
        )

        tokens = srp.authenticate_user(client_metadata={"step": "verifier"})

    assert set(tokens["AuthenticationResult"]) >= {"IdToken", "AccessToken", "RefreshToken"}
    post_auth = [e for e in events() if e["triggerSource"].startswith("PostAuthentication")]
    assert post_auth[0]["request"]["clientMetadata"] == {"step": "verifier"}
    recorder.reset()
