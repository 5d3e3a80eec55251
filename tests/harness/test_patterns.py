"""harness.patterns: the regex module's syntax and meaning (``\\p{L}``, its ``\\w`` and ``\\s``,
inline flags) on the standard library's ``re``, from a shipped table of unicodedata's categories,
and the time bound on a match, on the main thread (SIGALRM) and off it (a child process)."""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import botocore.session
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from harness import patterns
from harness.patterns import bound, unicode
from harness.patterns.translate import translate

HOSTILE_PATTERN = r"^(a+)+$"
HOSTILE_TEXT = "a" * 40 + "!"  # ~2^40 steps of backtracking: never ends unbounded


def _off_main_thread(work: Callable[[], Any]) -> Any:
    """``work()``'s answer (or exception) from a thread other than the main one."""
    answer: dict[str, Any] = {}

    def run() -> None:
        try:
            answer["value"] = work()
        except BaseException as error:
            answer["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)  # a hang guard, not a speed assertion
    assert not thread.is_alive(), "the match was not stopped"
    if "error" in answer:
        raise answer["error"]
    return answer["value"]


# ------------------------------------------------------------------------------ translation


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        # a letter of a non-Latin script, but not a digit, a mark, a space
        (r"^\p{L}$", ["ж", "中", "अ", "ǅ", "é"], ["1", "\u0301", " ", "😀", "-"]),
        # a combining mark
        (r"^\p{M}$", ["\u0301", "\u0903", "\u20dd"], ["a", "\u00b4"]),
        # an emoji and other symbols
        (r"^\p{S}$", ["😀", "+", "$", "©", "\u00b4"], ["a", "!", "\u0301"]),
        # punctuation of several scripts
        (r"^\p{P}$", ["!", "¿", "«", "、", "_", "-"], ["a", "+", " "]),
        # separators: spaces, the line and paragraph separators
        (r"^\p{Z}$", [" ", "\u00a0", "\u3000", "\u2028", "\u2029"], ["\t", "\n", "a"]),
        (r"^\p{N}$", ["7", "٣", "²", "Ⅻ"], ["a"]),
        (r"^\p{Lu}$", ["Ж", "A"], ["ж", "a"]),
        (r"^\pL$", ["ж"], ["1"]),
        (r"^\P{L}$", ["1", " ", "😀"], ["ж", "a"]),
        (r"^\p{^L}$", ["1"], ["ж"]),
        (r"^\p{C}$", ["\x00", "\u200b", "\U000e0080"], ["a", " "]),
        # inside a class, with other items, negated
        (r"^[\p{L}\p{M}]+$", ["жé\u0301"], ["ж1", "a b"]),
        (r"^[^_\p{Z}]$", ["a", "ж"], ["_", " ", "\u00a0"]),
        (r"^[\P{L}_]$", ["1", "_"], ["ж"]),
        (r"^[\p{N}-]+$", ["1-2"], ["a"]),  # a hyphen after a class is a literal, not a range
        # regex's \w takes combining marks and not superscripts; its \s not U+001C..U+001F
        (r"^\w+$", ["é\u0301", "ж_1", "Ⓐ"], ["²", "a-b"]),
        (r"^[\w-]+$", ["a-\u0301"], ["²"]),
        (r"^\W$", ["²", "-"], ["\u0301"]),
        (r"^\s$", [" ", "\u00a0", "\u2028", "\x0b"], ["\x1c", "\x1f"]),
        (r"^\S$", ["\x1c"], [" "]),
        # an inline flag after the start applies from there to the end of its group
        (r"^(?s).$", ["\n"], []),
        (r"a(?i)B", ["ab", "aB"], ["Ab"]),
        (r"(b(?i)c|D)", ["bC", "d"], ["Bc"]),
        (r"(?<n>a)(?P=n)", ["aa"], ["ab"]),
        # version 0: "[" and doubled set operators inside a class are literals
        (r"^[[a]+$", ["[a"], ["]"]),
        (r"^[a&&b]+$", ["a&b"], ["c"]),
        (r"^[]a]+$", ["]a"], ["b"]),
    ],
)
def test_translated_patterns_mean_what_regex_means(
    pattern: str, yes: list[str], no: list[str]
) -> None:
    compiled = patterns.compile(pattern)
    assert [text for text in yes if not compiled.search(text)] == []
    assert [text for text in no if compiled.search(text)] == []
    # and the form for the text (ASCII text: the classes' ASCII part only)
    assert [text for text in yes if not patterns.for_text(pattern, text).search(text)] == []
    assert [text for text in no if patterns.for_text(pattern, text).search(text)] == []


