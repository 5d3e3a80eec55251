"""What the commands tell the user to fix: one line, exit status 2.

The library raises :class:`harness.errors.HarnessInputError` for bad input; the command group
(:mod:`harness.cli`) turns it into an :class:`InputError`. The commands raise ``InputError``
themselves for what only the command line knows: a path it cannot write, a program it cannot
run.
"""

from __future__ import annotations

import os
from pathlib import Path

import click


class InputError(click.ClickException):
    """Bad input (a replay, a template, a setting): exit status 2, one actionable line."""

    exit_code = 2


def reason(error: OSError, path: Path) -> str:
    """The OS's reason, and the file it concerns when that is not ``path`` itself."""
    text = error.strerror or str(error)
    if error.filename is not None and Path(os.fsdecode(error.filename)) != path:
        text += f": {os.fsdecode(error.filename)}"
    return text


def check_writable(path: Path, option: str, *, make_parents: bool = False) -> None:
    """Refuse an output file that cannot be created before doing any work: exit 2, one line.

    The check creates the file (appending: an existing file keeps its content) and removes it
    again when it did not exist. With ``make_parents``, missing directories are created first.
    """
    directory = path.parent
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{option} {path}: {directory} is not a directory; choose another path")
    if make_parents:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"{option} {path}: cannot create its directory ({reason(error, path)}); "
                "choose a writable path"
            ) from None
    elif not directory.is_dir():
        raise InputError(
            f"{option} {path}: {directory} does not exist; create the directory first or "
            "choose another path"
        )
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise InputError(
            f"{option} {path}: cannot write it ({reason(error, path)}); choose a writable path"
        ) from None
    if not existed:
        path.unlink(missing_ok=True)
