"""``harness events generate``: the events Cognito sends, one or all of them."""

from __future__ import annotations

from pathlib import Path

import click

from harness.cli.errors import InputError, reason
from harness.cli.habits import HarnessGroup
from harness.cli.options import key_value_option, output_option
from harness.cognito import events


@click.group("events", cls=HarnessGroup)
def events_group() -> None:
    """List and generate real-shaped Cognito trigger events (all 40 triggerSources)."""


@events_group.command("list")
def list_sources() -> None:
    """List every triggerSource, the trigger that receives it and its sample event file."""
    import os

    rows = [("TRIGGER_SOURCE", "TRIGGER", "SAMPLE EVENT")]
    for spec in events.TRIGGER_SOURCES.values():
        path = events.sample_event_path(spec.trigger_source)
        shown = os.path.relpath(path) if path.is_file() else "(none)"
        versions = (
            "" if spec.token_versions == ("V1_0",) else f"  [{', '.join(spec.token_versions)}]"
        )
        rows.append((spec.trigger_source, spec.trigger + versions, shown))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for source, trigger, shown in rows:
        click.echo(f"{source.ljust(widths[0])}  {trigger.ljust(widths[1])}  {shown}")
    click.echo(f"{len(rows) - 1} triggerSources; harness events generate SOURCE prints one")


@events_group.command("generate")
@click.argument("trigger_source", metavar="[TRIGGER_SOURCE]", required=False)
@click.option("--username", help="The event's userName (default: alice).")
@key_value_option(
    "--client-metadata", "client_metadata", help="Add to request.clientMetadata (repeatable)."
)
@key_value_option(
    "--validation-data", "validation_data", help="Add to request.validationData (repeatable)."
)
@key_value_option(
    "--user-attribute",
    "user_attributes",
    help="Add or replace a request.userAttributes entry (repeatable).",
)
@click.option(
    "--token-version",
    type=click.Choice(["V1_0", "V2_0", "V3_0"]),
    help="Pre token generation LambdaVersion (default: the lowest the source allows).",
)
@output_option("Write the event to FILE instead of stdout.")
@click.option("--all", "all_sources", is_flag=True, help="Regenerate every sample event file.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --all: the directory to write to (default: events/triggers).",
)
def generate(
    trigger_source: str | None,
    username: str | None,
    client_metadata: dict[str, str] | None,
    validation_data: dict[str, str] | None,
    user_attributes: dict[str, str] | None,
    token_version: str | None,
    output: Path | None,
    all_sources: bool,
    output_dir: Path | None,
) -> None:
    """Print the event Cognito sends for TRIGGER_SOURCE, such as PreSignUp_SignUp.

    With --all, write every committed sample to events/triggers/ (or --output-dir) instead.
    """
    if all_sources:
        customized = [
            name
            for name, value in (
                ("TRIGGER_SOURCE", trigger_source),
                ("--username", username),
                ("--client-metadata", client_metadata),
                ("--validation-data", validation_data),
                ("--user-attribute", user_attributes),
                ("--token-version", token_version),
                ("--output", output),
            )
            if value is not None
        ]
        if customized:
            raise click.UsageError(
                f"--all writes the canonical samples and takes only --output-dir, "
                f"not {', '.join(customized)}"
            )
        _write_all(output_dir or events.SAMPLE_EVENTS_DIR)
        return

    if output_dir is not None:
        raise click.UsageError("--output-dir needs --all; use --output FILE for one event")
    if trigger_source is None:
        raise click.UsageError("give a TRIGGER_SOURCE (e.g. PreSignUp_SignUp) or --all")
    try:
        spec = events.get_spec(trigger_source)
    except events.UnknownTriggerSourceError as err:
        raise click.BadParameter(str(err), param_hint="TRIGGER_SOURCE") from None
    name = username or "alice"
    if user_attributes is not None:  # --user-attribute adds to the generated attributes
        user_attributes = {
            **events.default_user_attributes(spec.trigger_source, username=name),
            **user_attributes,
        }
    try:
        event = events.build_event(
            spec.trigger_source,
            username=name,
            user_attributes=user_attributes,
            validation_data=validation_data,
            client_metadata=client_metadata,
            token_version=token_version or spec.default_token_version,
        )
    except events.TokenVersionError as err:
        # A --token-version this source is never sent with: a usage error of this command.
        raise click.UsageError(str(err)) from None
    text = events.render_event(event)
    if (event.get("request") or {}).get("code") == events.EXAMPLE_ENCRYPTED_CODE:
        click.echo(
            f"note: request.code is a placeholder, not a code encrypted under a KMS key (Cognito "
            f"sends {spec.trigger} an AWS Encryption SDK message); harness invoke encrypts the "
            "mfa_code setting in its place under the pool's KMSKeyID, or the code you put there",
            err=True,
        )
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"--output {output}: cannot write the event ({reason(error, output)}); "
            "choose a writable path"
        ) from None


def _write_all(directory: Path) -> None:
    try:
        paths = events.write_sample_events(directory)
    except OSError as error:
        raise InputError(
            f"--output-dir {directory}: cannot write the events there "
            f"({reason(error, directory)}); choose a writable directory"
        ) from None
    click.echo(f"wrote {len(paths)} events to {paths[0].parent}")
