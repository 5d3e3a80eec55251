"""Remembered devices: the pool's DeviceConfiguration, the device a sign-in gets
(``NewDeviceMetadata``), ConfirmDevice, and DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER.

[D] Cognito developer guide, "Working with user devices in your user pool"
(amazon-cognito-user-pools-device-tracking): with device tracking on (a DeviceConfiguration:
"Always" or "User Opt-In"), a successful sign-in without a remembered device returns
``NewDeviceMetadata`` (DeviceKey, DeviceGroupKey); the app confirms the device with
ConfirmDevice (an SRP verifier of a device password it keeps); a later sign-in that gives the
DEVICE_KEY answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER (proved for real here, with
:mod:`harness.cognito.srp`) in place of MFA, and its tokens come from
``TokenGeneration_AuthenticateDevice`` (PreTokenGeneration sources, [D]
user-pool-lambda-pre-token-generation). PostAuthentication's ``newDeviceUsed`` says whether the
sign-in used a new device ([D] user-pool-lambda-post-authentication: only set when the pool
remembers devices).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors, srp
from harness.emulator.context import CallContext
from harness.emulator.sessions import AuthSession

DEVICE_SOURCE = "TokenGeneration_AuthenticateDevice"
NO_DEVICE = "Device does not exist."


@dataclass
class Device:
    """One device of one user, as the pool remembers it."""

    key: str
    group_key: str
    username: str
    name: str | None = None
    #: Set by ConfirmDevice: the SRP verifier of the device password, and its salt (hex).
    verifier: int | None = None
    salt: str | None = None


def tracked(ctx: CallContext) -> bool:
    """The pool remembers devices: its DeviceConfiguration is set (either option)."""
    return bool(ctx.pool_spec.properties.get("DeviceConfiguration"))


def user_prompt(ctx: CallContext) -> bool:
    """DeviceOnlyRememberedOnUserPrompt: ConfirmDevice answers UserConfirmationNecessary."""
    config = ctx.pool_spec.properties.get("DeviceConfiguration") or {}
    return str(config.get("DeviceOnlyRememberedOnUserPrompt", False)).lower() == "true"


def _devices(ctx: CallContext) -> dict[str, Device]:
    """The pool's devices by key (kept on moto's pool object, next to its users)."""
    store: dict[str, Device] = ctx.pool.__dict__.setdefault("harness_devices", {})
    return store


def remembered(ctx: CallContext, user: CognitoIdpUser, key: Any) -> Device | None:
    """The confirmed device ``key`` of ``user``, or None (unknown, another user's, or never
    confirmed: the sign-in then counts as one on a new device)."""
    device = _devices(ctx).get(key) if isinstance(key, str) else None
    if device is None or device.username != user.username or device.verifier is None:
        return None
    return device


def new_device(ctx: CallContext, user: CognitoIdpUser) -> dict[str, str]:
    """A new device for ``user``: the ``NewDeviceMetadata`` of the AuthenticationResult."""
    region = ctx.user_pool_id.split("_", 1)[0]
    group = next(
        (d.group_key for d in _devices(ctx).values() if d.username == user.username),
        "-" + secrets.token_urlsafe(6),
    )
    device = Device(key=f"{region}_{uuid.uuid4()}", group_key=group, username=user.username)
    _devices(ctx)[device.key] = device
    return {"DeviceKey": device.key, "DeviceGroupKey": device.group_key}


def confirm(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """ConfirmDevice: store the device password's verifier for the access token's user."""
    token = params.get("AccessToken")
    owner = ctx.pool.access_tokens.get(token) if isinstance(token, str) else None
    if owner is None:
        raise errors.NotAuthorizedException("Invalid Access Token")
    device = _devices(ctx).get(params.get("DeviceKey"))  # type: ignore[arg-type]
    if device is None or device.username != owner[1]:
        raise errors.ResourceNotFoundException(NO_DEVICE)
    config = params.get("DeviceSecretVerifierConfig") or {}
    try:
        verifier = int.from_bytes(base64.standard_b64decode(config["PasswordVerifier"]), "big")
        salt = base64.standard_b64decode(config["Salt"]).hex()
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise errors.InvalidParameterException(
            "DeviceSecretVerifierConfig needs a base64 PasswordVerifier and Salt"
        ) from None
    device.verifier, device.salt = verifier, salt
    device.name = params.get("DeviceName")
    return {"UserConfirmationNecessary": user_prompt(ctx)}


def challenge(
    ctx: CallContext, user: CognitoIdpUser, device: Device, token_source: str
) -> dict[str, Any]:
    """DEVICE_SRP_AUTH: the remembered device must prove itself (in place of MFA)."""
    session = AuthSession(
        username=user.username,
        client_id=ctx.client_id,
        challenge="DEVICE_SRP_AUTH",
        created=ctx.clock(),
        token_source=token_source,
        device_key=device.key,
    )
    return {
        "ChallengeName": "DEVICE_SRP_AUTH",
        "Session": ctx.open_session(session),
        "ChallengeParameters": {},
    }


def device_srp(ctx: CallContext, session: AuthSession, responses: dict[str, Any]) -> dict[str, Any]:
    """The DEVICE_SRP_AUTH answer (USERNAME, DEVICE_KEY, SRP_A): DEVICE_PASSWORD_VERIFIER."""
    device = _devices(ctx).get(session.device_key or "")
    if device is None or responses.get("DEVICE_KEY") != device.key:
        raise errors.ResourceNotFoundException(NO_DEVICE)
    srp_a = responses.get("SRP_A")
    if not isinstance(srp_a, str) or not srp_a:
        raise errors.InvalidParameterException("Missing required parameter SRP_A")
    assert device.verifier is not None
    session.srp = srp.Server(
        pool_name=device.group_key,
        username=device.key,
        password="",
        srp_a=srp_a,
        verifier=device.verifier,
        salt=device.salt,
    )
    session.challenge = "DEVICE_PASSWORD_VERIFIER"
    session.created = ctx.clock()
    return {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": ctx.open_session(session),
        "ChallengeParameters": {
            "USERNAME": session.username,
            "DEVICE_KEY": device.key,
            "SRP_B": session.srp.srp_b,
            "SALT": session.srp.salt,
            "SECRET_BLOCK": session.srp.secret_block,
        },
    }


def device_verified(session: AuthSession, responses: dict[str, Any]) -> bool:
    """The DEVICE_PASSWORD_VERIFIER answer proves the device password."""
    return (
        session.srp is not None
        and responses.get("DEVICE_KEY") == session.device_key
        and session.srp.verify(responses)
    )
