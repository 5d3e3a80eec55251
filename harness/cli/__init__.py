"""The `harness` command line: a thin layer over the library API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from harness.cognito import events
from harness.invokers.base import INVOKER_NAMES

if TYPE_CHECKING:
    from harness.invokers import Invoker
    from harness.stack import Stack


@click.group()
@click.version_option(package_name="cognito-trigger-harness")
def main() -> None:
    """Develop and replay Amazon Cognito user-pool triggers locally."""


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


@main.group("events")
def events_group() -> None:
    """Generate real-shaped Cognito trigger events."""


@events_group.command("generate")
@click.argument("trigger_source", metavar="[TRIGGER_SOURCE]", required=False)
@click.option("--username", help="The event's userName (default: alice).")
@click.option(
    "--client-metadata",
    "client_metadata",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_key_value_pairs,
    help="Add to request.clientMetadata (repeatable).",
)
@click.option(
    "--validation-data",
    "validation_data",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_key_value_pairs,
    help="Add to request.validationData (repeatable).",
)
@click.option(
    "--user-attribute",
    "user_attributes",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_key_value_pairs,
    help="Add or replace a request.userAttributes entry (repeatable).",
)
@click.option(
    "--token-version",
    type=click.Choice(["V1_0", "V2_0", "V3_0"]),
    help="Pre token generation LambdaVersion (default: the lowest the source allows).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the event to FILE instead of stdout.",
)
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
    """Print the event Cognito sends for TRIGGER_SOURCE (e.g. PreSignUp_SignUp).

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
        directory = output_dir or events.SAMPLE_EVENTS_DIR
        try:
            paths = events.write_sample_events(directory)
        except OSError as error:
            raise InputError(
                f"--output-dir {directory}: cannot write the events there "
                f"({_reason(error, directory)}); choose a writable directory"
            ) from None
        click.echo(f"wrote {len(paths)} events to {paths[0].parent}")
        return

    if output_dir is not None:
        raise click.UsageError("--output-dir needs --all; use --output FILE for one event")
    if trigger_source is None:
        raise click.UsageError("give a TRIGGER_SOURCE (e.g. PreSignUp_SignUp) or --all")
    try:
        spec = events.get_spec(trigger_source)
        name = username or "alice"
        if user_attributes is not None:  # --user-attribute adds to the generated attributes
            user_attributes = {
                **events.default_user_attributes(spec.trigger_source, username=name),
                **user_attributes,
            }
        event = events.build_event(
            spec.trigger_source,
            username=name,
            user_attributes=user_attributes,
            validation_data=validation_data,
            client_metadata=client_metadata,
            token_version=token_version or spec.default_token_version,
        )
    except events.UnknownTriggerSourceError as err:
        raise click.BadParameter(str(err), param_hint="TRIGGER_SOURCE") from None
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    text = events.render_event(event)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(
                f"--output {output}: cannot write the event ({_reason(error, output)}); "
                "choose a writable path"
            ) from None


class InputError(click.ClickException):
    """Bad input (a replay, a template, a setting): exit status 2, one actionable line."""

    exit_code = 2


def _reason(error: OSError, path: Path) -> str:
    """The OS's reason, and the file it concerns when that is not ``path`` itself."""
    reason = error.strerror or str(error)
    if error.filename is not None and Path(os.fsdecode(error.filename)) != path:
        reason += f": {os.fsdecode(error.filename)}"
    return reason


def _check_writable(path: Path, option: str, *, make_parents: bool = False) -> None:
    """Refuse an output file that cannot be created before doing any work: exit 2, one line.

    The check creates the file (appending: an existing file keeps its content) and removes it
    again when it did not exist. With ``make_parents``, missing directories are created first.
    """
    directory = path.parent
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{option} {path}: {directory} is not a directory; choose another path")
    if make_parents:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"{option} {path}: cannot create its directory ({_reason(error, path)}); "
                "choose a writable path"
            ) from None
    elif not directory.is_dir():
        raise InputError(
            f"{option} {path}: {directory} does not exist; create the directory first or "
            "choose another path"
        )
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise InputError(
            f"{option} {path}: cannot write it ({_reason(error, path)}); choose a writable path"
        ) from None
    if not existed:
        path.unlink(missing_ok=True)


_invoke_option = click.option(
    "--invoke",
    "invoke_mode",
    type=click.Choice(INVOKER_NAMES),
    default="inprocess",
    show_default=True,
    help="How the triggers run: in this process; rie, their sam build under the Lambda runtime "
    "interface emulator; sam, sam local invoke (needs Docker); lambda, the deployed functions.",
)


