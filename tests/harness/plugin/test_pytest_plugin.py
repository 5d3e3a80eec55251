"""The pytest plugin, tested as its users meet it: a new project's test files under pytester."""

from __future__ import annotations

import textwrap

import pytest

from tests.support.pytester import import_plugin_modules

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    CodeUri: functions/
    Timeout: 3
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: plugin-test
  PoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  PreAuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: plugin_hooks.pre_auth
      Events:
        Trigger: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreAuthentication}}
  PostAuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: plugin_hooks.post_auth
      Events:
        Trigger: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PostAuthentication}}
  ItemsTable:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: id, Type: String}
"""

HOOKS = """\
def pre_auth(event, context):
    if (event["request"].get("validationData") or {}).get("app") != "web":
        raise Exception("Unknown app")
    return event


def post_auth(event, context):
    if event["userName"] == "buggy":
        return event["request"]["no-such-key"]
    return event
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    import_plugin_modules()
    pytester.makefile(".yaml", template=TEMPLATE)
    functions = pytester.mkdir("functions")
    (functions / "plugin_hooks.py").write_text(HOOKS)
    return pytester


def run(project: pytest.Pytester, test: str, *args: str) -> pytest.RunResult:
    """pytest on the user's test file, in this process (pytester restores the modules, the
    plugins and the working directory afterwards). The plugin as a fresh process loads it
    from its entry point: test_a_users_suite_runs_under_xdist and the README's example
    (tests/readme) run pytest as processes."""
    project.makepyfile(test_it=textwrap.dedent(test))
    return project.runpytest_inprocess("-q", "-p", "no:cacheprovider", *args)


def test_readme_example_passes_in_a_few_lines(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        def test_metadata_reaches_pre_auth_only(cognito_pool):
            cognito_pool.add_user("alice", "Passw0rd!", attributes={"email": "a@example.com"})
            call = cognito_pool.sign_in("alice", "Passw0rd!", client_metadata={"app": "web"})
            assert call.outcome["status"] == "tokens"
            cognito_pool.assert_invoked("PreAuthentication", field="validationData", metadata={"app": "web"})
            cognito_pool.assert_invoked("PostAuthentication", field=None)
            cognito_pool.assert_order("PreAuthentication", "PostAuthentication")
        """,
    )
    result.assert_outcomes(passed=1)


def test_boto3_client_raises_cognitos_error_class(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        import pytest

        def test_refused(cognito_pool):
            cognito_pool.add_user("alice", "Passw0rd!")
            client = cognito_pool.client
            with pytest.raises(client.exceptions.UserLambdaValidationException) as raised:
                client.admin_initiate_auth(
                    UserPoolId=cognito_pool.user_pool_id, ClientId=cognito_pool.client_id,
                    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!"},
                    ClientMetadata={"app": "tv"})
            assert "PreAuthentication failed with error Unknown app." in str(raised.value)
            # every other operation is answered by moto, from the same pool
            assert client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
        """,
    )
    result.assert_outcomes(passed=1)


def test_failed_assertion_prints_the_invocations_that_happened(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        def test_wrong_belief(cognito_pool):
            cognito_pool.add_user("alice", "Passw0rd!")
            cognito_pool.sign_in("alice", "Passw0rd!", client_metadata={"app": "web"})
            cognito_pool.assert_invoked("PostAuthentication", field="validationData")
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*PostAuthentication ran, but never with metadata in validationData*",
            "*1. PreAuthentication (PreAuthentication_Authentication) got metadata in validationData {'app': 'web'}*",
            "*2. PostAuthentication (PostAuthentication_Authentication) ran without metadata*",
        ]
    )


def test_trigger_programming_error_fails_the_test_with_its_traceback(
    project: pytest.Pytester,
) -> None:
    result = run(
        project,
        """
        def test_only_looks_at_the_answer(cognito_pool):
            cognito_pool.add_user("buggy", "Passw0rd!")
            call = cognito_pool.sign_in("buggy", "Passw0rd!", client_metadata={"app": "web"})
            assert call.error.code == "UserLambdaValidationException"
        """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*a trigger failed with a programming error*", "*KeyError*no-such-key*"]
    )


