"""ConfirmDevice: the app remembers the device a sign-in returned (:mod:`..flows.devices`)."""

from __future__ import annotations

from typing import Any

from harness.emulator.context import CallContext
from harness.emulator.flows import devices


def confirm_device(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """[D] ConfirmDevice API reference: AccessToken, DeviceKey, DeviceSecretVerifierConfig,
    DeviceName; answers UserConfirmationNecessary (the pool's "User Opt-In")."""
    return devices.confirm(ctx, params)
