"""Snapshots of an emulator's state: build a stack's emulated resources once, restore them often.

Building an emulated pool costs tens to hundreds of milliseconds (moto imports the pool's
signing key, creates the client and the tables); a test suite builds the same pool again for
every test. :meth:`Emulator.snapshot` takes the state once, after the build (or after seeding
that every test shares), and :meth:`Emulator.start` with ``snapshot=`` puts a private copy of it
back, in a fraction of a millisecond per service:

- moto's backends of the services the stack lives in (:data:`SERVICES`: cognito-idp for the
  pool, its app clients, users, groups and signing keys; dynamodb for the tables and their
  items), for the stack's account and region. Every other service starts empty, as
  ``mock_aws`` leaves it;
- the emulator's own state: its call records (and the trigger invocations in them), open auth
  sessions, the ids mapped from calls, the pools adopted through the API.

A snapshot is never installed itself: each restore installs a deep copy, so nothing one user of
the restored state does (a user signed up, an item written, a call recorded) is seen by the
next. The pools' RSA signing keys are immutable and shared between the copies.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.models import cognitoidp_backends
from moto.core.base_backend import BackendDict
from moto.dynamodb.models import dynamodb_backends
from moto.kms.models import kms_backends
from moto.ses.models import ses_backends

#: moto's backends of the services a SAM stack's emulated resources live in.
SERVICES: dict[str, BackendDict[Any]] = {
    "cognito-idp": cognitoidp_backends,
    "dynamodb": dynamodb_backends,
    # The sandbox identities the stack's senders need (invokers.local_aws.set_up_sandbox).
    "ses": ses_backends,
    # The pool's KMSKeyID, which encrypts the custom senders' codes (emulator.senders).
    "kms": kms_backends,
}


@dataclass(frozen=True)
class Snapshot:
    """The state of one emulator, taken by :meth:`Emulator.snapshot`; restore with
    ``Emulator(...).start(snapshot=...)`` any number of times."""

    account_id: str
    region: str
    #: A private copy of each service's backend (service name -> moto backend object).
    backends: dict[str, Any]
    #: A private copy of the emulator's own state (attribute name -> value).
    own_state: dict[str, Any]
    #: What the state was built from (the pool and client specs): a restore checks it.
    built_from: Any

    def install(self) -> dict[str, Any]:
        """Put a fresh copy of the backends where moto looks them up; returns the copies.

        moto's mock must be running (it resets every backend when it starts and stops).
        """
        installed = {}
        for service, backend in self.backends.items():
            fresh = _copy(backend)
            # BackendDict creates the account's entry on first access; the region's backend
            # is then set directly, instead of the empty one moto would create lazily.
            dict.__setitem__(SERVICES[service][self.account_id], self.region, fresh)
            installed[service] = fresh
        return installed

    def own(self) -> dict[str, Any]:
        """A fresh copy of the emulator's own state."""
        own: dict[str, Any] = _copy(self.own_state)
        return own


def take(account_id: str, region: str, own_state: dict[str, Any], built_from: Any) -> Snapshot:
    """Copy moto's backends of :data:`SERVICES` in ``account_id``/``region``, and ``own_state``."""
    backends = {
        service: _copy(backend_dict[account_id][region])
        for service, backend_dict in SERVICES.items()
    }
    return Snapshot(account_id, region, backends, _copy(own_state), built_from)


def _copy(value: Any) -> Any:
    """A deep copy that shares the pools' signing keys (immutable, and costly to copy)."""
    memo: dict[int, Any] = {}
    for backend in value.values() if isinstance(value, dict) else [value]:
        for pool in getattr(backend, "user_pools", {}).values():
            memo[id(pool.json_web_key)] = pool.json_web_key
    return copy.deepcopy(value, memo)
