"""The emulated Cognito API: which operations exist, what every request must carry, and one
call turned into its :class:`~harness.results.CallRecord`.

Each operation is ``handler(ctx, params) -> response`` with the API's own parameter and
response names (:mod:`harness.emulator.operations`); it raises
:class:`harness.cognito.errors.CognitoError` for Cognito's errors.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.cognito import errors
from harness.cognito.validation import validate_request
from harness.emulator.context import CallContext, Target
from harness.emulator.operations import (
    devices,
    forgot_password,
    initiate_auth,
    respond_to_auth_challenge,
    sign_up,
    user_attributes,
)
from harness.redaction import redact_params
from harness.results import CallRecord

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    handler: Handler
    #: The request names the pool (UserPoolId) / the app client (ClientId): both required.
    names_pool: bool = False
    names_client: bool = False


OPERATIONS: Mapping[str, Operation] = {
    "AdminInitiateAuth": Operation(
        initiate_auth.admin_initiate_auth, names_pool=True, names_client=True
    ),
    "InitiateAuth": Operation(initiate_auth.initiate_auth, names_client=True),
    "AdminRespondToAuthChallenge": Operation(
        respond_to_auth_challenge.respond_to_auth_challenge,
        names_pool=True,
        names_client=True,
    ),
    "RespondToAuthChallenge": Operation(
        respond_to_auth_challenge.respond_to_auth_challenge, names_client=True
    ),
    "SignUp": Operation(sign_up.sign_up, names_client=True),
    "AdminCreateUser": Operation(sign_up.admin_create_user, names_pool=True),
    "ConfirmSignUp": Operation(sign_up.confirm_sign_up, names_client=True),
    "AdminConfirmSignUp": Operation(sign_up.admin_confirm_sign_up, names_pool=True),
    "DeleteUserPool": Operation(sign_up.delete_user_pool, names_pool=True),
    "ForgotPassword": Operation(forgot_password.forgot_password, names_client=True),
    "ConfirmForgotPassword": Operation(forgot_password.confirm_forgot_password, names_client=True),
    "ResendConfirmationCode": Operation(
        user_attributes.resend_confirmation_code, names_client=True
    ),
    "UpdateUserAttributes": Operation(user_attributes.update_user_attributes),
    "GetUserAttributeVerificationCode": Operation(
        user_attributes.get_user_attribute_verification_code
    ),
    "VerifyUserAttribute": Operation(user_attributes.verify_user_attribute),
    "AdminUpdateUserAttributes": Operation(
        user_attributes.admin_update_user_attributes, names_pool=True
    ),
    "ConfirmDevice": Operation(devices.confirm_device),
}


def client_metadata(params: Mapping[str, Any]) -> dict[str, str] | None:
    """The call's ClientMetadata: a string-to-string map, as the API's model requires."""
    metadata = params.get("ClientMetadata")
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise errors.InvalidParameterException(
            "1 validation error detected: Value at 'clientMetadata' failed to satisfy "
            "constraint: Map value must satisfy constraint: [Member must be a string]"
        )
    return dict(metadata)


def open_call(target: Target, operation: str, params: Mapping[str, Any]) -> CallContext:
    """Check what every request of ``operation`` must carry; the call's context.

    The API's model is checked before anything happens (a bad ClientMetadata changes nothing).
    """
    spec = OPERATIONS.get(operation)
    if spec is None:
        raise errors.UnsupportedOperationException(
            f"{operation} is not emulated; supported: {', '.join(sorted(OPERATIONS))}"
        )
    validate_request(operation, params)
    if spec.names_pool:
        target.resolve_pool_id(params.get("UserPoolId"))
    if spec.names_client:
        target.resolve_client_id(params.get("ClientId"))
    return CallContext.on(target, operation, client_metadata(params))


def execute(
    target: Target, operation: str, params: Mapping[str, Any], *, source: str
) -> CallRecord:
    """Run one call on ``target``: what it answered or Cognito's error, and its invocations.

    Cognito's errors do not raise here: they are the call's outcome (``record.error``).
    """
    request = redact_params(dict(params))
    context: CallContext | None = None
    response: dict[str, Any] | None = None
    error: errors.CognitoError | None = None
    failure: str | None = None
    started = time.perf_counter()
    try:
        context = open_call(target, operation, params)
        response = OPERATIONS[operation].handler(context, dict(params))
    except errors.CognitoError as refused:
        error = refused
    except Exception as bug:  # a harness bug, or a trigger answer it could not read
        # Shown as the call's outcome (InternalErrorException, as Cognito answers its own
        # failures) with the traceback kept, instead of ending the replay or the server.
        error = errors.InternalErrorException(
            f"harness error during {operation}: {type(bug).__name__}: {bug}"
        )
        failure = traceback.format_exc()
    return CallRecord(
        operation=operation,
        source=source,
        request=request,
        invocations=context.invocations if context is not None else [],
        deliveries=list(context.deliveries) if context is not None else [],
        response=response,
        error=error,
        duration_ms=(time.perf_counter() - started) * 1000,
        traceback=failure,
    )
