"""AWS CLI replays: shell lines calling ``aws cognito-idp <command>`` (``.sh``, ``.txt``).

:mod:`.tokenizer` cuts the text into commands and words, :mod:`.reader` binds them to calls and
:mod:`.shorthand` reads option values.

* commands and options come from botocore's cognito-idp model, as the AWS CLI derives them:
  ``admin-initiate-auth`` is AdminInitiateAuth, ``--auth-parameters`` is AuthParameters. Unknown
  commands and options are errors with a suggestion.
* values: maps and structures in shorthand (``--client-metadata appVersion=2.1.0,tenant=acme``,
  quoted values ``k="a,b"``, nested ``[...]``/``{...}``) or JSON (``'{"USERNAME": "alice"}'``);
  lists of attributes as several shorthand words (``--user-attributes Name=email,Value=a@b.c
  Name=name,Value=Alice``) or JSON; booleans as ``--force-alias-creation`` /
  ``--no-force-alias-creation``; ``file://path`` for any value (relative to the replay file);
  ``--cli-input-json '{...}'`` or ``file://input.json`` (options given too win).
* global options (``--region``, ``--profile``, ``--endpoint-url``, ``--output``, ``--query``,
  ``--no-cli-pager``, ``--debug``...) are accepted and ignored.
* shell: ``\\`` line continuations, ``#`` comments, single and double quotes (the quoting rules of
  POSIX sh, in :mod:`.tokenizer`), ``;``, ``&&``, ``|`` (what a command is piped to is ignored),
  redirections; ``NAME=value`` and ``export NAME=value`` assignments; ``set``, ``echo``,
  ``printf`` are skipped.
* secrets: ``$NAME``, ``${NAME}``, ``"$NAME"`` read the environment (after the script's own
  assignments); ``${NAME:-default}`` falls back to the default. A missing variable is an error
  naming it.
* ``SESSION=$(aws cognito-idp admin-initiate-auth ... --query Session --output text)`` records the
  call, and a later ``--session "$SESSION"`` becomes ``${previous:Session}`` (the engine fills in
  the previous call's response Session). ``| jq -r .Session`` works like ``--query Session``.
  Only the call just before may be referenced.
* directives in comments: ``# harness-setup: sample.setup.json`` and ``# expect: ...`` before
  a command (or at the end of its last line).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from harness.replay.model import ReplayError
from harness.replay.readers.awscli.reader import Reader
from harness.replay.readers.base import ReadResult

__all__ = ["read"]


#: The reader marks secret values with these private-use characters while it assembles a
#: request; a script that holds them itself could pose as a secret.
RESERVED: Final = ("\ue000", "\ue001")


def read(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    for char in RESERVED:
        at = text.find(char)
        if at >= 0:
            raise ReplayError(
                f"{display}:{text.count(chr(10), 0, at) + 1}",
                f"the private-use character U+{ord(char):04X} is not supported in an AWS CLI "
                "replay; remove it",
            )
    return Reader(path, env, display).read(text)
