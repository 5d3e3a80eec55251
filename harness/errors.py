"""What the user must fix, as opposed to what the harness got wrong.

Every problem with the user's input (a template, a replay file, a setting, an event, a target
that does not exist, a tool that is not installed) raises a subclass of
:class:`HarnessInputError` with a one-line message that says what is wrong and what to do. The
CLI prints it and exits 2. Any other exception is a bug in the harness and shows as one (a
traceback), never as "bad input".

Cognito's own errors, the ones the API returns to a caller, are a separate family:
:mod:`harness.cognito.errors`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class HarnessInputError(Exception):
    """Input the harness cannot use; the message is one line: what is wrong, what to do."""


def suggest(name: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str:
    """`` (did you mean 'X'?)`` for the closest candidate, case-insensitively, or ``""``."""
    options = list(candidates)
    folded = {option.casefold(): option for option in options}
    if name.casefold() in folded:
        return f" (did you mean '{folded[name.casefold()]}'?)"
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=cutoff)
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def close_matches(
    name: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """Up to ``n`` candidates close to ``name``, compared case-insensitively."""
    folded = {option.casefold(): option for option in candidates}
    matches = difflib.get_close_matches(name.casefold(), folded, n=n, cutoff=cutoff)
    return [folded[m] for m in matches]
