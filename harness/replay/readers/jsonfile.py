"""JSON and JSON Lines replays.

A JSON document (``.json``)::

    {
      "setupFile": "sample.setup.json",
      "setup": {"users": [{"username": "alice", "password": "..."}]},
      "calls": [
        {"operation": "AdminInitiateAuth",
         "request": {"UserPoolId": "...", "ClientId": "...", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                     "AuthParameters": {"USERNAME": "alice", "PASSWORD": "${env:ALICE_PASSWORD}"},
                     "ClientMetadata": {"appVersion": "2.1.0"}},
         "expect": {"PreAuthentication": "validationData", "outcome": "tokens"}}
      ]
    }

or a top-level list of call objects. ``request`` uses the API's parameter names, so an AWS CLI
``--cli-input-json`` document or boto3 keyword arguments drop straight in. ``expect`` takes the
keys of the ``# expect:`` comment (trigger names, ``order``, ``outcome``, ``error``); ``order``
may be a list or a comma-separated string. A ``description`` string is allowed on the document and
on each call. ``setupFile`` is relative to the replay file. ``{"Records": [...]}`` (a CloudTrail
file) and ``aws cloudtrail lookup-events`` output go to the CloudTrail reader.

JSON Lines (``.jsonl``, ``.ndjson``): one JSON object per line, each a call object,
``{"setup": {...}}``, ``{"setupFile": "..."}`` or a CloudTrail record (then every line must be).

Any string may reference an environment variable as ``${env:NAME}`` (``$${env:NAME}`` for the
literal text). Every call's source line is the line its object starts on (exact: the text is
walked in step with the parsed structure); a JSON syntax error is reported as file:line:column.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harness.replay.envvars import expand_env_json
from harness.replay.expect import expectation_from_json
from harness.replay.jsonloc import JsonLoc, parse_json
from harness.replay.model import ApiCall, ReplayError, suggest
from harness.replay.readers import cloudtrail
from harness.replay.readers.base import ReadResult, make_call
from harness.replay.setup import SetupRef, setup_directive, setup_from_json

_DOC_KEYS: Final = ("setup", "setupFile", "calls", "description")
_CALL_KEYS: Final = ("operation", "request", "expect", "description")


def read(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return read_lines(path, text, env, display)
    if not text.strip():
        raise ReplayError(f"{display}:1", "the file is empty; expected a JSON replay document")
    value, loc = parse_json(text, display)
    if cloudtrail.is_cloudtrail_document(value):
        trail = cloudtrail.read_document(value, loc, display)
        _setups(value, loc, path, env, display, trail)
        return trail
    result = ReadResult()
    if isinstance(value, list):
        if value and all(cloudtrail.is_record(item) for item in value):
            return cloudtrail.read_records(
                [(item, loc.index(i)) for i, item in enumerate(value)], display
            )
        calls, calls_loc = value, loc
    elif isinstance(value, dict):
        for key in value:
            if key not in _DOC_KEYS:
                raise ReplayError(
                    f"{display}:{loc.key(key).line}",
                    f"unknown key '{key}'{suggest(key, _DOC_KEYS)}; a replay document has "
                    f"{', '.join(_DOC_KEYS)}",
                )
        _setups(value, loc, path, env, display, result)
        calls, calls_loc = value.get("calls", []), loc.key("calls")
        if not isinstance(calls, list):
            raise ReplayError(f"{display}:{calls_loc.line}", '"calls" must be a list of calls')
    else:
        raise ReplayError(
            f"{display}:{loc.line}", 'expected an object with "calls" or a list of calls'
        )
    for index, call in enumerate(calls):
        result.calls.append(_call(call, calls_loc.index(index), env, display))
    return result


def read_lines(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    result = ReadResult()
    records: list[tuple[Any, JsonLoc]] = []
    # JSON Lines ends a line at "\n" only: U+2028 and friends are legal inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        value, loc = parse_json(line, display, first_line=number)
        location = f"{display}:{number}"
        if not isinstance(value, dict):
            raise ReplayError(location, "each JSON Lines line must be an object")
        if cloudtrail.is_record(value):
            records.append((value, loc))
        elif value and set(value) <= {"setup", "setupFile"}:
            _setups(value, loc, path, env, display, result)
        else:
            result.calls.append(_call(value, loc, env, display))
        if records and result.calls:
            raise ReplayError(
                location,
                "this file mixes CloudTrail records and call objects; put them in two files",
            )
    if records:
        replayed = cloudtrail.read_records(records, display)
        replayed.setups[:0] = result.setups
        return replayed
    return result


def _setups(
    value: dict[str, Any],
    loc: JsonLoc,
    path: Path,
    env: Mapping[str, str],
    display: str,
    result: ReadResult,
) -> None:
    if "setupFile" in value:
        location = f"{display}:{loc.key('setupFile').line}"
        name = value["setupFile"]
        if not isinstance(name, str) or not name:
            raise ReplayError(location, '"setupFile" must be a file name')
        result.setups.append(setup_directive(name, path, location))
    if "setup" in value:
        at = loc.key("setup")
        setup = setup_from_json(value["setup"], env, display, at)
        result.setups.append(SetupRef(location=f"{display}:{at.line}", setup=setup))


def _call(value: Any, loc: JsonLoc, env: Mapping[str, str], display: str) -> ApiCall:
    location = f"{display}:{loc.line}"
    if not isinstance(value, dict):
        raise ReplayError(
            location, 'a call must be an object: {"operation": ..., "request": {...}}'
        )
    for key in value:
        if key not in _CALL_KEYS:
            hint = suggest(key, _CALL_KEYS)
            if key in ("params", "parameters", "input", "kwargs"):
                hint = " (did you mean 'request'?)"
            raise ReplayError(
                f"{display}:{loc.key(key).line}",
                f"unknown call key '{key}'{hint}; a call has {', '.join(_CALL_KEYS)}",
            )
    operation = value.get("operation")
    if not isinstance(operation, str) or not operation:
        raise ReplayError(location, 'a call needs "operation", e.g. "AdminInitiateAuth"')
    request = value.get("request", {})
    if not isinstance(request, dict):
        raise ReplayError(f"{display}:{loc.key('request').line}", '"request" must be an object')
    request = expand_env_json(request, env, display, loc.key("request"))
    expect = None
    if "expect" in value:
        expect = expectation_from_json(value["expect"], f"{display}:{loc.key('expect').line}")
    return make_call(operation, request, location, expect)
