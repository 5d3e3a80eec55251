"""The triggers' local AWS answers what moto cannot do as an AWS error their SDK reads, in the
request's protocol, instead of an HTML 500 page and a traceback per retry
(harness/invokers/local_aws_errors.py). Found on public stacks whose triggers call Rekognition
SearchFacesByImage and SNS ListOriginationNumbers, which moto does not implement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from harness.invokers.local_aws import LocalAwsServer
from harness.invokers.local_aws_errors import AwsErrors

pytestmark = pytest.mark.slow  # starts moto's server


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = LocalAwsServer()
    try:
        yield server.endpoint_url
    finally:
        server.stop()


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        # JSON protocol
        ("rekognition", "search_faces_by_image", {"CollectionId": "c", "Image": {"Bytes": b"x"}}),
        # query protocol (an XML answer)
        ("sns", "list_origination_numbers", {}),
    ],
)
def test_an_operation_moto_lacks_is_a_not_implemented_error_the_sdk_reads(
    endpoint: str,
    service: str,
    operation: str,
    params: dict[str, Any],
    capfd: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(_client(service, endpoint), operation)(**params)

    error = raised.value.response
    assert error["Error"]["Code"] == "NotImplemented"
    assert error["Error"]["Message"].startswith(f"not emulated: The {operation} action")
    assert "moto" in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["ResponseMetadata"]["RetryAttempts"] == 0  # 501 is not retried
    assert "Traceback" not in capfd.readouterr().err


def test_what_moto_does_implement_is_answered_as_before(endpoint: str) -> None:
    assert "TableNames" in _client("dynamodb", endpoint).list_tables()


def test_any_other_failure_is_an_internal_failure_in_the_requests_protocol() -> None:
    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise KeyError("Item")

    answered: list[Any] = []
    body = AwsErrors(failing)(
        {"HTTP_X_AMZ_TARGET": "DynamoDB_20120810.GetItem", "CONTENT_TYPE": ""},
        lambda status, headers: answered.append((status, dict(headers))),
    )
    ((status, headers),) = answered
    assert status.startswith("500")
    assert headers["X-Amzn-ErrorType"] == "InternalFailure"
    assert json.loads(b"".join(body))["__type"] == "InternalFailure"
