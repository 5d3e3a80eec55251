"""``harness replay``: API calls through the real triggers, emulated or deployed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Unpack

import click

from harness.cli.errors import InputError, check_writable, reason
from harness.cli.habits import debug, use_color
from harness.cli.options import (
    DeployedTarget,
    command_invoker,
    command_stack,
    deployed_target_options,
    format_option,
    invoke_option,
    output_option,
    parameter_options,
    settings_option,
    setup_option,
    template_option,
    verbose_option,
)

if TYPE_CHECKING:
    from harness.results import ReplayResult


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@template_option("The SAM template whose pool, client and trigger wiring to emulate.")
@parameter_options
@format_option
@verbose_option
@settings_option
@setup_option
@output_option("Write the report to FILE instead of stdout.")
@invoke_option
@click.option(
    "--client",
    "client",
    metavar="LOGICAL_ID_OR_NAME",
    help="With several app clients: the one the replay's client ids map onto (every client "
    "is created; calls naming another's emulated id use that one).",
)
@click.option(
    "--live",
    is_flag=True,
    help="Send the calls to the deployed pool (--stack-name, or --user-pool-id and --client-id) "
    "and read what the triggers received from their CloudWatch logs.",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="With --live: let the replay create its setup in the real pool (removed afterwards).",
)
@click.option(
    "--log-wait",
    "log_wait",
    type=float,
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="With --live: how long to wait for the triggers' log records to arrive.",
)
@click.option(
    "--same-pool",
    is_flag=True,
    help="Replay every PATH on one pool, in order (default: a fresh pool for each file, "
    "seeded from its own setup).",
)
@deployed_target_options
def replay(
    paths: tuple[Path, ...],
    template_path: Path,
    parameter_overrides: tuple[str, ...],
    config_env: str,
    fmt: str,
    verbose: bool,
    overrides: dict[str, str] | None,
    setup_path: Path | None,
    output: Path | None,
    invoke_mode: str,
    client: str | None,
    live: bool,
    allow_writes: bool,
    log_wait: float,
    same_pool: bool,
    **target: Unpack[DeployedTarget],
) -> None:
    """Replay Cognito API calls through the real triggers and show which got the metadata.

    PATHS are JSON / JSON Lines call files, PowerShell scripts (Start-CGIPAuthAdmin...), AWS CLI
    command lines or CloudTrail exports. Exit status: 0 when every expectation is met, 1 when
    one is not, 2 for unusable input. Several PATHS replay each on a fresh pool, seeded from
    its own setup, unless --same-pool.
    """
    if not live:  # an emulated pool will be built: its signing key meanwhile, on a thread
        from harness.emulator import key_prefetch

        key_prefetch.prefetch()
    from harness.cognito.botocore_data import share_models
    from harness.replay.loader import load_replay
    from harness.replay.runner import run_each, run_replay
    from harness.settings import Settings

    share_models()

    if output is not None:
        check_writable(output, "--output")
    Settings().with_overrides(overrides or {})  # a bad --set fails before any work
    # The deployed pool or the deployed functions run the code: none of it must run here.
    deployed = live or invoke_mode == "lambda"
    need: list[str] | None = [] if deployed else None
    stack = command_stack(template_path, parameter_overrides, config_env, need_code=need)
    loaded = load_replay(list(paths), setup_path)
    debug(
        "%d call(s) from %s; setup: %d user(s), table records for %s",
        len(loaded.calls),
        ", ".join(loaded.sources),
        len(loaded.setup.users),
        ", ".join(loaded.setup.tables) or "no table",
    )
    show = (
        _progress if len(loaded.calls) >= 20 and click.get_text_stream("stderr").isatty() else None
    )
    result: ReplayResult
    if live:
        from harness import startup
        from harness.replay.live import run_live

        startup.ready()  # no pool to build: the start-up is over

        if invoke_mode != "auto":
            raise click.UsageError("--live replays against the deployed pool: drop --invoke")
        result = run_live(
            loaded,
            **target,
            allow_writes=allow_writes,
            log_wait_seconds=log_wait,
            progress=show,
            stack=stack,
        )
    elif len(paths) > 1 and not same_pool:
        debug("%d files: a fresh pool for each (--same-pool: one for all)", len(paths))
        result = run_each(
            [load_replay([path], setup_path) for path in paths],
            stack,
            overrides=overrides or {},
            make_invoker=lambda: command_invoker(invoke_mode, stack, target),
            progress=show,
        )
    else:
        invoker = command_invoker(invoke_mode, stack, target)
        try:
            result = run_replay(
                loaded,
                stack,
                overrides=overrides or {},
                invoker=invoker,
                progress=show,
                client=client,
            )
        finally:
            invoker.close()
    _write(_render(result, fmt, verbose=verbose, color=output is None and use_color()), output)
    if not result.ok:
        click.echo(f"{len(result.failures)} expectation(s) failed", err=True)
        raise SystemExit(1)


def _progress(number: int, total: int, _result: object) -> None:
    click.echo(f"\rreplaying {number}/{total}", err=True, nl=number == total)


def _render(result: ReplayResult, fmt: str, *, verbose: bool, color: bool = False) -> str:
    import json

    from harness import report

    if fmt == "json":
        return json.dumps(report.to_json(result, verbose=verbose), indent=2) + "\n"
    if fmt == "markdown":
        return report.to_markdown(result)
    text = report.to_table(result, color=color) + "\n"
    if verbose:
        text += json.dumps(report.to_json(result, verbose=True)["calls"], indent=2) + "\n"
    return text


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text)
    except OSError as error:
        raise InputError(
            f"--output {output}: cannot write the report ({reason(error, output)}); "
            "choose a writable path"
        ) from None
    click.echo(f"wrote {output}", err=True)
