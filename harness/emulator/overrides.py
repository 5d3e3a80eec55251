"""A replay setup's ``pool`` section and the pool or client a caller names: checked, applied.

Only these settings change what triggers see, and a replay may set them without editing the
template (``setup.pool``); anything else is refused with the list of what is overridable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from harness.errors import HarnessInputError, suggest
from harness.stack import ClientSpec, PoolSpec, Stack


class SetupError(HarnessInputError, ValueError):
    """A pool or client override (``setup.pool``, a pool or client name) the stack cannot take."""


#: Pool and client settings a replay's ``setup.pool`` may change, and where they live.
OVERRIDABLE = (
    "PreventUserExistenceErrors",
    "ExplicitAuthFlows",
    "MfaConfiguration",
    "DeviceConfiguration",
)

#: ExplicitAuthFlows values. [D] CreateUserPoolClient API reference.
_AUTH_FLOW_NAMES = frozenset(
    {
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_AUTH",
        "ADMIN_NO_SRP_AUTH",
        "CUSTOM_AUTH_FLOW_ONLY",
        "USER_PASSWORD_AUTH",
    }
)


def apply_overrides(
    pool_spec: PoolSpec, client_spec: ClientSpec, overrides: Mapping[str, Any], account_id: str
) -> tuple[PoolSpec, ClientSpec]:
    """The pool and client specs with ``overrides`` applied; raises SetupError for a bad one."""
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise SetupError(
            f"setup.pool: cannot override {', '.join(unknown)}; "
            f"overridable: {', '.join(OVERRIDABLE)}"
        )
    pool, client = pool_spec, client_spec
    _check_override(overrides, "PreventUserExistenceErrors", ("ENABLED", "LEGACY"))
    _check_override(overrides, "MfaConfiguration", ("OFF", "ON", "OPTIONAL"))
    flows = overrides.get("ExplicitAuthFlows", [])
    if not isinstance(flows, list) or not all(f in _AUTH_FLOW_NAMES for f in flows):
        raise SetupError(
            "setup.pool.ExplicitAuthFlows must be a list of "
            f"{', '.join(sorted(_AUTH_FLOW_NAMES))}; got {flows!r}"
        )
    if "PreventUserExistenceErrors" in overrides:
        value = overrides["PreventUserExistenceErrors"]
        client = dataclasses.replace(
            client,
            prevent_user_existence_errors=value in ("ENABLED", True),
            properties={**client.properties, "PreventUserExistenceErrors": value},
        )
    if "ExplicitAuthFlows" in overrides:
        flows = tuple(overrides["ExplicitAuthFlows"])
        client = dataclasses.replace(
            client,
            explicit_auth_flows=flows,
            properties={**client.properties, "ExplicitAuthFlows": list(flows)},
        )
    if "MfaConfiguration" in overrides:
        value = str(overrides["MfaConfiguration"])
        # SMS MFA needs an SMS configuration; a template without one gets a placeholder
        # role, as nothing is sent anyway (codes are the `mfa_code` setting).
        sms = pool.properties.get("SmsConfiguration") or {
            "SnsCallerArn": f"arn:aws:iam::{account_id}:role/harness-sms",
            "ExternalId": "harness",
        }
        pool = dataclasses.replace(
            pool,
            mfa_configuration=value,
            enabled_mfas=pool.enabled_mfas or ("SMS_MFA", "SOFTWARE_TOKEN_MFA"),
            properties={**pool.properties, "MfaConfiguration": value, "SmsConfiguration": sms},
        )
    if "DeviceConfiguration" in overrides:  # remembered devices (flows/devices.py)
        value = overrides["DeviceConfiguration"]
        if not isinstance(value, dict):
            raise SetupError("setup.pool.DeviceConfiguration must be an object")
        pool = dataclasses.replace(
            pool, properties={**pool.properties, "DeviceConfiguration": value}
        )
    return pool, client


def _check_override(overrides: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if name in overrides and overrides[name] not in allowed:
        raise SetupError(
            f"setup.pool.{name} must be one of {', '.join(allowed)}; got {overrides[name]!r}"
        )


_Spec = TypeVar("_Spec")


def named(specs: Mapping[str, _Spec], name: str | None, kind: str, stack: Stack) -> Any:
    """The pool or app client the caller named by logical id or by name (None: none named)."""
    if name is None:
        return None
    if name not in specs:
        by_name = [lid for lid, spec in specs.items() if getattr(spec, "name", None) == name]
        if len(by_name) == 1:
            return specs[by_name[0]]
        raise SetupError(
            f"no {kind} {name!r} in {stack.path.name}{suggest(name, specs)}; "
            f"{kind}s: {', '.join(specs) or '(none)'}"
        )
    return specs[name]
