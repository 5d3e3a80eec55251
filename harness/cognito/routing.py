"""Where an API call's ClientMetadata goes: the one table the emulator routes by.

Every row names the API operations, the triggers that run during them, the request field that
carries the call's ``ClientMetadata`` to each trigger (``None``: the trigger runs without it),
and the source of the rule, a public page: [D] documented by AWS (the API reference or
developer-guide page named), [O] observed against real Cognito (the public report named), [A] an
assumption that is also a named setting in :mod:`harness.settings`.

A separate ``ValidationData`` parameter (SignUp, AdminCreateUser) always arrives in PreSignUp's
``validationData``; that is not ClientMetadata routing and is handled by those operations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Field = Literal["validationData", "clientMetadata"]

INITIATE = ("AdminInitiateAuth", "InitiateAuth")
RESPOND = ("AdminRespondToAuthChallenge", "RespondToAuthChallenge")
#: Pseudo-operation: an initiate call whose AuthFlow is REFRESH_TOKEN_AUTH or REFRESH_TOKEN.
REFRESH = "(Admin)InitiateAuth REFRESH_TOKEN_AUTH"

SEED = "AdminInitiateAuth API reference, ClientMetadata"
RESPOND_DOC = "AdminRespondToAuthChallenge / RespondToAuthChallenge API reference, ClientMetadata"


@dataclass(frozen=True)
class Rule:
    operations: tuple[str, ...]
    trigger: str
    field: Field | None
    source: str
    #: For an [A] row: the name of the setting in harness.settings.Settings that decides the field.
    setting: str | None = None


RULES: tuple[Rule, ...] = (
    # (Admin)InitiateAuth: only three triggers get the metadata, and as validationData. [D]
    Rule(INITIATE, "PreSignUp", "validationData", f"[D] {SEED}"),
    Rule(INITIATE, "PreAuthentication", "validationData", f"[D] {SEED}"),
    Rule(INITIATE, "UserMigration", "validationData", f"[D] {SEED}"),
    # ...the others run during the same call WITHOUT it. [D]
    Rule(INITIATE, "PostAuthentication", None, f"[D] {SEED}"),
    Rule(INITIATE, "CustomMessage", None, f"[D] {SEED}"),
    Rule(INITIATE, "PreTokenGeneration", None, f"[D] {SEED}"),
    Rule(INITIATE, "DefineAuthChallenge", None, f"[D] {SEED}; [O] jagregory/cognito-local#351"),
    Rule(INITIATE, "CreateAuthChallenge", None, f"[D] {SEED}"),
    Rule(
        INITIATE,
        "CustomEmailSender",
        None,
        "[D] AdminInitiateAuth API reference, ClientMetadata (no sender is named)",
    ),
    Rule(
        INITIATE,
        "CustomSMSSender",
        None,
        "[D] AdminInitiateAuth API reference, ClientMetadata (no sender is named)",
    ),
    # Respond calls: every trigger that runs gets the Respond call's metadata. [D][O]
    *(
        Rule(RESPOND, trigger, "clientMetadata", f"[D] {RESPOND_DOC}; [O] amplify-js#6731")
        for trigger in (
            "PreSignUp",
            "CustomMessage",
            "PostAuthentication",
            "UserMigration",
            "PreTokenGeneration",
            "DefineAuthChallenge",
            "CreateAuthChallenge",
            "VerifyAuthChallengeResponse",
            "CustomEmailSender",
            "CustomSMSSender",
        )
    ),
    # Sign-up and confirmation. [D] SignUp / AdminCreateUser / Confirm* API references.
    *(
        Rule(("SignUp",), trigger, "clientMetadata", "[D] SignUp API reference, ClientMetadata")
        for trigger in ("PreSignUp", "CustomMessage", "PostConfirmation", "CustomEmailSender")
    ),
    *(
        Rule(("AdminCreateUser",), trigger, "clientMetadata", "[D] AdminCreateUser API reference")
        for trigger in ("PreSignUp", "CustomMessage", "CustomEmailSender", "CustomSMSSender")
    ),
    *(
        Rule(("ForgotPassword",), trigger, "clientMetadata", "[D] ForgotPassword API reference")
        for trigger in ("UserMigration", "CustomMessage", "PreSignUp", "CustomEmailSender")
    ),
    *(
        Rule((operation,), "PostConfirmation", "clientMetadata", f"[D] {operation} API reference")
        for operation in ("ConfirmSignUp", "AdminConfirmSignUp", "ConfirmForgotPassword")
    ),
    *(
        Rule((operation,), "CustomMessage", "clientMetadata", f"[D] {operation} API reference")
        for operation in (
            "ResendConfirmationCode",
            "UpdateUserAttributes",
            "AdminUpdateUserAttributes",
            "GetUserAttributeVerificationCode",
        )
    ),
    # The custom senders where the API reference names only CustomMessage (or only the email
    # sender): the sender stands in for Cognito's own message, so it gets what CustomMessage
    # gets [A]; user-pool-lambda-custom-email-sender lists clientMetadata in the request.
    *(
        Rule(
            (operation,),
            trigger,
            "clientMetadata",
            f"[A] as CustomMessage during {operation}",
            setting="custom_sender_client_metadata_field",
        )
        for operation, triggers in (
            ("SignUp", ("CustomSMSSender",)),
            ("ForgotPassword", ("CustomSMSSender",)),
            ("ResendConfirmationCode", ("CustomEmailSender", "CustomSMSSender")),
            ("UpdateUserAttributes", ("CustomEmailSender", "CustomSMSSender")),
            ("AdminUpdateUserAttributes", ("CustomEmailSender", "CustomSMSSender")),
            ("GetUserAttributeVerificationCode", ("CustomEmailSender", "CustomSMSSender")),
        )
        for trigger in triggers
    ),
    # Token refresh (REFRESH_TOKEN_AUTH / REFRESH_TOKEN through either initiate call): only
    # PreTokenGeneration runs; whether it gets the metadata is unconfirmed, so a setting decides.
    Rule(
        (REFRESH,),
        "PreTokenGeneration",
        None,
        "[A] the InitiateAuth API reference does not say (refresh)",
        setting="refresh_client_metadata_field",
    ),
)

_BY_KEY: Mapping[tuple[str, str], Rule] = {
    (operation, rule.trigger): rule for rule in RULES for operation in rule.operations
}


class UnroutedTriggerError(LookupError):
    """A trigger ran during an operation the table has no row for: a harness bug."""


def rule_for(operation: str, trigger: str) -> Rule:
    try:
        return _BY_KEY[(operation, trigger)]
    except KeyError:
        raise UnroutedTriggerError(
            f"no ClientMetadata routing rule for {trigger} during {operation}; "
            "add one to harness/cognito/routing.py with its source"
        ) from None


def metadata_field(operation: str, trigger: str, settings: object | None = None) -> Field | None:
    """The request field in which ``trigger`` receives ``operation``'s ClientMetadata.

    For an [A] row, the named setting on ``settings`` (a :class:`harness.settings.Settings`)
    decides; without settings the row's documented default applies.
    """
    rule = rule_for(operation, trigger)
    if rule.setting is not None and settings is not None:
        value = getattr(settings, rule.setting)
        if value not in (None, "validationData", "clientMetadata"):
            raise ValueError(
                f"setting {rule.setting} must be validationData, clientMetadata or none"
            )
        return value  # type: ignore[no-any-return]
    return rule.field


def routing_markdown() -> str:
    """The routing table as Markdown, for the README (generated, never typed twice)."""
    lines = [
        "| API call | Trigger | Receives ClientMetadata as | Source |",
        "|---|---|---|---|",
    ]
    for rule in RULES:
        field = f"`request.{rule.field}`" if rule.field else "— (runs without it)"
        if rule.setting:
            field += f" (setting `{rule.setting}`)"
        lines.append(f"| {', '.join(rule.operations)} | {rule.trigger} | {field} | {rule.source} |")
    return "\n".join(lines)
