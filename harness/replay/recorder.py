"""Record an app's cognito-idp calls into a replay file that ``harness replay`` accepts.

Like moto, it works through botocore's event hooks, registered for every client created after
this module is imported (``botocore.handlers.BUILTIN_HANDLERS``); they do nothing unless a
recording is active. Two switches:

* in code: ``with record_cognito_calls("calls.jsonl"): app.run()``;
* by environment: ``HARNESS_RECORD=calls.jsonl`` and ``import harness.replay.recorder`` early (the
  ``harness record -- COMMAND`` wrapper does both for any Python program).

Each call becomes one JSON Lines record ``{"operation", "request", "expect"}`` in the API's
own names. Secrets never reach the file: passwords become ``${env:...}`` references that the
replay resolves from the environment, a Session returned by the previous call becomes
``${previous:Session}``, and codes, tokens and SRP proofs become ``${env:...}`` references too.
Recording never changes what the app sees: the hooks only read, and any failure in them is
reported once on stderr and otherwise ignored.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botocore import handlers

from harness.emulator.own_calls import harness_own_calls_active
from harness.redaction import (
    AUTH_MAPS,
    SECRET_AUTH_KEYS,
    SECRET_PARAMETERS,
    is_sensitive_name,
)

_SERVICE = "cognito-identity-provider"
_KEY = "harness_recording_params"


def env_name(kind: str, username: Any) -> str:
    """``PASSWORD``, ``alice.smith`` → ``HARNESS_PASSWORD_ALICE_SMITH``."""
    who = re.sub(r"[^A-Za-z0-9]+", "_", str(username or "")).strip("_").upper()
    return f"HARNESS_{kind}_{who}" if who else f"HARNESS_{kind}"


def metadata_kind(name: Any) -> str:
    """``custom:pin`` → ``PIN``, ``invitationCode`` → ``INVITATIONCODE``: a variable kind."""
    text = str(name).rsplit(":", 1)[-1]
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "VALUE"


def _username(params: Mapping[str, Any]) -> Any:
    for holder in (params, params.get("AuthParameters"), params.get("ChallengeResponses")):
        if isinstance(holder, Mapping):
            for key in ("Username", "USERNAME"):
                if holder.get(key):
                    return holder[key]
    return None


class SecretNames:
    """Gives each distinct secret value its own variable name: alice's right password and a
    wrong one she typed must not replay as the same value. Only digests are kept."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    def name(self, kind: str, user: Any, value: str) -> str:
        key = (kind, hashlib.sha256(f"{kind}\0{user}\0{value}".encode()).hexdigest())
        if key not in self._names:
            base = env_name(kind, user)
            name, number = base, 1
            while name in self._used:
                number += 1
                name = f"{base}_{number}"
            self._used.add(name)
            self._names[key] = name
        return self._names[key]


def sanitize(
    params: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    names: SecretNames | None = None,
) -> tuple[dict[str, Any], set[str]]:
    """The request with secrets turned into references; and the variables they need."""
    user = _username(params)
    needed: set[str] = set()
    previous_session = (previous or {}).get("Session")
    names = names or SecretNames()

    def secret(kind: str, value: str) -> str:
        name = names.name(kind, user, value)
        needed.add(name)
        return f"${{env:{name}}}"

    cleaned: dict[str, Any] = {}
    for key, value in params.items():
        if key == "SecretHash":
            continue  # the replay computes it from the client's secret, as the SDK did
        if key == "Session" and isinstance(value, str) and value == previous_session:
            cleaned[key] = "${previous:Session}"
        elif key in SECRET_PARAMETERS and isinstance(value, str) and value:
            # A Session that is not the previous call's cannot be replayed: it stays secret.
            cleaned[key] = secret(SECRET_PARAMETERS[key], value)
        elif key == "ClientMetadata" and isinstance(value, Mapping):
            # A sensitive-looking key's value (an invitation code, an OTP...) is a reference
            # too, as passwords are (the one table: harness.redaction).
            cleaned[key] = {
                k: secret(metadata_kind(k), v) if is_sensitive_name(k) and isinstance(v, str) else v
                for k, v in value.items()
            }
        elif key in ("ValidationData", "UserAttributes") and isinstance(value, list):
            cleaned[key] = [
                {**pair, "Value": secret(metadata_kind(pair.get("Name")), pair["Value"])}
                if isinstance(pair, Mapping)
                and is_sensitive_name(pair.get("Name"))
                and isinstance(pair.get("Value"), str)
                else copy.deepcopy(pair)
                for pair in value
            ]
        elif key in AUTH_MAPS and isinstance(value, Mapping):
            cleaned[key] = {
                k: secret(SECRET_AUTH_KEYS[k], v)
                if k in SECRET_AUTH_KEYS and isinstance(v, str) and v
                else v
                for k, v in value.items()
                if k != "SECRET_HASH"  # likewise
            }
        else:
            cleaned[key] = copy.deepcopy(value)
    return cleaned, needed


