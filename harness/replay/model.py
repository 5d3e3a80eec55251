"""The replay model: API calls to replay through the emulated user pool, and the pool's seed.

A replay is what a reader (``harness.replay.readers``) makes of a file a developer already has:
a PowerShell script, AWS CLI lines, a JSON document or a CloudTrail export. Every reader produces
the same thing: a list of :class:`ApiCall` in the Cognito API's own operation and parameter names
(the names of the API reference, boto3 and ``--cli-input-json``), each with the place it came
from, and an optional :class:`Expectation` to check the run against; plus a :class:`Setup` that
seeds the emulated pool (users, legacy users, invitations, named harness settings).

Conventions shared by every reader (the engine relies on them):

* ``${previous:<path>}``: a string parameter value that stands for a field of the previous call's
  response, e.g. ``${previous:Session}`` when a script passes ``$r.Session`` (PowerShell) or
  ``$SESSION`` assigned from ``$(aws ... --query Session --output text)`` to the next call. The
  engine substitutes the value from the response of the call just before this one. Only the
  immediately preceding call can be referenced; readers reject anything older.
* Secrets: values read from environment variables are resolved while loading; the parameter
  paths they went into (``AuthParameters.PASSWORD``, ``UserAttributes[0].Value``) are kept in
  :attr:`ApiCall.secret_paths` so a writer never prints them.
* :class:`Hidden`: a value CloudTrail redacted. Readers leave the marker in ``params``;
  :func:`harness.replay.loader.load_replay` replaces every marker once all setups are merged
  (passwords come from the setup's users), so a loaded :class:`Replay` holds none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from harness.cognito.triggers import TRIGGER_NAMES
from harness.errors import HarnessInputError, suggest
from harness.redaction import SENSITIVE_METADATA_KEY

__all__ = [
    "HIDDEN_MARKERS",
    "OUTCOMES",
    "PREVIOUS_PREFIX",
    "TRIGGER_NAMES",
    "TRIGGER_VALUES",
    "USER_STATUSES",
    "ApiCall",
    "Expectation",
    "Hidden",
    "MfaSettings",
    "Replay",
    "ReplayError",
    "SeedUser",
    "Setup",
    "previous_ref",
    "suggest",
]


#: What an expectation can say about one trigger: it ran and got the call's metadata as
#: ``request.validationData`` / ``request.clientMetadata``, it ran without the metadata, or it
#: did not run.
TRIGGER_VALUES: Final[tuple[str, ...]] = ("validationData", "clientMetadata", "none", "not-run")

#: The outcome of one call: tokens issued, a challenge returned, an error, or ok (answered
#: without tokens or a challenge: SignUp, ForgotPassword...), as the reports name them.
OUTCOMES: Final[tuple[str, ...]] = ("tokens", "challenge", "error", "ok")

#: Cognito user statuses a seed user may start in.
USER_STATUSES: Final[tuple[str, ...]] = (
    "CONFIRMED",
    "UNCONFIRMED",
    "FORCE_CHANGE_PASSWORD",
    "RESET_REQUIRED",
)

#: MFA methods a seed user may prefer.
MFA_METHODS: Final[tuple[str, ...]] = ("SMS_MFA", "SOFTWARE_TOKEN_MFA")

#: The strings CloudTrail writes in place of a redacted request value. CloudTrail's own docs use
#: HIDDEN_DUE_TO_SECURITY_REASONS; the Cognito guide spells it HIDDEN_FOR_SECURITY_REASONS.
HIDDEN_MARKERS: Final[frozenset[str]] = frozenset(
    {"HIDDEN_DUE_TO_SECURITY_REASONS", "HIDDEN_FOR_SECURITY_REASONS", "<sensitiveDataRemoved>"}
)

#: Prefix of a reference to the previous call's response (see the module docstring).
PREVIOUS_PREFIX: Final = "${previous:"


def previous_ref(path: str) -> str:
    """The parameter value that stands for ``path`` in the previous call's response."""
    return f"{PREVIOUS_PREFIX}{path}}}"


