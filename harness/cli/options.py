"""The options the commands share, each declared once as a decorator.

A command stacks them in the order its ``--help`` lists them. Where commands word an option
differently (``--output`` writes a report, an event or a replay), the wording is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import click

from harness.invokers import INVOKER_NAMES, Invoker, chosen_invoker
from harness.stack import Stack

F = TypeVar("F", bound=Callable[..., Any])

#: A file argument: a path, never a directory.
FILE = click.Path(dir_okay=False, path_type=Path)


def _key_value_pairs(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str] | None:
    """Parse repeated `k=v` options into a dict (None when the option was not given)."""
    if not values:
        return None
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"expected KEY=VALUE, got {value!r} (e.g. {param.opts[0]} locale=en-US)",
                ctx=ctx,
                param=param,
            )
        pairs[key] = item
    return pairs


def key_value_option(*names: str, help: str, metavar: str = "KEY=VALUE") -> Callable[[F], F]:
    """A repeatable ``KEY=VALUE`` option, given to the command as a dict (None when absent)."""
    return click.option(
        *names, multiple=True, metavar=metavar, callback=_key_value_pairs, help=help
    )


def template_option(help: str | None = None, *, short: bool = False) -> Callable[[F], F]:
    """``--template`` (and ``-t`` with ``short``): the SAM template, by default template.yaml."""
    names = ("--template", "-t") if short else ("--template",)
    return click.option(
        *names, "template_path", default="template.yaml", show_default=True, type=FILE, help=help
    )


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``--output`` / ``-o``: the file a command writes instead of stdout."""
    return click.option("--output", "-o", required=required, type=FILE, help=help)


settings_option = key_value_option(
    "--set",
    "overrides",
    metavar="NAME=VALUE",
    help="Override a named setting (see `harness settings`); repeatable.",
)

setup_option = click.option(
    "--setup",
    "setup_path",
    type=FILE,
    help="A setup file (users, legacy users, invitations, settings) applied last.",
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)

verbose_option = click.option(
    "--verbose", is_flag=True, help="Add every event and response (secrets redacted)."
)

invoke_option = click.option(
    "--invoke",
    "invoke_mode",
    type=click.Choice(INVOKER_NAMES),
    default="auto",
    show_default=True,
    help="How the triggers run: auto, each by its Runtime (Python in this process, Node.js "
    "under the Lambda runtime interface emulator); inprocess; rie, their sam build under the "
    "emulator; sam, sam local invoke (needs Docker); lambda, the deployed functions.",
)


def deployed_target_options(function: F) -> F:
    """--stack-name / --user-pool-id / --client-id / --region / --profile: a deployed stack."""
    for option in reversed(
        [
            click.option("--stack-name", help="A deployed CloudFormation stack of this template."),
            click.option("--user-pool-id", help="A deployed user pool (instead of --stack-name)."),
            click.option("--client-id", help="Its app client, with --user-pool-id."),
            click.option("--region", help="The deployed stack's region (default: your profile's)."),
            click.option("--profile", help="The AWS profile to use (default: the standard chain)."),
        ]
    ):
        function = option(function)
    return function


class DeployedTarget(TypedDict):
    """What the deployed-target options name; a command takes them as ``**target``."""

    stack_name: str | None
    user_pool_id: str | None
    client_id: str | None
    region: str | None
    profile: str | None


def command_invoker(invoke_mode: str, stack: Stack, target: DeployedTarget) -> Invoker:
    """The ``--invoke`` invoker; ``lambda`` finds its functions from the pool, not a client."""
    return chosen_invoker(
        invoke_mode,
        stack,
        stack_name=target["stack_name"],
        user_pool_id=target["user_pool_id"],
        region=target["region"],
        profile=target["profile"],
    )
