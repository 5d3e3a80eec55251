"""Live replay: send a replay's calls to the DEPLOYED user pool and read what the triggers saw.

API, for the CLI::

    run_live(replay: Replay, *, stack_name: str | None = None, user_pool_id: str | None = None,
             client_id: str | None = None, region: str | None = None,
             profile: str | None = None, allow_writes: bool = False,
             log_wait_seconds: float = 10.0, session: boto3.Session | None = None,
             clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
             progress: Callable[[int, int, CallResult], None] | None = None,
             ) -> LiveReplayResult                      # a ReplayResult: report.* render it

    LambdaInvoker(*, stack_name: str | None = None, user_pool_id: str | None = None,
                  template: Stack | None = None, region: str | None = None,
                  profile: str | None = None, session: boto3.Session | None = None,
                  isolate_from_moto: bool = True)      # harness.invokers.lambda_; an Invoker

    LiveError                                   # harness.aws.deployed; a ValueError, one line

    harness replay --live (--stack-name NAME | --user-pool-id ID --client-id ID)
                   [--region R] [--profile P] [--allow-writes] [--log-wait SECONDS] PATH...
        result = run_live(load_replay(paths, setup), stack_name=..., user_pool_id=...,
                          client_id=..., region=..., profile=..., allow_writes=...,
                          log_wait_seconds=...)
        then render and exit exactly as for an emulated replay (1 when not result.ok);
        LiveError and ReplayError: print the message, exit 2.
    harness replay --invoke lambda (--stack-name NAME | --user-pool-id ID) [--region R]
                   [--profile P] PATH...
        invoker = LambdaInvoker(stack_name=..., user_pool_id=..., template=stack, region=...,
                                profile=...)          # before run_replay starts moto
        run_replay(loaded, stack, settings=settings, invoker=invoker)

What ``run_live`` does:

1. Refuses, before any AWS call, a replay that would write to the real pool without
   ``allow_writes``: setup users, legacy users, invitations or table items, or a call other than
   a sign-in (``AdminInitiateAuth``, ``InitiateAuth``, the two ``RespondToAuthChallenge``) or a
   read (``Get*``, ``List*``, ``Describe*``, ``AdminGet*``, ``AdminList*``).
2. Finds the pool, the app client and the functions wired to its triggers
   (:func:`harness.aws.deployed.find_target`).
3. With ``allow_writes``: creates the setup's users (AdminCreateUser with MessageAction
   SUPPRESS, AdminSetUserPassword Permanent for CONFIRMED users, AdminDisableUser,
   AdminAddUserToGroup) and writes its legacy users, invitations and table items to the
   stack's tables, never over existing users or items.
4. Sends each call with boto3: its own UserPoolId / ClientId are replaced by the target's (the
   mapping is ``id_map``), ``${previous:...}`` references are filled from the previous response
   (:func:`harness.replay.runner.substitute_previous`), and USER_SRP_AUTH given a PASSWORD is
   computed as an SDK would. The outcome is the response or the AWS error code and message.
5. Reads the triggers' ``trigger metadata`` log records (``triggers/app_metadata.py``) and their
   ``REPORT`` lines from CloudWatch Logs (``FilterLogEvents`` on ``/aws/lambda/<function>``
   from the first call's start, polling until records stop arriving or ``log_wait_seconds``
   pass), and gives each record to the call whose time window ``[start, next call's start)``
   holds it, preferring the call whose user it names (adjacent windows absorb clock skew).
   Each record is an :class:`ObservedInvocation` (``"observed": true`` in the JSON report).
6. Checks the expectations with :func:`harness.replay.runner.check`.
7. In a ``finally``: deletes the users and items it created and, with ``allow_writes``, the
   users the calls created (a migrated user), so the next run starts from the same pool.

A trigger that never calls ``read_metadata`` leaves no record, so it shows as not run; the
report's summary says so.
"""

from __future__ import annotations

