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
* inside a class, ``[`` and doubled ``&~|`` are literal, as in version 0 (``re`` warns that
  they may mean set operations one day); a class made of literals, ranges, simple escapes and
  the classes above is computed as one set of code points and written out whole.

``translate(pattern, ascii=True)`` is the form for ASCII text: every class reduced to its
ASCII part, which matches such a text exactly as the full form does (``re`` spends ~3.5 ms
compiling ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]``'s 55,000 BMP code points, and most values are
ASCII); not under IGNORECASE, where an ASCII letter also matches a non-ASCII one (the Kelvin
sign K).

What is left goes to ``re`` as is: ``\\d`` (the same decimal digits), ``\\b`` (by ``re``'s own
``\\w``: it differs from ``regex``'s next to a ``²`` or a combining mark). Syntax ``re`` lacks is
its ``re.error``.
"""

from __future__ import annotations

import functools
import re
import string
from typing import Final

from harness.patterns import unicode
from harness.patterns.unicode import Ranges

_FLAGS: Final = re.compile(r"\(\?([aiLmsux]+)\)")
_PROPERTY: Final = re.compile(r"\{(\^?)(?:Is|gc=|General_Category=)?([A-Za-z&]{1,2})\}")
_SPECIAL_IN_CLASS: Final = frozenset("\\]^-[&~|")
_POSIX: Final = re.compile(r"\[:\^?[A-Za-z]+:\]")
_IGNORECASE: Final = re.compile(r"\(\?[aLmsux]*i")


class UnsupportedPattern(re.error):
    """``regex`` syntax this translation does not carry over (a script or block property)."""


def _char(code: int) -> str:
    text = chr(code)
    if text in _SPECIAL_IN_CLASS or code < 0x20 or 0xD800 <= code <= 0xDFFF:
        return f"\\U{code:08x}"
    return text


@functools.cache
def _items(ranges: Ranges) -> str:
    """``ranges`` as the inside of a character class."""
    return "".join(
        _char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in ranges
    )


def _clip(ranges: Ranges, ascii: bool) -> Ranges:
    if not ascii:
        return ranges
    return tuple((low, min(high, 0x7F)) for low, high in ranges if low <= 0x7F)


@functools.cache
def _class_text(ranges: Ranges, ascii: bool) -> str:
    """A class of exactly ``ranges`` (``ascii``: of their ASCII part)."""
    clipped = _clip(ranges, ascii)
    return f"[{_items(clipped)}]" if clipped else "(?!)"


def _class_items(ranges: Ranges, ascii: bool) -> str:
    # Never empty: "[]" would start a class holding "]". A code point no ASCII text holds.
    return _items(_clip(ranges, ascii)) or _char(unicode.MAX)


@functools.cache
def _shorthand(name: str, ascii: bool) -> Ranges:
    """``regex``'s ``\\w``, ``\\s``, ``\\d`` and their negations."""
    lower = name.lower()
    if lower == "w":
        ranges = unicode.word(ascii)
    elif lower == "s":
        ranges = unicode.merge(unicode.SPACE)
    else:
        ranges = unicode.category("Nd", ascii) or ()
    return unicode.complement(ranges) if name.isupper() else ranges


@functools.cache
def _category(name: str, negated: bool, ascii: bool) -> Ranges:
    ranges = unicode.category(name, ascii)
    if ranges is None:
        raise UnsupportedPattern(f"unsupported Unicode property {name!r}")
    return unicode.complement(ranges) if negated else ranges


def _property(pattern: str, at: int, ascii: bool) -> tuple[Ranges, int]:
    """The ranges of the ``\\p``/``\\P`` at ``pattern[at]`` and the index after it."""
    negated = pattern[at + 1] == "P"
    if pattern[at + 2 : at + 3] == "{":
        found = _PROPERTY.match(pattern, at + 2)
        if found is None:
            end = pattern.find("}", at)
            shown = pattern[at : end + 1] if end > 0 else pattern[at:]
            raise UnsupportedPattern(f"unsupported Unicode property {shown!r}")
        return _category(found[2], negated != bool(found[1]), ascii), found.end()
    if at + 2 >= len(pattern):
        raise UnsupportedPattern("a bad escape \\p at the end of the pattern")
    return _category(pattern[at + 2], negated, ascii), at + 3


_ESCAPES: Final = {"t": 9, "n": 10, "r": 13, "f": 12, "v": 11, "a": 7}
_HEX_DIGITS: Final = {"x": 2, "u": 4, "U": 8}


def _escape(pattern: str, at: int, ascii: bool) -> tuple[Ranges | int | None, int]:
    """The backslash item at ``pattern[at]`` inside a class: a class's ranges, one code point,
    or None (an escape left to ``re``); and the index after it."""
    following = pattern[at + 1 : at + 2]
    if following in ("p", "P"):
        return _property(pattern, at, ascii)
    if following and following in "wWsSdD":
        return _shorthand(following, ascii), at + 2
    if following in _ESCAPES:
        return _ESCAPES[following], at + 2
    if following in _HEX_DIGITS:
        digits = pattern[at + 2 : at + 2 + _HEX_DIGITS[following]]
        if len(digits) == _HEX_DIGITS[following] and all(c in string.hexdigits for c in digits):
            return int(digits, 16), at + 2 + len(digits)
        return None, at
    if following and not following.isalnum():
        return ord(following), at + 2
    return None, at


def _whole_class(pattern: str, at: int, ascii: bool) -> tuple[str, int] | None:
    """The class opening at ``pattern[at]`` as one set of code points, as version 0 reads it
    (``[`` and doubled ``&~|`` literal, a hyphen after a class literal), and the index after it;
    None for an item left to ``re`` (the caller then rewrites the class item by item)."""
    i = at + 1
    negated = pattern[i : i + 1] == "^"
    i += negated
    found: list[tuple[int, int]] = []
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            ranges = unicode.merge(found)
            return _class_text(unicode.complement(ranges) if negated else ranges, ascii), i + 1
        first = False
        if char == "\\":
            item, i = _escape(pattern, i, ascii)
            if item is None:
                return None
        elif char == "[" and _POSIX.match(pattern, i):
            raise UnsupportedPattern(f"a POSIX class in {pattern!r}")
        else:
            item, i = ord(char), i + 1
        if isinstance(item, tuple):
            found += item
            continue
        if pattern[i : i + 1] == "-" and pattern[i + 1 : i + 2] not in ("", "]"):
            if pattern[i + 1] == "\\":
                high, i = _escape(pattern, i + 1, ascii)
            else:
                high, i = ord(pattern[i + 1]), i + 2
            if not isinstance(high, int) or high < item:
                return None  # re's "bad character range", as regex's
            found.append((item, high))
        else:
            found.append((item, item))
    return None


def translate(pattern: str, ascii: bool = False) -> str:
    """``pattern`` (``regex`` syntax, version 0) in ``re``'s syntax; ``ascii``: the form for
    matching ASCII text only (see the module's docstring)."""
    scoped: list[list[str]] = [[]]  # per open group: the inline flags met in it so far
    # Under IGNORECASE an ASCII letter also matches a class holding only a non-ASCII one (K and
    # the Kelvin sign): no clipping then.
    ascii = ascii and _IGNORECASE.search(pattern) is None
    out: list[str] = []
    at, in_class = 0, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\" and at + 1 < len(pattern):
            following = pattern[at + 1]
            if following in "pPwWsS":
                if following in "pP":
                    ranges, at = _property(pattern, at, ascii)
                else:
                    ranges, at = _shorthand(following, ascii), at + 2
                if not in_class:
                    out.append(_class_text(ranges, ascii))
                    continue
                out.append(_class_items(ranges, ascii))
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
        elif char == "[" and (whole := _whole_class(pattern, at, ascii)) is not None:
            out.append(whole[0])
            at = whole[1]
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
