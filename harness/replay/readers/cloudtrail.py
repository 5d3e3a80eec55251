"""CloudTrail records of cognito-idp API calls, replayed in the order they happened.

Accepted input: a trail log file ``{"Records": [...]}``, the output of ``aws cloudtrail
lookup-events`` (``{"Events": [{"CloudTrailEvent": "<record as a JSON string>"}, ...]}``), a
JSON list of records, or JSON Lines with one record per line (see the jsonfile reader). A harness
extension: a ``"setupFile"`` (or ``"setup"``) key next to ``"Records"``/``"Events"`` names the
setup, as in a JSON replay; other keys (``NextToken``...) are ignored.

* Records whose ``eventSource`` is not ``cognito-idp.amazonaws.com`` are skipped, and so are
  cognito-idp records that are not API operations (hosted UI events such as ``Login_GET``); each
  group is reported in :attr:`Replay.skipped`, never dropped silently.
* ``eventName`` is the operation; ``requestParameters`` are the request, in CloudTrail's
  camelCase (``userPoolId``, ``authParameters``...), mapped to the API's PascalCase names through
  the botocore service model. Keys inside maps (``USERNAME``, ClientMetadata keys) are kept.
* Calls are sorted by ``eventTime`` (records in a trail file are in no particular order); records
  with the same time keep their file order.
* A value CloudTrail redacted (``HIDDEN_DUE_TO_SECURITY_REASONS``) becomes a
  :class:`~harness.replay.model.Hidden` marker, filled in by the loader from the setup (the
  user's password, ``${previous:Session}`` for a session). A password CloudTrail hid is replaced
  by the setup user's password, so a record of a failed sign-in with a wrong password replays
  with the right one: the derived expectation (below) then reports the difference.
* ``errorCode`` becomes the call's expectation (``error=<errorCode>``); without an error, a
  ``responseElements`` carrying ``authenticationResult`` or ``challengeName`` gives
  ``outcome=tokens`` or ``outcome=challenge``. These are what real Cognito answered.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.model import Shape

from harness.replay import service_model as _service
from harness.replay.jsonloc import JsonLoc, parse_json
from harness.replay.model import HIDDEN_MARKERS, ApiCall, Expectation, Hidden, ReplayError, suggest
from harness.replay.readers.base import ReadResult, make_call, member_named

EVENT_SOURCE = "cognito-idp.amazonaws.com"


def is_cloudtrail_document(value: Any) -> bool:
    """Whether a parsed JSON document is a trail file or lookup-events output."""
    return isinstance(value, dict) and (
        isinstance(value.get("Records"), list) or isinstance(value.get("Events"), list)
    )


def is_record(value: Any) -> bool:
    return isinstance(value, dict) and "eventSource" in value and "eventName" in value


def read(path: Path, text: str, display: str) -> ReadResult:
    """Read a CloudTrail JSON file."""
    value, loc = parse_json(text, display)
    if isinstance(value, list):
        return read_records([(item, loc.index(i)) for i, item in enumerate(value)], display)
    if not is_cloudtrail_document(value):
        raise ReplayError(
            f"{display}:{loc.line}",
            'not a CloudTrail file: expected {"Records": [...]} or the output of '
            "aws cloudtrail lookup-events",
        )
    return read_document(value, loc, display)


def read_document(value: dict[str, Any], loc: JsonLoc, display: str) -> ReadResult:
    records: list[tuple[Any, JsonLoc]] = []
    if isinstance(value.get("Records"), list):
        at = loc.key("Records")
        records = [(item, at.index(i)) for i, item in enumerate(value["Records"])]
    else:
        at = loc.key("Events")
        for index, event in enumerate(value["Events"]):
            where = at.index(index)
            raw = event.get("CloudTrailEvent") if isinstance(event, dict) else None
            if not isinstance(raw, str):
                raise ReplayError(
                    f"{display}:{where.line}",
                    "lookup-events entry has no CloudTrailEvent string",
                )
            record, _ = parse_json(raw, f"{display}:{where.line}: CloudTrailEvent")
            records.append((record, JsonLoc(where.line)))
    return read_records(records, display)


def read_records(records: list[tuple[Any, JsonLoc]], display: str) -> ReadResult:
    """Turn records (each with its location) into calls sorted by eventTime."""
    other_services: Counter[str] = Counter()
    not_api: Counter[str] = Counter()
    timed: list[tuple[datetime, int, ApiCall]] = []
    for index, (record, loc) in enumerate(records):
        location = f"{display}:{loc.line}"
        if not is_record(record):
            raise ReplayError(location, "not a CloudTrail record: no eventSource / eventName")
        source = record["eventSource"]
        name = record["eventName"]
        if source != EVENT_SOURCE:
            other_services[str(source)] += 1
            continue
        if name not in _service.operation_names():
            not_api[str(name)] += 1
            continue
        when = _event_time(record.get("eventTime"), location)
        params = _request(name, record, loc, display)
        call = make_call(name, params, location, _observed(record))
        timed.append((when, index, call))
    timed.sort(key=lambda item: (item[0], item[1]))
    result = ReadResult(calls=[call for _, _, call in timed])
    if other_services:
        total = sum(other_services.values())
        detail = ", ".join(f"{source}: {count}" for source, count in sorted(other_services.items()))
        result.skipped.append(
            f"{display}: skipped {total} CloudTrail record(s) of other services ({detail})"
        )
    if not_api:
        total = sum(not_api.values())
        detail = ", ".join(f"{name}: {count}" for name, count in sorted(not_api.items()))
        result.skipped.append(
            f"{display}: skipped {total} cognito-idp record(s) that are not API calls ({detail})"
        )
    return result


def _event_time(value: Any, location: str) -> datetime:
    if not isinstance(value, str):
        raise ReplayError(location, "record has no eventTime; the replay order needs it")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ReplayError(location, f"eventTime '{value}' is not an ISO 8601 time") from None
    # CloudTrail writes UTC; a time without a zone (an edited file) is read as UTC, so that
    # records with and without "Z" sort together.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _request(operation: str, record: dict[str, Any], loc: JsonLoc, display: str) -> dict[str, Any]:
    request = record.get("requestParameters") or {}
    location = f"{display}:{loc.key('requestParameters').line}"
    if not isinstance(request, dict):
        raise ReplayError(location, "requestParameters must be an object")
    extra = record.get("additionalEventData")
    extra = extra if isinstance(extra, dict) else {}
    sub = extra.get("sub")
    names = [extra.get(key) for key in ("userName", "username", "userIdentifier")]
    user = next((name for name in names if isinstance(name, str)), None)
    hints = (user, sub if isinstance(sub, str) else None)
    shape = _service.input_shape(operation, location)
    converted = _convert(shape, request, operation, "", hints, location)
    assert isinstance(converted, dict)
    return converted


def _convert(
    shape: Shape,
    value: Any,
    operation: str,
    path: str,
    hints: tuple[str | None, str | None],
    location: str,
) -> Any:
    if isinstance(value, str) and value in HIDDEN_MARKERS:
        return Hidden(value, user_hint=hints[0], sub_hint=hints[1])
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        known = _service.members(shape)
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = member_named(known, key)
            if name is None:
                camel = [member[:1].lower() + member[1:] for member in known]
                owner = f"{operation} has no parameter" if not path else f"{path} has no member"
                raise ReplayError(
                    location,
                    f"requestParameters: {owner} '{key}'{suggest(str(key), camel)}; "
                    f"known: {', '.join(camel)}",
                )
            sub_path = f"{path}.{name}" if path else name
            out[name] = _convert(known[name], item, operation, sub_path, hints, location)
        return out
    if kind == "map" and isinstance(value, dict):
        value_shape = shape.value  # type: ignore[attr-defined]
        return {
            key: _convert(value_shape, item, operation, f"{path}.{key}", hints, location)
            for key, item in value.items()
        }
    if kind == "list" and isinstance(value, list):
        member = shape.member  # type: ignore[attr-defined]
        return [
            _convert(member, item, operation, f"{path}[{i}]", hints, location)
            for i, item in enumerate(value)
        ]
    return value


def _observed(record: dict[str, Any]) -> Expectation | None:
    code = record.get("errorCode")
    if isinstance(code, str) and code:
        return Expectation(error_code=code)
    response = record.get("responseElements")
    if isinstance(response, dict):
        if response.get("authenticationResult") is not None:
            return Expectation(outcome="tokens")
        if response.get("challengeName"):
            return Expectation(outcome="challenge")
    return None
