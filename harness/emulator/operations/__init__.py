"""The emulated Cognito API operations: one module per operation family.

Each operation is ``fn(emulator, params) -> response`` with the API's own parameter and
response names; it raises :class:`harness.cognito.errors.CognitoError` for Cognito's errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from harness.emulator.operations import (
    forgot_password,
    initiate_auth,
    respond_to_auth_challenge,
    sign_up,
    user_attributes,
)

if TYPE_CHECKING:
    from harness.emulator import Emulator

Operation = Callable[["Emulator", dict[str, Any]], dict[str, Any]]

OPERATIONS: Mapping[str, Operation] = {
    "AdminInitiateAuth": initiate_auth.admin_initiate_auth,
    "InitiateAuth": initiate_auth.initiate_auth,
    "AdminRespondToAuthChallenge": respond_to_auth_challenge.admin_respond_to_auth_challenge,
    "RespondToAuthChallenge": respond_to_auth_challenge.respond_to_auth_challenge,
    "SignUp": sign_up.sign_up,
    "AdminCreateUser": sign_up.admin_create_user,
    "ConfirmSignUp": sign_up.confirm_sign_up,
    "AdminConfirmSignUp": sign_up.admin_confirm_sign_up,
    "ForgotPassword": forgot_password.forgot_password,
    "ConfirmForgotPassword": forgot_password.confirm_forgot_password,
    "ResendConfirmationCode": user_attributes.resend_confirmation_code,
    "UpdateUserAttributes": user_attributes.update_user_attributes,
    "AdminUpdateUserAttributes": user_attributes.admin_update_user_attributes,
}