import base64
import bisect
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from harness.aws.deployed import (
    DENIED_CODES,
    DeployedFunction,
    LiveError,
    Target,
    aws_error,
    aws_session,
    find_target,
    one_line,
    raise_live,
)
from harness.cognito import errors, srp
from harness.cognito.triggers import RANK, trigger_of
from harness.emulator.seeding import dynamodb_item, legacy_user_item
from harness.invokers.lambda_ import parse_report_line
from harness.redaction import redact_params
from harness.replay.expect import check
from harness.replay.model import ApiCall, Replay, SeedUser
from harness.replay.runner import act_as_sdk, substitute_previous
from harness.results import (
    CallRecord,
    CallResult,
    Invocation,
    LiveReplayResult,
    ObservedInvocation,
)
from harness.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

__all__ = [
    "LOG_FILTER_PATTERN",
    "RECORD_MESSAGE",
    "CallSpan",
    "LiveReplayResult",
    "ObservedInvocation",
    "TriggerRecord",
    "collect_records",
    "match_records",
    "parse_log_event",
    "run_live",
    "write_plan",
]

#: The message ``app_metadata.read_metadata`` logs, once per trigger invocation.
RECORD_MESSAGE: Final = "trigger metadata"
#: CloudWatch Logs filter: the trigger records and Lambda's REPORT lines (durations).
LOG_FILTER_PATTERN: Final = f'?"{RECORD_MESSAGE}" ?"REPORT RequestId"'
#: A key the trigger received but did not log the value of (undeclared in its schema).
NOT_LOGGED: Final = "[not logged]"
POLL_SECONDS: Final = 1.0
#: Stop polling once records have stopped arriving for this long.
SETTLE_SECONDS: Final = 5.0

SIGN_IN_OPERATIONS: Final = frozenset(
    {"AdminInitiateAuth", "InitiateAuth", "AdminRespondToAuthChallenge", "RespondToAuthChallenge"}
)
_READ_PREFIXES: Final = ("Get", "List", "Describe", "AdminGet", "AdminList")
#: Named like reads, but they send a message or change state.
_NOT_READS: Final = frozenset({"GetUserAttributeVerificationCode"})
#: Tie-break for records logged in the same millisecond: the order Cognito runs triggers in.
_RANK: Final = RANK


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class TriggerRecord:
    """One ``trigger metadata`` log record of a deployed function."""

    timestamp_ms: int
    function: DeployedFunction
    trigger_source: str
    user_name: str | None
    metadata_field: str | None
    metadata: dict[str, str] | None
    request_id: str | None
    line: str
    event_id: str = ""

    @property
    def trigger(self) -> str:
        return trigger_of(self.trigger_source)


@dataclass(frozen=True)
class CallSpan:
    """A call's start (ms since the epoch, local clock), the user names it is about
    (casefolded) and its operation."""

    started_ms: int
    users: frozenset[str] = frozenset()
    operation: str = ""

    def claims(self, record: TriggerRecord, *, own_window: bool) -> bool:
        """Whether this call may have caused ``record``: it is about the record's user, or, in
        its own window, names no user. ``*_AdminCreateUser`` records come only from
        AdminCreateUser calls (the setup's own AdminCreateUser runs PreSignUp too)."""
        if record.trigger_source.endswith("_AdminCreateUser") and (
            self.operation != "AdminCreateUser"
        ):
            return False
        user = record.user_name.casefold() if record.user_name else None
        if user is not None and user in self.users:
            return True
        return own_window and not self.users


# --------------------------------------------------------------------------- refusing writes


