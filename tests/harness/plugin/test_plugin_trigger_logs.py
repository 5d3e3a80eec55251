"""A trigger's logs reach ``Invocation.logs`` under every pytest capture mode, as in CloudWatch."""

from __future__ import annotations

import textwrap

import pytest

from tests.support.pytester import import_plugin_modules, pre_sign_up_template

TEMPLATE = pre_sign_up_template("logging_hooks.pre_sign_up", code="functions")
import_plugin_modules()  # at collection (tests/support/pytester.py says why)

HOOKS = """\
import logging
import sys

from aws_lambda_powertools import Logger

logger = Logger(service="signup")  # binds the sys.stdout of the import


def pre_sign_up(event, context):
    logger.info("powertools line for %s", event["userName"])
    print("print line for", event["userName"])
    print("stderr line", file=sys.stderr)
    logging.getLogger("hooks").warning("logging line for %s", event["userName"])
    return event
"""

# Several tests: pytest puts its capture stream back at every phase of every test, and the first
# test's import (Powertools' Logger binding sys.stdout) must keep routing in the next ones.
TESTS = """\
import re

import pytest

def sign_up_and_logs(cognito_pool, name):
    client = cognito_pool.client
    client.sign_up(ClientId=cognito_pool.client_id, Username=name, Password="Passw0rd!")
    return cognito_pool.invocations_of("PreSignUp")[-1].logs

def check(logs, name):
    assert f'"message":"powertools line for {name}"' in logs, logs
    assert f"print line for {name}\\n" in logs, logs
    assert "stderr line\\n" in logs, logs
    # the Python runtime's root handler: [LEVEL]<tab>UTC time<tab>request id<tab>message
    assert re.search(
        r"^\\[WARNING\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t[0-9a-f-]{36}\\t"
        + f"logging line for {name}$", logs, re.M), logs

def test_first(cognito_pool):
    check(sign_up_and_logs(cognito_pool, "ann"), "ann")

def test_second_after_capsys(cognito_pool, capsys):
    print("the test's own line")
    check(sign_up_and_logs(cognito_pool, "bob"), "bob")
    assert capsys.readouterr().out == "the test's own line\\n"  # nothing of the trigger's

def test_third(cognito_pool):
    check(sign_up_and_logs(cognito_pool, "cy"), "cy")

@pytest.fixture
def signed_up(cognito_pool):
    check(sign_up_and_logs(cognito_pool, "eve"), "eve")  # a trigger runs before capsys starts
    yield cognito_pool
    print("the fixture's teardown line")  # after capsys has ended

def test_capsys_after_a_fixture_that_ran_a_trigger(signed_up, capsys):
    check(sign_up_and_logs(signed_up, "fay"), "fay")
    print("mine")
    assert capsys.readouterr().out == "mine\\n"
"""


@pytest.mark.parametrize("capture", ["--capture=fd", "--capture=sys", "-s"])
def test_trigger_logs_land_in_invocation_logs_under_each_capture_mode(
    pytester: pytest.Pytester, capture: str
) -> None:
    pytester.makefile(".yaml", template=TEMPLATE)
    (pytester.mkdir("functions") / "logging_hooks.py").write_text(HOOKS)
    pytester.makepyfile(test_it=textwrap.dedent(TESTS))
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", capture)
    result.assert_outcomes(passed=4)
    # ...and none of it leaks into the run's own output
    assert "print line for" not in result.stdout.str()


def test_a_handler_module_the_test_file_imports_still_logs_to_the_invocation(
    pytester: pytest.Pytester,
) -> None:
    """A unit test file importing the handler makes its Powertools Logger while pytest collects
    it, outside any invocation: its lines still reach the invocation's log, once each."""
    pytester.makefile(".yaml", template=TEMPLATE)
    (pytester.mkdir("functions") / "logging_hooks.py").write_text(HOOKS)
    pytester.makeini("[pytest]\npythonpath = functions\n")
    pytester.makepyfile(
        test_it="import logging_hooks  # collected first: the Logger is made now\n"
        + textwrap.dedent(TESTS)
        + textwrap.dedent(
            """
            def test_powertools_lines_are_not_written_twice(cognito_pool):
                logs = sign_up_and_logs(cognito_pool, "dee")
                assert logs.count("powertools line for dee") == 1, logs
            """
        )
    )
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
