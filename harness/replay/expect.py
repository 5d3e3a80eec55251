"""A call's expectation: read from ``# expect:`` comments or a JSON ``"expect"`` object, and
compared with what happened (emulated or observed live)."""

from __future__ import annotations

from typing import Any, Final

from harness.replay import service_model as _service
from harness.replay.model import TRIGGER_NAMES, Expectation, ReplayError, suggest
from harness.results import CallRecord

_EXPECT_KEYS: Final = ("order", "outcome", "error")


def _expect_key(key: str, location: str) -> str:
    for name in (*TRIGGER_NAMES, *_EXPECT_KEYS):
        if key == name:
            return name
    for name in (*TRIGGER_NAMES, *_EXPECT_KEYS):
        if key.casefold() == name.casefold():
            return name
    raise ReplayError(
        location,
        f"unknown expectation key '{key}'{suggest(key, (*TRIGGER_NAMES, *_EXPECT_KEYS))}; "
        "use a trigger name (PreAuthentication=validationData|clientMetadata|none|not-run), "
        "order=A,B, outcome=tokens|challenge|error|ok or error=<ErrorCode>",
    )


def expectation(entries: list[tuple[str, Any]], location: str) -> Expectation:
    """An :class:`Expectation` from ``key, value`` entries (comment or JSON syntax)."""
    triggers: dict[str, str] = {}
    order: list[str] | None = None
    outcome: str | None = None
    error_code: str | None = None
    seen: set[str] = set()
    for raw_key, value in entries:
        key = _expect_key(raw_key, location)
        if key in seen:
            raise ReplayError(location, f"expectation names '{key}' twice")
        seen.add(key)
        if key == "order":
            if isinstance(value, str):
                order = [name.strip() for name in value.split(",") if name.strip()]
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                order = list(value)
            else:
                raise ReplayError(location, "order must be a list of trigger names")
            order = [_expect_key(name, location) for name in order]
            continue
        if not isinstance(value, str) or not value:
            raise ReplayError(location, f"expectation '{key}' must be a non-empty string")
        if key == "outcome":
            outcome = value
        elif key == "error":
            if value not in _service.error_codes():
                raise ReplayError(
                    location,
                    f"error={value} is not a Cognito error code"
                    f"{suggest(value, _service.error_codes())}",
                )
            error_code = value
        else:
            triggers[key] = value
    try:
        return Expectation(triggers=triggers, order=order, outcome=outcome, error_code=error_code)
    except ValueError as error:
        raise ReplayError(location, str(error)) from None


def expectation_from_text(body: str, location: str) -> Expectation:
    """Parse the body of an ``# expect:`` comment: ``key=value`` words."""
    entries: list[tuple[str, Any]] = []
    for word in body.split():
        key, sep, value = word.partition("=")
        if not sep or not key or not value:
            raise ReplayError(
                location,
                f"'{word}' in '# expect:' is not key=value, e.g. PreAuthentication=validationData "
                "outcome=tokens error=NotAuthorizedException",
            )
        entries.append((key, value))
    if not entries:
        raise ReplayError(location, "'# expect:' names nothing; e.g. '# expect: outcome=tokens'")
    return expectation(entries, location)


def expectation_from_json(value: Any, location: str) -> Expectation:
    if not isinstance(value, dict):
        raise ReplayError(location, '"expect" must be an object such as {"outcome": "tokens"}')
    return expectation(list(value.items()), location)


class PendingExpectation:
    """``# expect:`` comments seen since the last call, merged, for the next call."""

    def __init__(self) -> None:
        self.value: Expectation | None = None
        self.location: str | None = None

    def add(self, body: str, location: str) -> None:
        parsed = expectation_from_text(body, location)
        try:
            self.value = parsed if self.value is None else self.value.merged(parsed)
        except ValueError as error:
            raise ReplayError(location, str(error)) from None
        self.location = self.location or location

    def take(self) -> Expectation | None:
        value, self.value, self.location = self.value, None, None
        return value

    def check_consumed(self) -> None:
        if self.value is not None and self.location is not None:
            raise ReplayError(
                self.location, "'# expect:' is not followed by a call; put it just before one"
            )


def check(
    expect: Expectation | None, record: CallRecord, not_checked: list[str] | None = None
) -> list[str]:
    """What differs between a call's expectation and what the emulator did.

    A trigger outside the template that did not run here (``Invocation.not_run``) makes part
    of the expectation uncheckable, and that part counts neither as met nor as failed: it is
    appended to ``not_checked``. Met would be false (the function received nothing here; a
    replay saying "1/1 met" for it is what hid such triggers), and failed would make a correct
    stack exit 1. The part is the trigger's own field, and the outcome, error and order of
    the call, which its answer decides (it may refuse the call, or choose the next challenge);
    what the template's own triggers received is checked as always.
    """
    if expect is None:
        return []
    failures: list[str] = []
    skipped = not_checked if not_checked is not None else []
    ran: dict[str, list[str | None]] = {}
    outside: dict[str, str] = {}
    for invocation in record.invocations:
        if invocation.not_run is not None:
            outside.setdefault(invocation.trigger, invocation.function)
            continue
        ran.setdefault(invocation.trigger, []).append(invocation.metadata_field)
    for trigger, wanted in expect.triggers.items():
        if trigger in outside:
            skipped.append(f"{trigger}={wanted}: {outside[trigger]} did not run here")
            continue
        fields = ran.get(trigger)
        if wanted == "not-run":
            if fields:
                failures.append(f"expected {trigger} not to run, but it ran")
            continue
        if not fields:
            failures.append(f"expected {trigger} to run ({wanted}), but it did not run")
            continue
        got = ["none" if f is None else f for f in fields]
        if wanted not in got:
            failures.append(f"expected {trigger} to receive {wanted}, but it received {got[0]}")
    if outside:
        whose = ", ".join(outside)
        skipped.extend(
            f"{name}: decided by the answer of {whose}, which did not run here"
            for name, given in (
                ("order", expect.order),
                ("outcome", expect.expected_outcome),
                ("error", expect.error_code),
            )
            if given is not None
        )
        return failures
    if expect.order is not None:
        order = [i.trigger for i in record.invocations]
        dedup = [t for n, t in enumerate(order) if t not in order[:n]]
        if dedup != expect.order:
            failures.append(
                f"expected order {' → '.join(expect.order)}, got {' → '.join(dedup) or 'none'}"
            )
    outcome = record.outcome
    wanted_outcome = expect.expected_outcome
    if wanted_outcome is not None and outcome["status"] != wanted_outcome:
        detail = f" ({outcome.get('code')}: {outcome.get('message')})" if record.error else ""
        failures.append(f"expected outcome {wanted_outcome}, got {outcome['status']}{detail}")
    if (
        expect.error_code is not None
        and record.error is not None
        and record.error.code != expect.error_code
    ):
        failures.append(f"expected error {expect.error_code}, got {record.error.code}")
    return failures
