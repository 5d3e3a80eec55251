"""The one replay loop (harness.replay.runner.replay_calls) over a backend that is not the
emulator: what it sends, when it checks, and that it never changes what was sent."""

from __future__ import annotations

import dataclasses
from typing import Any

from harness.replay.model import ApiCall, Expectation, Replay, Setup
from harness.replay.runner import replay_calls
from harness.results import CallRecord, CallResult, Invocation


class FakeBackend:
    """Answers every call with a session; ``finish`` adds a PreAuthentication invocation to
    each record, as the live pool adds what the triggers logged."""

    user_pool_id = "us-east-1_Fake"

    def __init__(self) -> None:
        self.events: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.finished: list[CallResult] = []

    def seed(self, replay: Replay) -> None:
        self.events.append("seed")

    def send(self, call: ApiCall, params: dict[str, Any]) -> CallRecord:
        self.events.append(f"send {call.operation}")
        self.sent.append(params)
        number = len(self.sent)
        return CallRecord(call.operation, call.source, params, [], {"Session": f"s{number}"})

    def finish(self, results: list[CallResult]) -> list[CallResult]:
        self.events.append("finish")
        self.finished = results
        invocation = Invocation(
            "PreAuthentication", "PreAuthentication_Authentication", "f", None, None
        )
        return [
            dataclasses.replace(r, record=dataclasses.replace(r.record, invocations=[invocation]))
            for r in results
        ]


def call(operation: str, params: dict[str, Any], expect: Expectation | None = None) -> ApiCall:
    return ApiCall(operation, params, f"calls.json:{len(params)}", expect)


def test_the_loop_seeds_sends_in_order_then_checks_what_the_backend_finished() -> None:
    expect = Expectation(triggers={"PreAuthentication": "none"})
    replay = Replay(
        calls=[
            call("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH"}, expect),
            call("RespondToAuthChallenge", {"Session": "${previous:Session}"}, expect),
        ],
        setup=Setup(),
        sources=["calls.json"],
    )
    backend = FakeBackend()
    progress: list[tuple[int, int]] = []

    results = replay_calls(backend, replay, lambda n, total, _: progress.append((n, total)))

    assert backend.events == ["seed", "send InitiateAuth", "send RespondToAuthChallenge", "finish"]
    assert backend.sent[1] == {"Session": "s1"}  # ${previous:Session} from the first answer
    assert progress == [(1, 2), (2, 2)]
    # Checked on the finished records, which hold the invocation: every expectation met.
    assert [r.failures for r in results] == [[], []]
    # What was sent stays as it was sent.
    assert [r.record.invocations for r in backend.finished] == [[], []]
    assert all(r.failures == [] for r in backend.finished)


def test_expectations_fail_on_what_the_backend_finished_without() -> None:
    class Silent(FakeBackend):
        def finish(self, results: list[CallResult]) -> list[CallResult]:
            return results

    expect = Expectation(triggers={"PreAuthentication": "none"})
    replay = Replay([call("InitiateAuth", {}, expect)], Setup(), [])

    [result] = replay_calls(Silent(), replay)

    assert result.failures == ["expected PreAuthentication to run (none), but it did not run"]
