"""The AWS Tools for PowerShell cmdlets a replay calls, and how their arguments bind to the
request of their cognito-idp operation (parameter names derived from the botocore input shape as
AWS Tools names them; aliases, the positional parameter, the common and switch parameters)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Final

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.model import ReplayError, previous_ref, suggest
from harness.replay.readers.base import ScriptResult, member_named
from harness.replay.readers.powershell.values import Opaque, PrevRef, scalar_text, show


def _folded(names: tuple[str, ...]) -> frozenset[str]:
    """Command and parameter names as they are compared: case-insensitively."""
    return frozenset(name.casefold() for name in names)


#: Cmdlet -> cognito-idp operation (AWS Tools for PowerShell, module
#: AWS.Tools.CognitoIdentityProvider).
CMDLETS: Final[dict[str, str]] = {
    "Start-CGIPAuthAdmin": "AdminInitiateAuth",
    "Start-CGIPAuth": "InitiateAuth",
    "Send-CGIPAuthChallengeResponseAdmin": "AdminRespondToAuthChallenge",
    "Send-CGIPAuthChallengeResponse": "RespondToAuthChallenge",
    "Register-CGIPUserInPool": "SignUp",
    "New-CGIPUserAdmin": "AdminCreateUser",
    "Confirm-CGIPUserRegistration": "ConfirmSignUp",
    "Confirm-CGIPUserRegistrationAdmin": "AdminConfirmSignUp",
    "Reset-CGIPForgottenPassword": "ForgotPassword",
    "Confirm-CGIPForgotPassword": "ConfirmForgotPassword",
}

#: The parameter a cmdlet's first positional argument fills: the first parameter of the
#: cmdlet's documented syntax (Position 1 in the Start-CGIPAuthAdmin reference). Cmdlets not
#: listed take named parameters only here.
POSITIONAL: Final[dict[str, str]] = {
    "Start-CGIPAuthAdmin": "ClientId",
    "Start-CGIPAuth": "ClientId",
    "Send-CGIPAuthChallengeResponseAdmin": "ClientId",
    "Send-CGIPAuthChallengeResponse": "ClientId",
    "Register-CGIPUserInPool": "Username",
    "New-CGIPUserAdmin": "UserPoolId",
    "Confirm-CGIPUserRegistration": "Username",
    "Reset-CGIPForgottenPassword": "Username",
    "Confirm-CGIPForgotPassword": "Username",
}

#: Statements starting with these commands are skipped (set-up and output in real scripts).
IGNORED_COMMANDS: Final[frozenset[str]] = _folded(
    (
        "Import-Module",
        "Set-DefaultAWSRegion",
        "Set-AWSCredential",
        "Initialize-AWSDefaultConfiguration",
        "Set-StrictMode",
        "Write-Host",
        "Write-Output",
        "Write-Verbose",
        "Write-Warning",
        "Write-Information",
        "Write-Debug",
        "Out-Null",
        "Start-Sleep",
    )
)

#: Commands a cmdlet's output may be piped to (ignored).
PIPE_CONSUMERS: Final[frozenset[str]] = _folded(
    (
        "Out-Null",
        "Out-Host",
        "Out-String",
        "Format-List",
        "Format-Table",
        "ConvertTo-Json",
        "Write-Output",
        "Write-Host",
        "Select-Object",
    )
)

#: Switch parameters accepted (and ignored) on every cmdlet.
_SWITCHES: Final = _folded(("PassThru", "Force", "Verbose", "Debug", "WhatIf", "Confirm"))
#: Valued parameters accepted (and ignored for the request) on every cmdlet.
_IGNORED_VALUED: Final = _folded(
    (
        "Select",
        "Region",
        "RegionToCall",
        "ProfileName",
        "StoredCredentials",
        "AWSProfileName",
        "ProfileLocation",
        "AWSProfilesLocation",
        "ProfilesLocation",
        "EndpointUrl",
        "AccessKey",
        "AK",
        "SecretKey",
        "SK",
        "SecretAccessKey",
        "SessionToken",
        "ST",
        "Credential",
        "NetworkCredential",
        "ClientConfig",
        "ErrorAction",
        "WarningAction",
        "InformationAction",
        "ErrorVariable",
        "WarningVariable",
        "InformationVariable",
        "OutVariable",
        "OutBuffer",
        "PipelineVariable",
    )
)
_COMMON_SHOWN: Final = "Select, PassThru, Force, Region, ProfileName, EndpointUrl"
_INT: Final = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Param:
    """``-Name`` (``has_value``: ``-Name:value``, else the value, if any, is the next argument)."""

    name: str
    value: Any
    has_value: bool
    line: int


@dataclass(frozen=True)
class Positional:
    """An argument without a parameter name."""

    value: Any
    line: int


@functools.cache
def parameter_table(operation: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """casefolded PowerShell parameter name -> (name as documented, path in the request)."""
    table: dict[str, tuple[str, tuple[str, ...]]] = {}

    def add(name: str, path: tuple[str, ...], alias: str | None) -> None:
        table[name.casefold()] = (name, path)
        if alias and alias != name:
            table.setdefault(alias.casefold(), (name, path))

    request = _service.input_shape(operation, f"<{operation}>")
    for member, shape in _service.members(request).items():
        if shape.type_name == "structure":
            for sub, sub_shape in _service.members(shape).items():
                add(f"{member}_{_ps_name(sub, sub_shape)}", (member, sub), f"{member}_{sub}")
        else:
            add(_ps_name(member, shape), (member,), member)
    return table


def _ps_name(member: str, shape: Shape) -> str:
    if shape.type_name in ("list", "map") and member.endswith("s"):
        return member[:-1]
    return member


def canonical(name: str) -> str | None:
    """The cmdlet ``name`` (any case) names, as :data:`CMDLETS` spells it."""
    return next((c for c in CMDLETS if c.casefold() == name.casefold()), None)


class Binder:
    """Binds cmdlet arguments to requests, and records the calls in ``script``."""

    def __init__(self, script: ScriptResult) -> None:
        self.script = script

    def here(self, line: int) -> str:
        return f"{self.script.display}:{line}"

    def fail(self, problem: str, line: int) -> ReplayError:
        return ReplayError(self.here(line), problem)

    def call(self, cmdlet: str, args: list[Param | Positional], line: int) -> Any:
        """Record the call ``cmdlet`` makes with ``args``; return what it outputs."""
        operation = CMDLETS[cmdlet]
        location = self.here(line)
        table = parameter_table(operation)
        given: dict[tuple[str, ...], tuple[str, Any]] = {}
        positional = POSITIONAL.get(cmdlet)
        used_positional = False
        select: Any = None
        passthru = False
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            if isinstance(arg, Positional):
                if positional is None or used_positional:
                    raise self.fail(
                        f"unexpected value {show(arg.value)} for {cmdlet}: name its parameter, "
                        f"e.g. -UserPoolId <id>; parameters: {_known(table)}",
                        arg.line,
                    )
                used_positional = True
                path: tuple[str, ...] = (positional,)
                if path in given:
                    raise self.fail(f"{cmdlet}: {positional} is given twice", arg.line)
                given[path] = (positional, arg.value)
                continue
            key = arg.name.casefold()
            if key in _SWITCHES:
                if key == "passthru":
                    passthru = arg.value is not False
                continue
            needs_value = key in _IGNORED_VALUED or key in table
            if not needs_value:
                raise self.fail(
                    f"{cmdlet} has no parameter -{arg.name}{suggest(arg.name, _names(table))}; "
                    f"parameters: {_known(table)}",
                    arg.line,
                )
            value = arg.value
            if not arg.has_value:
                if index >= len(args) or not isinstance(args[index], Positional):
                    raise self.fail(f"-{arg.name} needs a value", arg.line)
                value = args[index].value
                index += 1
            if key not in table:  # a common parameter: not part of the request
                if key == "select":
                    select = value
                continue
            shown, path = table[key]
            if path in given:
                raise self.fail(f"{cmdlet}: -{shown} is given twice", arg.line)
            given[path] = (shown, value)
        shape = _service.input_shape(operation, location)
        params: dict[str, Any] = {}
        for path, (shown, value) in given.items():
            if value is None:
                continue  # $null: the parameter is not sent
            if len(path) == 1:
                params[path[0]] = self._convert(
                    _service.members(shape)[path[0]], value, f"-{shown}", line
                )
            else:
                outer = _service.members(shape)[path[0]]
                inner = _service.members(outer)[path[1]]
                params.setdefault(path[0], {})[path[1]] = self._convert(
                    inner, value, f"-{shown}", line
                )
        self.script.call(operation, params, location)
        return self._output(len(self.script.calls) - 1, select, passthru, given, positional, line)

    def _output(
        self,
        index: int,
        select: Any,
        passthru: bool,
        given: dict[tuple[str, ...], tuple[str, Any]],
        positional: str | None,
        line: int,
    ) -> Any:
        if isinstance(select, str) and select not in ("", "*"):
            if select.startswith("^"):
                wanted = select[1:].casefold()
                for path, (shown, value) in given.items():
                    if shown.casefold() == wanted or path[-1].casefold() == wanted:
                        return value
                return None
            return PrevRef(index, tuple(select.split(".")), line)
        if passthru:
            value = given.get((positional,)) if positional else None
            return value[1] if value else None
        return PrevRef(index, (), line)

    def _convert(self, shape: Shape, value: Any, what: str, line: int) -> Any:
        kind = shape.type_name
        if isinstance(value, PrevRef):
            if value.index != len(self.script.calls) - 1:
                raise self.fail(
                    f"{what} refers to the output of the call at line {value.line}; only the "
                    "call just before can be referenced (as ${previous:...})",
                    line,
                )
            if not value.path:
                raise self.fail(
                    f"{what} is given a whole cmdlet response; pass one property, e.g. $r.Session",
                    line,
                )
            if kind != "string":
                raise self.fail(f"{what} cannot take a value from the previous response", line)
            return previous_ref(".".join(value.path))
        if isinstance(value, Opaque):
            raise self.fail(f"{what} is given {value.what}, which a replay cannot know", line)
        if kind == "string":
            text = scalar_text(value)
            if text is not None:
                return text
            raise self.fail(f"{what} takes a string, not {show(value)}", line)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.casefold() in ("true", "false"):
                return value.casefold() == "true"
            raise self.fail(f"{what} takes $true or $false, not {show(value)}", line)
        if kind in ("integer", "long"):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INT.fullmatch(value):
                return int(value)
            raise self.fail(f"{what} takes a number, not {show(value)}", line)
        if kind == "map":
            if not isinstance(value, dict):
                raise self.fail(f"{what} takes a hashtable such as @{{key='value'}}", line)
            value_shape = shape.value  # type: ignore[attr-defined]
            return {
                str(key): self._convert(value_shape, item, f"{what}['{key}']", line)
                for key, item in value.items()
            }
        if kind == "structure":
            if not isinstance(value, dict):
                raise self.fail(f"{what} takes a hashtable such as @{{Name='x'}}", line)
            known = _service.members(shape)
            out: dict[str, Any] = {}
            for key, item in value.items():
                member = member_named(known, key)
                if member is None:
                    raise self.fail(
                        f"{what}: unknown key '{key}'{suggest(str(key), known)}; "
                        f"keys: {', '.join(known)}",
                        line,
                    )
                out[member] = self._convert(known[member], item, f"{what}.{member}", line)
            return out
        if kind == "list":
            items = value if isinstance(value, list) else [value]
            member_shape = shape.member  # type: ignore[attr-defined]
            return [
                self._convert(member_shape, item, f"{what}[{i}]", line)
                for i, item in enumerate(items)
            ]
        return value


def cmdlet_hint(name: str) -> str:
    """Point a guessed cmdlet name (Confirm-CGIPSignUp) at the real one for its operation."""
    verb, _, noun = name.partition("-")
    noun = noun[4:] if noun.upper().startswith("CGIP") else noun
    admin = noun.endswith("Admin")
    base = noun[: -len("Admin")] if admin else noun
    candidates = [f"Admin{verb}{base}", f"Admin{base}"] if admin else []
    candidates += [f"{verb}{base}", base]
    by_operation = {operation: cmdlet for cmdlet, operation in CMDLETS.items()}
    for candidate in candidates:
        if candidate in by_operation:
            return f" (for {candidate} use '{by_operation[candidate]}')"
    return suggest(name, CMDLETS)


def _names(table: dict[str, tuple[str, tuple[str, ...]]]) -> list[str]:
    return sorted({shown for shown, _ in table.values()})


def _known(table: dict[str, tuple[str, tuple[str, ...]]]) -> str:
    return ", ".join(f"-{name}" for name in _names(table)) + f" (and {_COMMON_SHOWN})"
