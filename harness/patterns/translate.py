"""A pattern in the ``regex`` module's syntax (version 0, the one cfn-lint and the harness used)
rewritten for the standard library's ``re``, with the same meaning:

* ``\\p{X}`` / ``\\P{X}`` (also ``\\pX``, ``\\p{IsX}``, ``\\p{^X}``), inside a character class or
  outside, become explicit code-point ranges of the general category ``X`` (``L``, ``Lu``, ``LC``,
  ...; :mod:`harness.patterns.unicode`). Another property name (a script, a block, a binary
  property) is :class:`UnsupportedPattern`;
* ``\\w``, ``\\W``, ``\\s``, ``\\S`` become ``regex``'s classes: ``re``'s differ (its ``\\w`` takes
  ``²`` and not combining marks, its ``\\s`` takes U+001C..U+001F);
* an inline flag after the start (``^(?s)``) applies from there to the end of its group, as in
  ``regex`` (``re`` refuses a global flag that is not at the start): a scoped ``(?s:...)``;
* ``(?<name>...)`` is ``re``'s ``(?P<name>...)``;
* inside a class, ``[`` and doubled ``&~|-`` are literal, as in version 0 (``re`` warns that
  they may mean set operations one day).

What is left (``\\b``, ``\\d``: the same for every assigned code point) goes to ``re`` as is;
syntax ``re`` lacks is its ``re.error``.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from harness.patterns import unicode
from harness.patterns.unicode import Ranges

_FLAGS: Final = re.compile(r"\(\?([aiLmsux]+)\)")
_PROPERTY: Final = re.compile(r"\{(\^?)(?:Is|gc=|General_Category=)?([A-Za-z&]{1,2})\}")
_SPECIAL_IN_CLASS: Final = frozenset("\\]^-[&~|")
_POSIX: Final = re.compile(r"\[:\^?[A-Za-z]+:\]")


class UnsupportedPattern(re.error):
    """``regex`` syntax this translation does not carry over (a script or block property)."""


def _char(code: int) -> str:
    text = chr(code)
    if text in _SPECIAL_IN_CLASS or code < 0x20 or 0xD800 <= code <= 0xDFFF:
        return f"\\U{code:08x}"
    return text


def _items(ranges: Ranges) -> str:
    """``ranges`` as the inside of a character class."""
    return "".join(
        _char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in ranges
    )


@functools.cache
def _class_items(name: str, negated: bool) -> str:
    ranges = unicode.word() if name == "w" else unicode.merge(unicode.SPACE)
    return _items(unicode.complement(ranges) if negated else ranges)


@functools.cache
def _property_items(name: str, negated: bool) -> str:
    ranges = unicode.category(name)
    if ranges is None:
        raise UnsupportedPattern(f"unsupported Unicode property {name!r}")
    return _items(unicode.complement(ranges) if negated else ranges)


def _property(pattern: str, at: int) -> tuple[str, int]:
    """The class items of the ``\\p``/``\\P`` at ``pattern[at]`` and the index after it."""
    negated = pattern[at + 1] == "P"
    if pattern[at + 2 : at + 3] == "{":
        found = _PROPERTY.match(pattern, at + 2)
        if found is None:
            end = pattern.find("}", at)
            shown = pattern[at : end + 1] if end > 0 else pattern[at:]
            raise UnsupportedPattern(f"unsupported Unicode property {shown!r}")
        return _property_items(found[2], negated != bool(found[1])), found.end()
    if at + 2 >= len(pattern):
        raise UnsupportedPattern("a bad escape \\p at the end of the pattern")
    return _property_items(pattern[at + 2], negated), at + 3


def translate(pattern: str) -> str:
    """``pattern`` (``regex`` syntax, version 0) in ``re``'s syntax."""
    scoped: list[list[str]] = [[]]  # per open group: the inline flags met in it so far
    out: list[str] = []
    at, in_class = 0, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\" and at + 1 < len(pattern):
            following = pattern[at + 1]
            if following in "pPwWsS":
                if following in "pP":
                    items, at = _property(pattern, at)
                else:
                    items, at = _class_items(following.lower(), following.isupper()), at + 2
                if not in_class:
                    out.append(f"[{items}]")
                    continue
                out.append(items)
                if pattern[at : at + 1] == "-" and pattern[at + 1 : at + 2] != "]":
                    out.append("\\-")  # a hyphen after a class is literal, not a range
                    at += 1
                continue
            out.append(pattern[at : at + 2])
            at += 2
        elif in_class:
            if char == "]":
                in_class = False
                out.append(char)
            elif char == "[":
                if _POSIX.match(pattern, at):
                    raise UnsupportedPattern(f"a POSIX class in {pattern!r}")
                out.append("\\[")
            elif char in "&~|" and pattern[at + 1 : at + 2] == char:
                out.append(char + "\\" + char)
                at += 1
            else:
                out.append(char)
            at += 1
        elif char == "[":
            in_class = True
            opener = "[^" if pattern[at + 1 : at + 2] == "^" else "["
            out.append(opener)
            at += len(opener)
            if pattern[at : at + 1] == "]":  # first in its class: literal
                out.append("\\]")
                at += 1
        elif (found := _FLAGS.match(pattern, at)) is not None and at > 0:
            # From here to the end of its group, across the group's alternatives.
            scoped[-1].append(found[1])
            out.append(f"(?{found[1]}:")
            at = found.end()
        elif char == "(":
            scoped.append([])
            named = pattern.startswith("(?<", at) and pattern[at + 3 : at + 4] not in ("=", "!")
            out.append("(?P<" if named else "(")
            at += 3 if named else 1
        elif char == ")" and len(scoped) > 1:
            out.append(")" * (len(scoped.pop()) + 1))
            at += 1
        elif char == "|":
            out.append(")" * len(scoped[-1]) + "|" + "".join(f"(?{f}:" for f in scoped[-1]))
            at += 1
        else:
            out.append(char)
            at += 1
    return "".join(out) + ")" * len(scoped[0])