class ReplayError(HarnessInputError):
    """A replay that cannot be loaded: ``<file>:<line>: <what is wrong and how to fix it>``.

    The message is always one line, so a CLI can print it as is and an editor can jump to it.
    """

    def __init__(self, location: str, problem: str) -> None:
        self.location = location
        self.problem = " ".join(problem.split())
        super().__init__(f"{location}: {self.problem}")


@dataclass(frozen=True)
class Hidden:
    """A request value CloudTrail redacted, to be filled in from the setup after loading.

    ``user_hint`` and ``sub_hint`` carry what the record says about the caller elsewhere
    (``additionalEventData``), for when the user name itself was redacted.
    """

    marker: str
    user_hint: str | None = None
    sub_hint: str | None = None


@dataclass(frozen=True)
class Expectation:
    """What a replayed call should do, checked by the engine after the call.

    ``triggers`` maps a trigger (a :data:`TRIGGER_NAMES` entry) to one of :data:`TRIGGER_VALUES`;
    triggers not named are not checked. ``order`` lists the triggers expected to run, in order.
    ``outcome`` is one of :data:`OUTCOMES`; ``error_code`` the expected Cognito error code
    (implies ``outcome="error"``).
    """

    triggers: dict[str, str] = field(default_factory=dict)
    order: list[str] | None = None
    outcome: str | None = None
    error_code: str | None = None

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ValueError(problem)

    def problem(self) -> str | None:
        """Why this expectation is invalid, or None."""
        for name, value in self.triggers.items():
            if name not in TRIGGER_NAMES:
                return f"unknown trigger '{name}'{suggest(name, TRIGGER_NAMES)}"
            if value not in TRIGGER_VALUES:
                return (
                    f"{name}={value} is not valid{suggest(value, TRIGGER_VALUES)}; "
                    f"use one of {', '.join(TRIGGER_VALUES)}"
                )
        for name in self.order or []:
            if name not in TRIGGER_NAMES:
                return f"order names unknown trigger '{name}'{suggest(name, TRIGGER_NAMES)}"
            if self.triggers.get(name) == "not-run":
                return f"order lists {name}, which is also expected not-run"
        if self.order is not None and len(set(self.order)) != len(self.order):
            return "order lists a trigger twice"
        if self.outcome is not None and self.outcome not in OUTCOMES:
            return (
                f"outcome={self.outcome} is not valid{suggest(self.outcome, OUTCOMES)}; "
                f"use one of {', '.join(OUTCOMES)}"
            )
        if self.error_code is not None and self.outcome not in (None, "error"):
            return f"error={self.error_code} contradicts outcome={self.outcome}"
        return None

    @property
    def expected_outcome(self) -> str | None:
        """The outcome, with ``error`` implied by an error code."""
        return "error" if self.error_code is not None else self.outcome

    def merged(self, other: Expectation) -> Expectation:
        """This expectation with ``other``'s entries added (``other`` wins on a conflict)."""
        return Expectation(
            triggers={**self.triggers, **other.triggers},
            order=other.order if other.order is not None else self.order,
            outcome=other.outcome if other.outcome is not None else self.outcome,
            error_code=other.error_code if other.error_code is not None else self.error_code,
        )


@dataclass(frozen=True)
class ApiCall:
    """One Cognito API call to replay.

    ``operation`` is the PascalCase operation name (``AdminInitiateAuth``); ``params`` the request
    in the API's parameter names (``UserPoolId``, ``AuthParameters``, ``ClientMetadata``...);
    ``source`` is ``"<file as given>:<line>"``; ``secret_paths`` the parameter paths whose
    values came from environment variables or the setup and must never be printed.
    """

    operation: str
    params: dict[str, Any]
    source: str
    expect: Expectation | None = None
    secret_paths: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MfaSettings:
    """A seed user's MFA: SMS enabled, a TOTP secret (base32) or none, the preferred method."""

    sms: bool = False
    totp_secret: str | None = None
    preferred: str | None = None

    def __post_init__(self) -> None:
        if self.preferred is not None and self.preferred not in MFA_METHODS:
            raise ValueError(
                f"preferred MFA '{self.preferred}' is not valid; "
                f"use one of {', '.join(MFA_METHODS)}"
            )


