"""``harness record``: a program's cognito-idp calls, written as a replay."""

from __future__ import annotations

import os
from pathlib import Path

import click

from harness.cli.errors import InputError, check_writable
from harness.cli.options import output_option


@click.command(context_settings={"ignore_unknown_options": True})
@output_option("The replay file to write (JSON Lines).", required=True)
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
    check_writable(output, "--output", make_parents=True)
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
