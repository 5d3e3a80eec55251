"""What every command does the same way, as SAM and the AWS CLI do it.

* ``--debug`` (on every command, and on ``harness`` itself): what the harness does, as
  ``[debug]`` lines of the ``harness`` logger on stderr, and, for an exit-2 message, the
  traceback it stands for (with the error it replaced, when there was one).
* Colour in a terminal; none with ``--no-color`` or the ``NO_COLOR`` environment variable
  (https://no-color.org), nor when the output is not a terminal.
* ``harness --help`` shows each command's one-liner whole (click cuts them at 45 characters).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any

import click

_DEBUG = "harness.debug"
_NO_COLOR = "harness.no_color"

log = logging.getLogger("harness")


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.meta.get(_DEBUG):
        return
    ctx.meta[_DEBUG] = True
    handler = logging.StreamHandler(click.get_text_stream("stderr"))
    handler.setFormatter(logging.Formatter("[debug] %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    ctx.call_on_close(lambda: log.removeHandler(handler))


def _set_no_color(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_NO_COLOR] = True


#: The options every command gets: name, what it sets, its help.
_HABITS = (
    (
        "--debug",
        _set_debug,
        "Show what the harness does, and the traceback behind an error, on stderr.",
    ),
    (
        "--no-color",
        _set_no_color,
        "No colour (also when NO_COLOR is set or the output is not a terminal).",
    ),
)


def habit_options() -> list[click.Option]:
    """New option objects for one command (click keeps them per command)."""
    return [
        click.Option(
            [name], is_flag=True, expose_value=False, is_eager=True, callback=set_, help=help_
        )
        for name, set_, help_ in _HABITS
    ]


def debugging() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_DEBUG))


def use_color(stream: Any = None) -> bool:
    """Colour for ``stream`` (stdout by default): a terminal, and nobody said no."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_NO_COLOR):
        return False
    if os.environ.get("NO_COLOR"):
        return False
    target = stream if stream is not None else sys.stdout
    return bool(getattr(target, "isatty", lambda: False)())


def show_traceback(error: BaseException) -> None:
    """With ``--debug``: the traceback an exit-2 message stands for, on stderr."""
    if not debugging():
        return
    parts: list[str] = []
    hidden = error.__context__ if error.__suppress_context__ else None
    if hidden is not None:
        parts += traceback.format_exception(hidden)
        parts.append("\nwhich the harness reports as:\n\n")
    parts += traceback.format_exception(error)
    click.echo("".join(parts), err=True, nl=False)


class HarnessGroup(click.Group):
    """A command group whose commands (and itself) keep the habits above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(habit_options())

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not isinstance(cmd, HarnessGroup) and not any(p.name == "debug" for p in cmd.params):
            cmd.params.extend(habit_options())
        super().add_command(cmd, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def debug(message: str, *args: object) -> None:
    """One ``[debug]`` line of the command line's own (shown with ``--debug``)."""
    logging.getLogger("harness.cli").debug(message, *args)
