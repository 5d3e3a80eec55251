"""`harness serve` under hostile input: every failure is Cognito's JSON error shape, never an
HTML page or a 500; only loopback without --allow-remote; its own signing key per pool."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwk, jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from moto.utilities.utils import load_resource
from werkzeug.test import Client

from harness.cli import main
from harness.emulator import Emulator
from harness.emulator.service import OPERATIONS
from harness.server import CONTENT_TYPE, TARGET_PREFIX, CognitoApp, CognitoServer
from tests.support.emulator import endpoint_client
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(ROOT / "template.yaml") as emu:
        emu.add_user("alice", password="Passw0rd!demo", attributes={"custom:tenant": "acme"})
        yield emu


@pytest.fixture(scope="module")
def app(emulator: Emulator) -> CognitoApp:
    return CognitoApp(emulator)


def post(app: CognitoApp, target: str | None, body: bytes) -> tuple[int, str, Any]:
    headers = {"Content-Type": CONTENT_TYPE}
    if target is not None:
        headers["X-Amz-Target"] = target
    answer = Client(app).post("/", data=body, headers=headers)
    text = answer.get_data(as_text=True)
    return answer.status_code, answer.mimetype, json.loads(text) if text else None


def assert_cognito_shape(status: int, mimetype: str, body: Any) -> None:
    """Success, or Cognito's error shape with a client status: never HTML, never a 5xx."""
    assert mimetype == CONTENT_TYPE
    assert status < 500, body
    if status >= 400:
        assert set(body) == {"__type", "message"}, body
        assert isinstance(body["message"], str)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
MEMBERS = st.sampled_from(
    [
        "UserPoolId",
        "ClientId",
        "AuthFlow",
        "AuthParameters",
        "ClientMetadata",
        "AnalyticsMetadata",
        "ContextData",
        "Session",
        "SecretHash",
        "UserContextData",
        "Username",
        "Password",
        "UserAttributes",
        "ChallengeName",
        "ChallengeResponses",
    ]
)
OPERATION = st.sampled_from(sorted(OPERATIONS)) | st.sampled_from(
    ["adminInitiateAuth", "NoSuchOperation", "ListUserPools", "DescribeUserPool", ""]
)


@settings(max_examples=150, deadline=5000, suppress_health_check=list(HealthCheck))
@given(
    operation=OPERATION,
    params=st.dictionaries(MEMBERS, JSON, max_size=6),
    prefixed=st.booleans(),
)
def test_any_json_request_gets_an_answer_in_cognitos_shape(
    app: CognitoApp, operation: str, params: dict[str, Any], prefixed: bool
) -> None:
    target = TARGET_PREFIX + operation if prefixed else operation
    assert_cognito_shape(*post(app, target, json.dumps(params).encode()))


@settings(max_examples=60, deadline=5000, suppress_health_check=list(HealthCheck))
@given(operation=OPERATION, body=st.binary(max_size=200))
def test_any_bytes_get_an_answer_in_cognitos_shape(
    app: CognitoApp, operation: str, body: bytes
) -> None:
    assert_cognito_shape(*post(app, TARGET_PREFIX + operation, body))


@pytest.mark.parametrize(
    ("target", "body", "code"),
    [
        (None, b"{}", "UnknownOperationException"),
        (TARGET_PREFIX + "NoSuchOperation", b"{}", "UnknownOperationException"),
        (TARGET_PREFIX + "adminInitiateAuth", b"{}", "UnknownOperationException"),
        (TARGET_PREFIX + "ListUserPools", b"\xff\xfe\x00binary", "SerializationException"),
        (TARGET_PREFIX + "AdminInitiateAuth", b'{"AuthFlow": ["x"]}', "SerializationException"),
        (TARGET_PREFIX + "AdminInitiateAuth", b'{"Session": Infinity}', "SerializationException"),
        (TARGET_PREFIX + "InitiateAuth", b"[" * 5000 + b"]" * 5000, "SerializationException"),
        (TARGET_PREFIX + "ListUserPools", b"{}", "InvalidParameterException"),  # MaxResults
    ],
)
def test_found_crashes_answer_cognitos_error(
    app: CognitoApp, target: str | None, body: bytes, code: str
) -> None:
    status, mimetype, answer = post(app, target, body)
    assert_cognito_shape(status, mimetype, answer)
    assert answer["__type"] == code


