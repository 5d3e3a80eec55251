"""The template's groups, users, group attachments, resource servers and domains, created in
the emulated pool as CloudFormation creates them.

CloudFormation creates an ``AWS::Cognito::UserPoolUser`` with AdminCreateUser (so the pool's
PreSignUp and CustomMessage triggers run, as at deploy), a group with CreateGroup (its
Precedence and RoleArn), an attachment with AdminAddUserToGroup, a resource server with
CreateResourceServer. A domain is accepted: it serves the hosted UI, which is not emulated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.emulator.context import Target
from harness.emulator.service import execute
from harness.errors import HarnessInputError
from harness.stack import PoolSpec, Stack
from harness.stack.specs import (
    ATTACHMENT_TYPE,
    GROUP_TYPE,
    POOL_RESOURCE_TYPES,
    RESOURCE_SERVER_TYPE,
    USER_TYPE,
    PoolResourceSpec,
)


class TemplateResourceError(HarnessInputError):
    """A template user the pool refused at creation (its triggers included)."""


def _group(target: Target, props: dict[str, Any]) -> None:
    target.backend.create_group(
        target.user_pool_id,
        str(props["GroupName"]),
        str(props.get("Description") or ""),
        str(props.get("RoleArn") or "") or None,
        int(props["Precedence"]) if props.get("Precedence") is not None else None,
    )


def _resource_server(target: Target, props: dict[str, Any]) -> None:
    target.backend.create_resource_server(
        target.user_pool_id,
        str(props["Identifier"]),
        str(props["Name"]),
        list(props.get("Scopes") or []),
    )


def _attachment(target: Target, props: dict[str, Any]) -> None:
    target.backend.admin_add_user_to_group(
        target.user_pool_id, str(props["GroupName"]), str(props["Username"])
    )


def _user(target: Target, props: dict[str, Any], where: str) -> None:
    params = {k: v for k, v in props.items() if k != "UserPoolId"}
    params["UserPoolId"] = target.user_pool_id
    for key in ("UserAttributes", "ValidationData"):
        if key in params:
            params[key] = [
                {"Name": a["Name"], "Value": str(a.get("Value", ""))} for a in params[key]
            ]
    record = execute(target, "AdminCreateUser", params, source=where)
    if record.error is not None:
        raise TemplateResourceError(
            f"{where}: AdminCreateUser refused the template's user: {record.error.code}: "
            f"{record.error.message}"
        )


_CREATE: dict[str, Callable[[Target, dict[str, Any]], None]] = {
    GROUP_TYPE: _group,
    RESOURCE_SERVER_TYPE: _resource_server,
    ATTACHMENT_TYPE: _attachment,
}


def create_pool_resources(target: Target, stack: Stack, pool: PoolSpec) -> None:
    """Create ``pool``'s template resources in the order of POOL_RESOURCE_TYPES."""
    mine: list[PoolResourceSpec] = [
        r for r in stack.pool_resources.values() if r.pool_logical_id == pool.logical_id
    ]
    for kind in POOL_RESOURCE_TYPES:
        for resource in (r for r in mine if r.type == kind):
            if kind == USER_TYPE:
                _user(target, resource.properties, f"{stack.path.name}: {resource.logical_id}")
            elif kind in _CREATE:
                _CREATE[kind](target, resource.properties)
