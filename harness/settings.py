"""The harness's named settings: every assumption ([A]) of the emulator, in one place, with
one default.

Marks (the README defines them too): [D] documented by AWS (a developer-guide page or an API
reference, named by its page), [O] observed against real Cognito (a public issue or report,
named), [A] an assumption where neither settles it. Each [A] is a field here, with its default
and its reason (the field's ``doc``, citing only public pages); nothing in the emulator
hard-codes one. Settings come from the CLI (``--set name=value``), from
a replay's ``setup.settings``, or from Python (``Settings(...)``). Harness conventions that are
not Cognito behaviour at all (the MFA code the emulator accepts) live here too, marked as such.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args, get_type_hints

from harness.errors import HarnessInputError

FieldName = Literal["validationData", "clientMetadata"] | None


def _setting(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    auth_trigger_order: Literal["post-auth-first", "pre-token-first"] = _setting(
        "post-auth-first",
        "[A] PostAuthentication before PreTokenGeneration, the order of the trigger list in "
        "[D] cognito-user-identity-pools-working-with-aws-lambda-triggers; one user report "
        "claims the reverse.",
    )
    migration_pre_signup_source: (
        Literal["PreSignUp_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_ExternalProvider"]
        | None
    ) = _setting(
        None,
        "[A] whether creating a migrated user also runs PreSignUp, and with which "
        "triggerSource (one user report saw it; user-pool-lambda-migrate-user says nothing). "
        "none: it does not run.",
    )
    migration_default_final_status: Literal["RESET_REQUIRED", "CONFIRMED"] = _setting(
        "RESET_REQUIRED",
        "The status of a user migrated by an answer without finalUserStatus. The pages "
        "disagree: [D] user-pool-lambda-migrate-user now says \"If you don't set this "
        "attribute to CONFIRMED, it's set to RESET_REQUIRED\" (the sign-in then fails with "
        "PasswordResetRequiredException: the default); its earlier text, still quoted by AWS "
        "Lambda Powertools' MigrateUserTriggerEvent, said it \"can be set to CONFIRMED, or not "
        'set, to auto-confirm your users" (CONFIRMED).',
    )
    migration_runs_pre_authentication: bool = _setting(
        False,
        "[A] PreAuthentication runs on the migrating sign-in (user-pool-lambda-migrate-user "
        "does not say which other triggers run then).",
    )
    migration_runs_post_authentication: bool = _setting(
        True,
        "[A] PostAuthentication runs on the migrating sign-in (user-pool-lambda-migrate-user "
        "does not say).",
    )
    migration_runs_pre_token_generation: bool = _setting(
        True,
        "[A] PreTokenGeneration runs on the migrating sign-in (user-pool-lambda-migrate-user "
        "does not say).",
    )
    refused_user_runs_pre_authentication: bool = _setting(
        False,
        "[A] PreAuthentication runs before a disabled or unconfirmed user is refused "
        "(user-pool-lambda-pre-authentication does not say).",
    )
    srp_runs_pre_authentication: bool = _setting(
        True,
        "[A] USER_SRP_AUTH runs PreAuthentication at the initiate call, not at the "
        "PASSWORD_VERIFIER answer (user-pool-lambda-pre-authentication does not say).",
    )
    custom_auth_runs_pre_authentication: bool = _setting(
        True,
        "[A] CUSTOM_AUTH runs PreAuthentication at the initiate call "
        "(user-pool-lambda-pre-authentication does not say).",
    )
    refresh_client_metadata_field: FieldName = _setting(
        None,
        "[A] the field in which PreTokenGeneration (TokenGeneration_RefreshTokens) gets a "
        "refresh call's ClientMetadata (user-pool-lambda-pre-token-generation and the "
        "InitiateAuth API reference do not say); none: it runs without it.",
    )
    custom_sender_client_metadata_field: FieldName = _setting(
        "clientMetadata",
        "[A] custom senders: where a sender gets the call's ClientMetadata during SignUp "
        "(SMS), ForgotPassword (SMS), ResendConfirmationCode, (Admin)UpdateUserAttributes and "
        "GetUserAttributeVerificationCode, "
        "which the API references leave out: as the CustomMessage it stands in for.",
    )
    check_invoke_permission: bool = _setting(
        True,
        "[D] a trigger runs only if the template lets Cognito invoke its function: an "
        "AWS::Lambda::Permission for cognito-idp.amazonaws.com (or *) on it whose SourceArn, "
        "if any, matches the pool, or a SAM Cognito event (SAM generates that permission). "
        "Without one the call fails as on AWS (knowledge-center cognito-lambda-trigger-errors, "
        "cognito-migration-lambda-trigger-errors). Functions outside the template, values the "
        "template cannot resolve and --invoke lambda count as allowed; false: never checked "
        "(a permission granted outside the template).",
    )
    auto_verify_missing_attribute_error: Literal[
        "InvalidParameterException", "InvalidLambdaResponseException"
    ] = _setting(
        "InvalidParameterException",
        "[A] the code of the failed sign-up when PreSignUp answers autoVerifyEmail "
        "(autoVerifyPhone) true for a user without an email (phone_number): "
        "user-pool-lambda-pre-sign-up says the attribute must be present, not which error "
        "Cognito returns.",
    )
    protected_claim_override: Literal["reject", "ignore"] = _setting(
        "reject",
        "[A] pre token generation: overriding a claim Cognito protects (sub, aud, iss, "
        "token_use, cognito:username... [D] user-pool-lambda-pre-token-generation) fails the "
        "call with InvalidLambdaResponseException (reject) or is dropped (ignore).",
    )
    mfa_code: str = _setting(
        "123456",
        "Harness convention, not Cognito: the one code the emulator accepts, for SMS_MFA, "
        "SOFTWARE_TOKEN_MFA and EMAIL_OTP challenges and for ConfirmSignUp and "
        "ConfirmForgotPassword (a real pool sends a random one).",
    )

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """A copy with ``overrides`` applied; values may be strings as typed on a command line."""
        hints = get_type_hints(Settings)
        changes: dict[str, Any] = {}
        for name, raw in overrides.items():
            if name not in hints:
                raise SettingsError(
                    f"unknown setting {name!r}; known settings: {', '.join(self.names())}"
                )
            changes[name] = _coerce(name, hints[name], raw)
        return dataclasses.replace(self, **changes)


class SettingsError(HarnessInputError, ValueError):
    pass


def _allowed(annotation: Any) -> list[Any]:
    allowed: list[Any] = []
    for arg in get_args(annotation) or (annotation,):
        if get_args(arg):
            allowed.extend(_allowed(arg))
        else:
            allowed.append(arg)
    return allowed


def _coerce(name: str, annotation: Any, raw: Any) -> Any:
    if annotation is bool:
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "yes", "1", "on"):
            return True
        if str(raw).lower() in ("false", "no", "0", "off"):
            return False
        raise SettingsError(f"setting {name} takes true or false, not {raw!r}")
    if annotation is str:
        return str(raw)
    allowed = _allowed(annotation)
    value = None if raw is None or str(raw).lower() in ("none", "null", "") else str(raw)
    if value in allowed or (value is None and type(None) in allowed):
        return value
    choices = ", ".join("none" if a is type(None) else str(a) for a in allowed)
    raise SettingsError(f"setting {name} takes one of {choices}, not {raw!r}")


def settings_markdown() -> str:
    """The settings as a Markdown table for the README and ``harness settings``, generated
    from this module: each with its default, the values it takes, and its reason."""
    default = Settings()
    hints = get_type_hints(Settings)
    rows = [
        "| Setting | Default | Values | What it decides |",
        "|---|---|---|---|",
    ]
    for spec in fields(Settings):
        value = getattr(default, spec.name)
        rows.append(
            f"| `{spec.name}` | `{_shown(value)}` | {_values(hints[spec.name])} "
            f"| {spec.metadata['doc']} |"
        )
    return "\n".join(rows)


def _shown(value: Any) -> str:
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else value


def _values(annotation: Any) -> str:
    if annotation is bool:
        return "`true`, `false`"
    if annotation is str:
        return "any text"
    return ", ".join("`none`" if a is type(None) else f"`{a}`" for a in _allowed(annotation))
