"""The options the commands share, each declared once as a decorator.

A command stacks them in the order its ``--help`` lists them. Where commands word an option
differently (``--output`` writes a report, an event or a replay), the wording is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


#: The templates SAM looks for when none is named, in its order (samcli's
#: ``SAM_TEMPLATE_FILE_NAMES``, used by ``get_or_default_template_file_name``).
DEFAULT_TEMPLATES = ("template.yaml", "template.yml", "template.json")


def _default_template(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    if value is not None:
        return value
    for name in DEFAULT_TEMPLATES:
        if Path(name).is_file():
            return Path(name)
    raise click.BadParameter(
        f"no {', '.join(DEFAULT_TEMPLATES)} in {Path.cwd()}; name the template with -t PATH",
        ctx=ctx,
        param=param,
    )


def template_option(help: str | None = None) -> Callable[[F], F]:
    """``-t`` / ``--template``: the SAM template; by default the first of DEFAULT_TEMPLATES
    in the working directory, as SAM CLI finds it."""
    return click.option(
        "--template",
        "-t",
        "template_path",
        type=FILE,
        callback=_default_template,
        help=(help or "The SAM template.")
        + " Default: template.yaml, template.yml or template.json here.",
    )


class _UntilNextOption(click.Option):
    """An option that takes every word after it up to the next option, as SAM CLI's
    ``--parameter-overrides Key=Value Key2=Value2`` does (its OptionNargs), so a command line
    copied from ``sam deploy`` or ``sam local invoke`` means the same here. Quoted (one word)
    and repeated forms keep working. Uses click's parser internals (click is pinned by
    aws-sam-cli, which relies on the same)."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:
                continue
            process = option.process

            def take_until_next_option(value: Any, state: Any, process: Any = process) -> None:
                process(value, state)
                while state.rargs and not any(
                    state.rargs[0].startswith(prefix) for prefix in parser._opt_prefixes
                ):
                    process(state.rargs.pop(0), state)

            option.process = take_until_next_option


def parameter_options(function: F) -> F:
    """``--parameter-overrides`` (SAM CLI's syntax) and ``--config-env`` (samconfig's env)."""
    function = click.option(
        "--config-env",
        default="default",
        show_default=True,
        help="The env of the samconfig.toml beside the template whose parameter_overrides "
        "apply (its global and local_invoke sections, as sam local invoke reads them).",
    )(function)
    return click.option(
        "--parameter-overrides",
        "parameter_overrides",
        cls=_UntilNextOption,
        multiple=True,
        metavar="'KEY=VALUE ...'",
        help="Template parameter values, as SAM CLI takes them: 'Key=Value Key2=Value2' or "
        "'ParameterKey=Key,ParameterValue=Value'. Replace samconfig.toml's parameter_overrides.",
    )(function)


def command_stack(
    template_path: Path,
    parameter_overrides: tuple[str, ...],
    config_env: str,
    need_code: Iterable[str] | None = None,
) -> Stack:
    """The template a command runs, with its parameter values (command line, else samconfig).

    ``need_code``: the functions whose code must run here (default: the triggers).
    """
    from harness.stack import load_stack
    from harness.stack.parameters import effective_overrides

    values = effective_overrides(template_path, parameter_overrides, config_env)
    stack = load_stack(template_path, parameter_overrides=values, need_code=need_code)
    for note in stack.notes:
        click.echo(note, err=True)
    return stack


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``--output`` / ``-o``: the file a command writes instead of stdout.

    The AWS CLI's ``--output`` names a format; the help says which one this is."""
    return click.option(
        "--output",
        "-o",
        required=required,
        type=FILE,
        metavar="FILE",
        help=f"{help} A file name, unlike the AWS CLI's --output (a format).",
    )


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