def _deployed_target_options(function: Any) -> Any:
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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--template",
    "template_path",
    default="template.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SAM template whose pool, client and trigger wiring to emulate.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option("--verbose", is_flag=True, help="Add every event and response (secrets redacted).")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_key_value_pairs,
    help="Override a named setting (see `harness settings`); repeatable.",
)
@click.option(
    "--setup",
    "setup_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A setup file (users, legacy users, invitations, settings) applied last.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of stdout.",
)
@_invoke_option
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
@_deployed_target_options
def replay(
    paths: tuple[Path, ...],
    template_path: Path,
    fmt: str,
    verbose: bool,
    overrides: dict[str, str] | None,
    setup_path: Path | None,
    output: Path | None,
    invoke_mode: str,
    live: bool,
    allow_writes: bool,
    log_wait: float,
    stack_name: str | None,
    user_pool_id: str | None,
    client_id: str | None,
    region: str | None,
    profile: str | None,
) -> None:
    """Replay Cognito API calls through the real triggers and show which got the metadata.

    PATHS are JSON / JSON Lines call files, PowerShell scripts (Start-CGIPAuthAdmin...), AWS CLI
    command lines or CloudTrail exports. Exit status: 0 when every expectation is met, 1 when
    one is not, 2 for unusable input.
    """
    import json

    from harness import report
    from harness.invokers import InvokerError
    from harness.replay.loader import load_replay
    from harness.replay.model import ReplayError
    from harness.replay.runner import run_replay
    from harness.settings import Settings, SettingsError
    from harness.stack import TemplateError, load_stack

    if output is not None:
        _check_writable(output, "--output")
    invoker: Invoker | None = None
    try:
        Settings().with_overrides(overrides or {})  # a bad --set fails before any work
        stack = load_stack(template_path)
        loaded = load_replay(list(paths), setup_path)
        show = (
            _progress
            if len(loaded.calls) >= 20 and click.get_text_stream("stderr").isatty()
            else None
        )
        result: Any
        if live:
            from harness.replay.live import run_live

            if invoke_mode != "inprocess":
                raise click.UsageError("--live replays against the deployed pool: drop --invoke")
            result = run_live(
                loaded,
                stack_name=stack_name,
                user_pool_id=user_pool_id,
                client_id=client_id,
                region=region,
                profile=profile,
                allow_writes=allow_writes,
                log_wait_seconds=log_wait,
                progress=show,
            )
        else:
            invoker = _make_invoker(invoke_mode, stack)
            result = run_replay(
                loaded, stack, overrides=overrides or {}, invoker=invoker, progress=show
            )
    except (ReplayError, TemplateError, SettingsError, InvokerError, ValueError) as error:
        raise InputError(str(error)) from None
    finally:
        if invoker is not None:
            invoker.close()
    if fmt == "json":
        text = json.dumps(report.to_json(result, verbose=verbose), indent=2) + "\n"
    elif fmt == "markdown":
        text = report.to_markdown(result)
    else:
        text = report.to_table(result) + "\n"
        if verbose:
            text += json.dumps(report.to_json(result, verbose=True)["calls"], indent=2) + "\n"
    if output:
        try:
            output.write_text(text)
        except OSError as error:
            raise InputError(
                f"--output {output}: cannot write the report ({_reason(error, output)}); "
                "choose a writable path"
            ) from None
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    if not result.ok:
        click.echo(f"{len(result.failures)} expectation(s) failed", err=True)
        raise SystemExit(1)


def _progress(number: int, total: int, _result: object) -> None:
    click.echo(f"\rreplaying {number}/{total}", err=True, nl=number == total)


#: Options of the command that name a deployed target, passed on to ``--invoke lambda``.
_DEPLOYED_TARGET_OPTIONS = ("stack_name", "user_pool_id", "region", "profile")


def _make_invoker(name: str, stack: Stack) -> Invoker | None:
    """The ``--invoke`` invoker; None for in-process (the emulator's own default)."""
    if name == "inprocess":
        return None
    from harness.invokers import make_invoker

    params = click.get_current_context().params
    options = {key: params[key] for key in _DEPLOYED_TARGET_OPTIONS if params.get(key) is not None}
    return make_invoker(name, stack, **options) if name == "lambda" else make_invoker(name, stack)


@main.command("invoke")
@click.argument("logical_id")
@click.option(
    "--event",
    "-e",
    "event_path",
    metavar="FILE",
    help="The event, a JSON file; - reads it from stdin. Default: an empty event ({}).",
)
@click.option(
    "--template",
    "-t",
    "template_path",
    default="template.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SAM template that defines the function.",
)
@_invoke_option
@click.option(
    "--env-vars",
    "-n",
    "env_vars_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help='SAM\'s environment override file: {"LogicalId": {"VAR": "value"}, "Parameters": {...}}.',
)
@_deployed_target_options
def invoke_command(
    logical_id: str,
    event_path: str | None,
    template_path: Path,
    invoke_mode: str,
    env_vars_path: Path | None,
    stack_name: str | None,
    user_pool_id: str | None,
    client_id: str | None,
    region: str | None,
    profile: str | None,
) -> None:
    """Invoke one function of the template with an event, as `sam local invoke` does.

    The function's response JSON goes to stdout, its logs to stderr. The template's tables
    exist, empty, in the emulated AWS. Exit status: 0 when the function answered, 1 when it
    failed or timed out (`errorType: errorMessage` on stderr), 2 for unusable input.
    """
    import json

    from harness.invokers import InvokerError, aws_endpoint_url_of, make_invoker
    from harness.invokers.env_vars import apply_env_vars, load_env_vars
    from harness.invokers.local_aws import emulated_tables
    from harness.stack import TemplateError, load_stack

    try:
        stack = load_stack(template_path)
        function = stack.functions.get(logical_id)
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
        invoker = _make_invoker(invoke_mode, stack) or make_invoker("inprocess", stack)
    except (TemplateError, InvokerError, ValueError) as error:
        raise InputError(str(error)) from None
    try:
        with emulated_tables(stack, aws_endpoint_url_of(invoker), stack.region):
            result = invoker.invoke(function, event, function.timeout)
    except InvokerError as error:
        raise InputError(str(error)) from None
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


