"""The pytest plugin on a user's stack: template parameters from a marker, the ini, samconfig."""

from __future__ import annotations

import textwrap

import pytest

from tests.support.pytester import import_plugin_modules

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub "pool-${Stage}"
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
"""

TEST = """
import pytest

def pool_name(cognito_pool):
    return cognito_pool.client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)[
        "UserPool"]["Name"]

@pytest.mark.cognito(parameters={"Stage": "prod"})
def test_marker(cognito_pool):
    assert pool_name(cognito_pool) == "pool-prod"

def test_suite_wide(cognito_pool):
    assert pool_name(cognito_pool) == "pool-EXPECTED"
"""


def run(pytester: pytest.Pytester, expected: str) -> pytest.RunResult:
    """pytest in this process (tests/harness/plugin runs it as processes too)."""
    import_plugin_modules()
    pytester.makefile(".yaml", template=TEMPLATE)
    pytester.makepyfile(test_it=textwrap.dedent(TEST.replace("EXPECTED", expected)))
    return pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")


def test_parameters_from_the_ini_option_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncognito_parameter_overrides = Stage=dev\n")
    run(pytester, "dev").assert_outcomes(passed=2)


def test_parameters_from_samconfig_beside_the_template(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        samconfig='version = 0.1\n[default.global.parameters]\nparameter_overrides = "Stage=dev"\n',
    )
    run(pytester, "dev").assert_outcomes(passed=2)


def test_no_value_fails_with_the_way_to_give_one(pytester: pytest.Pytester) -> None:
    result = run(pytester, "dev")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*Parameters.Stage: no value*--parameter-overrides Stage=VALUE*"])
