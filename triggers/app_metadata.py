"""Read the metadata an app sent to a Cognito trigger, as untrusted input.

Apps pass data to user-pool triggers through the ``ClientMetadata`` (and, for SignUp and
AdminCreateUser, ``ValidationData``) parameters. Cognito hands it to the trigger in one of two
request fields, depending on the trigger and the API that was called (see
``docs/cognito-trigger-contract.md`` section 3 and the ``-ClientMetadata`` text of the
AdminInitiateAuth reference):

* ``request.validationData``: PreSignUp, PreAuthentication and UserMigration during
  AdminInitiateAuth / InitiateAuth (the call's ClientMetadata), and PreSignUp for the
  ``ValidationData`` of SignUp and AdminCreateUser;
* ``request.clientMetadata``: every trigger that runs during a RespondToAuthChallenge, SignUp,
  ForgotPassword, ConfirmSignUp... call.

Cognito stores, validates and encrypts none of it, so a trigger must treat it as untrusted. This
module gives a trigger one call, :func:`read_metadata`, that finds the metadata wherever Cognito
put it, validates it against a declarative :class:`MetadataSchema`, writes one structured log
record (keys, never sensitive values) and raises :class:`TriggerError` with a clean, user-facing
message on failure. Cognito shows that message to the caller as
``<Trigger> failed with error <message>.``, so messages carry no trailing period and never echo
the untrusted value back.

It imports nothing that talks to AWS, so a trigger that calls no AWS service stays light.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, Protocol

MetadataField = Literal["validationData", "clientMetadata"]
Kind = Literal["text", "integer", "boolean", "version"]

#: Where the app's metadata can arrive, per trigger, in the order this module looks.
#: Source: contract section 3 (AWS API reference of AdminInitiateAuth, SignUp, ForgotPassword,
#: AdminRespondToAuthChallenge). PreSignUp and UserMigration get ``validationData`` from
#: (Admin)InitiateAuth and ``clientMetadata`` from SignUp / ForgotPassword / Respond calls;
#: PreAuthentication's request has no ``clientMetadata`` at all.
FIELDS_BY_TRIGGER: Mapping[str, tuple[MetadataField, ...]] = {
    "PreSignUp": ("validationData", "clientMetadata"),
    "PreAuthentication": ("validationData",),
    "UserMigration": ("validationData", "clientMetadata"),
    "PostAuthentication": ("clientMetadata",),
    "PostConfirmation": ("clientMetadata",),
    "CustomMessage": ("clientMetadata",),
    "TokenGeneration": ("clientMetadata",),
    "DefineAuthChallenge": ("clientMetadata",),
    "CreateAuthChallenge": ("clientMetadata",),
    "VerifyAuthChallengeResponse": ("clientMetadata",),
    "CustomEmailSender": ("clientMetadata",),
    "CustomSMSSender": ("clientMetadata",),
}

#: ClientMetadata is a string map with no documented size limit in the trigger event; the
#: request as a whole is bounded by Lambda's 6 MB payload. These bounds keep a hostile caller
#: from making a trigger do unbounded work; a schema may lower them.
DEFAULT_MAX_KEYS = 50
DEFAULT_MAX_TOTAL_CHARS = 16_384
_LOG_VALUE_CHARS = 128
SENSITIVE = "[SENSITIVE]"

_VERSION_RE = re.compile(r"^(0|[1-9]\d{0,5})(?:\.(0|[1-9]\d{0,5})){0,3}$")
_BOOLEANS = {"true": True, "false": False}


class TriggerError(Exception):
    """A decision or validation failure whose message is safe to show to the app's user."""


class StructuredLogger(Protocol):
    def info(self, msg: object, *args: object, **kwargs: Any) -> None: ...

    def error(self, msg: object, *args: object, **kwargs: Any) -> None: ...