def write_plan(replay: Replay) -> list[str]:
    """What the replay would write to the real pool and tables, one phrase per kind."""
    setup = replay.setup
    plan: list[str] = []
    if setup.users:
        names = ", ".join(user.username for user in setup.users)
        plan.append(f"creates {_count(len(setup.users), 'user')} ({names})")
    if setup.legacy_users:
        plan.append(f"writes {_count(len(setup.legacy_users), 'legacy user')}")
    if setup.invitations:
        plan.append(f"writes {_count(len(setup.invitations), 'invitation')}")
    for table, items in setup.tables.items():
        plan.append(f"writes {_count(len(items), 'item')} to {table}")
    for call in replay.calls:
        read = call.operation.startswith(_READ_PREFIXES) and call.operation not in _NOT_READS
        if call.operation not in SIGN_IN_OPERATIONS and not read:
            plan.append(f"calls {call.operation} ({call.source})")
    return plan


def _check_setup(replay: Replay, allow_writes: bool) -> None:
    plan = write_plan(replay)
    if plan and not allow_writes:
        raise LiveError(
            f"the replay changes the real pool: it {'; '.join(plan)}; pass --allow-writes to "
            "let the harness make these changes and undo them afterwards"
        )
    for user in replay.setup.users:
        where = f"{user.source}: " if user.source else ""
        if user.status not in ("CONFIRMED", "FORCE_CHANGE_PASSWORD"):
            raise LiveError(
                f"{where}user '{user.username}' has status {user.status}, which the admin API "
                "cannot create in a real pool; use CONFIRMED or FORCE_CHANGE_PASSWORD live"
            )
        if user.mfa is not None:
            raise LiveError(
                f"{where}user '{user.username}' has MFA settings, which cannot be seeded in a "
                "real pool (a TOTP secret cannot be set); remove them for a live replay"
            )
        if not user.password:
            raise LiveError(
                f"{where}user '{user.username}' has no password in the setup; give one (the "
                "live replay sets it with AdminSetUserPassword)"
            )


# --------------------------------------------------------------------------- writing and undoing


@dataclass
class _Writes:
    """What the live replay created, to delete afterwards."""

    users: list[str] = field(default_factory=list)
    call_users: list[str] = field(default_factory=list)
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _lookup_user(cognito: CognitoIdentityProviderClient, pool_id: str, name: str) -> str | None:
    """The pool's user name for ``name`` (a user name or an alias), or None."""
    try:
        return cognito.admin_get_user(UserPoolId=pool_id, Username=name)["Username"]
    except ClientError as error:
        if aws_error(error)[0] == "UserNotFoundException":
            return None
        raise_live("cognito-idp:AdminGetUser", f"pool {pool_id}", error)


def _create_user(
    cognito: CognitoIdentityProviderClient, target: Target, user: SeedUser, writes: _Writes
) -> None:
    pool = target.user_pool_id
    if _lookup_user(cognito, pool, user.username) is not None:
        raise LiveError(
            f"user '{user.username}' already exists in pool {pool}; the live replay only "
            "creates and deletes its own users: delete it or rename the setup's user"
        )
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": k, "Value": v} for k, v in user.attributes.items()
    ]
    action = f"create user '{user.username}' in pool {pool}"
    try:
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
    except ClientError as error:
        code, message = aws_error(error)
        if code in DENIED_CODES:
            raise_live("cognito-idp:AdminCreateUser", f"pool {pool}", error)
        where = f"{user.source}: " if user.source else ""
        raise LiveError(f"{where}cannot {action}: {code}: {message}") from None


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
    dynamodb: Any, table: str, item: Mapping[str, Any], writes: _Writes, what: str
) -> None:
    try:
        schema = dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
    except (ClientError, BotoCoreError) as error:
        raise_live("dynamodb:DescribeTable", f"table {table}", error)
    keys = [k["AttributeName"] for k in schema]
    missing = [k for k in keys if k not in item]
    if missing:
        raise LiveError(f"{what} has no {', '.join(missing)}: the key of table {table}")
    serialized = dynamodb_item(item)
    try:
        dynamodb.put_item(
            TableName=table,
            Item=serialized,
            ConditionExpression="attribute_not_exists(#k)",
            ExpressionAttributeNames={"#k": keys[0]},
        )
    except ClientError as error:
        code, message = aws_error(error)
        if code == "ConditionalCheckFailedException":
            raise LiveError(
                f"{what} already exists in table {table}; the live replay never overwrites "
                "real data: delete it or change the setup"
            ) from None
        if code in DENIED_CODES:
            raise_live("dynamodb:PutItem", f"table {table}", error)
        raise LiveError(f"cannot write {what} to table {table}: {code}: {message}") from None
    writes.items.append((table, {k: serialized[k] for k in keys}))


