"""``harness serve``: a local Cognito endpoint with live triggers, for development."""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import click

from harness.cli.errors import InputError, reason
from harness.cli.habits import use_color
from harness.cli.options import (
    FILE,
    DeployedTarget,
    command_invoker,
    command_stack,
    deployed_target_options,
    invoke_option,
    parameter_options,
    settings_option,
    setup_option,
    template_option,
)


@click.command()
@template_option()
@parameter_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9229, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Listen on a non-loopback --host. Anyone who reaches it can call admin operations, "
    "read every trigger event and get tokens: a local endpoint only, without it.",
)
@settings_option
@setup_option
@invoke_option
@click.option(
    "--record",
    "record_path",
    type=FILE,
    help="Also write every call (those moto answers too) to FILE as a replay (JSON Lines, "
    "secrets as ${env:...}).",
)
@click.option(
    "--wire-created-pools",
    is_flag=True,
    help="Give pools created through the API (CreateUserPool) the template's triggers too; "
    "without it they are plain moto pools.",
)
@click.option(
    "--no-reload",
    is_flag=True,
    help="Keep the trigger code loaded at start, even when its files change.",
)
@deployed_target_options
def serve(
    template_path: Path,
    parameter_overrides: tuple[str, ...],
    config_env: str,
    host: str,
    port: int,
    overrides: dict[str, str] | None,
    setup_path: Path | None,
    invoke_mode: str,
    record_path: Path | None,
    wire_created_pools: bool,
    allow_remote: bool,
    no_reload: bool,
    **target: Unpack[DeployedTarget],
) -> None:
    """A local Cognito endpoint with live triggers, for any SDK or the AWS CLI.

    Point a client at it with `endpoint_url` / `--endpoint-url`. The pool and app client of the
    template exist at start, with the same ids at every start (printed); --setup seeds them
    (users, table records, settings: the replay setup format). Edited trigger code is picked
    up at the next call. Each call prints one row; GET /_harness/invocations returns the JSON
    report so far. Stop with Ctrl-C or SIGTERM.
    """
    import os
    import signal
    import threading

    from harness.cognito.botocore_data import share_models
    from harness.emulator import Emulator
    from harness.replay.recorder import Recorder
    from harness.replay.runner import seed
    from harness.replay.setup import load_setup_file
    from harness.server import CognitoApp, CognitoServer, banner
    from harness.settings import Settings

    share_models()
    if not is_loopback(host):
        if not allow_remote:
            raise InputError(
                f"--host {host}: not a loopback address; harness serve is a local endpoint "
                "(anyone who reaches it can call admin operations and read trigger events). "
                "Add --allow-remote to listen there anyway"
            )
        click.echo(
            f"harness serve: WARNING: listening on {host}: anyone who can reach it can call "
            "admin operations, read every trigger event and get tokens",
            err=True,
        )
    stack = command_stack(template_path, parameter_overrides, config_env)
    setup = load_setup_file(setup_path, os.environ, "--setup") if setup_path else None
    settings = (
        Settings().with_overrides(setup.settings if setup else {}).with_overrides(overrides or {})
    )
    invoker = command_invoker(invoke_mode, stack, target)
    emulator = Emulator(
        stack,
        settings=settings,
        invoker=invoker,
        overrides=setup.pool if setup else None,
        require_client=False,  # every client is served
        stable_ids=True,
    )
    with emulator:
        if setup is not None:
            seed(emulator, setup)
        # The recording is opened (created, truncated) once the port is bound: a busy port
        # leaves neither an open file nor an emptied earlier recording behind.
        app = CognitoApp(
            emulator,
            out=click.get_text_stream("stdout"),
            wire_created_pools=wire_created_pools,
            watch=not no_reload,
            color=use_color(),
        )
        try:
            server = CognitoServer(app, host=host, port=port)
        except OSError as error:
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        if record_path is not None:
            try:
                app.recorder = Recorder(record_path, setup=setup_path)
            except OSError as error:
                server.server.server_close()
                raise InputError(
                    f"--record {record_path}: cannot write it ({reason(error, record_path)}); "
                    "choose a writable path"
                ) from None
        click.echo(banner(emulator, server.endpoint, setup_path), err=True)

        def stop(signum: int, _frame: object) -> None:
            click.echo(f"harness serve: {signal.Signals(signum).name}, stopping", err=True)
            threading.Thread(target=server.server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            server.serve_forever()
        finally:
            server.server.server_close()
            app.close()
            if record_path is not None:
                click.echo(f"harness serve: calls recorded in {record_path}", err=True)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
