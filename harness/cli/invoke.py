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
from harness.cognito.events import EXAMPLE_ENCRYPTED_CODE


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
    sender_key = _sender_key_needed(stack, logical_id, event, invoke_mode, template_path)
    invoker = command_invoker(invoke_mode, stack, target)
    try:
        endpoint_url = aws_endpoint_url_of(invoker)
        with emulated_tables(stack, endpoint_url, stack.region):
            if sender_key is not None:
                function = _encrypt_sender_code(stack, function, event, sender_key, endpoint_url)
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


#: The triggers whose ``request.code`` Cognito encrypts with the pool's KMSKeyID.
_SENDERS = ("CustomEmailSender", "CustomSMSSender")


def _is_encryption_sdk_message(code: str) -> bool:
    """``code`` is base64 of an AWS Encryption SDK message: its header starts with the format
    version and, in version 1, the type 0x80, then a known algorithm suite id (two bytes, big
    endian). [D] AWS Encryption SDK message format reference, "Header structure"."""
    import base64
    import binascii

    from aws_encryption_sdk.identifiers import Algorithm

    try:
        data = base64.b64decode(code, validate=True)
    except (binascii.Error, ValueError):
        return False
    if data[:2] == b"\x01\x80":
        suite = data[2:4]
    elif data[:1] == b"\x02":
        suite = data[1:3]
    else:
        return False
    return len(suite) == 2 and int.from_bytes(suite, "big") in {a.algorithm_id for a in Algorithm}


def _sender_key_needed(
    stack: Any, logical_id: str, event: dict[str, Any], invoke_mode: str, template_path: Path
) -> str | None:
    """For a custom sender event whose ``request.code`` is not an Encryption SDK message (the
    generated placeholder, or a plain code someone typed): the KMSKeyID of the pool that wires
    the function as that sender, under which the command encrypts a code, as Cognito and the
    replay do. None when there is nothing to encrypt; an InputError when there is no key."""
    source = event.get("triggerSource")
    sender = str(source).partition("_")[0] if isinstance(source, str) else ""
    request = event.get("request")
    code = request.get("code") if isinstance(request, dict) else None
    if sender not in _SENDERS or not isinstance(code, str) or _is_encryption_sdk_message(code):
        return None
    what = "the generated placeholder" if code == EXAMPLE_ENCRYPTED_CODE else "a plain code"
    if invoke_mode == "lambda":
        raise InputError(
            f"request.code is {what}, not an AWS Encryption SDK message the deployed function "
            "can decrypt; give it a code Cognito encrypted, or run the function here "
            "(--invoke inprocess or rie), which encrypts one under the pool's KMSKeyID"
        )
    for pool in stack.pools.values():
        key = (pool.properties.get("LambdaConfig") or {}).get("KMSKeyID")
        if pool.triggers.get(sender) == logical_id and isinstance(key, str) and key:
            return key
    raise InputError(
        f"request.code is {what}, not an AWS Encryption SDK message, and {logical_id} is not "
        f"the {sender} of a pool with a KMSKeyID in {template_path}: there is no key to "
        f"encrypt a code under; wire it (LambdaConfig {sender} and KMSKeyID) or give an "
        "encrypted code"
    )


def _encrypt_sender_code(
    stack: Any, function: Any, event: dict[str, Any], key_id: str, endpoint_url: str | None
) -> Any:
    """Put a code encrypted as Cognito sends it in ``event``'s ``request.code``, under the
    pool's key created in the emulated KMS (the code itself when the event gave a plain one,
    else the mfa_code setting, what the replay sends); the function, with the variables that
    name the template's key naming the emulated one, as in a replay."""
    import dataclasses

    from harness.emulator.senders import SenderKey, create_sender_key
    from harness.invokers.local_aws import trigger_client
    from harness.settings import Settings

    def kms() -> Any:
        return trigger_client("kms", stack.region, endpoint_url)

    arn = create_sender_key(kms(), key_id, function.function_name)
    request = event["request"]
    given = request["code"]
    plain = given if given != EXAMPLE_ENCRYPTED_CODE else Settings().mfa_code
    request["code"] = SenderKey(arn, key_id, kms).encrypt(plain)
    click.echo(
        "request.code: "
        + ("the mfa_code setting" if given == EXAMPLE_ENCRYPTED_CODE else "the event's plain code")
        + " encrypted as Cognito sends it (AWS Encryption SDK) under the pool's KMSKeyID, "
        "created in the emulated KMS",
        err=True,
    )
    environment = {k: arn if v == key_id else v for k, v in function.environment.items()}
    return dataclasses.replace(function, environment=environment)


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
