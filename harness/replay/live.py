"""Live replay: send a replay's calls to the DEPLOYED user pool and read what the triggers saw.

API, for the CLI::

    run_live(replay: Replay, *, stack_name: str | None = None, user_pool_id: str | None = None,
             client_id: str | None = None, region: str | None = None,
             profile: str | None = None, allow_writes: bool = False,
             log_wait_seconds: float = 10.0, session: boto3.Session | None = None,
             clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
             progress: Callable[[int, int, CallResult], None] | None = None,
             ) -> LiveReplayResult                      # a ReplayResult: report.* render it

    harness replay --live (--stack-name NAME | --user-pool-id ID --client-id ID)
                   [--region R] [--profile P] [--allow-writes] [--log-wait SECONDS] PATH...
        then render and exit exactly as for an emulated replay (1 when not result.ok);
        LiveError (harness.aws.errors) and ReplayError: print the message, exit 2.

What ``run_live`` does (the loop itself is :func:`harness.replay.runner.replay_calls`, with
:class:`LivePool` as its backend):

1. Refuses, before any AWS call, a replay that would write to the real pool without
   ``allow_writes``: setup users or table records, or a call other than
   a sign-in (``AdminInitiateAuth``, ``InitiateAuth``, the two ``RespondToAuthChallenge``) or a
   read (``Get*``, ``List*``, ``Describe*``, ``AdminGet*``, ``AdminList*``).
2. Finds the pool, the app client and the functions wired to its triggers
   (:func:`harness.aws.deployed.find_target`).
3. With ``allow_writes``: creates the setup's users and items, never over existing ones
   (:mod:`harness.replay.live_seed`).
4. Sends each call with boto3: its own UserPoolId / ClientId are replaced by the target's (the
   mapping is ``id_map``), ``${previous:...}`` references are filled from the previous response,
   and USER_SRP_AUTH given a PASSWORD is computed as an SDK would. The outcome is the response
   or the AWS error code and message.
5. Reads the triggers' records and REPORT lines from CloudWatch Logs and gives each record to
   its call (:mod:`harness.aws.logs`): the results come back with observed invocations
   (:class:`~harness.results.ObservedInvocation`), and the expectations are checked on those.
6. On the way out: deletes the users and items it created and, with ``allow_writes``, the
   users the calls created (a migrated user), so the next run starts from the same pool.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from harness.aws.deployed import Target, aws_session, find_target
from harness.aws.errors import NOT_DENIED, LiveError, aws_call, aws_error, one_line, plural
from harness.aws.logs import (
    RECORD_MESSAGE,
    CallSpan,
    collect_records,
    log_notes,
    match_records,
    observe,
    preflight_logs,
)
from harness.cognito import errors
from harness.redaction import redact_params
from harness.replay.live_seed import Writes, lookup_user, seed_pool, undo
from harness.replay.model import ApiCall, Replay
from harness.replay.runner import Progress, replay_calls
from harness.results import CallRecord, CallResult, LiveReplayResult
from harness.settings import Settings
from harness.stack import Stack

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

__all__ = ["SIGN_IN_OPERATIONS", "LivePool", "cognito_error", "run_live", "write_plan"]

SIGN_IN_OPERATIONS: Final = frozenset(
    {"AdminInitiateAuth", "InitiateAuth", "AdminRespondToAuthChallenge", "RespondToAuthChallenge"}
)
_READ_PREFIXES: Final = ("Get", "List", "Describe", "AdminGet", "AdminList")
#: Named like reads, but they send a message or change state.
_NOT_READS: Final = frozenset({"GetUserAttributeVerificationCode"})


# --------------------------------------------------------------------------- refusing writes


def write_plan(replay: Replay) -> list[str]:
    """What the replay would write to the real pool and tables, one phrase per kind."""
    setup = replay.setup
    plan: list[str] = []
    if setup.users:
        names = ", ".join(user.username for user in setup.users)
        plan.append(f"creates {plural(len(setup.users), 'user')} ({names})")
    for table, items in setup.tables.items():
        plan.append(f"writes {plural(len(items), 'item')} to {table}")
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


# --------------------------------------------------------------------------- sending calls


def cognito_error(code: str, message: str) -> errors.CognitoError:
    """The :class:`~harness.cognito.errors.CognitoError` for an AWS error code, known or not."""
    return errors.cognito_error(code, message)


def _retarget(params: dict[str, Any], target: Target, id_map: dict[str, str]) -> dict[str, Any]:
    shown = dict(params)
    for key, value in (("UserPoolId", target.user_pool_id), ("ClientId", target.client_id)):
        if key in shown:
            if isinstance(shown[key], str) and shown[key] != value:
                id_map.setdefault(shown[key], value)
            shown[key] = value
    return shown


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


def _request(
    cognito: Any, methods: Mapping[str, str], operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    method = methods.get(operation)
    if method is None:
        raise errors.UnsupportedOperationException(
            f"{operation} is not an operation of the Cognito user-pool API"
        )
    try:
        response = dict(getattr(cognito, method)(**params))
    except ParamValidationError as error:
        raise cognito_error("ParamValidationError", f"not sent: {one_line(error)}") from None
    response.pop("ResponseMetadata", None)
    return response


def _send(
    cognito: Any, call: ApiCall, params: dict[str, Any], methods: Mapping[str, str]
) -> CallRecord:
    """The call made with boto3; Cognito's errors are its outcome, a refusal a LiveError."""
    started = time.perf_counter()
    response: dict[str, Any] | None = None
    error: errors.CognitoError | None = None
    try:
        with aws_call(
            f"cognito-idp:{call.operation}",
            call.source,
            expect=NOT_DENIED,
            failed=f"{call.source}: {call.operation} failed",
        ):
            response = _json_safe(_request(cognito, methods, call.operation, params))
    except errors.CognitoError as raised:
        error = raised
    except ClientError as raised:
        error = cognito_error(*aws_error(raised))
    return CallRecord(
        operation=call.operation,
        source=call.source,
        request=redact_params(params),
        invocations=[],
        response=response,
        error=error,
        duration_ms=(time.perf_counter() - started) * 1000,
    )


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


