"""Request validation against botocore's cognito-idp patterns, whose ``\\p{..}`` classes and
``\\w`` mean what they mean in the regex module (harness.patterns), bounded on a hostile value
on the main thread and off it (``harness serve``'s request threads)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import botocore.exceptions
import pytest

from harness.cognito import errors
from harness.cognito.validation import validate_request
from harness.emulator import Emulator
from harness.server import CognitoApp, CognitoServer
from tests.support.emulator import endpoint_client
from tests.support.paths import ROOT

POOL = "us-east-1_Abc123"
#: Cubic backtracking in the model's EmailVerificationMessageByLinkType pattern
#: (``[...]*\{##[...]*##\}[...]*``): minutes with re, unbounded. 18,001 characters (max 20,000).
HOSTILE_LINK_MESSAGE = "{####}" * 3000 + "\x00"


def _refusal(operation: str, params: dict[str, Any]) -> str | None:
    try:
        validate_request(operation, params)
    except errors.InvalidParameterException as refused:
        return str(refused)
    return None


@pytest.mark.parametrize(
    "username",
    [
        "жанна",  # a letter of a non-Latin script
        "Ame\u0301lie",  # a combining mark
        "sun😀",  # an emoji (a symbol)
        "o'brien-¿",  # punctuation
        "李小龍",
        "user_1²",  # a number that is not a digit
    ],
)
def test_a_username_of_letters_marks_symbols_numbers_punctuation_is_valid(username: str) -> None:
    assert _refusal("AdminGetUser", {"UserPoolId": POOL, "Username": username}) is None


@pytest.mark.parametrize("username", ["two words", "no\u00a0break", "line\u2028sep", "nul\x00"])
def test_a_username_with_a_separator_or_a_control_character_is_refused(username: str) -> None:
    refusal = _refusal("AdminGetUser", {"UserPoolId": POOL, "Username": username})
    assert refusal is not None
    assert "Member must satisfy regular expression pattern: [\\p{L}\\p{M}" in refusal


def test_a_pool_id_takes_regex_word_characters() -> None:
    # The model's [\w-]+_[0-9a-zA-Z]+: regex's \w takes a combining mark, not a superscript.
    assert _refusal("DescribeUserPool", {"UserPoolId": "us-e\u0301ast-1_Abc"}) is None
    assert _refusal("DescribeUserPool", {"UserPoolId": "us-east²_Abc"}) is not None


def _update_with_hostile_message() -> str | None:
    return _refusal(
        "UpdateUserPool",
        {
            "UserPoolId": "bad id!",
            "VerificationMessageTemplate": {"EmailMessageByLink": HOSTILE_LINK_MESSAGE},
        },
    )


def test_a_hostile_value_is_not_refused_for_our_slowness_on_the_main_thread() -> None:
    refusal = _update_with_hostile_message()
    assert refusal is not None
    assert refusal.startswith("1 validation error detected: Value 'bad id!' at 'userPoolId'")


@pytest.mark.slow  # a child process
def test_a_hostile_value_is_bounded_off_the_main_thread() -> None:
    answers: list[str | None] = []
    thread = threading.Thread(target=lambda: answers.append(_update_with_hostile_message()))
    thread.start()
    thread.join(120)  # a hang guard (unbounded: minutes), not a speed assertion
    assert not thread.is_alive()
    assert answers[0] is not None
    assert answers[0].startswith("1 validation error detected: Value 'bad id!' at 'userPoolId'")


@pytest.fixture(scope="module")
def served() -> Iterator[CognitoServer]:
    with Emulator(ROOT / "template.yaml") as emulator:
        server = CognitoServer(CognitoApp(emulator), port=0).start()
        try:
            yield server
        finally:
            server.stop()


@pytest.mark.slow
def test_a_served_request_with_a_hostile_value_is_answered(served: CognitoServer) -> None:
    client = endpoint_client(served.endpoint)
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        client.update_user_pool(
            UserPoolId="bad id!",
            VerificationMessageTemplate={"EmailMessageByLink": HOSTILE_LINK_MESSAGE},
        )
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"].startswith("1 validation error detected: Value 'bad id!'")
