"""The AWS Tools for PowerShell cmdlets a replay calls, and how their arguments bind to the
request of their cognito-idp operation (parameter names derived from the botocore input shape as
AWS Tools names them; aliases, the positional parameter, the common and switch parameters)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any, Final

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.model import ReplayError, previous_ref, suggest
from harness.replay.readers.base import ScriptResult, member_named
from harness.replay.readers.powershell.values import (
    Dropped,
    Opaque,
    PrevRef,
    PSObject,
    read_output,
    scalar_text,
    show,
)


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
    "Confirm-CGIPDevice": "ConfirmDevice",
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
SWITCHES: Final = _folded(("PassThru", "Force", "Verbose", "Debug", "WhatIf", "Confirm"))
#: Where the AWS Tools send a call and as whom: locally the emulated pool answers instead
#: (a note says so); ``--live`` takes the script's region and profile (``REGION_PARAMETERS``,
#: ``PROFILE_PARAMETERS``) unless its command line names others. Credential values are never
#: shown.
REGION_PARAMETERS: Final = _folded(("Region", "RegionToCall"))
ENDPOINT_PARAMETERS: Final = REGION_PARAMETERS | _folded(("EndpointUrl",))
PROFILE_PARAMETERS: Final = _folded(("ProfileName", "StoredCredentials", "AWSProfileName"))
CREDENTIAL_PARAMETERS: Final = _folded(
    (
        "AccessKey",
        "AK",
        "SecretKey",
        "SK",
        "SecretAccessKey",
        "SessionToken",
        "ST",
        "Credential",
        "NetworkCredential",
        "ProfileLocation",
        "AWSProfilesLocation",
        "ProfilesLocation",
    )
)
#: Valued parameters accepted (and ignored for the request) on every cmdlet.
IGNORED_VALUED: Final = (
    ENDPOINT_PARAMETERS
    | PROFILE_PARAMETERS
    | CREDENTIAL_PARAMETERS
    | _folded(
        (
            "Select",
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

    def call(
        self, cmdlet: str, args: list[Param | Positional], line: int, piped: Any = None
    ) -> Any:
        """Record the call ``cmdlet`` makes with ``args`` (and ``piped``, the pipeline input;
        an array runs the cmdlet once per item, as PowerShell does); return what it outputs."""
        if isinstance(piped, list):
            return [self._call(cmdlet, args, line, item) for item in piped]
        return self._call(cmdlet, args, line, piped)

    def _call(self, cmdlet: str, args: list[Param | Positional], line: int, piped: Any) -> Any:
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
            if key in SWITCHES:
                if key == "passthru":
                    passthru = arg.value is not False
                continue
            needs_value = key in IGNORED_VALUED or key in table
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
                else:
                    self._ignored(arg.name, key, value, arg.line)
                continue
            shown, path = table[key]
            if path in given:
                raise self.fail(f"{cmdlet}: -{shown} is given twice", arg.line)
            given[path] = (shown, value)
        if piped is not None:
            self._bind_pipeline(cmdlet, table, given, piped, line)
        shape = _service.input_shape(operation, location)
        params: dict[str, Any] = {}
        for path, (shown, value) in given.items():
            if isinstance(value, Dropped):
                self.note(line, f"-{shown} is not sent: {value.why}")
                continue
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
        whole = PrevRef(len(self.script.calls) - 1, (), line, operation)
        return self._output(whole, select, passthru, given, positional)

    def note(self, line: int, text: str) -> None:
        """A line the report shows under the replay (``skipped: <file:line>: <text>``)."""
        self.script.result.skipped.append(f"{self.here(line)}: {text}")

    def _ignored(self, name: str, key: str, value: Any, line: int) -> None:
        """A common parameter the request does not carry: say what the replay does with it."""
        if key in CREDENTIAL_PARAMETERS:
            self.note(line, f"-{name} (value not shown) is ignored: the emulated pool needs none")
        elif key in ENDPOINT_PARAMETERS or key in PROFILE_PARAMETERS:
            text = scalar_text(value)
            if key in REGION_PARAMETERS and text:
                self.script.result.region = self.script.result.region or text
            if key in PROFILE_PARAMETERS and text:
                self.script.result.profile = self.script.result.profile or text
            live = (
                "; --live uses it unless --region/--profile say otherwise"
                if key not in ENDPOINT_PARAMETERS or key in REGION_PARAMETERS
                else ""
            )
            self.note(line, f"-{name} {text or show(value)} is ignored locally{live}")

    def _bind_pipeline(
        self,
        cmdlet: str,
        table: dict[str, tuple[str, tuple[str, ...]]],
        given: dict[tuple[str, ...], tuple[str, Any]],
        piped: Any,
        line: int,
    ) -> None:
        """Pipeline input: an object binds by property name (every parameter of the
        Start-CGIPAuthAdmin reference is ByPropertyName), anything else by value to the
        positional parameter (ClientId: "Accept pipeline input: True (ByValue,
        ByPropertyName)"). Parameters named on the command line keep their value."""
        properties: dict[str, Any] = {}
        if isinstance(piped, PSObject):
            properties = dict(piped)
        elif isinstance(piped, PrevRef) and not piped.path:
            properties = {
                member: read_output(piped, member, "the piped response")
                for member in _service.output_members(piped.operation)
            }
        elif isinstance(piped, dict):
            raise self.fail(
                f"a hashtable piped to {cmdlet} does not bind by property name (PowerShell "
                "would pass it as the string 'System.Collections.Hashtable'); pipe "
                "[pscustomobject]@{...} instead",
                line,
            )
        if properties:
            bound = False
            for name, value in properties.items():
                folded = str(name).casefold()
                if folded in IGNORED_VALUED - {"select"}:  # -Region, -ProfileName... by name
                    self._ignored(str(name), folded, value, line)
                    bound = True
                    continue
                entry = table.get(folded)
                if entry is not None and entry[1] not in given:
                    given[entry[1]] = (entry[0], value)
                    bound = True
                elif entry is not None:
                    bound = True
            if not bound:
                raise self.fail(
                    f"the input piped to {cmdlet} binds to none of its parameters: it has no "
                    f"property named like one (properties: {', '.join(map(str, properties))})",
                    line,
                )
            return
        parameter = POSITIONAL.get(cmdlet)
        if parameter is None or (parameter,) in given:
            raise self.fail(
                f"{cmdlet} cannot take {show(piped)} from the pipeline: "
                + (f"-{parameter} is already given" if parameter else "no parameter takes it"),
                line,
            )
        given[(parameter,)] = (parameter, piped)

    def _output(
        self,
        whole: PrevRef,
        select: Any,
        passthru: bool,
        given: dict[tuple[str, ...], tuple[str, Any]],
        positional: str | None,
    ) -> Any:
        if isinstance(select, str) and select not in ("", "*"):
            if select.startswith("^"):
                wanted = select[1:].casefold()
                for path, (shown, value) in given.items():
                    if shown.casefold() == wanted or path[-1].casefold() == wanted:
                        return value
                return None
            output: PrevRef | Dropped = whole
            for part in select.split("."):
                if isinstance(output, PrevRef):
                    output = read_output(output, part, f"-Select {select}")
            if isinstance(output, PrevRef):
                return replace(output, selected=output.path)
            self.note(whole.line, output.why)
            return output
        if passthru:
            value = given.get((positional,)) if positional else None
            return value[1] if value else None
        return whole

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
