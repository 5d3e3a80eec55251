"""AWS failures said in one line (harness.aws.errors), and Lambda's own log lines read in one
place (harness.aws.lambda_logs) for the Invoke tail, the RIE, sam and CloudWatch alike."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from harness.aws.errors import NOT_DENIED, LiveError, aws_call
from harness.aws.lambda_logs import (
    Report,
    is_platform_line,
    is_timeout_answer,
    mentions_timeout,
    parse_report,
    parse_report_line,
    start_request_id,
)

REPORT = (
    "REPORT RequestId: 8f5e\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
    "Max Memory Used: 70 MB\tInit Duration: 250.25 ms\t"
)


def client_error(code: str, message: str = "no") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Operation")


def test_an_aws_failure_becomes_one_line_naming_the_action() -> None:
    with pytest.raises(LiveError) as raised, aws_call("dynamodb:PutItem", "table T"):
        raise client_error("ValidationException", "bad\nitem")

    assert str(raised.value) == "dynamodb:PutItem on table T failed: ValidationException: bad item"
    assert raised.value.__cause__ is None


def test_a_refusal_names_the_permission_to_give() -> None:
    with (
        pytest.raises(LiveError, match=r"^logs:FilterLogEvents on group G was refused \("),
        aws_call("logs:FilterLogEvents", "group G", failed="ignored for refusals"),
    ):
        raise client_error("AccessDeniedException")


def test_the_failure_phrase_can_be_the_callers_and_covers_botocore_errors() -> None:
    with pytest.raises(LiveError) as raised, aws_call("x:Y", "r", failed="cannot write item"):
        raise EndpointConnectionError(endpoint_url="https://example")

    assert str(raised.value).startswith("cannot write item: Could not connect")


def test_expected_codes_reach_the_caller_as_they_are() -> None:
    with pytest.raises(ClientError), aws_call("x:Y", "r", expect={"UserNotFoundException"}):
        raise client_error("UserNotFoundException")
    with pytest.raises(ClientError), aws_call("x:Y", "r", expect=NOT_DENIED):
        raise client_error("NotAuthorizedException")  # a Cognito outcome, not a refusal
    with pytest.raises(LiveError), aws_call("x:Y", "r", expect=NOT_DENIED):
        raise client_error("ExpiredToken")


def test_a_report_line_gives_its_request_id_and_durations() -> None:
    assert parse_report(REPORT) == Report("8f5e", 2.5, 250.25)
    assert parse_report("REPORT RequestId: 1\tDuration: 1.00 ms\t") == Report("1", 1.0, None)
    assert parse_report("START RequestId: 1 Version: $LATEST") is None
    assert parse_report("REPORT RequestId:") is None
    # In a log tail of several lines, the REPORT line is found where it is.
    assert parse_report_line("START RequestId: 1\nhello\n" + REPORT + "\n") == (2.5, 250.25)


def test_platform_lines_are_lambdas_not_the_functions() -> None:
    assert start_request_id("START RequestId: 8f5e Version: $LATEST") == "8f5e"
    assert start_request_id("hello") is None
    assert is_platform_line("END RequestId: 8f5e")
    assert is_platform_line(REPORT)
    assert not is_platform_line('{"message":"trigger metadata"}')


def test_a_timeout_is_the_whole_answer_or_a_message_that_mentions_it() -> None:
    assert is_timeout_answer("Task timed out after 1.00 seconds\n")
    # A function's answer that merely contains the words did not time out.
    assert not is_timeout_answer('{"note": "Task timed out after 1.00 seconds"}')
    assert mentions_timeout("2026-01-01T00:00:05Z 1 Task timed out after 5.00 seconds")
    assert not mentions_timeout("Task finished after 5.00 seconds")
