"""Pre authentication: the sign-in policy decided from the metadata in validationData."""

from __future__ import annotations

import pytest

from app_metadata import TriggerError
from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext
from pre_authentication import handler


def _event(metadata: dict[str, str] | None, **attributes: str) -> dict:  # type: ignore[type-arg]
    event = build_event(
        "PreAuthentication_Authentication",
        validation_data=metadata,
        user_attributes={"sub": "0000", "email": "alice@example.com", **attributes},
    )
    return event


def _allowed(event: dict, lambda_context: LambdaContext) -> bool:  # type: ignore[type-arg]
    """The trigger let the sign-in go on: it returned the event with an empty response."""
    return handler(event, lambda_context) is event and event["response"] == {}


@pytest.fixture(autouse=True)
def _policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIN_APP_VERSION", "2.0.0")
    monkeypatch.setenv("BLOCKED_DEVICES", "stolen-1,stolen-2")


def test_current_app_version_signs_in(lambda_context: LambdaContext) -> None:
    event = _event({"appVersion": "2.1.0"})
    assert handler(event, lambda_context) is event
    assert event["response"] == {}


def test_old_app_version_is_refused(lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match="no longer supported"):
        handler(_event({"appVersion": "1.9.9"}), lambda_context)


def test_versions_compare_numerically_not_as_text(lambda_context: LambdaContext) -> None:
    # "10.0" < "2.0.0" as text; as a version it is newer, so the sign-in goes on.
    assert _allowed(_event({"appVersion": "10.0"}), lambda_context)


def test_missing_metadata_is_refused(lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match="Missing metadata 'appVersion'"):
        handler(_event(None), lambda_context)


def test_metadata_in_client_metadata_is_not_where_cognito_puts_it(
    lambda_context: LambdaContext,
) -> None:
    # PreAuthentication never receives clientMetadata: metadata there must not satisfy the check.
    event = _event(None)
    event["request"]["clientMetadata"] = {"appVersion": "3.0.0"}
    with pytest.raises(TriggerError, match="Missing metadata"):
        handler(event, lambda_context)


def test_blocked_device_is_refused(lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError, match="device is not allowed"):
        handler(_event({"appVersion": "2.0.0", "deviceId": "stolen-2"}), lambda_context)
    assert _allowed(_event({"appVersion": "2.0.0", "deviceId": "laptop-7"}), lambda_context)


def test_tenant_must_match_the_users_tenant(lambda_context: LambdaContext) -> None:
    assert _allowed(
        _event({"appVersion": "2.0.0", "tenant": "acme"}, **{"custom:tenant": "acme"}),
        lambda_context,
    )
    with pytest.raises(TriggerError, match="does not belong to the requested tenant"):
        handler(
            _event({"appVersion": "2.0.0", "tenant": "globex"}, **{"custom:tenant": "acme"}),
            lambda_context,
        )
    with pytest.raises(TriggerError, match="requires a tenant"):
        handler(_event({"appVersion": "2.0.0"}, **{"custom:tenant": "acme"}), lambda_context)


def test_users_without_tenant_need_none(lambda_context: LambdaContext) -> None:
    assert _allowed(_event({"appVersion": "2.0.0", "tenant": "acme"}), lambda_context)


def test_unknown_user_passes_without_revealing_anything(lambda_context: LambdaContext) -> None:
    event = build_event(
        "PreAuthentication_Authentication",
        validation_data={"appVersion": "2.0.0", "tenant": "acme"},
        user_attributes={},
        request={"userNotFound": True},
    )
    assert handler(event, lambda_context) is event


def test_unknown_user_with_old_app_gets_the_same_refusal(lambda_context: LambdaContext) -> None:
    event = build_event(
        "PreAuthentication_Authentication",
        validation_data={"appVersion": "1.0.0"},
        user_attributes={},
        request={"userNotFound": True},
    )
    with pytest.raises(TriggerError, match="no longer supported"):
        handler(event, lambda_context)


def test_malformed_tenant_is_refused_without_echoing_it(lambda_context: LambdaContext) -> None:
    with pytest.raises(TriggerError) as raised:
        handler(_event({"appVersion": "2.0.0", "tenant": "<script>"}), lambda_context)
    assert "<script>" not in str(raised.value)


def test_the_committed_sample_event_is_handled(lambda_context: LambdaContext) -> None:
    import json

    from harness.cognito.events import sample_event_path

    event = json.loads(sample_event_path("PreAuthentication_Authentication").read_text())
    event["request"]["validationData"] = {"appVersion": "2.0.0"}
    assert _allowed(event, lambda_context)


@pytest.mark.slow  # a fresh interpreter
def test_does_not_import_boto3() -> None:
    import subprocess
    import sys

    from tests.support.paths import ROOT

    code = "import sys, pre_authentication; print('boto3' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "triggers",
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
