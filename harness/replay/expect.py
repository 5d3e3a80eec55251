"""A call's expectation compared with what happened (emulated or observed live)."""

from __future__ import annotations

from harness.replay.model import Expectation
from harness.results import CallRecord


def check(expect: Expectation | None, record: CallRecord) -> list[str]:
    """What differs between a call's expectation and what the emulator did."""
    if expect is None:
        return []
    failures: list[str] = []
    ran: dict[str, list[str | None]] = {}
    for invocation in record.invocations:
        ran.setdefault(invocation.trigger, []).append(invocation.metadata_field)
    for trigger, wanted in expect.triggers.items():
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
