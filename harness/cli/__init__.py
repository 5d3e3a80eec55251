"""The `harness` command line: a thin layer over the library API.

One module per command family (``events``, ``replay``, ``invoke``, ``serve``, ``record``,
``tables``), the options they share in :mod:`harness.cli.options`. Commands import what they
run inside their function: ``harness --help`` does not load moto or boto3.

Errors: a :class:`harness.errors.HarnessInputError` from anywhere below a command is the user's
to fix, and :class:`_Harness` prints it as one line with exit status 2 (``--debug`` adds the
traceback it stands for). Any other exception is a bug in the harness and propagates as one,
with its traceback. Every command keeps the habits of :mod:`harness.cli.habits`.
"""

from __future__ import annotations

from typing import Any

import click

from harness.cli.errors import InputError
from harness.cli.events import events_group
from harness.cli.habits import HarnessGroup, show_traceback
from harness.cli.invoke import invoke_command
from harness.cli.record import record
from harness.cli.replay import replay
from harness.cli.serve import serve
from harness.cli.tables import routing_command, settings_command
from harness.errors import HarnessInputError

__all__ = ["InputError", "main"]


class _Harness(HarnessGroup):
    """The command group, and the one place where an input error becomes exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HarnessInputError as error:
            show_traceback(error)
            raise InputError(str(error)) from None
        except InputError as error:
            show_traceback(error)
            raise


@click.group(cls=_Harness)
@click.version_option(package_name="cognito-trigger-harness")
def main() -> None:
    """Develop and replay Amazon Cognito user-pool triggers locally."""


for _command in (
    events_group,
    replay,
    invoke_command,
    settings_command,
    routing_command,
    serve,
    record,
):
    main.add_command(_command)
