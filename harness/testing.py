"""Test helpers: an emulated pool with seeding, a boto3 client, and assertions about triggers.

:class:`CognitoPool` is what the pytest plugin's ``cognito_pool`` fixture yields; it works
without pytest too. Its assertions read like the questions people ask of Cognito triggers:
did PreAuthentication run, did it receive this metadata, in which field, before what? When one
fails, the message lists every invocation that did happen.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from harness.emulator import Emulator
from harness.emulator.sdk_client import emulated_client
from harness.emulator.snapshot import Snapshot
from harness.invokers import Invoker
from harness.results import CallRecord, Invocation
from harness.settings import Settings
from harness.stack import Stack, load_stack

_ANY: Any = object()

#: Exceptions that mean a trigger has a bug, not that it refused on purpose. A trigger denies by
#: raising (any exception: Cognito shows its message), so only these are "unexpected".
PROGRAMMING_ERRORS = frozenset(
    {
        "KeyError",
        "IndexError",
        "TypeError",
        "AttributeError",
        "NameError",
        "UnboundLocalError",
        "ImportError",
        "ModuleNotFoundError",
        "SyntaxError",
        "AssertionError",
        "ZeroDivisionError",
        "RecursionError",
        "Runtime.ImportModuleError",
        "Runtime.MarshalError",
        # Node.js (TypeError and SyntaxError are above): what its runtime client reports.
        "ReferenceError",
        "RangeError",
        "Runtime.UserCodeSyntaxError",
    }
)


def describe(invocations: Sequence[Invocation]) -> str:
    """One line per invocation, for assertion messages."""
    if not invocations:
        return "  (no trigger ran)"
    lines = []
    for number, i in enumerate(invocations, 1):
        where = (
            f"got metadata in {i.metadata_field} {i.metadata}"
            if i.metadata_field
            else "ran without metadata"
        )
        error = f" -> {i.error['code']}: {i.error['message']}" if i.error else ""
        lines.append(f"  {number}. {i.trigger} ({i.trigger_source}) {where}{error}")
    return "\n".join(lines)


def _deprecated(method: str, table: str) -> None:
    warnings.warn(
        f"CognitoPool.{method} is deprecated: use put_items({table!r}, [record]) and a seeder "
        "on the table in the template",
        DeprecationWarning,
        stacklevel=3,
    )


class TriggerAssertionError(AssertionError):
    pass


class CognitoPool:
    """An emulated user pool from a SAM template, for tests."""

    def __init__(
        self,
        template: Stack | Path | str = "template.yaml",
        *,
        settings: Settings | Mapping[str, Any] | None = None,
        invoker: Invoker | None = None,
        overrides: Mapping[str, Any] | None = None,
        pool: str | None = None,
        client: str | None = None,
        snapshot: Snapshot | None = None,
    ) -> None:
        """``snapshot``: start from this state of a pool of the same stack, pool, client and
        overrides (:meth:`Emulator.snapshot`) instead of building it: what the pytest plugin
        does for every test after the first."""
        stack = template if isinstance(template, Stack) else load_stack(Path(template))
        if isinstance(settings, Mapping):
            settings = Settings().with_overrides(settings)
        self.emulator = Emulator(
            stack, settings=settings, invoker=invoker, overrides=overrides, pool=pool, client=client
        )
        self.expected_errors: set[str] = set()
        self._client: Any = None
        self._snapshot = snapshot

    # lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> CognitoPool:
        self.emulator.start(snapshot=self._snapshot)
        return self

    def __exit__(self, *exc: object) -> None:
        self.emulator.stop()

    # what tests use ----------------------------------------------------------------------------

    @property
    def user_pool_id(self) -> str:
        return self.emulator.user_pool_id

    @property
    def client_id(self) -> str:
        return self.emulator.client_id

    @property
    def client(self) -> Any:
        """A real boto3 cognito-idp client whose calls go through this pool (with triggers)."""
        if self._client is None:
            self._client = emulated_client(self.emulator)
        return self._client

    def add_user(self, username: str, password: str | None = None, **kwargs: Any) -> Any:
        return self.emulator.add_user(username, password=password, **kwargs)

    def put_items(self, table: str, items: Sequence[Mapping[str, Any]]) -> None:
        """Put records into a template table (by logical id), through its seeder if it has one
        (``Metadata: CognitoTriggerHarness: Seeder``, see :mod:`harness.emulator.seeding`)."""
        self.emulator.put_items(table, items)

    # Deprecated: the sample project's own tables, from before the harness left record layouts
    # to the project. Kept so that tests written against 0.1 keep running; use put_items.
    def add_legacy_user(self, username: str, password: str, **attributes: Any) -> None:
        """Deprecated: ``put_items("LegacyUsersTable", [{"username": ..., "password": ...}])``."""
        _deprecated("add_legacy_user", "LegacyUsersTable")
        self.put_items(
            "LegacyUsersTable", [{"username": username, "password": password, **attributes}]
        )

    def add_invitation(self, code: str, email: str, **attributes: Any) -> None:
        """Deprecated: ``put_items("InvitationsTable", [{"code": ..., "email": ...}])``."""
        _deprecated("add_invitation", "InvitationsTable")
        self.put_items("InvitationsTable", [{"code": code, "email": email, **attributes}])

    def call(self, operation: str, **params: Any) -> CallRecord:
        """Call an operation by its API name; Cognito errors are in ``record.error``."""
        params.setdefault("UserPoolId", self.user_pool_id)
        if operation in (
            "SignUp",
            "ConfirmSignUp",
            "ForgotPassword",
            "ConfirmForgotPassword",
            "InitiateAuth",
            "RespondToAuthChallenge",
        ):
            params.pop("UserPoolId")
        if operation not in ("AdminCreateUser", "AdminConfirmSignUp"):
            params.setdefault("ClientId", self.client_id)
        return self.emulator.call(operation, params)

    def sign_in(
        self, username: str, password: str, client_metadata: Mapping[str, str] | None = None
    ) -> CallRecord:
        """AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH, the call the seed document is about."""
        params: dict[str, Any] = {
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": password},
        }
        if client_metadata is not None:
            params["ClientMetadata"] = dict(client_metadata)
        return self.call("AdminInitiateAuth", **params)

    @property
    def calls(self) -> list[CallRecord]:
        return self.emulator.calls

    @property
    def invocations(self) -> list[Invocation]:
        """Every trigger invocation so far, in order, across calls."""
        return [i for call in self.emulator.calls for i in call.invocations]

    def invocations_of(self, trigger: str) -> list[Invocation]:
        return [i for i in self.invocations if i.trigger == trigger]

    # assertions --------------------------------------------------------------------------------

    def _fail(self, message: str) -> NoReturn:
        happened = describe(self.invocations)
        raise TriggerAssertionError(f"{message}\nTrigger invocations so far:\n{happened}")

    def assert_invoked(
        self,
        trigger: str,
        *,
        field: str | None = _ANY,
        metadata: Mapping[str, str] | None = _ANY,
        trigger_source: str | None = None,
        times: int | None = None,
    ) -> Invocation:
        """Assert ``trigger`` ran; with ``field`` (validationData, clientMetadata, or None for
        "without metadata"), ``metadata``, ``trigger_source`` and ``times`` when given. Returns
        the last matching invocation."""
        runs = self.invocations_of(trigger)
        if not runs:
            self._fail(f"{trigger} did not run")
        if all(i.not_run for i in runs):  # a function outside the template: it did not run
            self._fail(str(runs[-1].not_run))
        if times is not None and len(runs) != times:
            self._fail(f"{trigger} ran {len(runs)} time(s), expected {times}")
        matching = [
            i
            for i in runs
            if (field is _ANY or i.metadata_field == field)
            and (metadata is _ANY or (i.metadata or None) == (dict(metadata) if metadata else None))
            and (trigger_source is None or i.trigger_source == trigger_source)
        ]
        if not matching:
            wanted = []
            if field is not _ANY:
                wanted.append(f"metadata in {field}" if field else "no metadata")
            if metadata is not _ANY:
                wanted.append(f"metadata {dict(metadata) if metadata else None}")
            if trigger_source:
                wanted.append(f"triggerSource {trigger_source}")
            self._fail(f"{trigger} ran, but never with {' and '.join(wanted)}")
        return matching[-1]

    def assert_not_invoked(self, trigger: str) -> None:
        if self.invocations_of(trigger):
            self._fail(f"{trigger} ran, expected it not to")

    def assert_order(self, *triggers: str) -> None:
        """Assert these triggers ran in this order (others may run in between)."""
        order = [i.trigger for i in self.invocations]
        position = 0
        for trigger in triggers:
            try:
                position = order.index(trigger, position) + 1
            except ValueError:
                self._fail(f"expected {' → '.join(triggers)} in that order")

    # strict teardown ---------------------------------------------------------------------------

    def expect_trigger_error(self, trigger: str) -> None:
        """Allow ``trigger`` to fail with a programming error without failing the test."""
        self.expected_errors.add(trigger)

    def unexpected_errors(self) -> list[Invocation]:
        return [
            i
            for i in self.invocations
            if i.error_type in PROGRAMMING_ERRORS and i.trigger not in self.expected_errors
        ]


@contextmanager
def cognito_pool(*args: Any, **kwargs: Any) -> Iterator[CognitoPool]:
    """``with cognito_pool("template.yaml") as pool:`` outside pytest."""
    with CognitoPool(*args, **kwargs) as pool:
        yield pool
