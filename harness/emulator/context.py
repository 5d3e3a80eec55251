"""What one API call runs against and with: its :class:`Target` and its :class:`CallContext`.

The emulator makes a :class:`CallContext` per call (:mod:`harness.emulator.service`); the
operations and the flows they share receive it instead of the emulator. Every trigger of the
call runs through :meth:`CallContext.run_trigger`, which knows the call's operation and
ClientMetadata (Cognito's routing needs both) and keeps the call's invocations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser

from harness.cognito import errors
from harness.cognito.refusals import MISSING_SECRET_HASH, refusal
from harness.emulator.dispatch import TriggerDispatcher
from harness.emulator.senders import SenderKey
from harness.emulator.sessions import AuthSession, SessionStore
from harness.emulator.users import create_user, find_user, user_attributes
from harness.results import Invocation
from harness.settings import Settings
from harness.stack import ClientSpec, PoolSpec

#: Defaults of the app client's validity settings, used when the template sets none.
#: [D] CreateUserPoolClient API reference: AuthSessionValidity 3 minutes; AccessTokenValidity
#: and IdTokenValidity 60 minutes; RefreshTokenValidity 30 days; TokenValidityUnits hours/days.
SESSION_SECONDS = 180
DEFAULT_TOKEN_SECONDS = {"AccessToken": 3600, "IdToken": 3600, "RefreshToken": 30 * 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True)
class Target:
    """One user pool and app client, the triggers they run, and what the emulator shares
    between its pools (settings, clock, open sessions, the ids seen in calls)."""

    backend: Any  # moto's CognitoIdpBackend
    pool: Any  # moto's CognitoIdpUserPool
    pool_spec: PoolSpec
    client_id: str
    client_spec: ClientSpec
    dispatcher: TriggerDispatcher
    settings: Settings
    clock: Callable[[], float]
    sessions: SessionStore
    #: Ids seen in calls (a deployed pool's) mapped onto the emulated ones.
    id_map: dict[str, str]
    #: The pool's KMSKeyID in the emulated KMS, for the custom sender triggers (or None).
    sender_key: SenderKey | None

    @property
    def user_pool_id(self) -> str:
        return str(self.pool.id)

    def resolve_pool_id(self, user_pool_id: Any) -> str:
        """Map a call's UserPoolId (the emulated one, or a deployed pool's) onto the pool."""
        return self._resolve(user_pool_id, self.user_pool_id, "userPoolId")

    def resolve_client_id(self, client_id: Any) -> str:
        return self._resolve(client_id, self.client_id, "clientId")

    def _resolve(self, given: Any, emulated: str, member: str) -> str:
        if not isinstance(given, str) or not given:
            raise errors.InvalidParameterException(
                f"1 validation error detected: Value null at '{member}' failed to satisfy "
                "constraint: Member must not be null"
            )
        if given != emulated:
            self.id_map.setdefault(given, emulated)
        return emulated

    @property
    def prevent_user_existence_errors(self) -> bool:
        return self.client_spec.prevent_user_existence_errors

    def find_user(self, username: Any) -> CognitoIdpUser | None:
        """The user named ``username``; None also when the request gave no name."""
        if not isinstance(username, str):
            return None
        return find_user(self.pool, self.pool_spec, username)

    def has_trigger(self, trigger: str) -> bool:
        return self.dispatcher.has(trigger)

    @staticmethod
    def user_attributes(user: CognitoIdpUser, *, with_status: bool = False) -> dict[str, str]:
        return user_attributes(user, with_status=with_status)

    def create_user(
        self, username: str, *, password: str | None, status: str, attributes: Mapping[str, str]
    ) -> CognitoIdpUser:
        return create_user(
            self.pool, username, password=password, status=status, attributes=attributes
        )

    @property
    def client_secret(self) -> str | None:
        """The app client's secret, when it has one (GenerateSecret)."""
        client = self.pool.clients.get(self.client_id)
        return str(client.secret) if client is not None and client.generate_secret else None

    def secret_hash(self, username: str) -> str | None:
        """SECRET_HASH for ``username`` as an SDK computes it from the client's secret (None
        without a secret). [D] "Computing secret hash values", Cognito Developer Guide."""
        secret = self.client_secret
        if secret is None:
            return None
        digest = hmac.new(
            secret.encode(), (username + self.client_id).encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest).decode()

    def check_secret_hash(self, username: Any, params: Mapping[str, Any], key: str) -> None:
        """A client with a secret needs ``params[key]`` = Base64(HMAC-SHA256(secret, username +
        client id)) on every call that names a user; a client without one refuses a hash.
        [D] "Computing secret hash values", Cognito Developer Guide; the refusals, with their
        sources, in :mod:`harness.cognito.refusals`."""
        given = params.get(key)
        if self.client_secret is None:
            if given:
                raise refusal("secret_hash_unexpected", client_id=self.client_id)
            return
        if not given:
            raise refusal(MISSING_SECRET_HASH[key], client_id=self.client_id)
        if not hmac.compare_digest(str(given), self.secret_hash(str(username or "")) or ""):
            raise refusal("secret_hash_unverified", client_id=self.client_id)

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

    # ------------------------------------------------------------------ sessions

    def open_session(self, session: AuthSession) -> str:
        return self.sessions.open(session)

    def take_session(self, token: Any, challenge: str) -> AuthSession:
        return self.sessions.take(token, challenge, now=self.clock(), lifetime=self.session_seconds)

    def close_session(self, token: str) -> None:
        self.sessions.close(token)


