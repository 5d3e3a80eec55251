"""ForgotPassword (with UserMigration_ForgotPassword) and ConfirmForgotPassword."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import UserStatus

from harness.cognito import errors
from harness.emulator.operations._signin import client_metadata, send_message
from harness.emulator.operations.initiate_auth import create_migrated_user
from harness.emulator.operations.sign_up import (
    CODE_MISMATCH,
    delivery,
    post_confirmation,
    validate_password,
)

if TYPE_CHECKING:
    from harness.emulator import Emulator


def forgot_password(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    emu.check_secret_hash(str(params.get("Username") or ""), params.get("SecretHash"))
    username = params.get("Username")
    if not isinstance(username, str) or not username:
        raise errors.InvalidParameterException("Missing required parameter Username")
    metadata = client_metadata(params)
    user = emu.find_user(username)
    if user is None and emu.dispatcher.has("UserMigration"):
        # [D] user-pool-lambda-migrate-user: UserMigration_ForgotPassword, no password; the
        # user is created in RESET_REQUIRED and receives the code.
        response = emu.dispatcher.run(
            "UserMigration_ForgotPassword",
            operation="ForgotPassword",
            username=username,
            client_id=emu.client_id,
            user_attributes={},
            client_metadata=metadata,
            request={"userAttributes": None},
        )
        assert response is not None
        user = create_migrated_user(
            emu, "ForgotPassword", username, response, metadata, password=None
        )
        user.status = UserStatus.RESET_REQUIRED
    if user is None:
        if emu.prevent_user_existence_errors:
            # [D] user-pool-managing-errors: a simulated delivery, so nobody learns who exists.
            return {
                "CodeDeliveryDetails": {
                    "Destination": "u***@e***",
                    "DeliveryMedium": "EMAIL",
                    "AttributeName": "email",
                }
            }
        raise errors.UserNotFoundException("Username/client id combination not found.")
    if not user.enabled:
        raise errors.NotAuthorizedException("User is disabled.")
    send_message(emu, "CustomMessage_ForgotPassword", "ForgotPassword", user, metadata)
    return {"CodeDeliveryDetails": delivery(emu.user_attributes(user))}


def confirm_forgot_password(emu: Emulator, params: dict[str, Any]) -> dict[str, Any]:
    emu.resolve_client_id(params.get("ClientId"))
    emu.check_secret_hash(str(params.get("Username") or ""), params.get("SecretHash"))
    username = params.get("Username")
    user = emu.find_user(username) if isinstance(username, str) else None
    if user is None:
        raise errors.UserNotFoundException("Username/client id combination not found.")
    # Validate the whole request before changing anything: a bad ClientMetadata must not
    # leave the password reset (contract 3: ClientMetadata is a string-to-string map).
    metadata = client_metadata(params)
    if params.get("ConfirmationCode") != emu.new_code():
        raise errors.CodeMismatchException(CODE_MISMATCH)
    user.password = validate_password(emu, params.get("Password"))
    user.status = UserStatus.CONFIRMED
    post_confirmation(
        emu, "PostConfirmation_ConfirmForgotPassword", "ConfirmForgotPassword", user, metadata
    )
    return {}