def test_every_class_equals_the_regex_modules_on_every_assigned_code_point() -> None:
    regex = pytest.importorskip("regex")  # cfn-lint's, in the dev extra
    # Code points assigned in this Python's Unicode (14.0); regex knows a newer one.
    assigned = "".join(
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) not in ("Cn", "Cs")
    )
    classes = [f"\\p{{{n}}}" for n in ("L", "M", "S", "N", "P", "Z", "C", "Lu", "Nd", "Zs")]
    classes += [r"\w", r"\s", r"\d", r"\W", r"\S", r"\P{L}", r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]"]
    for item in classes:
        ours = patterns.compile(item).findall(assigned)
        theirs = regex.compile(item, regex.V0).findall(assigned)
        assert ours == theirs, item


def test_the_shipped_table_is_unicodedatas() -> None:
    stored = json.loads(unicode.TABLE.read_text(encoding="utf-8"))
    assert stored["unicode"] == unicodedata.unidata_version  # else it is computed at run time
    assert unicode.table_text(stored["unicode"], unicode.compute()) == unicode.TABLE.read_text(
        encoding="utf-8"
    )


_ASCII_TEXT = st.text(st.characters(max_codepoint=0x7F), max_size=12)
# Code points assigned in this Python's Unicode (14.0); regex knows a newer one, where some of
# those unassigned here are letters or symbols.
_ASSIGNED = st.characters(exclude_categories=["Cs", "Cn"])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_ascii_form_matches_ascii_text_as_the_full_form(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(_OWN + _CASES))
    text = data.draw(_ASCII_TEXT | st.text(st.sampled_from(pattern + "a Z9_\x00\x7f"), max_size=12))
    assume(text.isascii())
    full, ascii = patterns.compile(pattern), patterns.compile(pattern, ascii=True)
    assert bool(full.search(text)) == bool(ascii.search(text))
    assert bool(full.fullmatch(text)) == bool(ascii.fullmatch(text))


_SAMPLES = "aZ09_-.:/@+=é\u0301ж中😀²Ⓐ¿«\u00a0\u2028\t\n\x1c\x00{}#*"


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_the_harness_own_patterns_match_as_the_regex_module_matches(data: st.DataObject) -> None:
    regex = pytest.importorskip("regex")  # cfn-lint's, in the dev extra
    pattern = data.draw(st.sampled_from(_OWN))
    alphabet = st.sampled_from(sorted(set(pattern + _SAMPLES)))
    text = data.draw(st.text(alphabet, max_size=16) | st.text(_ASSIGNED, max_size=8))
    theirs = regex.compile(pattern, regex.V0)
    for how in ("search", "fullmatch"):
        expected = getattr(theirs, how)(text) is not None
        assert (getattr(patterns.compile(pattern), how)(text) is not None) == expected, how
        assert (getattr(patterns.for_text(pattern, text), how)(text) is not None) == expected


@pytest.mark.parametrize(
    "pattern", [r"\p{Greek}", r"\p{InBasicLatin}", r"[[:alpha:]]", r"\p{L", "\\p", r"\p{Xx}"]
)
def test_properties_and_syntax_without_a_translation_are_re_errors(pattern: str) -> None:
    with pytest.raises(re.error):
        patterns.compile(pattern)


# ------------------------------------------------------------------------------ the bound


def test_a_catastrophic_match_on_the_main_thread_is_stopped_and_the_timer_given_back() -> None:
    assert bound.alarm_usable()
    with pytest.raises(patterns.PatternTimeout):
        patterns.fullmatch(HOSTILE_PATTERN, HOSTILE_TEXT, 0.2)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert patterns.fullmatch(r"^\p{L}+$", "жан", 0.2)
    assert not patterns.fullmatch(r"^\p{L}+$", "ж1", 0.2)


