"""Running the pytest plugin in-process under pytester, at the cost of the test alone.

``pytester.runpytest_inprocess`` forgets, after each run, every module the run imported. The
plugin imports moto, boto3's models and the emulator only when a test first uses a pool, so
each in-process run would import them all again (seconds). :func:`import_plugin_modules`
imports them once in the test process, where pytester keeps them: call it when the test module
is collected. Modules first imported inside a test that uses the ``pytester`` fixture are
forgotten after that test, some of them only: moto's models imported again by the next run
are then not the ones the emulator's modules hold, and a pool restored from a snapshot is
missing.
"""

from __future__ import annotations

import functools

from tests.support.paths import TEMPLATE


@functools.cache
def import_plugin_modules() -> None:
    """Build a pool of the project's template with the plugin's own helper, sign a user up and
    in, and snapshot it: everything a ``cognito_pool`` test imports is then imported."""
    from harness.testing import CognitoPool

    with CognitoPool(TEMPLATE) as pool:
        pool.emulator.snapshot()
        pool.client.list_users(UserPoolId=pool.user_pool_id)


def pre_sign_up_template(handler: str, *, code: str, parameters: str = "", extra: str = "") -> str:
    """A SAM template: a pool, its client and one Python pre sign-up function (``handler`` in
    the folder ``code``), with ``parameters`` (YAML lines under Parameters) and ``extra``
    (YAML lines under the function's Properties)."""
    return (
        "Transform: AWS::Serverless-2016-10-31\n"
        + (f"Parameters:\n{parameters}" if parameters else "")
        + "Resources:\n"
        "  Pool: {Type: AWS::Cognito::UserPool}\n"
        "  PoolClient: {Type: AWS::Cognito::UserPoolClient, Properties: {UserPoolId: !Ref Pool}}\n"
        "  PreSignUpFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: {code}/\n      Handler: {handler}\n      Runtime: python3.11\n{extra}"
        "      Events:\n"
        "        Trigger: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}}\n"
    )