def _seed(
    session: boto3.Session,
    cognito: CognitoIdentityProviderClient,
    target: Target,
    replay: Replay,
    writes: _Writes,
    clock: Callable[[], float],
) -> None:
    setup = replay.setup
    for user in setup.users:
        _create_user(cognito, target, user, writes)
    if not (setup.legacy_users or setup.invitations or setup.tables):
        return
    dynamodb = session.client("dynamodb", region_name=target.region)
    for item in setup.legacy_users:
        legacy = legacy_user_item(item)
        what = f"legacy user '{legacy['username']}' (realm '{legacy['realm']}')"
        _put_new_item(dynamodb, _table(target, "LegacyUsersTable"), legacy, writes, what)
    for item in setup.invitations:
        invitation = dict(item)
        invitation.setdefault(
            "expires_at", int(clock()) + int(invitation.pop("expires_in", 86_400))
        )
        what = f"invitation '{invitation.get('code')}'"
        _put_new_item(dynamodb, _table(target, "InvitationsTable"), invitation, writes, what)
    for logical_id, items in setup.tables.items():
        for item in items:
            _put_new_item(
                dynamodb, _table(target, logical_id), item, writes, f"an item of {logical_id}"
            )


def _undo(
    session: boto3.Session,
    cognito: CognitoIdentityProviderClient,
    target: Target,
    writes: _Writes,
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
        done.extend(f"{_count(n, 'item')} of {table}" for table, n in deleted.items())
    return done, failed


# --------------------------------------------------------------------------- sending calls


_ERROR_CLASSES: dict[str, type[errors.CognitoError]] = {}


def cognito_error(code: str, message: str) -> errors.CognitoError:
    """The :class:`~harness.cognito.errors.CognitoError` for an AWS error code, known or not."""
    cls = errors.BY_CODE.get(code) or _ERROR_CLASSES.get(code)
    if cls is None:
        cls = cast(type[errors.CognitoError], type(code, (errors.CognitoError,), {"code": code}))
        _ERROR_CLASSES[code] = cls
    return cls(message)


def _retarget(params: dict[str, Any], target: Target, id_map: dict[str, str]) -> dict[str, Any]:
    shown = dict(params)
    for key, value in (("UserPoolId", target.user_pool_id), ("ClientId", target.client_id)):
        if key in shown:
            if isinstance(shown[key], str) and shown[key] != value:
                id_map.setdefault(shown[key], value)
            shown[key] = value
    return shown


def _send(
    cognito: Any, call: ApiCall, params: dict[str, Any], methods: Mapping[str, str]
) -> CallRecord:
    record = CallRecord(
        operation=call.operation,
        source=call.source,
        request=redact_params(params),
        invocations=[],
    )
    started = time.perf_counter()
    method = methods.get(call.operation)
    try:
        if method is None:
            raise errors.UnsupportedOperationException(
                f"{call.operation} is not an operation of the Cognito user-pool API"
            )
        response = dict(getattr(cognito, method)(**params))
        response.pop("ResponseMetadata", None)
        record.response = _json_safe(response)
    except errors.CognitoError as error:
        record.error = error
    except ClientError as error:
        code, message = aws_error(error)
        if code in DENIED_CODES:
            raise_live(f"cognito-idp:{call.operation}", f"{call.source}", error)
        record.error = cognito_error(code, message)
    except ParamValidationError as error:
        record.error = cognito_error("ParamValidationError", f"not sent: {one_line(error)}")
    except BotoCoreError as error:
        raise LiveError(f"{call.source}: {call.operation} failed: {one_line(error)}") from None
    record.duration_ms = (time.perf_counter() - started) * 1000
    return record


def _names_in(params: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    if isinstance(params.get("Username"), str):
        names.add(params["Username"])
    for key in ("AuthParameters", "ChallengeResponses"):
        block = params.get(key)
        if isinstance(block, Mapping) and isinstance(block.get("USERNAME"), str):
            names.add(block["USERNAME"])
    return names


def _jwt_username(token: Any) -> str | None:
    try:
        payload = str(token).split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    name = claims.get("cognito:username") or claims.get("username")
    return name if isinstance(name, str) else None


def _users_of(
    params: Mapping[str, Any], record: CallRecord, aliases: Mapping[str, str]
) -> frozenset[str]:
    """Every name the call's trigger records may carry as ``userName``, casefolded."""
    names = _names_in(params)
    response = record.response or {}
    challenge = response.get("ChallengeParameters")
    if isinstance(challenge, Mapping):
        names.update(
            v
            for k, v in challenge.items()
            if k in ("USERNAME", "USER_ID_FOR_SRP") and isinstance(v, str)
        )
    tokens = response.get("AuthenticationResult")
    if isinstance(tokens, Mapping):
        for key in ("IdToken", "AccessToken"):
            name = _jwt_username(tokens.get(key))
            if name:
                names.add(name)
    names.update(aliases[n] for n in list(names) if n in aliases)
    return frozenset(n.casefold() for n in names)


# --------------------------------------------------------------------------- reading the logs


def parse_log_event(event: Mapping[str, Any], function: DeployedFunction) -> TriggerRecord | None:
    """A ``trigger metadata`` record from a CloudWatch log event, or None for any other line."""
    message = str(event.get("message", "")).strip()
    start = message.find("{")
    if start < 0:
        return None
    try:
        data = json.loads(message[start:])
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("message") != RECORD_MESSAGE:
        return None
    source = data.get("triggerSource")
    if not isinstance(source, str) or not source:
        return None
    field_name = data.get("metadataField")
    metadata: dict[str, str] | None = None
    if field_name in ("validationData", "clientMetadata"):
        logged = data.get("metadata")
        logged = logged if isinstance(logged, dict) else {}
        keys = data.get("metadataKeys")
        keys = keys if isinstance(keys, list) else []
        metadata = {str(k): str(logged.get(k, NOT_LOGGED)) for k in keys}
        metadata.update({str(k): str(v) for k, v in logged.items()})
    else:
        field_name = None
    user = data.get("userName")
    request_id = data.get("function_request_id")
    return TriggerRecord(
        timestamp_ms=int(event.get("timestamp", 0)),
        function=function,
        trigger_source=source,
        user_name=user if isinstance(user, str) else None,
        metadata_field=field_name,
        metadata=metadata,
        request_id=request_id if isinstance(request_id, str) else None,
        line=message,
        event_id=str(event.get("eventId", "")),
    )


def _report_of(message: str) -> tuple[str, float | None, float | None] | None:
    """Lambda's ``REPORT RequestId: <id>\tDuration: 2.5 ms\t...\tInit Duration: ...`` line."""
    parts = message.split()
    if parts[:2] != ["REPORT", "RequestId:"] or len(parts) < 3:
        return None
    duration, init = parse_report_line(message)
    return parts[2], duration, init


def _fetch(logs: Any, group: str, start_ms: int) -> list[dict[str, Any]]:
    """Every event of ``group`` since ``start_ms`` matching the filter (all pages)."""
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "startTime": start_ms,
        "filterPattern": LOG_FILTER_PATTERN,
    }
    while True:
        page = logs.filter_log_events(**kwargs)
        events.extend(page.get("events", []))
        token = page.get("nextToken")
        if not token or token == kwargs.get("nextToken"):
            return events
        kwargs["nextToken"] = token


@dataclass
class Collected:
    records: list[TriggerRecord] = field(default_factory=list)
    #: Lambda's REPORT lines: request id → (Duration, Init Duration) in ms.
    reports: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    missing_groups: list[str] = field(default_factory=list)
    waited: float = 0.0


def collect_records(
    logs: Any,
    functions: Iterable[DeployedFunction],
    *,
    start_ms: int,
    wait_seconds: float,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
    settle_seconds: float = SETTLE_SECONDS,
) -> Collected:
    """Poll the functions' log groups until records stop arriving or ``wait_seconds`` pass.

    Stops early once something arrived and nothing new came for ``settle_seconds``; a trigger's
    record usually reaches CloudWatch a few seconds after it ran.
    """
    groups: dict[str, DeployedFunction] = {}
    for function in functions:
        groups.setdefault(function.log_group, function)
    collected = Collected()
    seen: set[tuple[str, str, int, str]] = set()
    began = clock()
    deadline = began + max(wait_seconds, 0.0)
    last_new = began
    while True:
        new = 0
        missing: list[str] = []
        for group, function in groups.items():
            try:
                events = _fetch(logs, group, start_ms)
            except ClientError as error:
                if aws_error(error)[0] == "ResourceNotFoundException":
                    missing.append(group)
                    continue
                raise_live("logs:FilterLogEvents", f"log group {group}", error)
            except BotoCoreError as error:
                raise_live("logs:FilterLogEvents", f"log group {group}", error)
            for event in events:
                message = str(event.get("message", ""))
                key = (
                    group,
                    str(event.get("logStreamName", "")),
                    int(event.get("timestamp", 0)),
                    str(event.get("eventId") or message),
                )
                if key in seen:
                    continue
                seen.add(key)
                new += 1
                report = _report_of(message.strip())
                if report is not None:
                    collected.reports[report[0]] = report[1:]
                    continue
                record = parse_log_event(event, function)
                if record is not None:
                    collected.records.append(record)
        collected.missing_groups = missing
        now = clock()
        if new:
            last_new = now
        if now >= deadline or (seen and now - last_new >= settle_seconds):
            collected.waited = now - began
            return collected
        sleep(max(min(poll_seconds, deadline - now), 0.0))


def _order(record: TriggerRecord) -> tuple[int, int, str]:
    return record.timestamp_ms, _RANK.get(record.trigger, len(_RANK)), record.event_id


def match_records(
    records: Iterable[TriggerRecord], spans: list[CallSpan]
) -> tuple[list[list[TriggerRecord]], list[TriggerRecord]]:
    """Give each record to a call: the one whose window ``[start, next start)`` holds it when
    that call is about the record's user (or names no user); else an adjacent call about that
    user (clock skew between this machine and AWS). Returns the records per call, in log
    order, and the records no call claims (another client's traffic on the pool)."""
    starts = [span.started_ms for span in spans]
    matched: list[list[TriggerRecord]] = [[] for _ in spans]
    unmatched: list[TriggerRecord] = []
    for record in sorted(records, key=_order):
        index = bisect.bisect_right(starts, record.timestamp_ms) - 1
        chosen: int | None = None
        if index >= 0:  # a record logged before the first call is not the replay's
            for near in (index, index + 1, index - 1):
                if 0 <= near < len(spans) and spans[near].claims(record, own_window=near == index):
                    chosen = near
                    break
        if chosen is None:
            unmatched.append(record)
        else:
            matched[chosen].append(record)
    return matched, unmatched


def _invocations(
    records: list[TriggerRecord],
    record: CallRecord,
    reports: Mapping[str, tuple[float | None, float | None]],
) -> tuple[list[Invocation], list[str]]:
    """The call's invocations, and the trigger its error names when none of its records does."""
    invocations: list[Invocation] = []
    for item in records:
        duration, init = reports.get(item.request_id or "", (None, None))
        invocations.append(
            ObservedInvocation(
                trigger=item.trigger,
                trigger_source=item.trigger_source,
                function=item.function.label,
                metadata_field=item.metadata_field,
                metadata=item.metadata,
                duration_ms=duration or 0.0,
                init_duration_ms=init,
                logs=item.line,
                log_group=item.function.log_group,
                request_id=item.request_id,
                logged_at_ms=item.timestamp_ms,
            )
        )
    unobserved: list[str] = []
    if record.error is not None:
        message = record.error.message
        failed = next(
            (
                name
                for name in [*{i.trigger for i in invocations}, *_RANK]
                if message.startswith((f"{name} failed with error", f"{name} invocation failed"))
            ),
            None,
        )
        if failed is not None:
            runs = [i for i in invocations if i.trigger == failed]
            if runs:
                runs[-1].error = record.error.to_dict()
            else:
                unobserved.append(failed)
    return invocations, unobserved


# --------------------------------------------------------------------------- the replay


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _preflight_logs(logs: Any, target: Target, now_ms: int) -> None:
    """Fail before the first call when the caller cannot read the log groups."""
    for group in dict.fromkeys(f.log_group for f in target.functions):
        try:
            logs.filter_log_events(
                logGroupName=group, startTime=now_ms, limit=1, filterPattern=LOG_FILTER_PATTERN
            )
        except ClientError as error:
            if aws_error(error)[0] != "ResourceNotFoundException":
                raise_live("logs:FilterLogEvents", f"log group {group}", error)
        except BotoCoreError as error:
            raise_live("logs:FilterLogEvents", f"log group {group}", error)


def run_live(
    replay: Replay,
    *,
    stack_name: str | None = None,
    user_pool_id: str | None = None,
    client_id: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    allow_writes: bool = False,
    log_wait_seconds: float = 10.0,
    session: boto3.Session | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int, CallResult], None] | None = None,
) -> LiveReplayResult:
    """Replay ``replay`` against the deployed pool; see the module docstring.

    Cognito errors are outcomes; a problem with the target, the credentials or a permission,
    or a write refused, raises :class:`LiveError` (one line); a ``${previous:...}`` without a
    value raises :class:`ReplayError`. Whatever it created is deleted before it returns or
    raises.
    """
    _check_setup(replay, allow_writes)
    session = session or aws_session(region=region, profile=profile, user_pool_id=user_pool_id)
    target = find_target(
        session, stack_name=stack_name, user_pool_id=user_pool_id, client_id=client_id
    )
    no_retries = Config(retries={"total_max_attempts": 1})
    cognito: CognitoIdentityProviderClient = session.client(
        "cognito-idp", region_name=target.region, config=no_retries
    )
    logs: Any = session.client("logs", region_name=target.region)
    _preflight_logs(logs, target, int(clock() * 1000))
    methods = {api: method for method, api in cognito.meta.method_to_api_mapping.items()}

    notes = [
        f'live: {target.label}; each cell is a trigger\'s "{RECORD_MESSAGE}" log record read '
        "from CloudWatch Logs (observed in AWS); a trigger that does not call read_metadata "
        "leaves no record and shows as not run"
    ]
    if not target.functions:
        notes.append("the pool has no Lambda triggers: there is nothing to observe")
    ignored = [
        name
        for name, value in (("settings", replay.setup.settings), ("pool", replay.setup.pool))
        if value
    ]
    if ignored:
        notes.append(
            f"setup {' and '.join(ignored)} ignored live: the deployed pool decides "
            "(the named settings are the emulator's)"
        )

    writes = _Writes()
    id_map: dict[str, str] = {}
    results: list[CallResult] = []
    failure: BaseException | None = None
    try:
        _seed(session, cognito, target, replay, writes, clock)
        seeded = {user.username.casefold() for user in replay.setup.users}
        named = sorted(
            {n for call in replay.calls for n in _names_in(call.params) if "${" not in n}
        )
        before = {
            name: _lookup_user(cognito, target.user_pool_id, name)
            for name in named
            if name.casefold() not in seeded
        }
        aliases = {name: found for name, found in before.items() if found}

        spans: list[CallSpan] = []
        previous: Mapping[str, Any] | None = None
        sdk: srp.Client | None = None
        for number, call in enumerate(replay.calls, 1):
            params = substitute_previous(call.params, previous, call.source)
            params = _retarget(params, target, id_map)
            params, sdk = act_as_sdk(target.user_pool_id, call.operation, params, sdk, previous)
            started = clock()
            record = _send(cognito, call, params, methods)
            users = _users_of(params, record, aliases)
            spans.append(CallSpan(int(started * 1000), users, call.operation))
            result = CallResult(call=call, record=record)
            results.append(result)
            previous = record.response
            if progress is not None:
                progress(number, len(replay.calls), result)

        created = [name for name, found in before.items() if found is None]
        for name in created:
            now_called = _lookup_user(cognito, target.user_pool_id, name)
            if now_called is not None:
                writes.call_users.append(now_called)
        if writes.call_users and not allow_writes:
            notes.append(
                f"the calls created {', '.join(writes.call_users)} in pool "
                f"{target.user_pool_id}; left in place (no --allow-writes): delete them with "
                "aws cognito-idp admin-delete-user before the next run"
            )
            writes.call_users = []

        if spans:
            collected = collect_records(
                logs,
                target.functions,
                start_ms=spans[0].started_ms,
                wait_seconds=log_wait_seconds,
                clock=clock,
                sleep=sleep,
            )
            per_call, unmatched = match_records(collected.records, spans)
            unmatched = [  # the setup's own AdminCreateUser ran PreSignUp: not traffic
                r
                for r in unmatched
                if not (
                    r.trigger_source.endswith("_AdminCreateUser")
                    and (r.user_name or "").casefold() in seeded
                )
            ]
            for result, records in zip(results, per_call, strict=True):
                invocations, unobserved = _invocations(records, result.record, collected.reports)
                result.record.invocations = invocations
                for trigger in unobserved:
                    notes.append(
                        f"{result.call.source}: {trigger} failed (the call's error says so) but "
                        "left no trigger metadata record"
                    )
                result.failures = check(result.call.expect, result.record)
            notes.extend(_log_notes(collected, unmatched, log_wait_seconds, target))
    except BaseException as error:
        failure = error
        raise
    finally:
        done, failed = _undo(session, cognito, target, writes)
        if done:
            notes.append(f"cleanup: deleted {', '.join(done)}")
        if failed:
            message = f"cleanup FAILED, delete by hand: {'; '.join(failed)}"
            if failure is not None:
                raise LiveError(f"{failure}; and {message}") from failure
            notes.append(message)

    return LiveReplayResult(
        results=results,
        template=target.stack_name or target.user_pool_id,
        invoker="live",
        settings=Settings(),
        id_map=id_map,
        skipped=list(replay.skipped),
        user_pool_id=target.user_pool_id,
        client_id=target.client_id,
        notes=notes,
        stack_name=target.stack_name,
        region=target.region,
    )


def _log_notes(
    collected: Collected, unmatched: list[TriggerRecord], wait: float, target: Target
) -> list[str]:
    notes: list[str] = []
    if collected.missing_groups:
        notes.append(
            f"no log group {', '.join(collected.missing_groups)} yet (those functions never logged)"
        )
    if not collected.records and target.functions:
        notes.append(
            f"no trigger records arrived within {wait:g}s: raise --log-wait, or check that "
            "the functions log to /aws/lambda/<function name>"
        )
    if unmatched:
        shown = ", ".join(
            f"{r.trigger} for {r.user_name or '?'} at "
            + datetime.fromtimestamp(r.timestamp_ms / 1000, UTC).strftime("%H:%M:%S.%f")[:-3]
            for r in unmatched[:3]
        )
        more = f" and {len(unmatched) - 3} more" if len(unmatched) > 3 else ""
        notes.append(
            f"{_count(len(unmatched), 'trigger record')} in the replay's time span matched no "
            f"call (other traffic on the pool, or clock skew): {shown}{more}"
        )
    return notes