@pytest.mark.parametrize(
    ("operation", "member"),
    [
        ("AdminInitiateAuth", "AnalyticsMetadata"),
        ("AdminInitiateAuth", "ContextData"),
        ("AdminInitiateAuth", "Session"),
        ("SignUp", "SecretHash"),
        ("SignUp", "UserContextData"),
    ],
)
def test_a_mistyped_member_runs_no_trigger(app: CognitoApp, operation: str, member: str) -> None:
    before = len(app.results)
    params = {
        "UserPoolId": app.emulator.user_pool_id,
        "ClientId": app.emulator.client_id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
        "Username": "bob",
        "Password": "Passw0rd!demo",
        "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"},
        member: [12345],
    }
    if operation == "SignUp":
        del params["UserPoolId"], params["AuthFlow"], params["AuthParameters"]
    else:
        del params["Username"], params["Password"]
    status, _, answer = post(app, TARGET_PREFIX + operation, json.dumps(params).encode())
    assert (status, answer["__type"]) == (400, "SerializationException")
    assert len(app.results) == before  # refused before the emulator: no call, no trigger


def test_constraint_errors_read_like_cognitos(app: CognitoApp) -> None:
    params = {"ClientId": app.emulator.client_id, "AuthFlow": "PASSWORD", "Session": "short"}
    _, _, answer = post(app, TARGET_PREFIX + "InitiateAuth", json.dumps(params).encode())
    assert answer["__type"] == "InvalidParameterException"
    assert answer["message"].startswith("2 validation errors detected: Value 'PASSWORD' at")
    assert "Member must satisfy enum value set" in answer["message"]
    # Session is sensitive in the API model: named, its value not echoed.
    assert "Value at 'session' failed to satisfy constraint" in answer["message"]
    assert "short" not in answer["message"]


@pytest.fixture(scope="module")
def served(emulator: Emulator) -> Iterator[CognitoServer]:
    server = CognitoServer(CognitoApp(emulator), port=0).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_token_signed_with_motos_published_key_does_not_verify(
    served: CognitoServer, emulator: Emulator
) -> None:
    url = f"{served.endpoint}/{emulator.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url) as answer:
        keys = KeySet.import_key_set(json.loads(answer.read()))
    client = endpoint_client(served.endpoint)
    issued = client.admin_initiate_auth(
        UserPoolId=emulator.user_pool_id,
        ClientId=emulator.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!demo"},
        ClientMetadata={"appVersion": "2.1.0", "tenant": "acme"},
    )["AuthenticationResult"]["IdToken"]
    assert jwt.decode(issued, keys).claims["cognito:username"] == "alice"

    published = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    forged = jwt.encode(
        {"kid": "dummy", "alg": "RS256"},
        {**jwt.decode(issued, keys).claims, "cognito:username": "mallory"},
        published,
    )
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, keys)


def test_the_jwks_of_an_unknown_pool_is_a_cognito_error(served: CognitoServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served.endpoint}/us-east-1_nope/.well-known/jwks.json")
    assert refused.value.code == 404
    assert json.loads(refused.value.read())["__type"] == "ResourceNotFoundException"


def run(args: list[str]) -> Any:
    try:
        cli = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2 always separates them
        cli = CliRunner()
    return cli.invoke(main, args)


#: Refused, never bound.
REMOTE = ["0.0.0.0", "::", "192.0.2.10", "example.com"]  # noqa: S104


@pytest.mark.parametrize("host", REMOTE)
def test_a_non_loopback_host_needs_allow_remote(host: str) -> None:
    result = run(["serve", "--template", str(ROOT / "template.yaml"), "--host", host])
    assert result.exit_code == 2
    assert f"--host {host}: not a loopback address" in result.stderr
    assert "--allow-remote" in result.stderr


def test_a_port_out_of_range_is_one_line_and_exit_2() -> None:
    result = run(["serve", "--template", str(ROOT / "template.yaml"), "--port", "99999"])
    assert result.exit_code == 2
    assert "99999 is not in the range 0<=x<=65535" in result.stderr
    assert "Traceback" not in result.stderr
