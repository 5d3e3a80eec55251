"""CUSTOM_AUTH that starts with password verification (SRP_A, then PASSWORD_VERIFIER), driven by
real boto3 calls over HTTP and by pycognito's AWSSRP, an SRP client nobody here wrote; and the
API's own check of the ContextData the same sign-ins may carry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from harness.emulator import Emulator
from tests.support.emulator import (
    PASSWORD,
    MakeEmulator,
    events,
    recorder,
    recording_stack,
    without_triggers,
)
from tests.support.served import ServedPool, served

pytestmark = pytest.mark.slow

SRP_STEP = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}


class Pool(ServedPool):
    def start(self, srp: AWSSRP, **extra: Any) -> dict[str, Any]:
        return self.client.admin_initiate_auth(  # type: ignore[return-value]
            UserPoolId=self.emulator.user_pool_id,
            ClientId=self.emulator.client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
            **extra,
        )

    def answer(self, session: str, challenge: str, responses: dict[str, str]) -> dict[str, Any]:
        return self.client.admin_respond_to_auth_challenge(  # type: ignore[return-value]
            UserPoolId=self.emulator.user_pool_id,
            ClientId=self.emulator.client_id,
            ChallengeName=challenge,
            Session=session,
            ChallengeResponses=responses,
        )


def served_pool(emulator: Emulator) -> Iterator[Pool]:
    yield from served(emulator, Pool)


@pytest.fixture
def pool(make_emulator: MakeEmulator) -> Iterator[Pool]:
    emulator = make_emulator()
    emulator.add_user("alice", password=PASSWORD, attributes={"email": "alice@example.com"})
    recorder.SCRIPT["DefineAuthChallenge"] = recorder.define_with_srp
    yield from served_pool(emulator)


def define_sessions() -> list[list[dict[str, Any]]]:
    return [e["request"]["session"] for e in events("DefineAuthChallenge_Authentication")]


def test_pycognito_srp_then_custom_challenge_issues_tokens(pool: Pool) -> None:
    srp = pool.srp("alice", PASSWORD)

    started = pool.start(srp)

    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert {"SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP"} <= set(
        started["ChallengeParameters"]
    )
    assert define_sessions() == [[SRP_STEP]]
    assert events("CreateAuthChallenge_Authentication") == []  # the pool asks, not Create

    responses = srp.process_challenge(started["ChallengeParameters"], {"USERNAME": "alice"})
    verified = pool.answer(started["Session"], "PASSWORD_VERIFIER", responses)

    assert verified["ChallengeName"] == "CUSTOM_CHALLENGE"
    password_step = {
        "challengeName": "PASSWORD_VERIFIER",
        "challengeResult": True,
        "challengeMetadata": None,
    }
    assert define_sessions()[-1] == [SRP_STEP, password_step]
    create = events("CreateAuthChallenge_Authentication")[-1]["request"]
    assert create["challengeName"] == "CUSTOM_CHALLENGE"
    assert create["session"] == [SRP_STEP, password_step]

    done = pool.answer(
        verified["Session"], "CUSTOM_CHALLENGE", {"USERNAME": "alice", "ANSWER": recorder.ANSWER}
    )

    assert set(done["AuthenticationResult"]) >= {"IdToken", "AccessToken", "RefreshToken"}
    assert [s["challengeName"] for s in define_sessions()[-1]] == [
        "SRP_A",
        "PASSWORD_VERIFIER",
        "CUSTOM_CHALLENGE",
    ]
    assert events("PostAuthentication_Authentication")


def test_wrong_password_fails_at_the_verifier_and_define_sees_false(pool: Pool) -> None:
    srp = pool.srp("alice", "not-the-password")
    started = pool.start(srp)
    responses = srp.process_challenge(started["ChallengeParameters"], {"USERNAME": "alice"})

    with pytest.raises(ClientError) as raised:
        pool.answer(started["Session"], "PASSWORD_VERIFIER", responses)

    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert define_sessions()[-1][-1] == {
        "challengeName": "PASSWORD_VERIFIER",
        "challengeResult": False,
        "challengeMetadata": None,
    }
    assert events("CreateAuthChallenge_Authentication") == []
    assert events("PostAuthentication_Authentication") == []


def test_the_verifier_session_is_single_use(pool: Pool) -> None:
    srp = pool.srp("alice", PASSWORD)
    started = pool.start(srp)
    responses = srp.process_challenge(started["ChallengeParameters"], {"USERNAME": "alice"})
    pool.answer(started["Session"], "PASSWORD_VERIFIER", responses)

    with pytest.raises(ClientError) as raised:
        pool.answer(started["Session"], "PASSWORD_VERIFIER", responses)

    assert raised.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_custom_auth_without_srp_still_starts_with_an_empty_session(pool: Pool) -> None:
    recorder.SCRIPT.pop("DefineAuthChallenge")
    started = pool.client.admin_initiate_auth(
        UserPoolId=pool.emulator.user_pool_id,
        ClientId=pool.emulator.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )

    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert define_sessions() == [[]]


def test_challenge_name_srp_a_without_srp_a_is_refused(pool: Pool) -> None:
    with pytest.raises(ClientError) as raised:
        pool.client.admin_initiate_auth(
            UserPoolId=pool.emulator.user_pool_id,
            ClientId=pool.emulator.client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={"USERNAME": "alice", "CHALLENGE_NAME": "SRP_A"},
        )

    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"


def test_unknown_user_gets_the_verifier_then_fails_with_user_not_found(
    make_emulator: MakeEmulator,
) -> None:
    emulator = make_emulator(without_triggers(recording_stack(), "UserMigration"))
    recorder.SCRIPT["DefineAuthChallenge"] = recorder.define_with_srp
    for pool in served_pool(emulator):
        srp = pool.srp("nobody", PASSWORD)
        started = pool.start(srp)
        assert started["ChallengeName"] == "PASSWORD_VERIFIER"  # existence not revealed
        responses = srp.process_challenge(started["ChallengeParameters"], {"USERNAME": "nobody"})

        with pytest.raises(ClientError) as raised:
            pool.answer(started["Session"], "PASSWORD_VERIFIER", responses)

        assert raised.value.response["Error"]["Code"] == "NotAuthorizedException"
        last = events("DefineAuthChallenge_Authentication")[-1]["request"]
        assert last["userNotFound"] is True
        assert last["session"][-1]["challengeResult"] is False


def test_context_data_without_http_headers_is_refused_as_the_api_does(pool: Pool) -> None:
    from botocore.config import Config

    raw = boto3.client(  # the API's own check, not botocore's client-side validation
        "cognito-idp",
        endpoint_url=pool.client.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(parameter_validation=False),
    )
    context = {"IpAddress": "203.0.113.9", "ServerName": "login.example.com", "ServerPath": "/"}

    with pytest.raises(ClientError) as raised:
        raw.admin_initiate_auth(
            UserPoolId=pool.emulator.user_pool_id,
            ClientId=pool.emulator.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
            ContextData=context,
        )
    assert raised.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value null at 'contextData.httpHeaders' "
        "failed to satisfy constraint: Member must not be null",
    }

    headers = [{"headerName": "User-Agent", "headerValue": "boto3"}]
    signed_in = raw.admin_initiate_auth(
        UserPoolId=pool.emulator.user_pool_id,
        ClientId=pool.emulator.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        ContextData={**context, "HttpHeaders": headers},
    )
    assert "AuthenticationResult" in signed_in
