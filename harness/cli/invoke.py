"""``harness invoke``: one function, one event, as ``sam local invoke``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Unpack

import click

from harness.cli.errors import InputError
from harness.cli.options import (
    FILE,
    DeployedTarget,
    command_invoker,
    command_stack,
    deployed_target_options,
    invoke_option,
    parameter_options,
    template_option,
)


@click.command("invoke")
@click.argument("logical_id")
@click.option(
    "--event",
    "-e",
    "event_path",
    metavar="FILE",
    help="The event, a JSON file; - reads it from stdin. Default: an empty event ({}).",
)
@template_option("The SAM template that defines the function.")
@parameter_options
@invoke_option
@click.option(
    "--env-vars",
    "-n",
    "env_vars_path",
    type=FILE,
    help='SAM\'s environment override file: {"LogicalId": {"VAR": "value"}, "Parameters": {...}}.',
)
@deployed_target_options
def invoke_command(
    logical_id: str,
    event_path: str | None,
    template_path: Path,
    parameter_overrides: tuple[str, ...],
    config_env: str,
    invoke_mode: str,
    env_vars_path: Path | None,
    **target: Unpack[DeployedTarget],
) -> None:
    """Invoke one function of the template with an event, as `sam local invoke` does.

    The function's response JSON goes to stdout, its logs to stderr. The template's tables
    exist, empty, in the emulated AWS. Exit status: 0 when the function answered, 1 when it
    failed or timed out (`errorType: errorMessage` on stderr), 2 for unusable input.
    """
    import json

    from harness.invokers import aws_endpoint_url_of
    from harness.invokers.env_vars import apply_env_vars, load_env_vars
    from harness.invokers.local_aws import emulated_tables

    # Only this function's code must run here (none of it when the deployed one runs).
    need = [] if invoke_mode == "lambda" else [logical_id]
    stack = command_stack(template_path, parameter_overrides, config_env, need_code=need)
    function = stack.functions.get(logical_id)
    if function is None and logical_id in stack.not_created:
        parameters = " ".join(f"{k}={v}" for k, v in stack.parameters.items())
        raise InputError(
            f"{logical_id} is not created: its Condition {stack.not_created[logical_id]} is "
            f"false (parameters: {parameters or 'none'}); pass other --parameter-overrides"
        )
    if function is None:
        raise InputError(
            f"{logical_id} is not a function of {template_path}; "
            f"functions: {', '.join(sorted(stack.functions)) or '(none)'}"
        )
    event = _read_event(event_path)
    if env_vars_path is not None:
        function, ignored = apply_env_vars(function, load_env_vars(env_vars_path))
        if ignored:
            click.echo(
                f"--env-vars: ignored {', '.join(ignored)}: not in {logical_id}'s "
                "Environment in the template (SAM overrides declared variables only)",
                err=True,
            )
    invoker = command_invoker(invoke_mode, stack, target)
    try:
        with emulated_tables(stack, aws_endpoint_url_of(invoker), stack.region):
            result = invoker.invoke(function, event, function.timeout)
    finally:
        invoker.close()
    if result.logs:
        click.echo(result.logs, err=True, nl=result.logs.endswith("\n") is False)
    if result.timed_out:
        click.echo(f"Task timed out after {function.timeout:.2f} seconds", err=True)
        raise SystemExit(1)
    if result.error_type is not None:
        click.echo(f"{result.error_type}: {result.error_message}", err=True)
        raise SystemExit(1)
    if result.raw is not None:
        click.echo(result.raw.decode("utf-8", "replace"))
    else:
        click.echo(json.dumps(result.payload))


def _read_event(path: str | None) -> dict[str, Any]:
    """The event of ``harness invoke``: a JSON object from a file, or stdin for ``-``."""
    import json

    if path is None:
        return {}
    where = "stdin" if path == "-" else path
    try:
        text = click.get_text_stream("stdin").read() if path == "-" else Path(path).read_text()
    except OSError as error:
        raise InputError(f"--event {where}: cannot read it ({error.strerror or error})") from None
    try:
        event = json.loads(text)
    except ValueError as error:
        raise InputError(f"--event {where}: not JSON ({error})") from None
    if not isinstance(event, dict):
        raise InputError(f"--event {where}: a trigger event is a JSON object, got {text[:40]!r}")
    return event
