"""What Cognito answers when a trigger run by the RIE times out or kills its runtime.

tests/harness/invokers/fixtures/template.yaml wires a pool's PreAuthentication to a function that
sleeps 3 s past its 1 s Timeout, UserMigration to one that calls ``os._exit(3)``, and
PostAuthentication to one that answers at once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from harness.emulator import Emulator
from harness.invokers import InvokerError
from harness.invokers.rie import RieInvoker
from harness.stack import Stack

# Slow: Lambda's runtime interface emulator per function; `pytest -m "not slow"` skips them.
pytestmark = pytest.mark.slow

PASSWORD = "Passw0rd!fixture"


def _sign_in(emu: Emulator, username: str) -> tuple[str, str]:
    record = emu.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": emu.user_pool_id,
            "ClientId": emu.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
        },
    )
    assert record.error is not None
    return record.error.code, record.error.message


@pytest.fixture
def emulator(fixture_stack: Stack) -> Iterator[tuple[Emulator, RieInvoker]]:
    invoker = RieInvoker(fixture_stack)
    with Emulator(fixture_stack, invoker=invoker) as emu:
        emu.add_user("alice", password=PASSWORD, attributes={"email": "alice@example.com"})
        yield emu, invoker


def test_a_trigger_past_its_timeout_is_unexpected_lambda_exception(
    emulator: tuple[Emulator, RieInvoker],
) -> None:
    emu, invoker = emulator
    started = time.monotonic()
    code, message = _sign_in(emu, "alice")
    elapsed = time.monotonic() - started
    assert code == "UnexpectedLambdaException"
    assert message == (
        "PreAuthentication invocation failed due to error Socket timeout while invoking "
        "Lambda function."
    )
    assert 0.9 < elapsed < 2.9  # min(Timeout 1 s, Cognito's 5 s), not the handler's 3 s sleep
    # As Lambda does after a timeout, the environment is gone; the next call starts a new one.
    assert "SleepyFunction" not in invoker.warm_pids()


def test_a_runtime_that_exits_is_unexpected_lambda_exception(
    emulator: tuple[Emulator, RieInvoker],
) -> None:
    emu, _ = emulator
    for _ in range(2):  # and again: the environment is re-initialised after the crash
        code, message = _sign_in(emu, "nobody")
        assert code == "UnexpectedLambdaException"
        assert message == "UserMigration invocation failed due to error Runtime.ExitError."
    invocation = emu.calls[-1].invocations[0]
    assert invocation.init_duration_ms is not None
    assert "exiting the runtime" in invocation.logs


def test_the_invoker_reports_the_timeout_and_the_exit(
    fixture_rie: RieInvoker, fixture_stack: Stack
) -> None:
    sleepy = fixture_stack.functions["SleepyFunction"]
    result = fixture_rie.invoke(sleepy, {}, 1.0)
    assert result.timed_out
    assert "sleeping past the timeout" in result.logs
    crash = fixture_rie.invoke(fixture_stack.functions["CrashingFunction"], {}, 5.0)
    assert crash.error_type == "Runtime.ExitError"
    assert crash.error_message is not None
    assert "exit status 3" in crash.error_message


def test_the_rie_enforces_the_function_timeout_itself(
    fixture_rie: RieInvoker, fixture_stack: Stack
) -> None:
    """Given more time than the function's Timeout, the RIE's own "Task timed out" counts."""
    result = fixture_rie.invoke(fixture_stack.functions["SleepyFunction"], {}, 2.5)
    assert result.timed_out
    assert result.error_message is not None
    assert "Task timed out after 1.00 seconds" in (result.error_message)


def test_an_environment_stays_warm_until_its_configuration_changes(
    fixture_rie: RieInvoker, fixture_stack: Stack
) -> None:
    echo = fixture_stack.functions["EchoFunction"]
    first = fixture_rie.invoke(echo, {}, 5)
    second = fixture_rie.invoke(echo, {}, 5)
    assert first.payload["response"]["greeting"] == "hello"
    assert second.payload["response"]["pid"] == first.payload["response"]["pid"]
    assert second.init_duration_ms is None
    assert "echo hello from" in second.logs
    changed = dataclasses.replace(echo, environment={**echo.environment, "GREETING": "bye"})
    third = fixture_rie.invoke(changed, {}, 5)
    assert third.payload["response"]["greeting"] == "bye"
    assert third.payload["response"]["pid"] != first.payload["response"]["pid"]
    assert third.init_duration_ms is not None


def test_the_function_gets_lambdas_environment_not_the_harnesss(
    fixture_rie: RieInvoker, fixture_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    echo = dataclasses.replace(
        fixture_stack.functions["EchoFunction"],
        environment={"GREETING": "env-check"},  # a new environment, started now
    )
    result = fixture_rie.invoke(echo, {}, 5)
    assert result.error_type is None
    env = _environment_of(fixture_rie.warm_pids()["EchoFunction"])
    assert env["AWS_LAMBDA_FUNCTION_TIMEOUT"] == "1"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_ENDPOINT_URL"] == fixture_rie.aws_endpoint_url
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert "AWS_PROFILE" not in env


def _environment_of(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as environ:
        pairs = [item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item]
    return {k.decode(): v.decode() for k, v in pairs}


def test_a_function_outside_the_template_is_an_error(
    fixture_rie: RieInvoker, project_stack: Stack
) -> None:
    with pytest.raises(InvokerError, match=r"is not a function of .*; functions: "):
        fixture_rie.invoke(project_stack.functions["PreSignUpFunction"], {}, 5)