def test_strict_checks_can_be_turned_off(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        import pytest

        @pytest.mark.cognito(strict=False)
        def test_marker(cognito_pool):
            cognito_pool.add_user("buggy", "Passw0rd!")
            cognito_pool.sign_in("buggy", "Passw0rd!", client_metadata={"app": "web"})

        def test_per_trigger(cognito_pool):
            cognito_pool.expect_trigger_error("PostAuthentication")
            cognito_pool.add_user("buggy", "Passw0rd!")
            cognito_pool.sign_in("buggy", "Passw0rd!", client_metadata={"app": "web"})
        """,
    )
    result.assert_outcomes(passed=2)


def test_marker_configures_template_settings_and_overrides(project: pytest.Pytester) -> None:
    project.run("cp", "template.yaml", "other.yaml")
    result = run(
        project,
        """
        import pytest

        @pytest.mark.cognito(template="other.yaml", overrides={"PreventUserExistenceErrors": "ENABLED"},
                             settings={"auth_trigger_order": "pre-token-first"})
        def test_configured(cognito_pool):
            call = cognito_pool.sign_in("ghost", "Passw0rd!", client_metadata={"app": "web"})
            assert call.error.code == "NotAuthorizedException"
            inv = cognito_pool.assert_invoked("PreAuthentication", field="validationData")
            assert inv.event["request"]["userNotFound"] is True
            assert cognito_pool.emulator.settings.auth_trigger_order == "pre-token-first"

        def test_default_is_legacy_errors(cognito_pool):
            call = cognito_pool.sign_in("ghost", "Passw0rd!")
            assert call.error.code == "UserNotFoundException"
            cognito_pool.assert_not_invoked("PreAuthentication")
        """,
    )
    result.assert_outcomes(passed=2)


def test_bad_marker_and_missing_template_are_clear_errors(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        import pytest

        @pytest.mark.cognito(templat="x.yaml")
        def test_typo(cognito_pool):
            pass

        @pytest.mark.cognito(template="missing.yaml")
        def test_missing(cognito_pool):
            pass
        """,
    )
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        ["*takes keyword arguments template*templat*", "*no template at*missing.yaml*"]
    )


def test_an_unknown_invoker_is_a_clear_error(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        import pytest

        @pytest.mark.cognito(invoker="docker")
        def test_docker(cognito_pool):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.cognito(invoker='docker'): unknown invoker 'docker'; "
            "choose one of auto, inprocess, rie, sam, lambda*"
        ]
    )


def test_context_and_event_fixtures(project: pytest.Pytester) -> None:
    result = run(
        project,
        """
        def test_fixtures(lambda_context, trigger_event):
            event = trigger_event("PreAuthentication_Authentication", validation_data={"app": "web"})
            assert event["request"]["validationData"] == {"app": "web"}
            assert lambda_context.get_remaining_time_in_millis() == 5000
        """,
    )
    result.assert_outcomes(passed=1)


def test_a_second_test_sees_nothing_of_the_first(project: pytest.Pytester) -> None:
    # Both tests get the pool the session built once (the same ids: restored from its
    # snapshot), and the second finds none of the first's users, items, calls or invocations.
    result = run(
        project,
        """
        import boto3

        SEEN = {}

        def items(pool):
            table = pool.emulator.stack.tables["ItemsTable"].table_name
            return boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table)["Items"]

        def test_first(cognito_pool):
            SEEN["ids"] = cognito_pool.user_pool_id, cognito_pool.client_id
            cognito_pool.add_user("alice", "Passw0rd!")
            cognito_pool.put_items("ItemsTable", [{"id": "one"}])
            assert cognito_pool.sign_in("alice", "Passw0rd!", {"app": "web"}).outcome["status"] == "tokens"
            assert len(cognito_pool.invocations) == 2 and len(items(cognito_pool)) == 1

        def test_second(cognito_pool):
            assert (cognito_pool.user_pool_id, cognito_pool.client_id) == SEEN["ids"]
            assert cognito_pool.emulator.find_user("alice") is None
            assert cognito_pool.client.list_users(UserPoolId=cognito_pool.user_pool_id)["Users"] == []
            assert items(cognito_pool) == []
            assert cognito_pool.calls == [] and cognito_pool.invocations == []
            call = cognito_pool.sign_in("alice", "Passw0rd!", {"app": "web"})
            assert call.error.code == "UserNotFoundException"
        """,
    )
    result.assert_outcomes(passed=2)


@pytest.mark.slow  # pytest and its xdist workers as processes
def test_a_users_suite_runs_under_xdist(project: pytest.Pytester) -> None:
    # pytest-xdist: each worker process has its own emulator (moto's state is per process).
    project.run("cp", "template.yaml", "other.yaml")
    project.makepyfile(
        test_it=textwrap.dedent(
            """
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_sign_in(cognito_pool, n):
            cognito_pool.add_user(f"user{n}", "Passw0rd!")
            call = cognito_pool.sign_in(f"user{n}", "Passw0rd!", client_metadata={"app": "web"})
            assert call.outcome["status"] == "tokens"
            assert [u.username for u in cognito_pool.emulator.pool.users.values()] == [f"user{n}"]
            cognito_pool.assert_invoked("PreAuthentication", field="validationData", times=1)

        @pytest.mark.cognito(template="other.yaml", overrides={"PreventUserExistenceErrors": "ENABLED"})
        @pytest.mark.parametrize("n", range(2))
        def test_configured(cognito_pool, n):
            call = cognito_pool.sign_in("ghost", "Passw0rd!", client_metadata={"app": "web"})
            assert call.error.code == "NotAuthorizedException"

        def test_buggy_trigger_still_fails_its_test(cognito_pool):
            cognito_pool.add_user("buggy", "Passw0rd!")
            cognito_pool.sign_in("buggy", "Passw0rd!", client_metadata={"app": "web"})
        """
        )
    )
    result = project.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=9, errors=1)
    result.stdout.fnmatch_lines(["*KeyError*no-such-key*"])
