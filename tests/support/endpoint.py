"""A boto3 cognito-idp client of a local endpoint (`harness serve`), with dummy credentials."""

from __future__ import annotations

from typing import Any

import boto3

#: The endpoint checks no signature, but botocore signs every request: any credentials do.
DUMMY_CREDENTIALS = {"aws_access_key_id": "x", "aws_secret_access_key": "x"}


def endpoint_client(endpoint: str) -> Any:
    return boto3.client(
        "cognito-idp", endpoint_url=endpoint, region_name="us-east-1", **DUMMY_CREDENTIALS
    )


def admin_sign_in(
    client: Any, pool_id: str, client_id: str, username: str, password: str, **metadata: str
) -> Any:
    """AdminInitiateAuth with a password, the app's metadata as ClientMetadata."""
    return client.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
        ClientMetadata=metadata,
    )