@dataclass(frozen=True)
class CallContext(Target):
    """One API call: its target, its operation and ClientMetadata, its trigger invocations."""

    operation: str
    #: The call's ClientMetadata (validated: a string-to-string map), or None.
    metadata: dict[str, str] | None
    _invocations: list[Invocation] = field(default_factory=list, init=False, repr=False)
    #: Where the call "sent" codes (``SMS code to +*******1234``): no message leaves the
    #: harness, so the report says where Cognito would have sent one.
    deliveries: list[str] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def on(cls, target: Target, operation: str, metadata: dict[str, str] | None) -> CallContext:
        shared = {f.name: getattr(target, f.name) for f in fields(Target)}
        return cls(**shared, operation=operation, metadata=metadata)

    @property
    def invocations(self) -> list[Invocation]:
        """The call's trigger invocations so far, in order (a copy)."""
        return list(self._invocations)

    # ------------------------------------------------------------------ triggers

    def run_trigger(
        self,
        trigger_source: str,
        user: CognitoIdpUser | str,
        *,
        attributes: Mapping[str, str] | None = None,
        validation_data: Mapping[str, str] | None = None,
        request: Mapping[str, Any] | None = None,
        routed_as: str | None = None,
    ) -> dict[str, Any] | None:
        """Run the trigger of ``trigger_source`` for ``user`` (a user, or the name given).

        ``attributes`` are the event's userAttributes: by default a user's own with its
        status, none for a bare name. ``routed_as`` routes the ClientMetadata as another
        operation would (a token refresh). Returns the trigger's response (None when the pool
        has no function for it); raises the error Cognito returns when the trigger fails.
        """
        if isinstance(user, str):
            username, shown = user, attributes or {}
        else:
            username = user.username
            shown = user_attributes(user, with_status=True) if attributes is None else attributes
        run = self.dispatcher.run(
            trigger_source,
            operation=routed_as or self.operation,
            username=username,
            client_id=self.client_id,
            user_attributes=shown,
            client_metadata=self.metadata,
            validation_data=validation_data,
            request=request,
        )
        if run is None:
            return None
        self._invocations.append(run.invocation)
        if run.crash is not None:
            raise run.crash
        if run.error is not None:
            raise run.error
        return run.response
