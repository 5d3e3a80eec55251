"""Tests whose template parameters give a function other variables get another execution
environment (a cold start), as another configuration gets in Lambda; the same configuration
stays warm from test to test."""

from __future__ import annotations

import textwrap

import pytest

from tests.support.pytester import import_plugin_modules, pre_sign_up_template

TEMPLATE = pre_sign_up_template(
    "greeter_app.handler",
    code="greeter",
    parameters="  Greeting: {Type: String}\n",
    extra="      Environment: {Variables: {GREETING: !Ref Greeting}}\n",
)

import_plugin_modules()  # at collection (tests/support/pytester.py says why)

APP = """\
import os

GREETING = os.environ["GREETING"]  # read once, at the cold start
print("cold start for", GREETING)


def handler(event, context):
    if event["request"]["userAttributes"]["email"].split("@")[0] != GREETING:
        raise Exception(f"only {GREETING} may sign up")
    return event
"""

# The third test has the first one's parameters: the same stack, its pool from the snapshot.
TESTS = """\
import pytest

def sign_up(cognito_pool, name):
    cognito_pool.client.sign_up(
        ClientId=cognito_pool.client_id, Username=name, Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
    return cognito_pool.invocations_of("PreSignUp")[-1]

@pytest.mark.cognito(parameters={"Greeting": "ann"})
def test_ann(cognito_pool):
    run = sign_up(cognito_pool, "ann")
    assert "cold start for ann" in run.logs and run.init_duration_ms is not None

@pytest.mark.cognito(parameters={"Greeting": "bob"})
def test_bob_gets_a_cold_start(cognito_pool):
    run = sign_up(cognito_pool, "bob")
    assert "cold start for bob" in run.logs and run.init_duration_ms is not None

@pytest.mark.cognito(parameters={"Greeting": "ann"})
def test_ann_again_is_warm(cognito_pool):
    run = sign_up(cognito_pool, "ann")
    assert "cold start" not in run.logs and run.init_duration_ms is None
"""


def test_other_parameters_import_the_function_again_and_the_same_stay_warm(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", template=TEMPLATE)
    (pytester.mkdir("greeter") / "greeter_app.py").write_text(APP)
    pytester.makepyfile(test_it=textwrap.dedent(TESTS))
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
