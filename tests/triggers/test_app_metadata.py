"""The shared metadata module: where metadata is found, how it is validated, what is logged."""

from __future__ import annotations

from typing import Any

import pytest

from app_metadata import (
    FIELDS_BY_TRIGGER,
    Field,
    MetadataSchema,
    TriggerError,
    read_metadata,
    validate_envelope,
)
from harness.cognito.events import TRIGGER_SOURCES, build_event


class RecordingLogger:
    def __init__(self) -> None:
        self.records: list[tuple[str, dict[str, Any]]] = []

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.records.append((str(msg), kwargs.get("extra", {})))

    error = info


SCHEMA = MetadataSchema(
    fields=(
        Field("appVersion", kind="version", required=True),
        Field("seats", kind="integer"),
        Field("beta", kind="boolean"),
        Field("secret", sensitive=True),
        Field("plan", choices=("free", "pro")),
    )
)


def test_pre_authentication_reads_validation_data() -> None:
    event = build_event("PreAuthentication_Authentication", validation_data={"appVersion": "2.1"})
    found = read_metadata(event, SCHEMA, RecordingLogger())
    assert found.source_field == "validationData"
    assert found["appVersion"] == (2, 1, 0)


def test_post_authentication_reads_client_metadata_only() -> None:
    event = build_event(
        "PostAuthentication_Authentication", client_metadata={"appVersion": "3.0.0"}
    )
    event["request"]["validationData"] = {"appVersion": "1.0.0"}  # not a field Cognito sends here
    found = read_metadata(event, SCHEMA, RecordingLogger())
    assert found.source_field == "clientMetadata"
    assert found["appVersion"] == (3, 0, 0)


def test_user_migration_falls_back_to_client_metadata_for_forgot_password() -> None:
    event = build_event("UserMigration_ForgotPassword", client_metadata={"appVersion": "2.0.0"})
    assert read_metadata(event, SCHEMA, RecordingLogger()).source_field == "clientMetadata"


def test_no_metadata_reports_no_field() -> None:
    event = build_event("PreSignUp_SignUp")
    found = read_metadata(event, MetadataSchema(fields=()), RecordingLogger())
    assert found.source_field is None
    assert dict(found) == {}


def test_every_trigger_of_every_source_has_a_routing_rule() -> None:
    triggers = {source.split("_", 1)[0] for source in TRIGGER_SOURCES}
    assert triggers <= set(FIELDS_BY_TRIGGER)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({}, "Missing metadata 'appVersion'"),
        ({"appVersion": "two"}, "Invalid metadata 'appVersion': expected a version such as 2.1.0"),
        ({"appVersion": "2", "seats": "x"}, "Invalid metadata 'seats': expected a whole number"),
        ({"appVersion": "2", "beta": "yes"}, "Invalid metadata 'beta': expected true or false"),
        ({"appVersion": "2", "plan": "gold"}, "Invalid metadata 'plan': expected one of free, pro"),
        ({"appVersion": "2" * 300}, "Invalid metadata 'appVersion': longer than 256 characters"),
    ],
)
def test_invalid_metadata_gets_one_clean_message(metadata: dict[str, str], message: str) -> None:
    event = build_event("PreAuthentication_Authentication", validation_data=metadata)
    with pytest.raises(TriggerError) as raised:
        read_metadata(event, SCHEMA, RecordingLogger())
    assert str(raised.value) == message


def test_values_are_converted() -> None:
    event = build_event(
        "PreAuthentication_Authentication",
        validation_data={"appVersion": "10.2.3", "seats": "12", "beta": "TRUE"},
    )
    found = read_metadata(event, SCHEMA, RecordingLogger())
    assert (found["appVersion"], found["seats"], found["beta"]) == ((10, 2, 3), 12, True)


def test_non_string_values_are_refused() -> None:
    event = build_event("PreAuthentication_Authentication")
    event["request"]["validationData"] = {"appVersion": 2}
    with pytest.raises(TriggerError, match="every value in validationData must be a string"):
        read_metadata(event, SCHEMA, RecordingLogger())


def test_limits_on_key_count_and_size() -> None:
    schema = MetadataSchema(fields=(), max_keys=3, max_total_chars=100)
    many = build_event(
        "PreAuthentication_Authentication", validation_data={str(i): "" for i in range(4)}
    )
    with pytest.raises(TriggerError, match="more than 3 keys"):
        read_metadata(many, schema, RecordingLogger())
    big = build_event("PreAuthentication_Authentication", validation_data={"k": "v" * 200})
    with pytest.raises(TriggerError, match="larger than 100 characters"):
        read_metadata(big, schema, RecordingLogger())


def test_unknown_keys_can_be_rejected() -> None:
    strict = MetadataSchema(fields=(Field("a"),), unknown="reject")
    event = build_event("PreAuthentication_Authentication", validation_data={"a": "1", "zz": "2"})
    with pytest.raises(TriggerError, match="unexpected key 'zz'"):
        read_metadata(event, strict, RecordingLogger())


def test_log_record_names_field_and_keys_and_hides_sensitive_values() -> None:
    logger = RecordingLogger()
    event = build_event(
        "PreAuthentication_Authentication",
        validation_data={"appVersion": "2.0", "secret": "hunter2", "undeclared": "payload"},
    )
    read_metadata(event, SCHEMA, logger)
    [(message, record)] = logger.records
    assert message == "trigger metadata"
    assert record["triggerSource"] == "PreAuthentication_Authentication"
    assert record["metadataField"] == "validationData"
    assert record["metadataKeys"] == ["appVersion", "secret", "undeclared"]
    assert record["metadata"] == {"appVersion": "2.0", "secret": "[SENSITIVE]"}
    assert "hunter2" not in repr(record)
    assert "payload" not in repr(record)


def test_log_record_is_written_even_when_metadata_is_invalid() -> None:
    logger = RecordingLogger()
    with pytest.raises(TriggerError):
        read_metadata(build_event("PreAuthentication_Authentication"), SCHEMA, logger)
    assert [message for message, _ in logger.records] == ["trigger metadata"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.clear(), "triggerSource is not a PreAuthentication source"),
        (lambda e: e.update(userName=None), "userName must be a string"),
        (lambda e: e.update(request=[]), "request must be an object"),
        (lambda e: e["request"].update(userAttributes={"a": 1}), "userAttributes must map"),
    ],
)
def test_malformed_envelopes_are_named(mutate: Any, message: str) -> None:
    event = build_event("PreAuthentication_Authentication")
    mutate(event)
    with pytest.raises(TriggerError, match=message):
        validate_envelope(event, trigger="PreAuthentication")


def test_a_schema_cannot_declare_a_key_twice() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        MetadataSchema(fields=(Field("a"), Field("a")))
