"""``harness settings`` and ``harness routing``: the tables the emulator follows."""

from __future__ import annotations

import click


@click.command("settings")
def settings_command() -> None:
    """List the named settings (the contract's [A] behaviours) with defaults."""
    from harness.settings import settings_markdown

    click.echo(settings_markdown())


@click.command("routing")
def routing_command() -> None:
    """Print the ClientMetadata routing table the emulator follows, with sources."""
    from harness.cognito.routing import routing_markdown

    click.echo(routing_markdown())
