"""What counts as a secret, in one place, for reports, logs, recordings and live replays.

Passwords (the migration trigger sees them in plaintext), codes, challenge answers, sessions
and tokens must never reach a report, a log line the harness shows, or a recorded replay.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[REDACTED]"

#: Top-level request parameters of the Cognito API that carry a secret, and the kind of
#: secret (the name a recording gives its ``${env:...}`` reference).
SECRET_PARAMETERS: Mapping[str, str] = {
    "Password": "PASSWORD",
    "PreviousPassword": "PREVIOUS_PASSWORD",
    "ProposedPassword": "PROPOSED_PASSWORD",
    "TemporaryPassword": "TEMPORARY_PASSWORD",
    "SecretHash": "SECRET_HASH",
    "AccessToken": "ACCESS_TOKEN",
    "RefreshToken": "REFRESH_TOKEN",
    "Token": "TOKEN",
    "ClientSecret": "CLIENT_SECRET",
    "ConfirmationCode": "CODE",
    "Code": "CODE",
    "UserCode": "CODE",
    "Session": "SESSION",
}

#: Keys inside AuthParameters / ChallengeResponses that carry a secret.
SECRET_AUTH_KEYS: Mapping[str, str] = {
    "PASSWORD": "PASSWORD",
    "NEW_PASSWORD": "NEW_PASSWORD",
    "SECRET_HASH": "SECRET_HASH",
    "REFRESH_TOKEN": "REFRESH_TOKEN",
    "SMS_MFA_CODE": "CODE",
    "SMS_OTP_CODE": "CODE",
    "SOFTWARE_TOKEN_MFA_CODE": "CODE",
    "EMAIL_OTP_CODE": "CODE",
    "PASSWORD_CLAIM_SIGNATURE": "SRP_SIGNATURE",
    "PASSWORD_CLAIM_SECRET_BLOCK": "SRP_SECRET_BLOCK",
    "ANSWER": "ANSWER",
}
#: Keys of a response's ChallengeParameters that carry a secret (the SRP secret block, which
#: the client echoes as PASSWORD_CLAIM_SECRET_BLOCK).
SECRET_CHALLENGE_PARAMETERS = frozenset({"SECRET_BLOCK"})
AUTH_MAPS = ("AuthParameters", "ChallengeResponses")

#: Request fields of a trigger event that carry a secret (the migration password, a custom
#: sender's code, the answer to a custom challenge, and the expected answer).
SECRET_EVENT_FIELDS = frozenset({"password", "code", "challengeAnswer"})
SECRET_EVENT_MAPS = frozenset({"privateChallengeParameters"})

#: ClientMetadata keys whose values reports hide: the harness cannot see a trigger's schema,
#: so a name is enough (an invitation code, a one-time password, a token...).
SENSITIVE_METADATA_KEY = re.compile(r"password|secret|token|code|otp|pin|answer|key", re.I)

#: Settings whose value a report shows only as set or not set (the accepted MFA code).
SECRET_SETTINGS = frozenset({"mfa_code"})
#: Maps whose values are named by their keys: ClientMetadata (as sent, and in the events).
METADATA_MAPS = ("ClientMetadata", "ValidationData", "validationData", "clientMetadata")
#: Attribute maps of trigger events (values named by attribute name: ``custom:pin``).
ATTRIBUTE_MAPS = ("userAttributes",)

_ANY_DEPTH = (
    frozenset(SECRET_PARAMETERS) | frozenset(SECRET_AUTH_KEYS) | SECRET_CHALLENGE_PARAMETERS
)


def is_sensitive_name(name: Any) -> bool:
    """A ClientMetadata key or attribute name whose value is hidden everywhere."""
    return isinstance(name, str) and SENSITIVE_METADATA_KEY.search(name) is not None


def shown_setting(name: str, value: Any) -> Any:
    """A setting as a report shows it: a secret one as set / not set."""
    if name in SECRET_SETTINGS:
        return "set" if value else "not set"
    return value


def redact_params(value: Any) -> Any:
    """A copy of API request or response parameters with every secret replaced, at any depth
    (over-redacting a harmless value is the safe side for a report), ClientMetadata and
    ValidationData values of secret-looking keys included."""
    if isinstance(value, Mapping):
        shown: dict[str, Any] = {}
        for k, v in value.items():
            if k in _ANY_DEPTH and v:
                shown[k] = REDACTED
            elif k in (*METADATA_MAPS, *ATTRIBUTE_MAPS) and isinstance(v, Mapping):
                shown[k] = redact_metadata(v)
            elif k in ("ValidationData", "UserAttributes") and isinstance(v, list):
                shown[k] = [_redact_pair(pair) for pair in v]
            else:
                shown[k] = redact_params(v)
        return shown
    if isinstance(value, list):
        return [redact_params(v) for v in value]
    return value


def redact_metadata(metadata: Mapping[str, str] | None) -> dict[str, str] | None:
    if metadata is None:
        return None
    return {k: (REDACTED if SENSITIVE_METADATA_KEY.search(k) else v) for k, v in metadata.items()}


def _redact_pair(pair: Any) -> Any:
    if isinstance(pair, Mapping) and SENSITIVE_METADATA_KEY.search(str(pair.get("Name", ""))):
        return {**pair, "Value": REDACTED}
    return pair


def event_secrets(event: Mapping[str, Any]) -> list[str]:
    """The secret values a trigger event carries: its secret fields, and the values of
    sensitive-looking metadata keys and attribute names (scrubbed from logs and errors)."""
    request = event.get("request")
    if not isinstance(request, Mapping):
        return []
    found = [request.get(name) for name in SECRET_EVENT_FIELDS]
    for name in SECRET_EVENT_MAPS:
        values = request.get(name)
        if isinstance(values, Mapping):
            found.extend(values.values())
    for name in (*METADATA_MAPS, *ATTRIBUTE_MAPS):
        values = request.get(name)
        if isinstance(values, Mapping):
            found.extend(v for k, v in values.items() if is_sensitive_name(k))
    return [value for value in found if isinstance(value, str) and len(value) >= 3]


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret removed, also as JSON or repr would have escaped it."""
    for secret in secrets:
        variants = {
            secret,
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
            repr(secret)[1:-1],
        }
        for variant in sorted(variants, key=len, reverse=True):
            if variant:
                text = text.replace(variant, REDACTED)
    return text
