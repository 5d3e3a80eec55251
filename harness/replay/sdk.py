"""The SDK's part of the SRP flows, played by the replay (:func:`.runner.replay_calls`).

A recorded SRP_A or proof belongs to a session that is gone, so a replay gives what the SDK
starts from and the runner computes the rest, as an AWS SDK would:

* USER_SRP_AUTH, and CUSTOM_AUTH starting with password verification: ``PASSWORD`` instead of
  ``SRP_A`` in the Initiate call; the runner computes SRP_A (CUSTOM_AUTH also gets
  ``CHALLENGE_NAME: SRP_A``) and the PASSWORD_VERIFIER answer of the Respond call that answers
  the PASSWORD_VERIFIER challenge.
* remembered devices: a ConfirmDevice call without ``DeviceSecretVerifierConfig`` gets one
  (the device password stays with the runner), and a DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER
  answer without SRP_A / a signature gets them computed for that device.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.cognito import srp

INITIATE = ("AdminInitiateAuth", "InitiateAuth")


class ActingSdk:
    """The SRP state of one replay: the password flow's client, the remembered devices."""

    def __init__(self, user_pool_id: str) -> None:
        self.user_pool_id = user_pool_id
        self._client: srp.Client | None = None
        self._device: srp.DeviceClient | None = None
        #: device key -> (group key, device password), from the ConfirmDevice calls made.
        self._devices: dict[str, tuple[str, str]] = {}
        self._groups: dict[str, str] = {}

    def prepare(
        self, operation: str, params: dict[str, Any], previous: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """The call's parameters with the SDK's computed values filled in."""
        self._learn_groups(previous)
        auth = params.get("AuthParameters")
        flow = params.get("AuthFlow")
        if (
            operation in INITIATE
            and flow in ("USER_SRP_AUTH", "CUSTOM_AUTH")
            and isinstance(auth, dict)
            and "PASSWORD" in auth
        ):
            auth = dict(auth)
            username, password = str(auth.get("USERNAME")), str(auth.pop("PASSWORD"))
            self._client = srp.Client(self.user_pool_id, username, password)
            auth["SRP_A"] = self._client.srp_a
            if flow == "CUSTOM_AUTH":
                auth.setdefault("CHALLENGE_NAME", "SRP_A")
            return {**params, "AuthParameters": auth}
        if operation == "ConfirmDevice" and "DeviceSecretVerifierConfig" not in params:
            key = str(params.get("DeviceKey"))
            group = self._groups.get(key, "")
            password, config = srp.device_secret(group, key)
            self._devices[key] = (group, password)
            return {**params, "DeviceSecretVerifierConfig": config}
        responses = params.get("ChallengeResponses")
        if not isinstance(responses, dict) or previous is None:
            return params
        answered = dict(previous.get("ChallengeParameters") or {})
        name = params.get("ChallengeName")
        computed: dict[str, str] = {}
        if (
            name == "PASSWORD_VERIFIER"
            and self._client
            and "PASSWORD_CLAIM_SIGNATURE" not in responses
        ):
            computed = self._client.respond(answered)
            self._client = None
        elif name == "DEVICE_SRP_AUTH" and "SRP_A" not in responses:
            known = self._devices.get(str(responses.get("DEVICE_KEY")))
            if known is not None:
                group, password = known
                self._device = srp.DeviceClient(group, str(responses["DEVICE_KEY"]), password)
                computed = {"SRP_A": self._device.srp_a}
        elif (
            name == "DEVICE_PASSWORD_VERIFIER"
            and self._device is not None
            and "PASSWORD_CLAIM_SIGNATURE" not in responses
        ):
            computed = self._device.respond(answered)
            self._device = None
        return {**params, "ChallengeResponses": {**responses, **computed}} if computed else params

    def _learn_groups(self, previous: Mapping[str, Any] | None) -> None:
        """A sign-in's NewDeviceMetadata: the group key ConfirmDevice's verifier is made with."""
        result = (previous or {}).get("AuthenticationResult") or {}
        metadata = result.get("NewDeviceMetadata") if isinstance(result, Mapping) else None
        if isinstance(metadata, Mapping) and metadata.get("DeviceKey"):
            self._groups[str(metadata["DeviceKey"])] = str(metadata.get("DeviceGroupKey", ""))
