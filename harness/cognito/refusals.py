"""What Cognito answers when it refuses a request or a trigger's answer: one table, each rule
with the public source of its code and message.

Marks as in :mod:`harness.settings`: [D] documented by AWS (a developer-guide page, an API
reference or an AWS knowledge-center article), [O] observed against real pools in public issue
threads (named). A refusal AWS documents nowhere is a setting (its code is the setting's value),
not a row here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from harness.cognito import errors


@dataclass(frozen=True)
class Refusal:
    error: type[errors.CognitoError]
    #: ``str.format`` template of the message.
    message: str
    source: str


REFUSALS: Final[Mapping[str, Refusal]] = {
    # ---------------------------------------------------------------- invoking the function
    "invoke_denied": Refusal(
        errors.UnexpectedLambdaException,
        "{trigger} invocation failed due to error AccessDeniedException.",
        '[D] knowledge-center cognito-lambda-trigger-errors ("PreSignUp invocation failed due '
        "to error AccessDeniedException.\": the function's resource policy does not let "
        "cognito-idp.amazonaws.com invoke it); the code [O] aws-samples/"
        "amazon-cognito-passwordless-auth#46 (UnexpectedLambdaException, "
        "VerifyAuthChallengeResponse), aws/serverless-application-model#1253",
    ),
    "migration_failed": Refusal(
        errors.UserNotFoundException,
        "Exception migrating user in app client {client_id}",
        "[D] knowledge-center cognito-migration-lambda-trigger-errors: the migration "
        "function's policy does not permit cognito-idp.amazonaws.com to invoke it, or no "
        "migration answer makes a user ([D] cognito-user-pool-managing-errors, LEGACY) (with "
        "PreventUserExistenceErrors ENABLED the caller gets the unknown user's generic answer "
        "instead, [D] cognito-user-pool-managing-errors)",
    ),
    # ---------------------------------------------------------------- a migration answer
    "migration_invalid_field": Refusal(
        errors.UserNotFoundException,
        "Error during migration: Invalid {field}",
        "[D] knowledge-center cognito-migration-lambda-trigger-errors: an invalid "
        "finalUserStatus, messageAction or desiredDeliveryMediums (the English text of the "
        "message as the article's localized versions give it). The article calls any "
        "finalUserStatus but CONFIRMED invalid; user-pool-lambda-migrate-user documents "
        "RESET_REQUIRED too, which is accepted here",
    ),
    "migration_undeclared_attribute": Refusal(
        errors.UserNotFoundException,
        "Attributes did not conform to the schema: {lines}",
        '[D] knowledge-center cognito-migration-lambda-trigger-errors: "Attributes did not '
        'conform to the schema: <attribute>: Attribute does not exist in the schema"',
    ),
    # ---------------------------------------------------------------- the pool's schema
    "undeclared_attribute": Refusal(
        errors.InvalidParameterException,
        "Attributes did not conform to the schema: {lines}",
        "[O] aws-amplify/amplify-flutter#509, aws-amplify/amplify-cli#1761, aws-amplify/"
        "aws-sdk-android#1629 (SignUp): InvalidParameterException, one line per attribute "
        '"custom:x: Attribute does not exist in the schema." (AdminCreateUser and the '
        "attribute updates give the same here: no public report shows theirs)",
    ),
    "required_attribute_missing": Refusal(
        errors.InvalidParameterException,
        "Attributes did not conform to the schema: {lines}",
        "[D] user-pool-settings-attributes (a required attribute must be given at sign-up); "
        "the message [O] furaiev/amazon-cognito-identity-dart-2#89 and public SignUp error "
        'handlers: "Attributes did not conform to the schema: email: The attribute is '
        'required", one line per attribute',
    ),
    "immutable_attribute": Refusal(
        errors.InvalidParameterException,
        "{lines}",
        "[D] API_SchemaAttributeType, Mutable (an immutable attribute cannot be changed); the "
        "message [O] aws-amplify/amplify-swift#3981, aws-amplify/amplify-js#3526: "
        '"user.email: Attribute cannot be updated."',
    ),
    # ---------------------------------------------------------------- the client's secret
    "secret_hash_not_received": Refusal(
        errors.NotAuthorizedException,
        "Client {client_id} is configured with secret but SECRET_HASH was not received",
        "[D] AdminInitiateAuth / InitiateAuth API reference, AuthParameters: SECRET_HASH "
        '"(required if the app client is configured with a client secret)", and '
        "RespondToAuthChallenge's ChallengeResponses likewise; the message [O] "
        "aws-amplify/amplify-android#2504 and alexrusin/nextjs-cognito-auth#2 (InitiateAuth), "
        "furaiev/amazon-cognito-identity-dart-2#249 (RespondToAuthChallenge, SMS_MFA)",
    ),
    "secret_hash_unverified": Refusal(
        errors.NotAuthorizedException,
        "Unable to verify secret hash for client {client_id}",
        "[D] knowledge-center cognito-unable-to-verify-secret-hash (a SecretHash missing from "
        "the call or not matching the client's secret); [O] furaiev/"
        "amazon-cognito-identity-dart-2#98 and #16 (ConfirmSignUp, ResendConfirmationCode "
        "without SecretHash), aws-amplify/aws-sdk-android#2265 (a hash of the alias, not the "
        "username), ArranJacques/laravel-aws-cognito-auth#26 (AdminInitiateAuth)",
    ),
    "secret_hash_unexpected": Refusal(
        errors.InvalidParameterException,
        "App client {client_id} is not configured for secret but secret hash was received",
        "[O] pmill/aws-cognito#23 (InvalidParameterException, a hash sent to a client without "
        "a secret)",
    ),
}

#: The refusal of a call that lacks the hash, by the parameter that carries it: a top-level
#: ``SecretHash`` (SignUp, ConfirmSignUp, ForgotPassword, ConfirmForgotPassword,
#: ResendConfirmationCode) or the ``SECRET_HASH`` key of AuthParameters / ChallengeResponses.
#: The two messages differ in every public report (sources in the rows).
MISSING_SECRET_HASH: Final[Mapping[str, str]] = {
    "SecretHash": "secret_hash_unverified",
    "SECRET_HASH": "secret_hash_not_received",
}

#: One line of a schema refusal, per attribute, by rule.
_LINES: Final[Mapping[str, str]] = {
    "undeclared_attribute": "{name}: Attribute does not exist in the schema.",
    "migration_undeclared_attribute": "{name}: Attribute does not exist in the schema.",
    "required_attribute_missing": "{name}: The attribute is required",
    "immutable_attribute": "user.{name}: Attribute cannot be updated.",
}


def refusal(rule: str, **values: str) -> errors.CognitoError:
    """The error Cognito returns for ``rule`` (a key of :data:`REFUSALS`)."""
    row = REFUSALS[rule]
    return row.error(row.message.format(**values))


def attribute_refusal(rule: str, names: Iterable[str]) -> errors.CognitoError:
    """A schema refusal naming each attribute on a line of its own, as Cognito lists them."""
    lines = "".join(_LINES[rule].format(name=name) + "\n" for name in names)
    return refusal(rule, lines=lines)