@main.command("settings")
def settings_command() -> None:
    """List the named settings (the contract's [A] behaviours) with defaults."""
    from harness.settings import settings_markdown

    click.echo(settings_markdown())


@main.command("routing")
def routing_command() -> None:
    """Print the ClientMetadata routing table the emulator follows, with sources."""
    from harness.cognito.routing import routing_markdown

    click.echo(routing_markdown())


@main.command()
@click.option(
    "--template",
    "template_path",
    default="template.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9229, show_default=True, type=int)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_key_value_pairs,
    help="Override a named setting (see `harness settings`); repeatable.",
)
@click.option(
    "--record",
    "record_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every emulated call to FILE as a replay (JSON Lines, secrets as ${env:...}).",
)
@click.option(
    "--wire-created-pools",
    is_flag=True,
    help="Give pools created through the API (CreateUserPool) the template's triggers too; "
    "without it they are plain moto pools.",
)
def serve(
    template_path: Path,
    host: str,
    port: int,
    overrides: dict[str, str] | None,
    record_path: Path | None,
    wire_created_pools: bool,
) -> None:
    """A local Cognito endpoint with live triggers, for any SDK or the AWS CLI.

    Point a client at it with `endpoint_url` / `--endpoint-url`. The pool and app client of the
    template exist at start (their ids are printed). Each call prints one row; GET
    /_harness/invocations returns the JSON report so far. Stop with Ctrl-C or SIGTERM.
    """
    import signal
    import threading

    from harness.emulator import Emulator
    from harness.replay.recorder import Recorder
    from harness.server import CognitoApp, CognitoServer, banner
    from harness.settings import Settings, SettingsError
    from harness.stack import TemplateError, load_stack

    try:
        settings = Settings().with_overrides(overrides or {})
        emulator = Emulator(load_stack(template_path), settings=settings)
    except (TemplateError, SettingsError, ValueError) as error:
        raise InputError(str(error)) from None
    with emulator:
        # The recording is opened (created, truncated) once the port is bound: a busy port
        # leaves neither an open file nor an emptied earlier recording behind.
        app = CognitoApp(
            emulator, out=click.get_text_stream("stdout"), wire_created_pools=wire_created_pools
        )
        try:
            server = CognitoServer(app, host=host, port=port)
        except OSError as error:
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        if record_path is not None:
            try:
                app.recorder = Recorder(record_path)
            except OSError as error:
                server.server.server_close()
                raise InputError(
                    f"--record {record_path}: cannot write it ({_reason(error, record_path)}); "
                    "choose a writable path"
                ) from None
        click.echo(banner(emulator, server.endpoint), err=True)

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


@main.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The replay file to write (JSON Lines).",
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def record(output: Path, command: tuple[str, ...]) -> None:
    """Run a Python program and record its cognito-idp calls into a replay file.

    Example: harness record -o calls.jsonl -- python app.py. The program's boto3 clients are
    hooked (as moto hooks them) and nothing they see changes; passwords and codes are written
    as ${env:...} references, which the command lists at the end.
    """
    import subprocess
    import tempfile

    # The program's recorder opens the file at its start-up, where a failure could only be
    # reported as an "Error in sitecustomize": find out here, before running anything.
    _check_writable(output, "--output", make_parents=True)
    with tempfile.TemporaryDirectory(prefix="harness-record-") as boot:
        # sitecustomize runs at interpreter start-up, before the program creates any client.
        Path(boot, "sitecustomize.py").write_text("import harness.replay.recorder  # noqa: F401\n")
        env = dict(os.environ)
        env["HARNESS_RECORD"] = str(output.resolve())
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [boot, env.get("PYTHONPATH")]))
        try:
            done = subprocess.run(list(command), env=env, check=False)
        except FileNotFoundError:
            raise InputError(f"command not found: {command[0]}") from None
        except PermissionError as error:
            raise InputError(
                f"cannot run {command[0]}: {error.strerror}; make it executable (chmod +x) or "
                f"name its interpreter (harness record -o {output} -- python {command[0]})"
            ) from None
        except OSError as error:
            raise InputError(f"cannot run {command[0]}: {error.strerror or error}") from None
    raise SystemExit(done.returncode)
