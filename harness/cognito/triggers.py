"""The user-pool triggers: the one table every other module reads.

One row per trigger, in the order Cognito runs them in a sign-up or sign-in (the report's
column order, and the tie-break for log records of the same millisecond). Each row says:

- ``name``: the ``LambdaConfig`` key (CloudFormation ``LambdaConfig`` schema), also the name
  expectations and reports use;
- ``label``: the short column header of the terminal table;
- ``prefix`` and ``sources``: the ``triggerSource`` values, ``<prefix>_<suffix>``, with what the
  event of each carries (contract section 2, the per-trigger pages of the Developer Guide);
- ``response``: the response fields Cognito reads and the JSON types it accepts for each
  (contract section 2); a value of another type is ``InvalidLambdaResponseException``;
- ``config_key``: where a template wires it when that differs from ``name``
  (``PreTokenGenerationConfig`` and the custom senders take ``{LambdaArn, LambdaVersion}``);
- ``asynchronous``: Cognito does not read the answer (the custom senders);
- ``user_not_found``: the request carries ``userNotFound`` when the app client has
  PreventUserExistenceErrors ENABLED (contract section 2; user-pool-lambda-pre-authentication,
  user-pool-lambda-challenge).

``KMSKeyID`` and ``PreTokenGenerationConfig`` are ``LambdaConfig`` keys that are configuration,
not triggers of their own (:data:`LAMBDA_CONFIG_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

#: PreTokenGenerationConfig.LambdaVersion values, lowest first. [D] user-pool-lambda-pre-token-
#: generation: V1_0 sends event version "1", V2_0 "2", V3_0 "3".
TOKEN_VERSIONS: Final[tuple[str, ...]] = ("V1_0", "V2_0", "V3_0")


@dataclass(frozen=True)
class Source:
    """One ``triggerSource`` suffix and what its event carries.

    ``user_status``: the ``cognito:user_status`` in ``request.userAttributes`` (None: the user
    does not exist yet, so neither it nor ``sub`` is sent). ``client_id_applicable``: False when
    the API call behind it takes no app client (AdminCreateUser), so ``callerContext.clientId``
    is ``CLIENT_ID_NOT_APPLICABLE``. ``token_versions``: the LambdaVersions that send it.
    """

    suffix: str
    user_status: str | None = "CONFIRMED"
    client_id_applicable: bool = True
    token_versions: tuple[str, ...] = ("V1_0",)


@dataclass(frozen=True)
class Trigger:
    name: str
    label: str
    prefix: str
    sources: tuple[Source, ...]
    #: The Powertools data class (in ``cognito_user_pool_event``) that parses its events.
    data_class: str
    response: Mapping[str, tuple[type, ...]] = field(default_factory=dict)
    config_key: str | None = None
    asynchronous: bool = False
    user_not_found: bool = False

    def source_names(self) -> tuple[str, ...]:
        return tuple(f"{self.prefix}_{source.suffix}" for source in self.sources)


def _messages(statuses: Mapping[str, str | None]) -> tuple[Source, ...]:
    return tuple(
        Source(suffix, status, client_id_applicable=suffix != "AdminCreateUser")
        for suffix, status in statuses.items()
    )


# CustomMessage_* sources and the status of the user each is about: SignUp and ResendCode are
# for an unconfirmed user, AdminCreateUser for one who must change the temporary password [P][DT].
_MESSAGE_STATUSES: Final[Mapping[str, str | None]] = {
    "SignUp": "UNCONFIRMED",
    "AdminCreateUser": "FORCE_CHANGE_PASSWORD",
    "ResendCode": "UNCONFIRMED",
    "ForgotPassword": "CONFIRMED",
    "UpdateUserAttribute": "CONFIRMED",
    "VerifyUserAttribute": "CONFIRMED",
    "Authentication": "CONFIRMED",
}
_SENDER_STATUSES: Final[Mapping[str, str | None]] = {
    "SignUp": "UNCONFIRMED",
    "ResendCode": "UNCONFIRMED",
    "ForgotPassword": "CONFIRMED",
    "UpdateUserAttribute": "CONFIRMED",
    "VerifyUserAttribute": "CONFIRMED",
    "AdminCreateUser": "FORCE_CHANGE_PASSWORD",
    "Authentication": "CONFIRMED",
    "AccountTakeOverNotification": None,
}
_AUTH = (Source("Authentication"),)
_CHALLENGE_RESPONSE: Final[Mapping[str, tuple[type, ...]]] = {
    "publicChallengeParameters": (dict,),
    "privateChallengeParameters": (dict,),
    "challengeMetadata": (str,),
}

TRIGGERS: Final[tuple[Trigger, ...]] = (
    Trigger(
        "PreSignUp",
        "PreSignUp",
        "PreSignUp",
        # Pre sign-up runs before the user exists: no sub, no cognito:user_status [P].
        tuple(
            Source(suffix, None, client_id_applicable=suffix != "AdminCreateUser")
            for suffix in ("SignUp", "AdminCreateUser", "ExternalProvider")
        ),
        "PreSignUpTriggerEvent",
        {"autoConfirmUser": (bool,), "autoVerifyEmail": (bool,), "autoVerifyPhone": (bool,)},
    ),
    Trigger(
        "UserMigration",
        "Migrate",
        "UserMigration",
        (Source("Authentication", None), Source("ForgotPassword", None)),
        "UserMigrationTriggerEvent",
        {
            "userAttributes": (dict,),
            "finalUserStatus": (str,),
            "messageAction": (str,),
            "desiredDeliveryMediums": (list,),
            "forceAliasCreation": (bool,),
            "enableSMSMFA": (bool,),
        },
    ),
    Trigger(
        "PreAuthentication",
        "PreAuth",
        "PreAuthentication",
        _AUTH,
        "PreAuthenticationTriggerEvent",
        user_not_found=True,
    ),
    Trigger(
        "DefineAuthChallenge",
        "Define",
        "DefineAuthChallenge",
        _AUTH,
        "DefineAuthChallengeTriggerEvent",
        {"challengeName": (str,), "issueTokens": (bool,), "failAuthentication": (bool,)},
        user_not_found=True,
    ),
    Trigger(
        "CreateAuthChallenge",
        "Create",
        "CreateAuthChallenge",
        _AUTH,
        "CreateAuthChallengeTriggerEvent",
        _CHALLENGE_RESPONSE,
        user_not_found=True,
    ),
    Trigger(
        "VerifyAuthChallengeResponse",
        "Verify",
        "VerifyAuthChallengeResponse",
        _AUTH,
        "VerifyAuthChallengeResponseTriggerEvent",
        {"answerCorrect": (bool,)},
        user_not_found=True,
    ),
    Trigger(
        "PostAuthentication",
        "PostAuth",
        "PostAuthentication",
        _AUTH,
        "PostAuthenticationTriggerEvent",
    ),
    Trigger(
        "PreTokenGeneration",
        "PreToken",
        "TokenGeneration",
        (
            *(
                Source(suffix, token_versions=TOKEN_VERSIONS)
                for suffix in (
                    "HostedAuth",
                    "Authentication",
                    "NewPasswordChallenge",
                    "AuthenticateDevice",
                    "RefreshTokens",
                )
            ),
            # Machine-to-machine: only a V3_0 trigger is invoked, and there is no user [D].
            Source("ClientCredentials", None, token_versions=("V3_0",)),
        ),
        "PreTokenGenerationTriggerEvent",
        {"claimsOverrideDetails": (dict,), "claimsAndScopeOverrideDetails": (dict,)},
        config_key="PreTokenGenerationConfig",
    ),
    Trigger(
        "CustomMessage",
        "CustMsg",
        "CustomMessage",
        _messages(_MESSAGE_STATUSES),
        "CustomMessageTriggerEvent",
        {"smsMessage": (str,), "emailMessage": (str,), "emailSubject": (str,)},
    ),
    Trigger(
        "PostConfirmation",
        "PostConf",
        "PostConfirmation",
        (Source("ConfirmSignUp"), Source("ConfirmForgotPassword")),
        "PostConfirmationTriggerEvent",
    ),
    Trigger(
        "CustomEmailSender",
        "EmailSnd",
        "CustomEmailSender",
        _messages(_SENDER_STATUSES),
        "CustomEmailSenderTriggerEvent",
        config_key="CustomEmailSender",
        asynchronous=True,
    ),
    Trigger(
        "CustomSMSSender",
        "SmsSnd",
        "CustomSMSSender",
        _messages(
            {k: v for k, v in _SENDER_STATUSES.items() if k != "AccountTakeOverNotification"}
        ),
        "CustomSMSSenderTriggerEvent",
        config_key="CustomSMSSender",
        asynchronous=True,
    ),
)

#: LambdaConfig keys that wire a function but send no user-pool triggerSource the harness
#: emulates (federation happens in the managed login, which the harness does not emulate).
UNEMULATED_TRIGGERS: Final[tuple[str, ...]] = ("InboundFederation",)

BY_NAME: Final[Mapping[str, Trigger]] = MappingProxyType({t.name: t for t in TRIGGERS})
TRIGGER_NAMES: Final[tuple[str, ...]] = tuple(BY_NAME)
#: Every LambdaConfig key that names a function, emulated or not.
TRIGGER_KEYS: Final[tuple[str, ...]] = (*TRIGGER_NAMES, *UNEMULATED_TRIGGERS)
#: Every LambdaConfig key: the triggers plus the two configuration keys.
LAMBDA_CONFIG_KEYS: Final[frozenset[str]] = frozenset(
    {*TRIGGER_KEYS, "PreTokenGenerationConfig", "KMSKeyID"}
)
#: Keys whose value is {LambdaArn, LambdaVersion}, and the trigger each one configures.
ARN_OBJECT_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{t.config_key: t.name for t in TRIGGERS if t.config_key},
        **{name: name for name in UNEMULATED_TRIGGERS},
    }
)
#: The order Cognito runs triggers in: a trigger's rank.
RANK: Final[Mapping[str, int]] = MappingProxyType({t.name: n for n, t in enumerate(TRIGGERS)})
LABELS: Final[Mapping[str, str]] = MappingProxyType({t.name: t.label for t in TRIGGERS})
_BY_PREFIX: Final[Mapping[str, Trigger]] = MappingProxyType({t.prefix: t for t in TRIGGERS})


def trigger_of(trigger_source: str) -> str:
    """The trigger (LambdaConfig key) that a triggerSource goes to, by its prefix.

    Unlike :func:`harness.cognito.events.trigger_for_source`, it does not require a known
    suffix: a source that AWS adds later still lands on its trigger.

    >>> trigger_of("TokenGeneration_RefreshTokens")
    'PreTokenGeneration'
    """
    prefix = trigger_source.partition("_")[0]
    trigger = _BY_PREFIX.get(prefix)
    return trigger.name if trigger is not None else prefix