# --------------------------------------------------------------------------- the backend


@dataclass(eq=False)
class LivePool:
    """The deployed pool as a replay :class:`~harness.replay.runner.Backend`.

    Use it as a context manager: leaving it deletes what the replay created, and a cleanup
    that fails is added to the notes, or to the error that ended the replay.
    """

    session: boto3.Session
    target: Target
    _: KW_ONLY
    allow_writes: bool
    log_wait_seconds: float
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    #: The local template: its tables' seeders turn setup records into items.
    stack: Stack | None = None
    #: The replay's own pool and client ids → the target's.
    id_map: dict[str, str] = field(default_factory=dict, init=False)
    #: The report's summary lines.
    notes: list[str] = field(default_factory=list, init=False)
    _writes: Writes = field(default_factory=Writes, init=False)
    _seeded: set[str] = field(default_factory=set, init=False)
    #: Each user name the calls give that the setup does not create → the pool's user name
    #: for it before the first call (None: not in the pool).
    _before: dict[str, str | None] = field(default_factory=dict, init=False)
    _spans: list[CallSpan] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        no_retries = Config(retries={"total_max_attempts": 1})
        self.cognito: CognitoIdentityProviderClient = self.session.client(
            "cognito-idp", region_name=self.target.region, config=no_retries
        )
        self.logs: Any = self.session.client("logs", region_name=self.target.region)
        preflight_logs(self.logs, self.target, int(self.clock() * 1000))
        self._methods = {
            api: method for method, api in self.cognito.meta.method_to_api_mapping.items()
        }
        self.notes.append(
            f'live: {self.target.label}; each cell is a trigger\'s "{RECORD_MESSAGE}" log '
            "record read from CloudWatch Logs (observed in AWS); a trigger that does not call "
            "read_metadata leaves no record and shows as not run"
        )
        if not self.target.functions:
            self.notes.append("the pool has no Lambda triggers: there is nothing to observe")

    @property
    def user_pool_id(self) -> str:
        return self.target.user_pool_id

    def seed(self, replay: Replay) -> None:
        ignored = [
            name
            for name, value in (("settings", replay.setup.settings), ("pool", replay.setup.pool))
            if value
        ]
        if ignored:
            self.notes.append(
                f"setup {' and '.join(ignored)} ignored live: the deployed pool decides "
                "(the named settings are the emulator's)"
            )
        seed_pool(
            self.session,
            self.cognito,
            self.target,
            replay.setup,
            self._writes,
            self.clock,
            stack=self.stack,
        )
        self._seeded = {user.username.casefold() for user in replay.setup.users}
        named = sorted(
            {n for call in replay.calls for n in _names_in(call.params) if "${" not in n}
        )
        self._before = {
            name: lookup_user(self.cognito, self.user_pool_id, name)
            for name in named
            if name.casefold() not in self._seeded
        }

    def send(self, call: ApiCall, params: dict[str, Any]) -> CallRecord:
        params = _retarget(params, self.target, self.id_map)
        started = self.clock()
        record = _send(self.cognito, call, params, self._methods)
        aliases = {name: found for name, found in self._before.items() if found}
        users = _users_of(params, record, aliases)
        self._spans.append(CallSpan(int(started * 1000), users, call.operation))
        return record

    def finish(self, results: list[CallResult]) -> list[CallResult]:
        """The results with what the triggers logged for each call (new objects)."""
        self._find_call_users()
        if not self._spans:
            return results
        collected = collect_records(
            self.logs,
            self.target.functions,
            start_ms=self._spans[0].started_ms,
            wait_seconds=self.log_wait_seconds,
            clock=self.clock,
            sleep=self.sleep,
        )
        per_call, unmatched = match_records(collected.records, self._spans)
        unmatched = [  # the setup's own AdminCreateUser ran PreSignUp: not traffic
            r
            for r in unmatched
            if not (
                r.trigger_source.endswith("_AdminCreateUser")
                and (r.user_name or "").casefold() in self._seeded
            )
        ]
        observed, notes = observe(results, per_call, collected.reports)
        self.notes.extend(notes)
        self.notes.extend(log_notes(collected, unmatched, self.log_wait_seconds, self.target))
        return observed

    def _find_call_users(self) -> None:
        """Note the users the calls created (a migrated user): deleted on the way out with
        ``allow_writes``, else named in a note."""
        created = [
            found
            for name, before in self._before.items()
            if before is None
            and (found := lookup_user(self.cognito, self.user_pool_id, name)) is not None
        ]
        if created and not self.allow_writes:
            self.notes.append(
                f"the calls created {', '.join(created)} in pool {self.user_pool_id}; left in "
                "place (no --allow-writes): delete them with aws cognito-idp admin-delete-user "
                "before the next run"
            )
        elif created:
            self._writes.call_users.extend(created)

    def __enter__(self) -> LivePool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        done, failed = undo(self.session, self.cognito, self.target, self._writes)
        if done:
            self.notes.append(f"cleanup: deleted {', '.join(done)}")
        if failed:
            message = f"cleanup FAILED, delete by hand: {'; '.join(failed)}"
            if exc is not None:
                raise LiveError(f"{exc}; and {message}") from exc
            self.notes.append(message)


