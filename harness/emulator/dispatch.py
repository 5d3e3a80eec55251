"""Trigger dispatch: build the event Cognito would send, invoke, turn the answer into Cognito's.

Every invocation comes back as a :class:`TriggerRun`: the :class:`Invocation` the report shows
(which trigger, which triggerSource, in which field the call's ClientMetadata arrived, decided by
:mod:`harness.cognito.routing`, how long it took, the error Cognito gave the caller, if any) and
the trigger's response or that error. The caller (:class:`harness.emulator.context.CallContext`)
collects the invocations of its API call.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from harness.cognito import errors
from harness.cognito.events import build_event
from harness.cognito.refusals import refusal
from harness.cognito.responses import read_response
from harness.cognito.routing import metadata_field
from harness.cognito.triggers import trigger_of
from harness.errors import HarnessInputError
from harness.invokers.base import COGNITO_TRIGGER_TIMEOUT_SECONDS, Invoker
from harness.redaction import (
    ATTRIBUTE_MAPS,
    METADATA_MAPS,
    REDACTED,
    SECRET_EVENT_FIELDS,
    SECRET_EVENT_MAPS,
    event_secrets,
    redact_metadata,
    scrub,
)
from harness.results import Invocation
from harness.settings import Settings
from harness.stack import FunctionSpec


def _copy(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of an event or a response: JSON documents (what Lambda is sent and answers),
    which a JSON round trip copies several times faster than ``copy.deepcopy``."""
    copied: dict[str, Any] = json.loads(json.dumps(document))
    return copied


def redact_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``event`` with its secrets (migration password, codes, answers) replaced."""
    shown = _copy(event)
    request = shown.get("request")
    if isinstance(request, dict):
        for name in SECRET_EVENT_FIELDS & request.keys():
            if request[name] is not None:
                request[name] = REDACTED
        for name in SECRET_EVENT_MAPS & request.keys():
            if isinstance(request[name], dict):
                request[name] = dict.fromkeys(request[name], REDACTED)
        for name in (*METADATA_MAPS, *ATTRIBUTE_MAPS):
            if isinstance(request.get(name), dict):
                request[name] = redact_metadata(request[name])
    return shown


def _redact_response(response: Mapping[str, Any]) -> dict[str, Any]:
    """CreateAuthChallenge answers with the expected answer: a report never shows it."""
    shown = _copy(response)
    for name in SECRET_EVENT_MAPS & shown.keys():
        if isinstance(shown[name], dict):
            shown[name] = dict.fromkeys(shown[name], REDACTED)
    return shown


_log = logging.getLogger(__name__)

#: Triggers whose answer the call cannot go on without: the challenge to send, the answer's
#: verdict, the migrated user. One outside the template ends the call with
#: :class:`TriggerNotRunHere` (the others are shown as not run, and the call goes on).
NEEDS_ANSWER = frozenset(
    {"DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse", "UserMigration"}
)


class TriggerNotRunHere(HarnessInputError):
    """The call needs the answer of a function outside the template (only ``--invoke lambda``
    runs it): the call's outcome says so, as the harness's, not as Cognito's."""


@dataclass(frozen=True)
class TriggerRun:
    """One trigger invocation: what the report shows, and what Cognito made of the answer."""

    invocation: Invocation
    #: The trigger's ``response`` object, when Cognito could use the answer.
    response: dict[str, Any] | None = None
    #: The error Cognito returns to the caller, when it could not.
    error: errors.CognitoError | None = None
    #: The invoker itself failed: raised again once the invocation is recorded.
    crash: Exception | None = None


