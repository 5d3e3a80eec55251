"""Real-shaped Amazon Cognito user-pool trigger events.

`build_event` produces the JSON event that Cognito sends to a trigger for one `triggerSource`:
the common envelope (version, triggerSource, region, userPoolId, userName, callerContext),
the `request` fields Cognito sends for that source, and the default `response` Cognito sends
(the trigger fills it in). `write_sample_events` renders one sample per source into
`events/triggers/<triggerSource>.json`; those files are committed and a unit test checks that the
generator still reproduces them byte for byte.

Everything is deterministic: there is no random value and no clock, so a sample never changes
unless this module does.

Where the shapes come from (read these before changing one):

- [P]  Powertools for AWS Lambda (TypeScript), packages/parser/tests/events/cognito/*.json, events
       its maintainers captured from real user pools (pre-signup-admin-create-user,
       define-auth-challenge-first-call, create-auth-challenge-first-call,
       verify-auth-challenge-response, post-confirmation-*, custom-email-sender-*), and the real
       PreAuthentication and UserMigration events posted by a maintainer in the review of
       aws-powertools/powertools-lambda-typescript#3729.
- [DT] DefinitelyTyped/DefinitelyTyped#62357 (CustomMessage payloads captured for every source
       but UpdateUserAttribute: usernameParameter is null except for AdminCreateUser) and #52111
       (CustomEmailSender payloads: `clientMetadata: null`, no `response`, AccountTakeOver).
- [L]  Logged events published in public repositories, e.g. a CustomMessage_AdminCreateUser event
       with clientId CLIENT_ID_NOT_APPLICABLE, linkParameter "{##Click Here##}" and
       usernameParameter "{username}", and pre token generation events whose response is
       `{"claimsOverrideDetails": null}` (V1) or `{"claimsAndScopeOverrideDetails": null}` (V2/V3).
- [D]  The Cognito Developer Guide pages user-pool-lambda-*.html and the API reference.
- [A]  Our assumption where nothing authoritative exists; each one is said where it is made.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from harness.cognito.triggers import BY_NAME, TRIGGERS

if TYPE_CHECKING:  # Powertools is imported when a data class is asked for, not at start-up
    from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
        BaseTriggerEvent,
    )
from harness.errors import HarnessInputError, close_matches

__all__ = [
    "AWS_SDK_VERSION",
    "CLIENT_ID_NOT_APPLICABLE",
    "DEFAULT_CLIENT_ID",
    "EXAMPLE_ENCRYPTED_CODE",
    "REPO_ROOT",
    "SAMPLE_EVENTS_DIR",
    "TOKEN_VERSIONS",
    "TRIGGER_SOURCES",
    "TokenVersionError",
    "TriggerSourceSpec",
    "UnknownTriggerSourceError",
    "build_event",
    "default_user_attributes",
    "get_spec",
    "render_event",
    "sample_event",
    "sample_event_path",
    "trigger_for_source",
    "write_sample_events",
]

REPO_ROOT: Final[Path] = Path(__file__).resolve().parents[2]
"""The repository root: the directory that holds `harness/` and `events/`."""

SAMPLE_EVENTS_DIR: Final[Path] = REPO_ROOT / "events" / "triggers"
"""Where the committed sample events live, one `<triggerSource>.json` per source."""

DEFAULT_CLIENT_ID: Final = "1h57kf5cpq17m0eml12EXAMPLE"
"""A 26-character app client id in the format Cognito uses (the AWS documentation's example)."""

CLIENT_ID_NOT_APPLICABLE: Final = "CLIENT_ID_NOT_APPLICABLE"
"""`callerContext.clientId` of every event caused by AdminCreateUser, which takes no ClientId:
PreSignUp_AdminCreateUser [P], CustomMessage_AdminCreateUser [L], CustomEmailSender_AdminCreateUser
[P] and, by the same rule, CustomSMSSender_AdminCreateUser [A]."""

AWS_SDK_VERSION: Final = "aws-sdk-unknown-unknown"
"""`callerContext.awsSdkVersion`: real events carry the caller's SDK user agent, or this value
when Cognito cannot tell (the value seen in most captured events) [P][L]."""

EXAMPLE_ENCRYPTED_CODE: Final = "AYADaGFybmVzcyBwbGFjZWhvbGRlciBmb3IgYSBLTVMtZW5jcnlwdGVkIGNvZGU="
"""Stands for the KMS-encrypted code of the custom sender triggers. It is valid base64 and starts
with "AYAD" like a real AWS Encryption SDK message, but it decodes to a plain-text placeholder
(b"\\x01\\x80\\x03harness placeholder for a KMS-encrypted code"), not to a ciphertext."""

CODE_PARAMETER: Final = "{####}"
LINK_PARAMETER: Final = "{##Click Here##}"
USERNAME_PARAMETER: Final = "{username}"

EXAMPLE_MIGRATION_PASSWORD: Final = "Example-Passw0rd!"
EXAMPLE_CHALLENGE_ANSWER: Final = "424242"
EXAMPLE_PHONE_NUMBER: Final = "+15555550100"

LAMBDA_VERSION_1: Final = "V1_0"
"""The default PreTokenGenerationConfig.LambdaVersion (and the only one of other triggers)."""

TOKEN_VERSIONS: Final[Mapping[str, str]] = {LAMBDA_VERSION_1: "1", "V2_0": "2", "V3_0": "3"}
"""PreTokenGenerationConfig.LambdaVersion → the event's `version` [D]."""

_SUB_NAMESPACE: Final = uuid.UUID("6f1d3c1e-4b1a-5f0e-9c55-6e2a0c7d8b11")

# Scopes Cognito puts into V2/V3 pre token generation requests. API (SDK) sign-in yields the
# single scope aws.cognito.signin.user.admin [L]; managed login (hosted UI) yields the OAuth scopes
# the client asked for [L]; a client-credentials grant yields the custom resource-server scopes
# of the app client [D] (the resource server name below is ours).
_API_SCOPES: Final = ("aws.cognito.signin.user.admin",)
_HOSTED_UI_SCOPES: Final = ("openid", "email", "profile")
_M2M_SCOPES: Final = ("example-api/read",)


@dataclass(frozen=True)
class TriggerSourceSpec:
    """What the generator knows about one `triggerSource`.

    Attributes:
        trigger_source: the `triggerSource` value, e.g. "PreSignUp_SignUp".
        trigger: the LambdaConfig key of the trigger that receives it, e.g. "PreSignUp".
        data_class_name: the name of the Powertools data class (in `cognito_user_pool_event`)
            that parses the source's default event (the event of `default_token_version` for
            pre token generation); `data_class` is the class.
        user_status: `cognito:user_status` put into `request.userAttributes` (with `sub`), or None
            when the user does not exist yet (pre sign-up, migration, client credentials).
        client_id_applicable: False when the API call behind the source takes no app client
            (AdminCreateUser): Cognito then sends `CLIENT_ID_NOT_APPLICABLE`.
        token_versions: the PreTokenGenerationConfig.LambdaVersion values that can send the
            source; ("V1_0",) for every trigger but pre token generation.
    """

    trigger_source: str
    trigger: str
    data_class_name: str
    user_status: str | None = "CONFIRMED"
    client_id_applicable: bool = True
    token_versions: tuple[str, ...] = (LAMBDA_VERSION_1,)

    @property
    def default_token_version(self) -> str:
        """The lowest LambdaVersion that sends this source (V3_0 for client credentials)."""
        return self.token_versions[0]

    @property
    def event_suffix(self) -> str:
        """The part of the source after the trigger prefix, e.g. "AdminCreateUser"."""
        return self.trigger_source.partition("_")[2]

    @property
    def data_class(self) -> type[BaseTriggerEvent]:
        """The Powertools data class that parses this source's default event."""
        return _data_class(self.data_class_name)

    def data_class_for(self, token_version: str) -> type[BaseTriggerEvent]:
        """The Powertools data class that parses this source's event for `token_version`."""
        if self.trigger == "PreTokenGeneration" and token_version in ("V2_0", "V3_0"):
            return _data_class(_V2_DATA_CLASS)
        return self.data_class


_V2_DATA_CLASS = "PreTokenGenerationV2TriggerEvent"


def _data_class(name: str) -> type[BaseTriggerEvent]:
    from aws_lambda_powertools.utilities.data_classes import cognito_user_pool_event

    data_class: type[BaseTriggerEvent] = getattr(cognito_user_pool_event, name)
    return data_class


def _specs() -> dict[str, TriggerSourceSpec]:
    # Every source of the trigger table, with the Powertools data class that parses it.
    specs: list[TriggerSourceSpec] = []
    for trigger in TRIGGERS:
        for source in trigger.sources:
            v3_only = source.token_versions == ("V3_0",)
            specs.append(
                TriggerSourceSpec(
                    f"{trigger.prefix}_{source.suffix}",
                    trigger.name,
                    _V2_DATA_CLASS if v3_only else trigger.data_class,
                    user_status=source.user_status,
                    client_id_applicable=source.client_id_applicable,
                    token_versions=source.token_versions,
                )
            )
    return {spec.trigger_source: spec for spec in specs}


TRIGGER_SOURCES: Final[Mapping[str, TriggerSourceSpec]] = MappingProxyType(_specs())
"""Every user-pool triggerSource (40), in the order of the contract's section 2."""


class UnknownTriggerSourceError(HarnessInputError, ValueError):
    """Raised for a `triggerSource` that no user-pool trigger receives."""

    def __init__(self, trigger_source: str) -> None:
        self.trigger_source = trigger_source
        self.suggestions = _close_matches(trigger_source)
        if self.suggestions:
            hint = "did you mean " + " or ".join(self.suggestions) + "?"
        else:
            prefixes = sorted({name.partition("_")[0] + "_" for name in TRIGGER_SOURCES})
            hint = "valid sources start with " + ", ".join(prefixes)
        super().__init__(f"unknown triggerSource {trigger_source!r}: {hint}")


class TokenVersionError(HarnessInputError, ValueError):
    """A pre token generation ``LambdaVersion`` that cannot send the requested source."""


def _close_matches(trigger_source: str) -> list[str]:
    return close_matches(trigger_source, TRIGGER_SOURCES)


def get_spec(trigger_source: str) -> TriggerSourceSpec:
    """The spec of `trigger_source`; raises UnknownTriggerSourceError (a ValueError)."""
    try:
        return TRIGGER_SOURCES[trigger_source]
    except KeyError:
        raise UnknownTriggerSourceError(trigger_source) from None


def trigger_for_source(trigger_source: str) -> str:
    """The LambdaConfig key of the trigger that receives `trigger_source`.

    >>> trigger_for_source("TokenGeneration_RefreshTokens")
    'PreTokenGeneration'
    """
    return get_spec(trigger_source).trigger


def sample_event_path(trigger_source: str) -> Path:
    """`events/triggers/<triggerSource>.json` under the repository root."""
    return SAMPLE_EVENTS_DIR / f"{get_spec(trigger_source).trigger_source}.json"


def _sub(user_pool_id: str, username: str) -> str:
    # Deterministic: the same pool and user name always get the same sub.
    return str(uuid.uuid5(_SUB_NAMESPACE, f"{user_pool_id}/{username}"))


def _email(username: str) -> str:
    return username if "@" in username else f"{username}@example.com"


def default_user_attributes(
    trigger_source: str,
    *,
    username: str = "alice",
    user_pool_id: str = "us-east-1_EXAMPLE",
) -> dict[str, str]:
    """The `request.userAttributes` that build_event generates when given none.

    An existing user gets `sub` (derived from pool and user name), `email_verified`,
    `cognito:user_status` (the status the user has when Cognito sends this source) and `email`;
    a user who does not exist yet gets only an email. To add attributes to these, pass
    `{**default_user_attributes(source), **extra}` as build_event's user_attributes.
    """
    spec = get_spec(trigger_source)
    attributes: dict[str, str]
    if spec.trigger_source == "CustomEmailSender_AccountTakeOverNotification":
        # Not the user's attributes: the risk event that Cognito reports [DT #52111].
        attributes = {
            "EVENT_ID": "00000000-0000-4000-8000-000000000000",
            "USER_NAME": username,
            "IP_ADDRESS": "192.0.2.1",
            "DEVICE_NAME": "Chrome 120, Windows 10",
            "CITY": "Seattle",
            "COUNTRY": "United States",
            "LOGIN_TIME": "Monday, January 1, 2024 12:00 PM UTC",
            "ACCOUNT_TAKE_OVER_ACTION": "BLOCK",
            "FEEDBACK_TOKEN": "example-feedback-token",
            "ONE_CLICK_LINK_VALID": "https://example.com/valid",
            "ONE_CLICK_LINK_INVALID": "https://example.com/invalid",
        }
    elif spec.trigger_source == "TokenGeneration_ClientCredentials":
        attributes = {}  # no user behind an M2M token [A: shape of the empty map]
    elif spec.user_status is None:
        # The user does not exist yet: only what the caller sent (sign-up attributes, or the
        # mapped IdP attributes for ExternalProvider) [P].
        attributes = {"email": _email(username)}
    else:
        # Captured events list sub, email_verified, cognito:user_status, email, in this order [P].
        attributes = {
            "sub": _sub(user_pool_id, username),
            "email_verified": "false" if spec.user_status == "UNCONFIRMED" else "true",
            "cognito:user_status": spec.user_status,
            "email": _email(username),
        }
        if spec.trigger == "CustomSMSSender":
            attributes["phone_number_verified"] = attributes["email_verified"]
            attributes["phone_number"] = EXAMPLE_PHONE_NUMBER
    return attributes


def _request(
    spec: TriggerSourceSpec,
    *,
    token_version: str,
    attributes: dict[str, str],
    validation_data: Mapping[str, str] | None,
    client_metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The `request` Cognito sends for `spec`, before the caller's overrides.

    validationData and clientMetadata when the caller passes None (no metadata routed here):

    - validationData is sent as null by PreSignUp_* [P: pre-signup-admin-create-user.json, and a
      user-pasted real PreSignUp_AdminCreateUser event], PreAuthentication [P: real event in the
      review of powertools-lambda-typescript#3729] and UserMigration [P: same review]; we assume
      the same for UserMigration_ForgotPassword [A].
    - clientMetadata is absent from every synchronous trigger's request when no ClientMetadata
      reached it [P: PreSignUp, Define/Create/VerifyAuthChallenge, PostConfirmation captures;
      L: CustomMessage_AdminCreateUser, pre token generation captures; PostAuthentication: A].
    - clientMetadata is null in the custom sender triggers [P: custom-email-sender-*.json;
      DT #52111]; CustomSMSSender is assumed to match CustomEmailSender [A].

    A mapping passed by the caller is always included as is, whatever the trigger: deciding
    whether Cognito routes metadata to a trigger is the emulator's job, not the generator's.
    """
    trigger = spec.trigger
    suffix = spec.event_suffix
    request: dict[str, Any] = {}
    if trigger in ("CustomEmailSender", "CustomSMSSender"):
        request["userAttributes"] = attributes
        request["type"] = (
            "customEmailSenderRequestV1"
            if trigger == "CustomEmailSender"
            else "customSMSSenderRequestV1"
        )
        # The account-takeover notification carries no code [DT #52111].
        request["code"] = (
            None if suffix == "AccountTakeOverNotification" else EXAMPLE_ENCRYPTED_CODE
        )
        request["clientMetadata"] = _copy(client_metadata)
        if validation_data is not None:
            request["validationData"] = dict(validation_data)
        return request

    if trigger == "UserMigration":
        # The user is not in the pool: userAttributes is null, and the password is sent only
        # for a sign-in [P: real UserMigration_Authentication event in #3729's review; D].
        if suffix == "Authentication":
            request["password"] = EXAMPLE_MIGRATION_PASSWORD
        request["validationData"] = _copy(validation_data)
        request["userAttributes"] = None
    else:
        request["userAttributes"] = attributes

    if trigger in ("PreSignUp", "PreAuthentication"):
        request["validationData"] = _copy(validation_data)
    elif validation_data is not None and trigger != "UserMigration":
        request["validationData"] = dict(validation_data)

    if trigger == "PostAuthentication":
        request["newDeviceUsed"] = False
    elif trigger == "CustomMessage":
        request["codeParameter"] = CODE_PARAMETER
        request["linkParameter"] = LINK_PARAMETER
        # Only the invitation message may show the user name [DT #62357; L].
        request["usernameParameter"] = USERNAME_PARAMETER if suffix == "AdminCreateUser" else None
    elif trigger == "PreTokenGeneration":
        request["groupConfiguration"] = {
            "groupsToOverride": [],
            "iamRolesToOverride": [],
            "preferredRole": None,
        }
        if token_version != LAMBDA_VERSION_1:
            scopes: tuple[str, ...]
            if suffix == "ClientCredentials":
                scopes = _M2M_SCOPES
            elif suffix == "HostedAuth":
                scopes = _HOSTED_UI_SCOPES
            else:
                scopes = _API_SCOPES
            request["scopes"] = list(scopes)
    elif trigger in ("DefineAuthChallenge", "CreateAuthChallenge"):
        # The first call of a CUSTOM_AUTH flow: an empty session [P].
        if trigger == "CreateAuthChallenge":
            request["challengeName"] = "CUSTOM_CHALLENGE"
        request["session"] = []
    elif trigger == "VerifyAuthChallengeResponse":
        request["privateChallengeParameters"] = {"answer": EXAMPLE_CHALLENGE_ANSWER}
        request["challengeAnswer"] = EXAMPLE_CHALLENGE_ANSWER

    if client_metadata is not None:
        request["clientMetadata"] = dict(client_metadata)
    return request


def _copy(mapping: Mapping[str, str] | None) -> dict[str, str] | None:
    return None if mapping is None else dict(mapping)


def _response(spec: TriggerSourceSpec, token_version: str) -> dict[str, Any] | None:
    """The `response` Cognito sends, None when the event has no `response` at all."""
    trigger = spec.trigger
    if trigger in ("CustomEmailSender", "CustomSMSSender"):
        return None  # asynchronous triggers: the event has no response [P][DT #52111]
    if trigger == "PreSignUp":
        return {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    if trigger == "UserMigration":
        return {
            "userAttributes": None,
            "forceAliasCreation": None,
            "enableSMSMFA": None,
            "finalUserStatus": None,
            "messageAction": None,
            "desiredDeliveryMediums": None,
        }
    if trigger == "CustomMessage":
        return {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    if trigger == "PreTokenGeneration":
        if token_version == LAMBDA_VERSION_1:
            return {"claimsOverrideDetails": None}
        return {"claimsAndScopeOverrideDetails": None}
    if trigger == "DefineAuthChallenge":
        return {"challengeName": None, "issueTokens": None, "failAuthentication": None}
    if trigger == "CreateAuthChallenge":
        return {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        }
    if trigger == "VerifyAuthChallengeResponse":
        return {"answerCorrect": None}
    return {}  # PreAuthentication, PostAuthentication, PostConfirmation


def build_event(
    trigger_source: str,
    *,
    username: str = "alice",
    region: str = "us-east-1",
    user_pool_id: str = "us-east-1_EXAMPLE",
    client_id: str = DEFAULT_CLIENT_ID,
    user_attributes: Mapping[str, str] | None = None,
    validation_data: Mapping[str, str] | None = None,
    client_metadata: Mapping[str, str] | None = None,
    request: Mapping[str, Any] | None = None,
    version: str | None = None,
    token_version: str = LAMBDA_VERSION_1,
    prevent_user_existence_errors: bool = False,
) -> dict[str, Any]:
    """Build the event Cognito sends to a trigger for `trigger_source`.

    Args:
        trigger_source: one of TRIGGER_SOURCES; anything else raises UnknownTriggerSourceError.
        username: the top-level `userName`; also the base of the default email and `sub`.
        region, user_pool_id: the envelope's `region` and `userPoolId`.
        client_id: `callerContext.clientId`. Sources caused by AdminCreateUser always get
            CLIENT_ID_NOT_APPLICABLE, as in real events (that API takes no client).
        user_attributes: the whole `request.userAttributes`, as given (an empty mapping gives
            an empty map). None gives default_user_attributes(): `sub` and
            `cognito:user_status` for an existing user, and an email.
        validation_data: `request.validationData`. None means what Cognito sends when no
            metadata reaches the field: null for PreSignUp, PreAuthentication and UserMigration,
            absent elsewhere. A mapping is included as given, for any trigger.
        client_metadata: `request.clientMetadata`. None means absent, except in the custom
            sender triggers where Cognito sends null. A mapping is included as given.
        request: merged last over the request (top-level keys replaced or added), e.g. password,
            session, challengeName, userNotFound, privateChallengeParameters, challengeAnswer,
            scopes, newDeviceUsed.
        version: the envelope's `version`; default "1", or "2"/"3" for a pre token generation
            event of token_version V2_0/V3_0.
        token_version: PreTokenGenerationConfig.LambdaVersion (V1_0, V2_0 or V3_0). Only pre token
            generation sources accept anything but V1_0; TokenGeneration_ClientCredentials
            needs V3_0.
        prevent_user_existence_errors: the app client's PreventUserExistenceErrors is ENABLED.
            Cognito then adds `userNotFound` (false for an existing user) to PreAuthentication,
            Define/Create/VerifyAuthChallenge requests [D]; with the API default, LEGACY, the
            field is absent, as in the captured events [P].

    Returns:
        A new dict: version, triggerSource, region, userPoolId, userName, callerContext, request,
        response (no response for the asynchronous custom sender triggers, as in real events).

    Raises:
        UnknownTriggerSourceError: unknown trigger_source (a ValueError).
        TokenVersionError: a token_version the source cannot be sent with (a ValueError).
    """
    spec = get_spec(trigger_source)
    if token_version not in TOKEN_VERSIONS:
        raise TokenVersionError(
            f"unknown token_version {token_version!r}: use one of {', '.join(TOKEN_VERSIONS)}"
        )
    if token_version not in spec.token_versions:
        if spec.trigger == "PreTokenGeneration":
            reason = f"{spec.trigger_source} is sent only by a V3_0 pre token generation trigger"
        else:
            reason = f"token_version applies to pre token generation only, not {spec.trigger}"
        allowed = " or ".join(spec.token_versions)
        raise TokenVersionError(f"{reason}: use {allowed}, not {token_version}")

    if user_attributes is None:
        attributes = default_user_attributes(
            spec.trigger_source, username=username, user_pool_id=user_pool_id
        )
    else:
        attributes = dict(user_attributes)
    body = _request(
        spec,
        token_version=token_version,
        attributes=attributes,
        validation_data=validation_data,
        client_metadata=client_metadata,
    )
    if prevent_user_existence_errors and BY_NAME[spec.trigger].user_not_found:
        body["userNotFound"] = False
    if request:
        body.update(request)

    if version is None:
        version = TOKEN_VERSIONS[token_version] if spec.trigger == "PreTokenGeneration" else "1"
    event: dict[str, Any] = {
        "version": version,
        "triggerSource": spec.trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": AWS_SDK_VERSION,
            "clientId": client_id if spec.client_id_applicable else CLIENT_ID_NOT_APPLICABLE,
        },
        "request": body,
    }
    response = _response(spec, token_version)
    if response is not None:
        event["response"] = response
    return event


def sample_event(trigger_source: str) -> dict[str, Any]:
    """The committed sample of `trigger_source`: build_event's defaults, at the lowest
    LambdaVersion that sends the source."""
    spec = get_spec(trigger_source)
    return build_event(spec.trigger_source, token_version=spec.default_token_version)


def render_event(event: Mapping[str, Any]) -> str:
    """JSON text of an event: 2-space indent, keys in envelope order, trailing newline."""
    return json.dumps(event, indent=2) + "\n"


def write_sample_events(directory: Path = SAMPLE_EVENTS_DIR) -> list[Path]:
    """Write `<triggerSource>.json` for every source into `directory`; return the paths.

    Files of other names in `directory` are left alone.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for trigger_source in TRIGGER_SOURCES:
        path = directory / f"{trigger_source}.json"
        path.write_text(render_event(sample_event(trigger_source)), encoding="utf-8")
        written.append(path)
    return written