# --------------------------------------------------------------------------- the replay


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
    progress: Progress | None = None,
    stack: Stack | None = None,
) -> LiveReplayResult:
    """Replay ``replay`` against the deployed pool; see the module docstring. ``stack`` is the
    local template, whose tables' seeders turn the setup's records into items.

    Cognito errors are outcomes; a problem with the target, the credentials or a permission,
    or a write refused, raises :class:`LiveError` (one line); a ``${previous:...}`` without a
    value raises :class:`ReplayError`. Whatever it created is deleted before it returns or
    raises.
    """
    _check_setup(replay, allow_writes)
    # The script's own -Region / -ProfileName, unless the command line names others.
    session = session or aws_session(
        region=region or replay.region,
        profile=profile or replay.profile,
        user_pool_id=user_pool_id,
    )
    target = find_target(
        session, stack_name=stack_name, user_pool_id=user_pool_id, client_id=client_id
    )
    pool = LivePool(
        session,
        target,
        allow_writes=allow_writes,
        log_wait_seconds=log_wait_seconds,
        clock=clock,
        sleep=sleep,
        stack=stack,
    )
    with pool:
        results = replay_calls(pool, replay, progress)
    return LiveReplayResult(
        results=results,
        template=target.stack_name or target.user_pool_id,
        invoker="live",
        settings=Settings(),
        id_map=pool.id_map,
        skipped=list(replay.skipped),
        user_pool_id=target.user_pool_id,
        client_id=target.client_id,
        notes=pool.notes,
        stack_name=target.stack_name,
        region=target.region,
    )