@pytest.mark.slow  # a child process
def test_off_the_main_thread_a_catastrophic_match_is_stopped_in_a_child_process() -> None:
    with pytest.raises(patterns.PatternTimeout):
        _off_main_thread(lambda: patterns.fullmatch(HOSTILE_PATTERN, HOSTILE_TEXT, 0.2))
    # and a child's answer is the match's own, with the translated classes
    assert _off_main_thread(lambda: patterns.search(r"\p{So}", "a😀", 5))
    assert not _off_main_thread(lambda: patterns.fullmatch(r"\p{L}+", "a😀", 5))


@pytest.mark.slow  # a child process
def test_a_sigalrm_handler_of_someone_else_is_left_alone() -> None:
    rang: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, _frame: rang.append(signum))
    try:
        assert not bound.alarm_usable()
        with pytest.raises(patterns.PatternTimeout):
            patterns.fullmatch(HOSTILE_PATTERN, HOSTILE_TEXT, 0.2)  # in a child instead
        assert rang == []
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_short_text_of_a_known_pattern_is_matched_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_child(*_args: Any) -> bool:
        raise AssertionError("a child process for a short text")

    monkeypatch.setattr(patterns, "in_child", no_child)
    assert _off_main_thread(lambda: patterns.search(r"^\p{L}+$", "ж", 1, quick_below=10))
    with pytest.raises(AssertionError, match="a child process"):
        _off_main_thread(lambda: patterns.search(r"^\p{L}+$", "ж" * 10, 1, quick_below=10))


def _own_patterns() -> Iterator[str]:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    for name in model.shape_names:
        if pattern := model.shape_for(name).metadata.get("pattern"):
            yield pattern
    schemas = Path(patterns.__file__).parents[1] / "stack" / "schemas"
    for path in sorted(schemas.glob("AWS-*.json")):
        yield from re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', path.read_text())


_OWN = sorted({json.loads(p) if p.startswith('"') else p for p in _own_patterns()})
_CASES = [r"[^\p{L}]+", r"\W\S\P{N}", r"(?i)[\p{Lu}]+k", r"^[\x21\x23-\x5B]+$", r"a(?i)[^\w]"]


def _takes(item: Any, code: int) -> bool:
    """Whether one parsed item (a literal or a class) can match the character ``code``."""
    op, av = item
    if op == sre_constants.LITERAL:
        return bool(av == code)
    if op == sre_constants.NOT_LITERAL:
        return bool(av != code)
    if op != sre_constants.IN:
        return True
    negated = av[:1] == [(sre_constants.NEGATE, None)]
    found = any(
        (kind == sre_constants.LITERAL and value == code)
        or (kind == sre_constants.RANGE and value[0] <= code <= value[1])
        for kind, value in av
    )
    return found != negated


def _ambiguous(items: Any, guard: int | None) -> bool:
    """Whether an unbounded repetition sits in another (``guard`` not None: we are in one)
    without the outer one's body starting with a character (``guard`` >= 0) the inner one
    cannot take, which keeps the two from trading characters (backtracking exponentially)."""
    for op, av in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            body = list(av[2])
            if av[1] == sre_constants.MAXREPEAT:
                if guard is not None and (guard < 0 or len(body) != 1 or _takes(body[0], guard)):
                    return True
                first = body[0] if body else (None, None)
                inner = first[1] if first[0] == sre_constants.LITERAL else -1
                if _ambiguous(body, inner):
                    return True
            elif _ambiguous(body, guard):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _ambiguous(av[3], guard):
                return True
        elif op == sre_constants.BRANCH and any(_ambiguous(b, guard) for b in av[1]):
            return True
    return False


def test_the_harness_own_patterns_nest_no_ambiguous_repetition() -> None:
    # Why QUICK_CHARS is safe: without an unbounded repetition inside another that can trade
    # characters with it, a pattern backtracks polynomially, never exponentially (the slowest,
    # cubic, is measured in bench/bench_patterns.py).
    assert len(_OWN) > 30
    for pattern in _OWN:
        assert not _ambiguous(sre_parse.parse(translate(pattern)), None), pattern
    for hostile in (HOSTILE_PATTERN, r"^(?:a*\.?)+$", r"(a|b+)*", r"(?:[a-z.]+\.)*x"):
        assert _ambiguous(sre_parse.parse(hostile), None), hostile
    assert not _ambiguous(sre_parse.parse(r"^(?:\.[a-z]+)+$"), None)
