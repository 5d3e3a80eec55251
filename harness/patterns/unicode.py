"""Code-point ranges of Unicode's general categories and of the ``regex`` module's ``\\w`` and
``\\s``, from the standard library's ``unicodedata``.

Computing them takes a pass over all 1,114,112 code points (~0.1 s of CPU), so the ranges of
the Unicode version Python 3.11 ships (14.0.0) come precomputed in ``categories.json`` (loaded
once, ~1 ms); under another Python, whose ``unicodedata`` is another version, they are computed
once per process instead. ``python -m harness.patterns.unicode`` rewrites the file;
``tests/harness/test_patterns.py`` checks it against ``unicodedata``.
"""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

Ranges = tuple[tuple[int, int], ...]

TABLE: Final = Path(__file__).with_name("categories.json")
MAX: Final = sys.maxunicode
#: The general categories (``Cn``, unassigned, is what none of the others hold).
_NAMES: Final = (
    "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp Cc Cf Cs Co"
)
CATEGORIES: Final = tuple(_NAMES.split())
#: ``regex``'s ``\\w`` is Unicode's word class (UTS #18 annex C): Alphabetic, marks, decimal
#: digits, connector punctuation and the joiners. Alphabetic is the letters, ``Nl`` and
#: Other_Alphabetic; what Other_Alphabetic holds outside the marks is these circled and squared
#: letters (``So``; Unicode's PropList.txt), which ``unicodedata`` cannot tell.
WORD_EXTRA: Final[Ranges] = (
    (0x200C, 0x200D),
    (0x24B6, 0x24E9),
    (0x1F130, 0x1F149),
    (0x1F150, 0x1F169),
    (0x1F170, 0x1F189),
)
#: ``regex``'s ``\\s``: the White_Space property (PropList.txt). ``re``'s ``\\s`` also takes
#: U+001C..U+001F (``str.isspace``), which ``regex`` (and so cfn-lint) does not.
SPACE: Final[Ranges] = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, disjoint, non-adjacent ranges covering the same code points."""
    out: list[list[int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], high)
        else:
            out.append([low, high])
    return tuple((low, high) for low, high in out)


def complement(ranges: Ranges) -> Ranges:
    """The code points ``ranges`` (merged) leave out."""
    out: list[tuple[int, int]] = []
    next_low = 0
    for low, high in ranges:
        if low > next_low:
            out.append((next_low, low - 1))
        next_low = high + 1
    if next_low <= MAX:
        out.append((next_low, MAX))
    return tuple(out)


def compute() -> dict[str, Ranges]:
    """Every category's ranges, from this process's ``unicodedata`` (the slow way)."""
    runs: dict[str, list[tuple[int, int]]] = {name: [] for name in CATEGORIES}
    start, current = 0, unicodedata.category("\0")
    for code in range(1, MAX + 2):
        category = unicodedata.category(chr(code)) if code <= MAX else ""
        if category != current:
            if current != "Cn":
                runs[current].append((start, code - 1))
            start, current = code, category
    return {name: tuple(found) for name, found in runs.items()}


def _encode(ranges: Ranges) -> list[int]:
    # Each range as (gap from the previous range's end, length - 1): small numbers, a small file.
    flat, previous = [], -1
    for low, high in ranges:
        flat += [low - previous - 1, high - low]
        previous = high
    return flat


def _decode(flat: Sequence[int]) -> Ranges:
    out, previous = [], -1
    for gap, extent in zip(flat[::2], flat[1::2], strict=True):
        low = previous + 1 + gap
        previous = low + extent
        out.append((low, previous))
    return tuple(out)


def table_text(version: str, categories: dict[str, Ranges]) -> str:
    """What ``categories.json`` holds for ``categories`` of Unicode ``version``."""
    body = {name: _encode(categories[name]) for name in CATEGORIES}
    return json.dumps({"unicode": version, "categories": body}, separators=(",", ":")) + "\n"


@functools.cache
def categories() -> dict[str, Ranges]:
    """Each two-letter general category's ranges, for this process's Unicode version."""
    stored = json.loads(TABLE.read_text(encoding="utf-8"))
    if stored["unicode"] != unicodedata.unidata_version:
        return compute()
    return {name: _decode(flat) for name, flat in stored["categories"].items()}


def _names(name: str) -> frozenset[str] | None:
    if name in ("LC", "L&"):
        return frozenset({"Lu", "Ll", "Lt"})
    if name == "C":
        return frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
    found = {n for n in CATEGORIES if n[0] == name} if len(name) == 1 else {name}
    return frozenset(found) if found <= {*CATEGORIES, "Cn"} and found else None


@functools.cache
def category(name: str, ascii: bool = False) -> Ranges | None:
    """The ranges of a general category: two letters (``Lu``), one (``L``: all ``L*``), ``LC``
    or ``L&`` (``Lu``, ``Ll``, ``Lt``); None for a name that is none of these. ``ascii``: only
    its ASCII part (computed at once, without the table)."""
    names = _names(name)
    if names is None:
        return None
    if ascii:
        return merge((c, c) for c in range(0x80) if unicodedata.category(chr(c)) in names)
    table = categories()
    found = [r for n in names - {"Cn"} for r in table[n]]
    if "Cn" in names:  # unassigned: what no category holds
        found += complement(merge(r for ranges in table.values() for r in ranges))
    return merge(found)


@functools.cache
def word(ascii: bool = False) -> Ranges:
    """``regex``'s ``\\w`` (see :data:`WORD_EXTRA`); ``ascii``: only its ASCII part."""
    parts = ("L", "M", "Nd", "Nl", "Pc")
    extra = () if ascii else WORD_EXTRA
    return merge((*extra, *(r for name in parts for r in category(name, ascii) or ())))


def main() -> int:
    """Rewrite ``categories.json`` from this Python's ``unicodedata``."""
    TABLE.write_text(table_text(unicodedata.unidata_version, compute()), encoding="utf-8")
    print(f"wrote {TABLE} (Unicode {unicodedata.unidata_version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
