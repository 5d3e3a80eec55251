"""The one error of this package: a template the harness cannot use."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from harness.errors import HarnessInputError, close_matches


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
    """` (did you mean X?)` for the closest candidate, or `""`.

    Template messages name logical ids and keys bare, as the template writes them, where
    :func:`harness.errors.suggest` quotes them.
    """
    match = close_matches(name, candidates, n=1)
    return f" (did you mean {match[0]}?)" if match else ""