@dataclass(frozen=True)
class Field:
    """One metadata key a trigger understands.

    ``kind`` converts the string Cognito delivers: ``text`` (kept as str), ``integer``,
    ``boolean`` ("true"/"false") or ``version`` ("2.10.1" → ``(2, 10, 1)``).
    ``sensitive`` keys are never logged (their value prints as ``[SENSITIVE]``).
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    max_length: int = 256
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    sensitive: bool = False
    description: str = ""

    def parse(self, raw: str) -> Any:
        label = f"metadata '{self.name}'"
        if len(raw) > self.max_length:
            raise TriggerError(f"Invalid {label}: longer than {self.max_length} characters")
        if self.choices is not None and raw not in self.choices:
            raise TriggerError(f"Invalid {label}: expected one of {', '.join(self.choices)}")
        if self.pattern is not None and re.fullmatch(self.pattern, raw) is None:
            hint = f": {self.description}" if self.description else ""
            raise TriggerError(f"Invalid {label}{hint}")
        if self.kind == "text":
            return raw
        if self.kind == "integer":
            if re.fullmatch(r"-?\d{1,18}", raw) is None:
                raise TriggerError(f"Invalid {label}: expected a whole number")
            return int(raw)
        if self.kind == "boolean":
            if raw.lower() not in _BOOLEANS:
                raise TriggerError(f"Invalid {label}: expected true or false")
            return _BOOLEANS[raw.lower()]
        if _VERSION_RE.fullmatch(raw) is None:
            raise TriggerError(f"Invalid {label}: expected a version such as 2.1.0")
        return parse_version(raw)


@dataclass(frozen=True)
class MetadataSchema:
    """The metadata a trigger expects: its keys, their kinds and limits.

    ``unknown`` decides what happens to keys the schema does not declare: ``ignore`` drops them
    (their names still appear in the log record), ``reject`` fails the trigger.
    """

    fields: tuple[Field, ...]
    unknown: Literal["ignore", "reject"] = "ignore"
    max_keys: int = DEFAULT_MAX_KEYS
    max_total_chars: int = DEFAULT_MAX_TOTAL_CHARS

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate field names in metadata schema: {names}")

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class AppMetadata(Mapping[str, Any]):
    """Validated metadata: the converted values of declared keys, and where they came from."""

    data: Mapping[str, Any]
    source_field: MetadataField | None
    received_keys: tuple[str, ...] = field(default=())

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def parse_version(raw: str) -> tuple[int, ...]:
    """``"2.10"`` → ``(2, 10, 0)``: versions compare as tuples of at least three parts."""
    parts = tuple(int(p) for p in raw.split("."))
    return parts + (0,) * (3 - len(parts))


def trigger_of(trigger_source: str) -> str:
    """``PreAuthentication_Authentication`` → ``PreAuthentication``."""
    return trigger_source.split("_", 1)[0]


def validate_envelope(event: object, *, trigger: str) -> dict[str, Any]:
    """Check the parts of the event every trigger reads; raise TriggerError if malformed.

    Cognito always sends these, so a failure here means the event did not come from Cognito
    (or a test built it badly): the message says which part is wrong.
    """
    if not isinstance(event, dict):
        raise TriggerError("Malformed event: expected a JSON object")
    source = event.get("triggerSource")
    if not isinstance(source, str) or trigger_of(source) != trigger:
        raise TriggerError(f"Malformed event: triggerSource is not a {trigger} source")
    if not isinstance(event.get("userName"), str):
        raise TriggerError("Malformed event: userName must be a string")
    request = event.get("request")
    if not isinstance(request, dict):
        raise TriggerError("Malformed event: request must be an object")
    # UserMigration sends userAttributes: null (the user does not exist yet); others a map.
    attributes = request.get("userAttributes") or {}
    request["userAttributes"] = attributes
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise TriggerError("Malformed event: request.userAttributes must map strings to strings")
    caller = event.get("callerContext", {})
    if not isinstance(caller, dict) or not isinstance(caller.get("clientId", ""), str | None):
        raise TriggerError("Malformed event: callerContext must be an object")
    if not isinstance(event.get("response"), dict):
        event["response"] = {}
    return event


def _string_map(request: Mapping[str, Any], name: MetadataField) -> dict[str, str]:
    value = request.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TriggerError(f"Malformed event: request.{name} must be an object")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TriggerError(f"Invalid metadata: every value in {name} must be a string")
    return value


def _client_id(event: Mapping[str, Any]) -> str | None:
    caller = event.get("callerContext")
    client_id = caller.get("clientId") if isinstance(caller, Mapping) else None
    return client_id if isinstance(client_id, str) else None


def _loggable(schema: MetadataSchema, raw: Mapping[str, str]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, value in raw.items():
        declared = schema.get(key)
        if declared is None:
            continue  # undeclared values are untrusted and unbounded: keys only
        shown[key] = SENSITIVE if declared.sensitive else value[:_LOG_VALUE_CHARS]
    return shown


def read_metadata(
    event: Mapping[str, Any], schema: MetadataSchema, logger: StructuredLogger
) -> AppMetadata:
    """Find, validate and log the app's metadata in a trigger event.

    Looks in the fields :data:`FIELDS_BY_TRIGGER` lists for the event's trigger and takes the
    first non-empty one. Writes one ``trigger metadata`` log record whether or not the metadata
    is valid, then raises :class:`TriggerError` if it is not.
    """
    trigger_source = str(event.get("triggerSource", ""))
    request = event.get("request")
    if not isinstance(request, Mapping):
        raise TriggerError("Malformed event: request must be an object")
    candidates = FIELDS_BY_TRIGGER.get(trigger_of(trigger_source), ("clientMetadata",))
    maps = {name: _string_map(request, name) for name in candidates}
    source_field = next((name for name in candidates if maps[name]), None)
    raw = maps[source_field] if source_field else {}

    logger.info(
        "trigger metadata",
        extra={
            "triggerSource": trigger_source,
            "userName": event.get("userName"),
            "clientId": _client_id(event),
            "metadataField": source_field,
            "metadataKeys": sorted(raw),
            "metadata": _loggable(schema, raw),
            "fieldsPresent": {name: sorted(m) for name, m in maps.items()},
        },
    )

    if len(raw) > schema.max_keys:
        raise TriggerError(f"Invalid metadata: more than {schema.max_keys} keys")
    if sum(len(k) + len(v) for k, v in raw.items()) > schema.max_total_chars:
        raise TriggerError(f"Invalid metadata: larger than {schema.max_total_chars} characters")
    unknown = sorted(k for k in raw if schema.get(k) is None)
    if unknown and schema.unknown == "reject":
        raise TriggerError(f"Invalid metadata: unexpected key '{unknown[0][:64]}'")

    values: dict[str, Any] = {}
    for spec in schema.fields:
        if spec.name in raw:
            values[spec.name] = spec.parse(raw[spec.name])
        elif spec.required:
            raise TriggerError(f"Missing metadata '{spec.name}'")
    return AppMetadata(data=values, source_field=source_field, received_keys=tuple(sorted(raw)))


def store_unavailable(
    logger: StructuredLogger, store: str, error: Exception, message: str
) -> NoReturn:
    """Log a failed call to a backing store (error type and AWS code only) and refuse cleanly.

    The AWS error message can quote request values, so only its code is logged; the caller's user
    sees ``message``, never the internal error.
    """
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    logger.error(f"{store} failed", extra={"errorType": type(error).__name__, "code": code})
    raise TriggerError(message) from None
