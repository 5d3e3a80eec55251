"""What every reader returns (:class:`ReadResult`) and shares: turning a request into an
:class:`ApiCall`, and the directives script readers find in comments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.envvars import strip_secrets
from harness.replay.expect import PendingExpectation
from harness.replay.model import ApiCall, Expectation
from harness.replay.setup import SetupRef, setup_directive

#: ``# harness-setup: <file>``: load a setup file, relative to the replay file.
SETUP_DIRECTIVE: Final = re.compile(r"^#\s*harness-setup\s*:\s*(?P<path>\S.*?)\s*$")
#: ``# expect: PreAuthentication=validationData outcome=tokens``: expectation of the next call.
EXPECT_DIRECTIVE: Final = re.compile(r"^#\s*expect\s*:(?P<body>.*)$")


@dataclass
class ReadResult:
    """What one reader made of one file."""

    calls: list[ApiCall] = field(default_factory=list)
    setups: list[SetupRef] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: The region and profile the script's own calls name (PowerShell ``-Region``,
    #: ``-ProfileName``): ``--live`` uses them unless its command line names others.
    region: str | None = None
    profile: str | None = None


def make_call(
    operation: str,
    params: dict[str, Any],
    location: str,
    expect: Expectation | None = None,
) -> ApiCall:
    """Check ``params`` against the operation's input shape and build the call."""
    _service.check_params(operation, params, location)
    clean, secrets = strip_secrets(params)
    return ApiCall(
        operation=operation,
        params=clean,
        source=location,
        expect=expect,
        secret_paths=frozenset(secrets),
    )


def member_named(members: Mapping[str, Shape], key: object) -> str | None:
    """The member ``key`` names, compared case-insensitively as PowerShell compares hashtable
    keys (and as CloudTrail's camelCase needs), or None."""
    folded = str(key).casefold()
    return next((name for name in members if name.casefold() == folded), None)


class ScriptResult:
    """What a script reader (PowerShell, AWS CLI) gathers while it reads: the calls, the setups
    that ``# harness-setup:`` names, and the ``# expect:`` comments waiting for the next call."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.result = ReadResult()
        self.pending = PendingExpectation()

    @property
    def calls(self) -> list[ApiCall]:
        return self.result.calls

    def comment(self, text: str, line: int) -> None:
        """A ``#`` comment (``text`` starts with it): a directive, or nothing."""
        location = f"{self.display}:{line}"
        if match := EXPECT_DIRECTIVE.match(text):
            self.pending.add(match.group("body"), location)
        elif match := SETUP_DIRECTIVE.match(text):
            self.result.setups.append(setup_directive(match.group("path"), self.path, location))

    def call(self, operation: str, params: dict[str, Any], location: str) -> None:
        """Record a call, with the expectation the comments before it gave."""
        self.result.calls.append(make_call(operation, params, location, self.pending.take()))

    def finish(self) -> ReadResult:
        self.pending.check_consumed()
        return self.result
