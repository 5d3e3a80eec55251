"""Seeding the REAL pool and tables with a replay's setup, and undoing it afterwards.

Only with ``--allow-writes`` (:func:`harness.replay.live.write_plan` refuses otherwise). Users
are created with AdminCreateUser (MessageAction SUPPRESS), AdminSetUserPassword Permanent for
CONFIRMED users, AdminDisableUser and AdminAddUserToGroup; table
items are put into the stack's tables. Nothing existing is ever overwritten: an existing user
or item stops the replay. :func:`undo` deletes exactly what :class:`Writes` lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from harness.aws.deployed import Target
from harness.aws.errors import LiveError, aws_call, aws_error, one_line, plural
from harness.emulator.seeding import dynamodb_item, table_items
from harness.errors import HarnessInputError
from harness.replay.model import SeedUser, Setup
from harness.stack import Stack

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

__all__ = ["Writes", "lookup_user", "seed_pool", "undo"]


@dataclass
class Writes:
    """What the live replay created, to delete afterwards."""

    users: list[str] = field(default_factory=list)
    #: Users the replayed calls created (a migrated user), when --allow-writes lets us delete them.
    call_users: list[str] = field(default_factory=list)
    #: (table name, the item's key) of each item written.
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def lookup_user(cognito: CognitoIdentityProviderClient, pool_id: str, name: str) -> str | None:
    """The pool's user name for ``name`` (a user name or an alias), or None."""
    try:
        with aws_call(
            "cognito-idp:AdminGetUser", f"pool {pool_id}", expect={"UserNotFoundException"}
        ):
            return cognito.admin_get_user(UserPoolId=pool_id, Username=name)["Username"]
    except ClientError:
        return None


def _create_user(
    cognito: CognitoIdentityProviderClient, target: Target, user: SeedUser, writes: Writes
) -> None:
    pool = target.user_pool_id
    if lookup_user(cognito, pool, user.username) is not None:
        raise LiveError(
            f"user '{user.username}' already exists in pool {pool}; the live replay only "
            "creates and deletes its own users: delete it or rename the setup's user"
        )
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": k, "Value": v} for k, v in user.attributes.items()
    ]
    where = f"{user.source}: " if user.source else ""
    failed = f"{where}cannot create user '{user.username}' in pool {pool}"
    with aws_call("cognito-idp:AdminCreateUser", f"pool {pool}", failed=failed):
        if user.status == "FORCE_CHANGE_PASSWORD":
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=user.username,
                UserAttributes=attributes,
                MessageAction="SUPPRESS",
                TemporaryPassword=str(user.password),
            )
            writes.users.append(user.username)
        else:
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=user.username,
                UserAttributes=attributes,
                MessageAction="SUPPRESS",
            )
            writes.users.append(user.username)
            cognito.admin_set_user_password(
                UserPoolId=pool, Username=user.username, Password=str(user.password), Permanent=True
            )
        if not user.enabled:
            cognito.admin_disable_user(UserPoolId=pool, Username=user.username)
        for group in user.groups:
            cognito.admin_add_user_to_group(
                UserPoolId=pool, Username=user.username, GroupName=group
            )


def _table(target: Target, logical_id: str) -> str:
    name = target.table_name(logical_id)
    if name is None:
        if target.stack_name is None:
            raise LiveError(
                f"the setup writes to {logical_id}, a table of the stack: name the stack with "
                "--stack-name instead of --user-pool-id"
            )
        raise LiveError(
            f"stack {target.stack_name} has no table {logical_id}; check the setup's table "
            "names against template.yaml"
        )
    return name


def _put_new_item(
    dynamodb: Any, table: str, item: Mapping[str, Any], writes: Writes, logical_id: str
) -> None:
    with aws_call("dynamodb:DescribeTable", f"table {table}"):
        schema = dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
    keys = [k["AttributeName"] for k in schema]
    missing = [k for k in keys if k not in item]
    if missing:
        raise LiveError(
            f"a {logical_id} record has no {', '.join(missing)}: the key of table {table}"
        )
    # Named by its key, which is never a secret.
    what = f"the {logical_id} item " + ", ".join(f"{k}={item[k]!r}" for k in keys)
    serialized = dynamodb_item(item)
    try:
        with aws_call(
            "dynamodb:PutItem",
            f"table {table}",
            expect={"ConditionalCheckFailedException"},
            failed=f"cannot write {what} to table {table}",
        ):
            dynamodb.put_item(
                TableName=table,
                Item=serialized,
                ConditionExpression="attribute_not_exists(#k)",
                ExpressionAttributeNames={"#k": keys[0]},
            )
    except ClientError:
        raise LiveError(
            f"{what} already exists in table {table}; the live replay never overwrites "
            "real data: delete it or change the setup"
        ) from None
    writes.items.append((table, {k: serialized[k] for k in keys}))


def seed_pool(
    session: boto3.Session,
    cognito: CognitoIdentityProviderClient,
    target: Target,
    setup: Setup,
    writes: Writes,
    clock: Callable[[], float],
    *,
    stack: Stack | None = None,
) -> None:
    """Create the setup's users and items in the deployed pool and tables, noting each in
    ``writes`` as soon as it exists (so that a failure half-way still undoes it). With the
    local ``stack``, a table's records go through its seeder, as in the emulator."""
    for user in setup.users:
        _create_user(cognito, target, user, writes)
    if not setup.tables:
        return
    dynamodb = session.client("dynamodb", region_name=target.region)
    for logical_id, records in setup.tables.items():
        items = records
        if stack is not None and logical_id in stack.tables:
            try:
                _, items = table_items(stack, logical_id, records, clock())
            except HarnessInputError as error:
                raise LiveError(str(error)) from None
        for item in items:
            _put_new_item(dynamodb, _table(target, logical_id), item, writes, logical_id)


def undo(
    session: boto3.Session,
    cognito: CognitoIdentityProviderClient,
    target: Target,
    writes: Writes,
) -> tuple[list[str], list[str]]:
    """Delete what the replay created; (what was deleted, what could not be, with the fix)."""
    done: list[str] = []
    failed: list[str] = []
    pool = target.user_pool_id
    for username in [*writes.call_users, *writes.users]:
        try:
            cognito.admin_delete_user(UserPoolId=pool, Username=username)
            done.append(f"user {username}")
        except ClientError as error:
            code, message = aws_error(error)
            if code == "UserNotFoundException":
                continue
            failed.append(
                f"user {username} ({code}: {message}; run: aws cognito-idp admin-delete-user "
                f"--user-pool-id {pool} --username {username} --region {target.region})"
            )
        except BotoCoreError as error:
            failed.append(f"user {username} ({one_line(error)})")
    if writes.items:
        dynamodb = session.client("dynamodb", region_name=target.region)
        deleted: dict[str, int] = {}
        for table, key in writes.items:
            try:
                dynamodb.delete_item(TableName=table, Key=key)
                deleted[table] = deleted.get(table, 0) + 1
            except (ClientError, BotoCoreError) as error:
                detail = " ".join(aws_error(error)) if isinstance(error, ClientError) else error
                failed.append(f"item {json.dumps(key)} of table {table} ({one_line(detail)})")
        done.extend(f"{plural(n, 'item')} of {table}" for table, n in deleted.items())
    return done, failed
