"""A template parameter's AllowedPattern: checked as CloudFormation checks it where the harness
can (the regex module's syntax and meaning, harness.patterns), accepted unchecked where only
Java's regex can tell, and refused in one line when it backtracks catastrophically, whether the
template loads on the main thread (SIGALRM) or off it (a child process)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from harness.stack import Stack, TemplateError, load_stack

TEMPLATE = """\
Parameters:
  Name:
    Type: String
    Default: {default}
    AllowedPattern: '{pattern}'
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Ref Name
"""


def load(tmp_path: Path, pattern: str, value: str) -> Stack:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.format(default='"x"', pattern=pattern.replace("'", "''")))
    return load_stack(path, parameter_overrides={"Name": value})


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (r"^\p{L}+$", "жанна"),
        (r"^[\p{L}\p{M}]+$", "Ame\u0301lie"),
        (r"^[\p{S}\p{L}]+$", "sun😀"),
        (r"^\w+$", "e\u0301_1"),
        (r"^[a-z]+(?i)X$", "abx"),
        (r"^(?<word>[a-z]+)-(?P=word)$", "ab-ab"),
    ],
)
def test_a_matching_value_is_taken(tmp_path: Path, pattern: str, value: str) -> None:
    assert load(tmp_path, pattern, value).parameters["Name"] == value


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (r"^\p{L}+$", "two words"),
        (r"^\p{L}+$", "no\u00a0break"),
        (r"^\P{N}+$", "abc1"),
        (r"^\w+$", "x²"),
        (r"^[a-z]+(?i)X$", "ABX"),
    ],
)
def test_a_value_that_does_not_match_is_refused(tmp_path: Path, pattern: str, value: str) -> None:
    with pytest.raises(TemplateError, match="does not match its AllowedPattern"):
        load(tmp_path, pattern, value)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\p{IsLatin}+$",  # a Java script class
        r"^\p{javaLowerCase}+$",
        r"^\p{InGreek}+$",  # a Java block
        r"^\Qa.b\E$",  # Java's quoting
    ],
)
def test_java_only_syntax_is_left_to_cloudformation(tmp_path: Path, pattern: str) -> None:
    assert load(tmp_path, pattern, "1 2").parameters["Name"] == "1 2"


def _catastrophic(tmp_path: Path) -> None:
    load(tmp_path, r"^(a+)+$", "a" * 40 + "!")


def test_a_catastrophic_pattern_is_refused_on_the_main_thread(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"catastrophic backtracking"):
        _catastrophic(tmp_path)


@pytest.mark.slow  # a child process
def test_a_catastrophic_pattern_is_refused_off_the_main_thread(tmp_path: Path) -> None:
    raised: list[BaseException] = []

    def run() -> Any:
        try:
            _catastrophic(tmp_path)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)  # a hang guard (unbounded: hours), not a speed assertion
    assert not thread.is_alive()
    assert len(raised) == 1
    assert isinstance(raised[0], TemplateError)
    assert "catastrophic backtracking" in str(raised[0])
