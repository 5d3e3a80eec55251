"""Regular expressions in the ``regex`` module's syntax and meaning (``\\p{L}``...), run by the
standard library's ``re``, with a time bound on a match.

The patterns the harness checks values against (botocore's cognito-idp model, CloudFormation's
schemas, a template parameter's AllowedPattern) are written for ``regex`` (cfn-lint) or Java
(CloudFormation, Cognito): :func:`compile` translates them (:mod:`harness.patterns.translate`)
once per process; :func:`search` and :func:`fullmatch` bound the match
(:mod:`harness.patterns.bound`).
"""

from __future__ import annotations

import functools
import re
from typing import Final

from harness.patterns.bound import PatternTimeout, alarm_usable, in_child, with_alarm
from harness.patterns.translate import UnsupportedPattern, translate

__all__ = [
    "QUICK_CHARS",
    "PatternTimeout",
    "UnsupportedPattern",
    "compile",
    "for_text",
    "fullmatch",
    "search",
]

#: ``quick_below`` for the harness's own patterns (botocore's cognito-idp model, the shipped
#: CloudFormation schemas): none has an unbounded repetition inside another that can trade
#: characters with it (``tests/harness/test_patterns.py``), so none backtracks exponentially;
#: the slowest, the cubic ``[...]*\{##[...]*##\}[...]*``, takes ~25 ms of CPU on its most
#: hostile 1,000 characters (``bench/bench_patterns.py``): what a shorter text can cost unbounded.
QUICK_CHARS: Final = 1000


@functools.lru_cache(maxsize=1024)
def compile(pattern: str, ascii: bool = False) -> re.Pattern[str]:
    """``pattern`` (``regex`` syntax) compiled by ``re``; ``re.error`` when it cannot be.
    ``ascii``: only for matching ASCII text (:func:`harness.patterns.translate.translate`)."""
    return re.compile(translate(pattern, ascii))


def for_text(pattern: str, text: str) -> re.Pattern[str]:
    """:func:`compile` of ``pattern`` for matching ``text`` (its ASCII form for ASCII text)."""
    return compile(pattern, text.isascii())


def search(pattern: str, text: str, seconds: float, *, quick_below: int = 0) -> bool:
    """Whether ``pattern`` matches somewhere in ``text``; :class:`PatternTimeout` after
    ``seconds``. A text shorter than ``quick_below`` characters is matched without a bound (for
    patterns known to stay fast on it)."""
    return _matches(pattern, "search", text, seconds, quick_below)


def fullmatch(pattern: str, text: str, seconds: float, *, quick_below: int = 0) -> bool:
    """Whether ``pattern`` matches all of ``text``; otherwise as :func:`search`."""
    return _matches(pattern, "fullmatch", text, seconds, quick_below)


def _matches(pattern: str, how: str, text: str, seconds: float, quick_below: int) -> bool:
    compiled = for_text(pattern, text)
    run = getattr(compiled, how)
    if len(text) < quick_below:
        return run(text) is not None
    if alarm_usable():
        return with_alarm(lambda: run(text), seconds) is not None
    return in_child(compiled.pattern, how, text, seconds)
