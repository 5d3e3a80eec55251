"""The AWS CLI reader's shorthand parser against the AWS CLI's own (awscli.shorthand).

The reader must accept exactly what the CLI accepts, with the same values: a replayed
``aws cognito-idp ... --client-metadata ...`` line means what it meant to the CLI.
"""

from __future__ import annotations

from typing import Any

import pytest
from awscli.shorthand import ShorthandParseError, ShorthandParser
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.replay.model import ReplayError
from harness.replay.readers.awscli.shorthand import shorthand

# Every character the grammar treats specially, and some it does not ("@" is left out: the
# CLI reads k@=file://... from a file, which a replay refuses).
ALPHABET = "ab01=,[]{}\"' \\-_.:/!#|~é\t"
KEYS = st.text("abKz0_-.:/#", min_size=1, max_size=4)
PLAIN = st.text(ALPHABET.replace("=", "").replace(",", ""), max_size=5)


def cli(text: str) -> Any:
    try:
        return ShorthandParser().parse(text)
    except ShorthandParseError:
        return "refused"


def reader(text: str) -> Any:
    try:
        return shorthand(text, "client-metadata", "test.sh:1")
    except ReplayError:
        return "refused"


@settings(max_examples=600, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=14))
@example("PASSWORD=pa\\,ss")
@example("k=v1,v2")
@example('k=p@ss"word')
@example("a=b,c=d")
@example("k=[a,{b=c}],j=x")
def test_the_reader_parses_any_text_as_the_cli_does(text: str) -> None:
    assert reader(text) == cli(text)


def pairs() -> st.SearchStrategy[str]:
    value = st.one_of(
        PLAIN,
        PLAIN.map(lambda v: '"' + v.replace('"', '\\"') + '"'),
        PLAIN.map(lambda v: "'" + v.replace("'", "\\'") + "'"),
        st.lists(PLAIN, max_size=3).map(",".join),
        st.lists(PLAIN, max_size=3).map(lambda vs: "[" + ",".join(vs) + "]"),
        st.lists(st.tuples(KEYS, PLAIN), max_size=2).map(
            lambda kvs: "{" + ",".join(f"{k}={v}" for k, v in kvs) + "}"
        ),
    )
    pair = st.tuples(KEYS, value).map(lambda kv: f"{kv[0]}={kv[1]}")
    return st.lists(pair, min_size=1, max_size=4).map(",".join)


@settings(max_examples=600, deadline=None)
@given(pairs())
def test_the_reader_parses_key_value_lists_as_the_cli_does(text: str) -> None:
    assert reader(text) == cli(text)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("PASSWORD=pa\\,ss", {"PASSWORD": "pa,ss"}),
        ("k=v1,v2", {"k": ["v1", "v2"]}),
        ('k=p@ss"word', "refused"),
        ("a=b,a=c", "refused"),
    ],
)
def test_the_issue_examples(text: str, parsed: Any) -> None:
    assert reader(text) == cli(text) == parsed
