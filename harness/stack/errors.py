"""The one error of this package: a template the harness cannot use."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from harness.errors import HarnessInputError


class TemplateError(HarnessInputError):
    """A template the harness cannot use. One line: `<path>: <where>: <problem>; <fix>`."""

    def __init__(self, path: Path | str, where: str, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.where = where
        self.problem = problem
        self.fix = fix
        prefix = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(f"{prefix}{problem}; {fix}".replace("\n", " "))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean X?)` for the closest candidate, or `""`."""
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""