class TriggerDispatcher:
    """Runs the triggers a pool is wired to, with Cognito's routing, checks and errors."""

    def __init__(
        self,
        functions: Mapping[str, FunctionSpec],
        invoker: Invoker,
        settings: Settings,
        *,
        region: str,
        user_pool_id: str,
        pre_token_version: str = "V1_0",
        prevent_user_existence_errors: bool = False,
    ) -> None:
        self.functions = dict(functions)
        self.invoker = invoker
        self.settings = settings
        self.region = region
        self.user_pool_id = user_pool_id
        self.pre_token_version = pre_token_version
        self.prevent_user_existence_errors = prevent_user_existence_errors

    def has(self, trigger: str) -> bool:
        """The pool has a function for ``trigger``, as Cognito sees it: one outside the
        template is configured too (a CUSTOM_AUTH sign-in is not "not configured"); it runs
        only with ``--invoke lambda``, and :meth:`run` says so."""
        return trigger in self.functions

    @property
    def _runs_deployed(self) -> bool:
        return self.invoker.name == "lambda"

    @staticmethod
    def _not_run(shown: Invocation, function: FunctionSpec) -> TriggerRun:
        """A function outside the template: its code is not here, only ``--invoke lambda``
        runs it. The row says so and shows no field (nothing received the metadata); the call
        goes on as without the trigger, unless it needs the trigger's answer to go on."""
        would = f" (Cognito sends it request.{shown.metadata_field})" if shown.metadata else ""
        line = (
            f"{shown.trigger} is {function.arn}, outside the template: not run here{would}; "
            "only --invoke lambda runs it"
        )
        row = replace(shown, metadata_field=None, metadata=None, not_run=line)
        if shown.trigger in NEEDS_ANSWER:
            return TriggerRun(row, crash=TriggerNotRunHere(f"{line} (the call needs its answer)"))
        return TriggerRun(row)

    def run(
        self,
        trigger_source: str,
        *,
        operation: str,
        username: str,
        client_id: str,
        user_attributes: Mapping[str, str],
        client_metadata: Mapping[str, str] | None,
        validation_data: Mapping[str, str] | None = None,
        request: Mapping[str, Any] | None = None,
    ) -> TriggerRun | None:
        """Invoke the trigger for ``trigger_source``; None when the pool has no function for it.

        ``client_metadata`` is the API call's ClientMetadata; the routing table decides in
        which field (if any) the trigger receives it, by ``operation``. ``validation_data`` is
        SignUp's and AdminCreateUser's separate ValidationData parameter. A trigger that fails
        is not raised here: the result carries the error Cognito returns to the caller.
        """
        trigger = trigger_of(trigger_source)
        function = self.functions.get(trigger)
        if function is None:
            return None
        routed = metadata_field(operation, trigger, self.settings)
        metadata = dict(client_metadata) if client_metadata else None
        validation = dict(validation_data) if validation_data else None
        client_field: dict[str, str] | None = None
        if routed == "validationData" and metadata:
            validation = {**(validation or {}), **metadata}
        elif routed == "clientMetadata":
            client_field = metadata
        event = build_event(
            trigger_source,
            username=username,
            region=self.region,
            user_pool_id=self.user_pool_id,
            client_id=client_id,
            user_attributes=dict(user_attributes),
            validation_data=validation,
            client_metadata=client_field,
            request=request,
            # Only pre token generation events carry the pool's LambdaVersion (V2_0 / V3_0).
            token_version=self.pre_token_version if trigger == "PreTokenGeneration" else "V1_0",
            prevent_user_existence_errors=self.prevent_user_existence_errors,
        )
        shown_field = routed if metadata and routed else ("validationData" if validation else None)
        shown = Invocation(
            trigger=trigger,
            trigger_source=trigger_source,
            function=function.logical_id,
            runtime=function.runtime or None,
            metadata_field=shown_field,
            metadata=metadata if routed and metadata else validation,
            event=redact_event(event),
        )
        if (
            function.invoke_denied
            and self.settings.check_invoke_permission
            and not self._runs_deployed
        ):
            # Cognito may not invoke the function: it never runs, the call fails as on AWS
            # (harness.cognito.refusals), and the row says why with the fix.
            denied = (
                refusal("migration_failed", client_id=client_id)
                if trigger == "UserMigration"
                else refusal("invoke_denied", trigger=trigger)
            )
            row = replace(
                shown,
                error=denied.to_dict(),
                error_type="AccessDeniedException",
                error_message=function.invoke_denied,
                invoke_denied=function.invoke_denied,
            )
            return TriggerRun(row, error=denied)
        if function.external and not self._runs_deployed:
            return self._not_run(shown, function)
        timeout = min(function.timeout, COGNITO_TRIGGER_TIMEOUT_SECONDS)
        started = time.perf_counter()
        _log.debug(
            "%s: %s runs %s (%s), metadata keys %s in %s",
            trigger_source,
            trigger,
            function.logical_id,
            self.invoker.name,
            sorted(shown.metadata or {}),
            shown_field or "no field",
        )
        try:
            result = self.invoker.invoke(function, event, timeout)
        except Exception as crash:
            # The invoker itself failed (a set-up problem or a harness bug, not the function):
            # the report still shows which trigger it was running.
            return TriggerRun(shown, crash=crash)
        secrets = event_secrets(event)
        if result.error_message:
            # A careless trigger may put the password in its error: nobody sees it here (a
            # deliberate departure: Cognito would hand the message to the caller as it is).
            result = replace(result, error_message=scrub(result.error_message, secrets))
        response: dict[str, Any] | None = None
        error: errors.CognitoError | None = None
        try:
            response = read_response(trigger, result)
        except errors.CognitoError as refused:
            error = refused
        # (``shown`` is this invocation's own row, not yet handed out: completed in place)
        shown.duration_ms = result.duration_ms or (time.perf_counter() - started) * 1000
        shown.init_duration_ms = result.init_duration_ms
        shown.error = error.to_dict() if error is not None else None
        shown.logs = scrub(result.logs, secrets)
        shown.error_type = "Timeout" if result.timed_out else result.error_type
        shown.error_message = result.error_message
        shown.traceback = scrub(result.traceback, secrets) if result.traceback else None
        shown.response = _redact_response(response) if response is not None else None
        return TriggerRun(shown, response, error)
