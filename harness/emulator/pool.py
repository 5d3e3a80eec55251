"""The emulated user pool: moto holds the state, the harness adds what moto lacks.

moto (in-process, ``mock_aws``) holds the pool, the app client, users, passwords, statuses and
signing keys, and the DynamoDB tables the triggers use. When the invoker runs the functions in
other processes (``--invoke rie``), it publishes the moto server their AWS calls go to
(``aws_endpoint_url``, see :mod:`harness.invokers.local_aws`), and the tables are created and
seeded through that endpoint so the functions find them. The harness adds trigger dispatch with
Cognito's ClientMetadata routing, trigger results applied, and Cognito's trigger errors. Each
API operation lives in one module of :mod:`harness.emulator.operations`; this module is the shared
state they work on.

Everything comes from the SAM template: the pool and client settings, which function serves
which trigger, and the tables, under the names the functions see in their environment.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws
from moto.cognitoidp.models import CognitoIdpUser, UserStatus, cognitoidp_backends

from harness.cognito import errors
from harness.emulator.dispatch import TriggerDispatcher
from harness.emulator.own_calls import harness_own_calls
from harness.emulator.seeding import dynamodb_item, legacy_user_item
from harness.emulator.sessions import AuthSession
from harness.emulator.users import status_of
from harness.invokers import InProcessInvoker, Invoker, aws_endpoint_url_of
from harness.invokers.local_aws import trigger_client
from harness.redaction import redact_params
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

#: Defaults of the app client's validity settings, used when the template sets none.
#: [D] CreateUserPoolClient API reference: AuthSessionValidity 3 minutes; AccessTokenValidity
#: and IdTokenValidity 60 minutes; RefreshTokenValidity 30 days; TokenValidityUnits hours/days.
SESSION_SECONDS = 180
DEFAULT_TOKEN_SECONDS = {"AccessToken": 3600, "IdToken": 3600, "RefreshToken": 30 * 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


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
    ) -> None:
        self.stack = stack if isinstance(stack, Stack) else load_stack(Path(stack))
        self.settings = settings or Settings()
        self.invoker: Invoker = invoker or InProcessInvoker(region=self.stack.region)
        self.pool_spec = self.stack.pools[pool] if pool else self.stack.default_pool
        if client:
            self.client_spec = self.stack.clients[client]
        else:
            own = [
                c
                for c in self.stack.clients.values()
                if c.pool_logical_id == self.pool_spec.logical_id
            ]
            self.client_spec = own[0] if len(own) == 1 else self.stack.default_client
        if overrides:
            self._override(overrides)
        self.clock = clock
        self.region = self.stack.region
        self.sessions: dict[str, AuthSession] = {}
        #: Pools created through the API that were given the template's triggers.
        self._adopted: dict[str, PoolSpec] = {}
        self.calls: list[CallRecord] = []
        #: Ids seen in calls (a deployed pool's) mapped onto the emulated ones.
        self.id_map: dict[str, str] = {}
        self._mock: Any = None
        self.user_pool_id = ""
        self.client_id = ""

    #: Pool and client settings a replay's ``setup.pool`` may change, and where they live.
    OVERRIDABLE = ("PreventUserExistenceErrors", "ExplicitAuthFlows", "MfaConfiguration")

    def _override(self, overrides: Mapping[str, Any]) -> None:
        unknown = sorted(set(overrides) - set(self.OVERRIDABLE))
        if unknown:
            raise ValueError(
                f"setup.pool: cannot override {', '.join(unknown)}; "
                f"overridable: {', '.join(self.OVERRIDABLE)}"
            )
        client, pool = self.client_spec, self.pool_spec
        _check_override(overrides, "PreventUserExistenceErrors", ("ENABLED", "LEGACY"))
        _check_override(overrides, "MfaConfiguration", ("OFF", "ON", "OPTIONAL"))
        flows = overrides.get("ExplicitAuthFlows", [])
        if not isinstance(flows, list) or not all(f in _AUTH_FLOW_NAMES for f in flows):
            raise ValueError(
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
                "SnsCallerArn": f"arn:aws:iam::{self.stack.account_id}:role/harness-sms",
                "ExternalId": "harness",
            }
            pool = dataclasses.replace(
                pool,
                mfa_configuration=value,
                enabled_mfas=pool.enabled_mfas or ("SMS_MFA", "SOFTWARE_TOKEN_MFA"),
                properties={**pool.properties, "MfaConfiguration": value, "SmsConfiguration": sms},
            )
        self.client_spec, self.pool_spec = client, pool

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._mock = mock_aws()
        self._mock.start()
        try:
            self._build()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.invoker.close()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def _build(self) -> None:
        with harness_own_calls():  # the harness's own set-up is not the app's traffic
            self._create_resources()
        self._wire()

    def _create_resources(self) -> None:
        cognito = boto3.client("cognito-idp", region_name=self.region)
        dynamodb = self.trigger_client("dynamodb")
        for table in self.stack.tables.values():
            dynamodb.create_table(**table.create_table_kwargs())
        created = cognito.create_user_pool(**self.pool_spec.create_user_pool_kwargs())
        self.user_pool_id = created["UserPool"]["Id"]
        mfa = self.pool_spec.set_user_pool_mfa_config_kwargs(self.user_pool_id)
        if mfa:
            cognito.set_user_pool_mfa_config(**mfa)
        client = cognito.create_user_pool_client(
            **self.client_spec.create_user_pool_client_kwargs(self.user_pool_id)
        )["UserPoolClient"]
        self.client_id = client["ClientId"]

    def _wire(self) -> None:
        known = {
            f"{self.pool_spec.logical_id}:Id": self.user_pool_id,
            f"{self.pool_spec.logical_id}:ProviderName": (
                f"cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"
            ),
            f"{self.client_spec.logical_id}:Id": self.client_id,
            f"{self.client_spec.logical_id}:ClientId": self.client_id,
        }
        functions: dict[str, FunctionSpec] = {}
        for trigger, logical_id in self.pool_spec.triggers.items():
            spec = self.stack.functions[logical_id]
            functions[trigger] = dataclasses.replace(
                spec, environment=fill_placeholders(spec.environment, known)
            )
        self.dispatcher = TriggerDispatcher(
            functions,
            self.invoker,
            self.settings,
            region=self.region,
            user_pool_id=self.user_pool_id,
            pre_token_version=self.pool_spec.pre_token_generation_version,
            prevent_user_existence_errors=self.client_spec.prevent_user_existence_errors,
        )
        backend = cognitoidp_backends[self.stack.account_id][self.region]
        self.backend = backend
        self.pool = backend.user_pools[self.user_pool_id]

    def trigger_client(self, service: str) -> Any:
        """A boto3 client of the AWS the triggers call: the invoker's endpoint, else the mock."""
        return trigger_client(service, self.region, aws_endpoint_url_of(self.invoker))

    # ------------------------------------------------------------------ ids and users

    def resolve_pool_id(self, user_pool_id: Any) -> str:
        """Map a call's UserPoolId (the emulated one, or a deployed pool's) onto the pool."""
        if not isinstance(user_pool_id, str) or not user_pool_id:
            raise errors.InvalidParameterException(
                "1 validation error detected: Value null at 'userPoolId' failed to satisfy "
                "constraint: Member must not be null"
            )
        if user_pool_id != self.user_pool_id:
            self.id_map.setdefault(user_pool_id, self.user_pool_id)
        return self.user_pool_id

    def resolve_client_id(self, client_id: Any) -> str:
        if not isinstance(client_id, str) or not client_id:
            raise errors.InvalidParameterException(
                "1 validation error detected: Value null at 'clientId' failed to satisfy "
                "constraint: Member must not be null"
            )
        if client_id != self.client_id:
            self.id_map.setdefault(client_id, self.client_id)
        return self.client_id

    @property
    def prevent_user_existence_errors(self) -> bool:
        return self.client_spec.prevent_user_existence_errors

    @property
    def explicit_auth_flows(self) -> tuple[str, ...]:
        return self.client_spec.explicit_auth_flows

    @property
    def client_secret(self) -> str | None:
        """The app client's secret, when it has one (GenerateSecret)."""
        client = self.pool.clients.get(self.client_id)
        return str(client.secret) if client is not None and client.generate_secret else None

    def check_secret_hash(self, username: str, given: Any) -> None:
        """A client with a secret needs SECRET_HASH = Base64(HMAC-SHA256(secret, username +
        client id)) on every call that names a user. [D] "Computing secret hash values",
        Cognito Developer Guide; the messages are Cognito's."""
        secret = self.client_secret
        if secret is None:
            return
        if not given:
            raise errors.NotAuthorizedException(
                f"Client {self.client_id} is configured with secret but SECRET_HASH was not "
                "received"
            )
        digest = hmac.new(
            secret.encode(), (username + self.client_id).encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(str(given), base64.b64encode(digest).decode()):
            raise errors.NotAuthorizedException(
                f"Unable to verify secret hash for client {self.client_id}"
            )

    @property
    def session_seconds(self) -> float:
        """How long a challenge's Session lives: the client's AuthSessionValidity (minutes)."""
        minutes = self.client_spec.properties.get("AuthSessionValidity")
        return float(minutes) * 60 if minutes else SESSION_SECONDS

    def token_seconds(self, token: str) -> int:
        """Lifetime of ``AccessToken`` / ``IdToken`` / ``RefreshToken``, from the client."""
        value = self.client_spec.properties.get(f"{token}Validity")
        if not value:
            return DEFAULT_TOKEN_SECONDS[token]
        units = (self.client_spec.properties.get("TokenValidityUnits") or {}).get(token)
        return int(value) * _UNIT_SECONDS.get(units or _DEFAULT_UNITS[token], 3600)

    def find_user(self, username: str) -> CognitoIdpUser | None:
        user: CognitoIdpUser | None = self.pool._get_user(username)
        if user is None and not self.pool_spec.properties.get("UsernameConfiguration", {}).get(
            "CaseSensitive", True
        ):
            folded = username.casefold()
            user = next(
                (u for name, u in self.pool.users.items() if name.casefold() == folded), None
            )
        return user

    def user_attributes(self, user: CognitoIdpUser, *, with_status: bool = False) -> dict[str, str]:
        attributes = {a["Name"]: str(a["Value"]) for a in user.attributes}
        if with_status:
            attributes["cognito:user_status"] = status_of(user)
        return attributes

    def create_user(
        self,
        username: str,
        *,
        password: str | None,
        status: str,
        attributes: Mapping[str, str],
    ) -> CognitoIdpUser:
        user = CognitoIdpUser(
            self.user_pool_id,
            username,
            password,
            # moto compares statuses by identity (`is UserStatus.CONFIRMED`): store the enum.
            UserStatus[status],
            [{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        self.pool.users[user.username] = user
        return user

    def new_code(self) -> str:
        """The code the pool "sends" (SMS, email): the ``mfa_code`` setting."""
        return self.settings.mfa_code

    # ------------------------------------------------------------------ sessions

    def open_session(self, session: AuthSession) -> str:
        token = secrets.token_urlsafe(48)
        self.sessions[token] = session
        return token

    def take_session(self, token: Any, challenge: str) -> AuthSession:
        # Not removed here: a wrong MFA code leaves the session usable; operations close it.
        session = self.sessions.get(token) if isinstance(token, str) else None
        if session is None:
            raise errors.NotAuthorizedException("Invalid session for the user.")
        if self.clock() - session.created > self.session_seconds:
            del self.sessions[token]
            raise errors.NotAuthorizedException("Invalid session for the user, session is expired.")
        if session.challenge != challenge:
            raise errors.InvalidParameterException(
                f"Incorrect challenge name: expected {session.challenge}, got {challenge}"
            )
        return session

    # ------------------------------------------------------------------ calls

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

    def _adopted_target(self, params: Mapping[str, Any]) -> tuple[str, str] | None:
        """(pool id, client id) of an adopted pool this call is for, if any."""
        pool_id, client_id = params.get("UserPoolId"), params.get("ClientId")
        for adopted in self._adopted:
            clients = self.backend.user_pools[adopted].clients
            if pool_id == adopted or (isinstance(client_id, str) and client_id in clients):
                chosen = client_id if client_id in clients else next(iter(clients), "")
                return adopted, str(chosen)
        return None

    @contextmanager
    def _on_pool(self, target: tuple[str, str] | None) -> Iterator[None]:
        if target is None:
            yield
            return
        pool_id, client_id = target
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
        dispatcher = TriggerDispatcher(
            self.dispatcher.functions,
            self.invoker,
            self.settings,
            region=self.region,
            user_pool_id=pool_id,
            pre_token_version=self._adopted[pool_id].pre_token_generation_version,
            prevent_user_existence_errors=client_spec.prevent_user_existence_errors,
        )
        names = ("user_pool_id", "client_id", "pool", "pool_spec", "client_spec", "dispatcher")
        saved = {name: getattr(self, name) for name in names}
        self.user_pool_id, self.client_id, self.pool = pool_id, client_id, pool
        self.pool_spec, self.client_spec = self._adopted[pool_id], client_spec
        self.dispatcher = dispatcher
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(self, name, value)

    # ------------------------------------------------------------------ calls

    def call(self, operation: str, params: Mapping[str, Any], *, source: str = "") -> CallRecord:
        """Run one API call through the emulator; record and return what happened.

        Cognito's errors do not raise here: they are the call's outcome (``record.error``).
        """
        with self._on_pool(self._adopted_target(params) if self._adopted else None):
            return self._call(operation, params, source)

    def _call(self, operation: str, params: Mapping[str, Any], source: str) -> CallRecord:
        from harness.emulator.operations import OPERATIONS

        handler = OPERATIONS.get(operation)
        self.dispatcher.invocations = []
        record = CallRecord(
            operation=operation,
            source=source,
            request=redact_params(dict(params)),
            invocations=self.dispatcher.invocations,
        )
        started = time.perf_counter()
        try:
            if handler is None:
                raise errors.UnsupportedOperationException(
                    f"{operation} is not emulated; supported: {', '.join(sorted(OPERATIONS))}"
                )
            record.response = handler(self, dict(params))
        except errors.CognitoError as error:
            record.error = error
        except Exception as error:  # a harness bug, or a trigger answer it could not read
            # Shown as the call's outcome (InternalErrorException, as Cognito answers its own
            # failures) with the traceback kept, instead of ending the replay or the server.
            record.error = errors.InternalErrorException(
                f"harness error during {operation}: {type(error).__name__}: {error}"
            )
            record.traceback = traceback.format_exc()
        record.duration_ms = (time.perf_counter() - started) * 1000
        self.calls.append(record)
        return record

    # ------------------------------------------------------------------ seeding

    def put_items(self, table_logical_id: str, items: Sequence[Mapping[str, Any]]) -> None:
        """Put plain-JSON items into a template table (by logical id)."""
        table = self.stack.tables.get(table_logical_id)
        if table is None:
            raise KeyError(
                f"no table {table_logical_id!r} in {self.stack.path.name}; "
                f"tables: {', '.join(self.stack.tables) or '(none)'}"
            )
        client = self.trigger_client("dynamodb")
        for item in items:
            client.put_item(
                TableName=table.table_name,
                Item=dynamodb_item(item),
            )

    def add_legacy_user(self, item: Mapping[str, Any], *, table: str = "LegacyUsersTable") -> None:
        """A legacy user for the project's migration trigger; ``password`` is hashed here."""
        self.put_items(table, [legacy_user_item(item)])

    def add_invitation(self, item: Mapping[str, Any], *, table: str = "InvitationsTable") -> None:
        data = dict(item)
        expires_in = data.pop("expires_in", 86_400)
        if not isinstance(expires_in, int | float):
            raise ValueError(
                f"invitation {data.get('code')!r}: expires_in must be a number of seconds"
            )
        data.setdefault("expires_at", int(self.clock() + expires_in))
        self.put_items(table, [data])

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
        if self.find_user(username) is not None:
            raise errors.UsernameExistsException("User already exists")
        attributes = dict(attributes or {})
        user = self.create_user(username, password=password, status=status, attributes=attributes)
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


def _check_override(overrides: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if name in overrides and overrides[name] not in allowed:
        raise ValueError(
            f"setup.pool.{name} must be one of {', '.join(allowed)}; got {overrides[name]!r}"
        )
