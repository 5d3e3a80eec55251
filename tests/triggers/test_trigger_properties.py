"""Hostile and malformed input: every handler answers or refuses cleanly, never crashes.

A handler that raises TriggerError gives the caller Cognito's
``<Trigger> failed with error <message>.``; any other exception (KeyError, TypeError...) would
reach the caller as an internal traceback, which these properties forbid.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import post_authentication
import pre_authentication
import pre_signup
import pre_token_generation
import user_migration
from app_metadata import TriggerError
from harness.cognito.events import build_event
from harness.invokers.lambda_context import LambdaContext

HANDLERS: dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]] = {
    "PreSignUp_SignUp": pre_signup.handler,
    "PreSignUp_AdminCreateUser": pre_signup.handler,
    "PreSignUp_ExternalProvider": pre_signup.handler,
    "PreAuthentication_Authentication": pre_authentication.handler,
    "UserMigration_Authentication": user_migration.handler,
    "UserMigration_ForgotPassword": user_migration.handler,
    "PostAuthentication_Authentication": post_authentication.handler,
    "TokenGeneration_Authentication": pre_token_generation.handler,
    "TokenGeneration_RefreshTokens": pre_token_generation.handler,
}

text = st.text(max_size=40) | st.text(alphabet=st.characters(), min_size=300, max_size=2000)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=8,
)
metadata_keys = (
    st.sampled_from(["appVersion", "tenant", "deviceId", "invitationCode", "realm"]) | text
)
metadata = st.dictionaries(metadata_keys, text | json_values, max_size=6) | json_values


def _assert_clean(source: str, event: Any) -> None:
    handler = HANDLERS[source]
    try:
        result = handler(event, LambdaContext())
    except TriggerError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert len(message) < 200
        assert "Traceback" not in message
    else:
        assert isinstance(result, dict)
        assert isinstance(result.get("response"), dict)


# Huge inputs are the point here, so Hypothesis's "data too large" check is switched off.
common = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@common
@given(source=st.sampled_from(sorted(HANDLERS)), validation=metadata, client=metadata)
def test_hostile_metadata_is_refused_cleanly(
    tables: Any, source: str, validation: Any, client: Any
) -> None:
    event = build_event(source, request={"password": "pw"} if "Authentication" in source else None)
    event["request"]["validationData"] = validation
    event["request"]["clientMetadata"] = client
    _assert_clean(source, event)


@common
@given(
    source=st.sampled_from(sorted(HANDLERS)),
    path=st.sampled_from(
        [
            (),
            ("request",),
            ("request", "userAttributes"),
            ("request", "password"),
            ("request", "userNotFound"),
            ("response",),
            ("userName",),
            ("triggerSource",),
            ("callerContext",),
        ]
    ),
    replacement=json_values,
    delete=st.booleans(),
)
def test_malformed_events_are_refused_cleanly(
    tables: Any, source: str, path: tuple[str, ...], replacement: Any, delete: bool
) -> None:
    event: Any = build_event(source, validation_data={"appVersion": "2.0.0"})
    if not path:
        event = replacement
    else:
        parent = event
        for key in path[:-1]:
            parent = parent[key]
        if delete:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(replacement)
    _assert_clean(source, event)


@common
@given(username=text, attributes=st.dictionaries(text, text, max_size=5))
def test_unicode_and_huge_user_data_is_handled(
    tables: Any, username: str, attributes: dict[str, str]
) -> None:
    for source in HANDLERS:
        event = build_event(
            source,
            username=username,
            user_attributes=attributes,
            validation_data={"appVersion": "2.0.0", "realm": "default"},
            request={"password": username} if source == "UserMigration_Authentication" else None,
        )
        _assert_clean(source, event)
