"""The emulated user pool: moto holds the state, the harness adds what moto lacks.

moto (in-process, ``mock_aws``) holds the pool, the app client, users, passwords, statuses and
signing keys, and the DynamoDB tables the triggers use. When the invoker runs the functions in
other processes (``--invoke rie``), it publishes the moto server their AWS calls go to
(``aws_endpoint_url``, see :mod:`harness.invokers.local_aws`), and the tables are created and
seeded through that endpoint so the functions find them. The harness adds trigger dispatch with
Cognito's ClientMetadata routing, trigger results applied, and Cognito's trigger errors. This
module builds the pool and seeds it; each call runs through :mod:`harness.emulator.service`
against a :class:`~harness.emulator.context.Target` (the template's pool, or one adopted).

Everything comes from the SAM template: the pool and client settings, which function serves
which trigger, and the tables, under the names the functions see in their environment.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cognitoidp.exceptions import InvalidParameterException as MotoInvalidParameter
from moto.cognitoidp.models import CognitoIdpUser, cognitoidp_backends

from harness import startup
from harness.cognito import errors
from harness.emulator import ids, moto_work  # noqa: F401 (moto_work: moto's work deferred)
from harness.emulator.context import SESSION_SECONDS, Target
from harness.emulator.dispatch import TriggerDispatcher
from harness.emulator.overrides import OVERRIDABLE, apply_overrides, named
from harness.emulator.own_calls import harness_own_calls
from harness.emulator.sdk_secret import with_secret_hash
from harness.emulator.seeding import SeedError, check_items, dynamodb_item, table_items
from harness.emulator.senders import SenderKey, create_sender_key
from harness.emulator.service import execute
from harness.emulator.sessions import SessionStore
from harness.emulator.template_resources import create_pool_resources
from harness.emulator.tokens import install_pool_key, pool_keys_dir
from harness.emulator.users import user_attributes, username_for
from harness.invokers import Invoker, aws_endpoint_url_of, make_invoker
from harness.invokers.local_aws import set_up_sandbox, trigger_client
from harness.results import CallRecord
from harness.settings import Settings
from harness.stack import (
    ClientSpec,
    FunctionSpec,
    PoolSpec,
    Stack,
    fill_placeholders,
    load_stack,
)

if TYPE_CHECKING:  # the snapshot module (moto's DynamoDB, KMS, SES models) loads when used
    from harness.emulator.snapshot import Snapshot

__all__ = ["SESSION_SECONDS", "Emulator"]

_log = logging.getLogger(__name__)


class Emulator:
    """A local Cognito user pool built from a SAM template, with its triggers wired.

    Use as a context manager; it starts moto's in-process mock on enter and stops it on exit.
    """

    def __init__(
        self,
        stack: Stack | Path | str = "template.yaml",
        *,
        settings: Settings | None = None,
        invoker: Invoker | None = None,
        pool: str | None = None,
        client: str | None = None,
        clock: Callable[[], float] = time.time,
        overrides: Mapping[str, Any] | None = None,
        require_client: bool = True,
        stable_ids: bool = False,
    ) -> None:
        """``client`` (a logical id or ClientName) is the app client that ids unknown to the
        emulator map onto; every client of the pool is created. With several clients and none
        named, ``require_client`` refuses (a replay's ids would map onto a guess); without it
        (``harness serve``) the first is the default."""
        self.stack = stack if isinstance(stack, Stack) else load_stack(Path(stack))
        self.settings = settings or Settings()
        # By default each function by its runtime (``--invoke auto``): in-process for Python.
        self.invoker: Invoker = invoker or make_invoker("auto", self.stack)
        self.pool_spec = named(self.stack.pools, pool, "pool", self.stack) or (
            self.stack.default_pool
        )
        #: Every app client of the pool, created at start (template order).
        self.client_specs = {
            lid: c
            for lid, c in self.stack.clients.items()
            if c.pool_logical_id == self.pool_spec.logical_id
        }
        if client:
            self.client_spec = named(self.stack.clients, client, "client", self.stack)
        elif len(self.client_specs) == 1 or (self.client_specs and not require_client):
            self.client_spec = next(iter(self.client_specs.values()))
        else:
            self.client_spec = self.stack.default_client
        if overrides:
            self.pool_spec, self.client_spec = apply_overrides(
                self.pool_spec, self.client_spec, overrides, self.stack.account_id
            )
        self.clock = clock
        self.region = self.stack.region
        self.sessions = SessionStore()
        #: Pools created through the API that were given the template's triggers.
        self._adopted: dict[str, PoolSpec] = {}
        self.calls: list[CallRecord] = []
        #: Ids seen in calls (a deployed pool's) mapped onto the emulated ones.
        self.id_map: dict[str, str] = {}
        #: The pool's KMSKeyID, created in the emulated KMS at start (custom senders).
        self.sender_key: SenderKey | None = None
        self._mock: Any = None
        #: Ids derived from the template (:mod:`harness.emulator.ids`) instead of moto's random.
        self.stable_ids = stable_ids
        self.user_pool_id = ""
        self.client_id = ""

    #: Pool and client settings a replay's ``setup.pool`` may change.
    OVERRIDABLE = OVERRIDABLE

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, snapshot: Snapshot | None = None) -> None:
        """Start moto's mock and build the pool, or put back a ``snapshot`` of the same stack,
        pool and client (:meth:`snapshot`), which is much faster than building."""
        self._mock = mock_aws()
        self._mock.start()
        try:
            if snapshot is None:
                self._build()
            else:
                self._restore(snapshot)
        except BaseException:
            self.stop()
            raise
        startup.ready()  # the command line's start-up is over (harness.startup)

    def stop(self) -> None:
        self.invoker.close()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    #: The emulator's own state, besides moto's, that a snapshot holds.
    _OWN_STATE = (
        "calls",
        "sessions",
        "id_map",
        "_adopted",
        "user_pool_id",
        "client_id",
        "client_ids",
        "sender_key",
    )

    def snapshot(self) -> Snapshot:
        """This started emulator's state (moto's backends of the stack's services, and its own),
        to start other emulators of the same stack, pool and client from
        (:mod:`harness.emulator.snapshot`); settings and the invoker may differ."""
        from harness.emulator.snapshot import take as take_snapshot

        own = {name: getattr(self, name) for name in self._OWN_STATE}
        built_from = (self.stack.account_id, self.region, self.pool_spec, self.client_spec)
        return take_snapshot(self.stack.account_id, self.region, own, built_from)

    def _restore(self, snapshot: Snapshot) -> None:
        here = (self.stack.account_id, self.region, self.pool_spec, self.client_spec)
        if snapshot.built_from != here:
            raise ValueError("the snapshot is of another stack, pool, client or overrides")
        snapshot.install()
        for name, value in snapshot.own().items():
            setattr(self, name, value)
        if self.sender_key is not None:  # reach KMS through this emulator's own AWS
            self.sender_key = dataclasses.replace(
                self.sender_key, kms_client=lambda: self.trigger_client("kms")
            )
        self._wire()

    def _build(self) -> None:
        with harness_own_calls():  # the harness's own set-up is not the app's traffic
            self._create_resources()
        self._wire()
        create_pool_resources(self.target, self.stack, self.pool_spec)

    def _create_resources(self) -> None:
        # The tables through the AWS the triggers reach (the in-process mock, or the invoker's
        # local server). The pool and clients straight into moto's cognito-idp backend, as
        # moto's CreateUserPool, SetUserPoolMfaConfig and CreateUserPoolClient handlers pass
        # their requests on: no boto3 client to build (its models and endpoints to load).
        if self.stack.tables:
            dynamodb = self.trigger_client("dynamodb")
            for table in self.stack.tables.values():
                dynamodb.create_table(**table.create_table_kwargs())
        set_up_sandbox(self.stack, aws_endpoint_url_of(self.invoker), self.region)
        backend = cognitoidp_backends[self.stack.account_id][self.region]
        request = _as_sent(self.pool_spec.create_user_pool_kwargs())
        self.user_pool_id = backend.create_user_pool(request.pop("PoolName"), request).id
        if self.stable_ids:
            stable = ids.stable_pool_id(self.region, self.pool_spec.logical_id, self.pool_spec.name)
            ids.rename_pool(backend, self.user_pool_id, stable)
            self.user_pool_id = stable
        mfa = _as_sent(self.pool_spec.set_user_pool_mfa_config_kwargs(self.user_pool_id))
        if mfa:
            sms, token = mfa.get("SmsMfaConfiguration"), mfa.get("SoftwareTokenMfaConfiguration")
            if sms is None and token is None:  # moto's (and Cognito's) check of the request
                raise MotoInvalidParameter(
                    "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] "
                    "must be provided."
                )
            backend.set_user_pool_mfa_config(self.user_pool_id, sms, token, mfa["MfaConfiguration"])
        #: The emulated ClientId of each app client (logical id → id).
        self.client_ids: dict[str, str] = {}
        specs = {**self.client_specs, self.client_spec.logical_id: self.client_spec}
        for logical_id, spec in specs.items():
            request = _as_sent(spec.create_user_pool_client_kwargs(self.user_pool_id))
            client = backend.create_user_pool_client(
                request.pop("UserPoolId"), request.pop("GenerateSecret", False), request
            )
            client_id = client.id
            if self.stable_ids:
                stable = ids.stable_client_id(self.user_pool_id, logical_id)
                ids.rename_client(backend.user_pools[self.user_pool_id], client_id, stable)
                client_id = stable
            self.client_ids[logical_id] = client_id
        self.client_id = self.client_ids[self.client_spec.logical_id]
        template_key = (self.pool_spec.properties.get("LambdaConfig") or {}).get("KMSKeyID")
        if template_key:
            arn = create_sender_key(self.trigger_client("kms"), template_key, self.pool_spec.name)
            self.sender_key = SenderKey(arn, template_key, lambda: self.trigger_client("kms"))

    def _wire(self) -> None:
        _log.debug(
            "pool %s (%s) and client %s (%s) created from %s",
            self.user_pool_id,
            self.pool_spec.logical_id,
            self.client_id,
            self.client_spec.logical_id,
            self.stack.path,
        )
        known = {
            f"{self.pool_spec.logical_id}:Id": self.user_pool_id,
            f"{self.pool_spec.logical_id}:ProviderName": (
                f"cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"
            ),
        }
        for logical_id, client_id in self.client_ids.items():
            known[f"{logical_id}:Id"] = known[f"{logical_id}:ClientId"] = client_id
        functions: dict[str, FunctionSpec] = {}
        for trigger, logical_id in self.pool_spec.triggers.items():
            spec = self.stack.functions[logical_id]
            environment = fill_placeholders(spec.environment, known)
            if self.sender_key is not None:
                # A function names the pool's key as the template does (!GetAtt Key.Arn): the
                # key created in the emulated KMS stands in for it.
                environment = {
                    name: self.sender_key.arn if value == self.sender_key.template_id else value
                    for name, value in environment.items()
                }
            functions[trigger] = dataclasses.replace(spec, environment=environment)
        for trigger, arn in self.pool_spec.external_triggers.items():
            functions.setdefault(trigger, FunctionSpec.outside(arn))
        for trigger, why in self.pool_spec.invoke_denied.items():
            if trigger in functions:
                functions[trigger] = dataclasses.replace(functions[trigger], invoke_denied=why)
        self._functions = functions
        self.dispatcher = self._dispatcher(self.client_spec.prevent_user_existence_errors)
        backend = cognitoidp_backends[self.stack.account_id][self.region]
        self.backend = backend
        self.pool = backend.user_pools[self.user_pool_id]
        install_pool_key(self.pool, keep_in=pool_keys_dir() if self.stable_ids else None)
        #: The template's pool and client, as calls run against them.
        self.target = Target(
            backend=backend,
            pool=self.pool,
            pool_spec=self.pool_spec,
            client_id=self.client_id,
            client_spec=self.client_spec,
            dispatcher=self.dispatcher,
            settings=self.settings,
            clock=self.clock,
            sessions=self.sessions,
            id_map=self.id_map,
            sender_key=self.sender_key,
        )

    def client_target(self, logical_id: str) -> Target:
        """The template's pool as app client ``logical_id`` calls it."""
        spec = {**self.client_specs, self.client_spec.logical_id: self.client_spec}[logical_id]
        if spec is self.client_spec:
            return self.target
        dispatcher = self._dispatcher(spec.prevent_user_existence_errors)
        return dataclasses.replace(
            self.target,
            client_id=self.client_ids[logical_id],
            client_spec=spec,
            dispatcher=dispatcher,
        )

    def client_secrets(self) -> dict[str, str | None]:
        """Each app client's secret (None without GenerateSecret), by logical id."""
        return {lid: self.client_target(lid).client_secret for lid in self.client_ids}

    def _dispatcher(self, prevent_user_existence_errors: bool) -> TriggerDispatcher:
        return TriggerDispatcher(
            self._functions,
            self.invoker,
            self.settings,
            region=self.region,
            user_pool_id=self.user_pool_id,
            pre_token_version=self.pool_spec.pre_token_generation_version,
            prevent_user_existence_errors=prevent_user_existence_errors,
        )

    def trigger_client(self, service: str) -> Any:
        """A boto3 client of the AWS the triggers call: the invoker's endpoint, else the mock."""
        return trigger_client(service, self.region, aws_endpoint_url_of(self.invoker))

    # ------------------------------------------------------------------ the template pool

    @property
    def client_secret(self) -> str | None:
        """The app client's secret, when it has one (GenerateSecret)."""
        return self.target.client_secret

    def secret_hash(self, username: str) -> str | None:
        """SECRET_HASH for ``username`` with the app client's (emulated) secret, as the app's
        code computes it with the deployed one; None when the client has no secret."""
        return self.target.secret_hash(username)

    def find_user(self, username: str) -> CognitoIdpUser | None:
        return self.target.find_user(username)

    def user_attributes(self, user: CognitoIdpUser, *, with_status: bool = False) -> dict[str, str]:
        return user_attributes(user, with_status=with_status)

    def create_user(
        self,
        username: str,
        *,
        password: str | None,
        status: str,
        attributes: Mapping[str, str],
    ) -> CognitoIdpUser:
        return self.target.create_user(
            username, password=password, status=status, attributes=attributes
        )

    # ------------------------------------------------------------------ pools created by API

    def adopt_pool(self, user_pool_id: str) -> None:
        """Give a pool created through the API (so held by moto alone) the template's triggers.

        ``harness serve --wire-created-pools`` calls this for every CreateUserPool. Calls that
        name the pool (UserPoolId) or one of its app clients (ClientId) then run with the
        template's trigger functions, the pool's own settings and the client's own flags.
        """
        pool = self.backend.user_pools.get(user_pool_id)
        if pool is None:
            raise KeyError(f"no user pool {user_pool_id}")
        install_pool_key(pool)
        config = pool.extended_config
        spec = dataclasses.replace(
            self.pool_spec,
            logical_id=user_pool_id,
            name=pool.name,
            properties=dict(config),
            mfa_configuration=str(pool.mfa_config or "OFF"),
            username_attributes=tuple(config.get("UsernameAttributes") or ()),
            alias_attributes=tuple(config.get("AliasAttributes") or ()),
            auto_verified_attributes=tuple(config.get("AutoVerifiedAttributes") or ()),
        )
        self._adopted[user_pool_id] = spec

    @property
    def adopted_pools(self) -> tuple[str, ...]:
        return tuple(self._adopted)

    def _target_for(self, params: Mapping[str, Any]) -> Target:
        """The adopted pool a call names (by UserPoolId, or one of its ClientIds), else the
        template's."""
        pool_id, client_id = params.get("UserPoolId"), params.get("ClientId")
        for adopted in self._adopted:
            clients = self.backend.user_pools[adopted].clients
            if pool_id == adopted or (isinstance(client_id, str) and client_id in clients):
                chosen = client_id if client_id in clients else next(iter(clients), "")
                return self._adopted_target(adopted, str(chosen))
        for logical_id, emulated in self.client_ids.items():
            if client_id == emulated and emulated != self.client_id:
                return self.client_target(logical_id)
        return self.target

    def _adopted_target(self, pool_id: str, client_id: str) -> Target:
        pool = self.backend.user_pools[pool_id]
        client = pool.clients.get(client_id)
        config = client.extended_config if client is not None else {}
        client_spec = ClientSpec(
            logical_id=client_id,
            name=str(config.get("ClientName", client_id)),
            pool_logical_id=pool_id,
            explicit_auth_flows=tuple(config.get("ExplicitAuthFlows") or ()),
            prevent_user_existence_errors=config.get("PreventUserExistenceErrors") == "ENABLED",
            generate_secret=bool(getattr(client, "generate_secret", False)),
            properties=dict(config),
        )
        pool_spec = self._adopted[pool_id]
        dispatcher = TriggerDispatcher(
            self.dispatcher.functions,
            self.invoker,
            self.settings,
            region=self.region,
            user_pool_id=pool_id,
            pre_token_version=pool_spec.pre_token_generation_version,
            prevent_user_existence_errors=client_spec.prevent_user_existence_errors,
        )
        return dataclasses.replace(
            self.target,
            pool=pool,
            pool_spec=pool_spec,
            client_id=client_id,
            client_spec=client_spec,
            dispatcher=dispatcher,
        )

    # ------------------------------------------------------------------ calls

    def call(
        self,
        operation: str,
        params: Mapping[str, Any],
        *,
        source: str = "",
        act_as_sdk: bool = False,
    ) -> CallRecord:
        """Run one API call through the emulator; record and return what happened.

        Cognito's errors do not raise here: they are the call's outcome (``record.error``).
        With ``act_as_sdk``, a SECRET_HASH the call lacks is computed from the client's secret,
        as the app's SDK would (:mod:`harness.emulator.sdk_secret`).
        """
        target = self._target_for(params)
        if act_as_sdk:
            params = with_secret_hash(target, operation, params)
        record = execute(target, operation, params, source=source)
        self.calls.append(record)
        _log.debug("%s %s: %s", source, operation, record.outcome["status"])
        return record

    # ------------------------------------------------------------------ seeding

    def put_items(self, table_logical_id: str, items: Sequence[Mapping[str, Any]]) -> None:
        """Put records into a template table (by logical id), through the table's seeder when
        the template names one (:mod:`harness.emulator.seeding`)."""
        table, stored = table_items(self.stack, table_logical_id, list(items), self.clock())
        check_items(table, stored)
        client = self.trigger_client("dynamodb")
        for number, item in enumerate(stored, 1):
            try:
                client.put_item(TableName=table.table_name, Item=dynamodb_item(item))
            except ClientError as error:
                raise SeedError(
                    f"{table_logical_id} record {number}: {error.response['Error']['Message']}"
                ) from None

    def add_user(
        self,
        username: str,
        *,
        password: str | None = None,
        attributes: Mapping[str, str] | None = None,
        status: str = "CONFIRMED",
        enabled: bool = True,
        mfa: Mapping[str, Any] | None = None,
        groups: list[str] | None = None,
    ) -> CognitoIdpUser:
        """A user as AdminCreateUser makes it: in a pool whose UsernameAttributes are email or
        phone_number, ``username`` must be one, becomes that attribute and the user gets a
        generated username ([D] AdminCreateUser API reference, Username); the user is still
        found by ``username`` (``find_user``, sign-in, AdminGetUser)."""
        if self.find_user(username) is not None:
            raise errors.UsernameExistsException("User already exists")
        attributes = dict(attributes or {})
        in_pool = username_for(self.pool_spec, username, attributes)
        user = self.create_user(in_pool, password=password, status=status, attributes=attributes)
        user.enabled = enabled
        for name in groups or []:
            if name not in self.pool.groups:
                self.backend.create_group(self.user_pool_id, name, "", "", 0)
            self.backend.admin_add_user_to_group(self.user_pool_id, name, user.username)
        if mfa:
            user.sms_mfa_enabled = bool(mfa.get("sms"))
            user.software_token_mfa_enabled = bool(mfa.get("totp") or mfa.get("totp_secret"))
            user.token_verified = user.software_token_mfa_enabled
            user.preferred_mfa_setting = mfa.get("preferred") or (
                "SOFTWARE_TOKEN_MFA"
                if user.software_token_mfa_enabled
                else "SMS_MFA"
                if user.sms_mfa_enabled
                else None
            )
        return user


def _as_sent(request: Mapping[str, Any] | None) -> Any:
    """A request's parameters as moto's handlers receive them: through JSON."""
    return json.loads(json.dumps(request)) if request is not None else None