def outcome_of(parsed: Mapping[str, Any], status: int) -> dict[str, Any]:
    if status >= 300:
        code = (parsed.get("Error") or {}).get("Code")
        return {"outcome": "error", **({"error": code} if code else {})}
    if "AuthenticationResult" in parsed:
        return {"outcome": "tokens"}
    if "ChallengeName" in parsed:
        return {"outcome": "challenge"}
    return {}


class Recorder:
    """Writes one JSON line per recorded call; thread-safe."""

    def __init__(self, path: Path | str, *, setup: Path | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A new file each time: the variable names are numbered within one recording.
        self._file = self.path.open("w", encoding="utf-8")
        if setup is not None:  # the pool the calls were made against (``harness serve --setup``)
            self._file.write(json.dumps({"setupFile": str(setup.resolve())}) + "\n")
        self._lock = threading.Lock()
        #: The last recorded call's response: "the previous call" of the replay file.
        self._previous: Mapping[str, Any] = {}
        self.variables: set[str] = set()
        self.names = SecretNames()
        self.count = 0

    def write(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        status: int,
        *,
        expect: Mapping[str, Any] | None = None,
    ) -> None:
        with self._lock:
            request, needed = sanitize(params, self._previous, self.names)
            self.variables |= needed
            entry: dict[str, Any] = {"operation": operation, "request": request}
            expectation = {**outcome_of(parsed, status), **(expect or {})}
            if expectation:
                entry["expect"] = expectation
            self._file.write(json.dumps(entry, default=str) + "\n")
            self._file.flush()
            self._previous = parsed if status < 300 else {}
            self.count += 1

    def close(self) -> None:
        with self._lock:
            self._file.close()


_active: list[Recorder] = []
_warned = False


def _on_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if _active and not harness_own_calls_active():
        try:
            context[_KEY] = copy.deepcopy(params)
        except Exception as error:  # never break the app
            _warn(error)


def _on_response(
    http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
) -> None:
    params = context.get(_KEY)
    if not _active or params is None:
        return
    try:
        status = int(getattr(http_response, "status_code", 200))
        for recorder in list(_active):
            recorder.write(model.name, params, parsed, status)
    except Exception as error:
        _warn(error)


def _warn(error: Exception) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(f"harness.replay.recorder: a call was not recorded ({error!r})", file=sys.stderr)


# Registered once, for every botocore client created from now on (moto's technique).
handlers.BUILTIN_HANDLERS.append((f"provide-client-params.{_SERVICE}", _on_params))
handlers.BUILTIN_HANDLERS.append((f"after-call.{_SERVICE}", _on_response))


def attach(client: Any) -> Any:
    """Hook a client created before this module was imported."""
    client.meta.events.register(f"provide-client-params.{_SERVICE}", _on_params)
    client.meta.events.register(f"after-call.{_SERVICE}", _on_response)
    return client


@contextmanager
def record_cognito_calls(path: Path | str) -> Iterator[Recorder]:
    """Record every cognito-idp call made inside the block into ``path`` (JSON Lines)."""
    recorder = Recorder(path)
    _active.append(recorder)
    try:
        yield recorder
    finally:
        _active.remove(recorder)
        recorder.close()


def _from_environment() -> None:
    target = os.environ.get("HARNESS_RECORD")
    if not target:
        return
    recorder = Recorder(target)
    _active.append(recorder)

    import atexit

    def finish() -> None:
        recorder.close()
        if recorder.variables:
            names = " ".join(sorted(recorder.variables))
            print(
                f"harness: recorded {recorder.count} call(s) to {target}; to replay, set {names}",
                file=sys.stderr,
            )

    atexit.register(finish)


_from_environment()