@dataclass(frozen=True)
class SeedUser:
    """A user the engine creates in the pool before the replay runs.

    ``password`` is plaintext (demo users); ``attributes`` are Cognito attributes as strings
    (``email``, ``custom:tenant``...); ``status`` one of :data:`USER_STATUSES`; ``source`` where
    the user was defined, for error messages.
    """

    username: str
    password: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    status: str = "CONFIRMED"
    enabled: bool = True
    mfa: MfaSettings | None = None
    groups: list[str] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        if self.status not in USER_STATUSES:
            raise ValueError(
                f"status '{self.status}' is not valid{suggest(self.status, USER_STATUSES)}; "
                f"use one of {', '.join(USER_STATUSES)}"
            )

    def known_as(self, name: str) -> bool:
        """Whether ``name`` signs this user in: the user name or an alias attribute."""
        if name == self.username:
            return True
        aliases = ("email", "phone_number", "preferred_username")
        return any(self.attributes.get(alias) == name for alias in aliases)


@dataclass(frozen=True)
class Setup:
    """The seed of the emulated pool.

    ``users`` become pool users; ``tables`` records for any table of the template, by logical
    id (as they are, or through the table's seeder: :mod:`harness.emulator.seeding`);
    ``settings`` the harness's named settings (the engine validates the names); ``pool`` overrides
    of the pool's configuration (``PreventUserExistenceErrors``, ``MfaConfiguration``...).
    """

    users: list[SeedUser] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    pool: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Where each table's records were first given (``file:line``), for seeding errors.
    table_sources: dict[str, str] = field(default_factory=dict)

    def user(self, name: str) -> SeedUser | None:
        """The seed user that ``name`` (user name first, then an alias) signs in, or None."""
        for user in self.users:
            if user.username == name:
                return user
        return next((user for user in self.users if user.known_as(name)), None)

    def records_of(self, name: str) -> list[dict[str, Any]]:
        """Table records whose ``username`` is ``name`` (case-insensitively): a user a
        migration trigger would find in a legacy store, with its plaintext ``password``."""
        return [
            record
            for records in self.tables.values()
            for record in records
            if isinstance(record.get("username"), str)
            and record["username"].casefold() == name.casefold()
        ]

    def merged(self, other: Setup, location: str) -> Setup:
        """This setup with ``other`` applied: lists are concatenated, dicts merged (``other``
        wins per key), table items concatenated per table. A user name defined by both is an
        error reported at ``location`` (the user's own source when known)."""
        mine = {user.username: user for user in self.users}
        for user in other.users:
            if user.username in mine:
                first = mine[user.username].source or "an earlier setup"
                raise ReplayError(
                    user.source or location,
                    f"user '{user.username}' is already defined at {first}; "
                    "define each user in one setup only",
                )
        tables = {name: list(items) for name, items in self.tables.items()}
        for name, items in other.tables.items():
            for item in items:
                if item in tables.get(name, []):
                    raise ReplayError(
                        location,
                        f"the {name} record {_label(item)} is defined by two setups; "
                        "define it once",
                    )
            tables.setdefault(name, []).extend(items)
        return Setup(
            users=[*self.users, *other.users],
            settings={**self.settings, **other.settings},
            pool={**self.pool, **other.pool},
            tables=tables,
            table_sources={**{name: location for name in other.tables}, **self.table_sources},
        )


def _label(record: Mapping[str, Any]) -> str:
    """A record named by its first string field, never by a secret-looking one."""
    for key, value in record.items():
        if isinstance(value, str) and not SENSITIVE_METADATA_KEY.search(key):
            return f"{key}={value!r}"
    return "(one of them)"


@dataclass(frozen=True)
class Replay:
    """Everything loaded: the calls in replay order, the merged setup, the files read (replays
    and setup files, in load order) and one line per group of input records that were skipped
    (CloudTrail records of other services), for the CLI to print."""

    calls: list[ApiCall]
    setup: Setup
    sources: list[str]
    skipped: list[str] = field(default_factory=list)
    #: The region and profile the script names (PowerShell ``-Region``/``-ProfileName``), for
    #: ``--live`` when its command line names none.
    region: str | None = None
    profile: str | None = None
