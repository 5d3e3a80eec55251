"""The project's own triggers, tested as the README tells users to: the cognito_pool fixture."""

from __future__ import annotations

import base64
import json

from harness.testing import CognitoPool


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def test_invited_sign_up_is_confirmed_and_can_sign_in(cognito_pool: CognitoPool) -> None:
    cognito_pool.put_items(
        "InvitationsTable", [{"code": "INVITE-123", "email": "carol@example.com"}]
    )
    client = cognito_pool.client
    signed_up = client.sign_up(
        ClientId=cognito_pool.client_id,
        Username="carol",
        Password="Carol-passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
        ValidationData=[{"Name": "invitationCode", "Value": "INVITE-123"}],
    )
    assert signed_up["UserConfirmed"] is True
    cognito_pool.assert_invoked(
        "PreSignUp", field="validationData", metadata={"invitationCode": "INVITE-123"}
    )
    call = cognito_pool.sign_in("carol", "Carol-passw0rd!", client_metadata={"appVersion": "2.0"})
    assert call.outcome["status"] == "tokens"


def test_tenant_claim_comes_from_the_attribute_not_the_metadata(cognito_pool: CognitoPool) -> None:
    cognito_pool.add_user(
        "alice", "Passw0rd!demo", attributes={"email": "a@example.com", "custom:tenant": "acme"}
    )
    call = cognito_pool.sign_in("alice", "Passw0rd!demo", {"appVersion": "2.1.0", "tenant": "acme"})
    assert call.response is not None
    assert claims(call.response["AuthenticationResult"]["IdToken"])["tenant"] == "acme"
    cognito_pool.assert_invoked("PreAuthentication", field="validationData")
    cognito_pool.assert_invoked("PreTokenGeneration", field=None, metadata=None)
    cognito_pool.assert_order("PreAuthentication", "PostAuthentication", "PreTokenGeneration")


def test_legacy_user_migrates_with_the_metadata_realm(cognito_pool: CognitoPool) -> None:
    record = {"username": "bob", "password": "Legacy-pa55!", "realm": "eu", "iterations": 1000}
    cognito_pool.put_items(
        "LegacyUsersTable", [{**record, "email": "bob@example.com", "email_verified": True}]
    )
    call = cognito_pool.sign_in("bob", "Legacy-pa55!", {"appVersion": "2.0.0", "realm": "eu"})
    assert call.outcome["status"] == "tokens"
    cognito_pool.assert_invoked(
        "UserMigration", field="validationData", metadata={"appVersion": "2.0.0", "realm": "eu"}
    )
    cognito_pool.assert_not_invoked("PreAuthentication")
    user = cognito_pool.client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="bob")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["custom:legacy_realm"] == "eu"
