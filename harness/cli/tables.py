"""``harness settings`` and ``harness routing``: the tables the emulator follows."""

from __future__ import annotations

import click

#: What the marks of the Source columns mean (docs/cognito-trigger-contract.md says the same).
MARKS = (
    "Marks: [D] documented by AWS · [O] observed against real Cognito by users (issue threads) · "
    "[A] an assumption where nothing authoritative exists: a setting you can change with "
    "--set NAME=VALUE. The behaviour spec, with the AWS pages and reports behind each rule: "
    "docs/cognito-trigger-contract.md."
)


@click.command("settings")
def settings_command() -> None:
    """List the named settings (the [A] behaviours: what AWS does not document) with defaults."""
    from harness.settings import settings_markdown

    click.echo(settings_markdown())
    click.echo(f"\n{MARKS}")


@click.command("routing")
def routing_command() -> None:
    """Print the ClientMetadata routing table the emulator follows, with sources."""
    from harness.cognito.routing import routing_markdown

    click.echo(routing_markdown())
    click.echo(f"\n{MARKS}")
