"""In-process, each function's CodeUri is its own import namespace, as each Lambda function's
execution environment is; functions a command does not need never block it."""

from __future__ import annotations

import base64
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from harness.invokers import InProcessInvoker
from harness.replay.loader import load_replay
from harness.replay.runner import run_replay
from harness.report import call_line, to_json, to_table
from harness.stack import TemplateError, load_stack
from harness.testing import CognitoPool

POOL = """\
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
{wiring}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
"""
# Cognito invokes a function only with a resource-based policy (harness.stack.permissions).
PERMISSION = """\
  {function}Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt {function}.Arn
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Pool.Arn
"""


def pool_with(wiring: str) -> str:
    """The pool and client, wired as ``wiring`` says, with Cognito's permission on each."""
    functions = dict.fromkeys(re.findall(r"!GetAtt (\w+)\.Arn", wiring))
    return POOL.format(wiring=wiring) + "".join(PERMISSION.format(function=f) for f in functions)


def fn(name: str, code: str, handler: str = "app.lambda_handler", extra: str = "") -> str:
    return (
        f"  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: {code}\n      Handler: {handler}\n      Runtime: python3.11\n{extra}"
    )


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


# Two functions in SAM's default layout: both app.lambda_handler, each with its own helpers.
SAM_LAYOUT = {
    "pre_signup/app.py": """\
        import helpers

        def lambda_handler(event, context):
            event["response"]["autoConfirmUser"] = helpers.AUTO_CONFIRM
            return event
        """,
    "pre_signup/helpers.py": "AUTO_CONFIRM = True\n",
    "pre_auth/app.py": """\
        import helpers

        def lambda_handler(event, context):
            if helpers.blocked(event["userName"]):
                raise Exception("blocked by " + helpers.__name__ + " of pre_auth")
            return event
        """,
    "pre_auth/helpers.py": "def blocked(name):\n    return name == 'mallory'\n",
}


def sam_layout_template(tmp_path: Path, extra: str = "") -> Path:
    write_files(tmp_path, SAM_LAYOUT)
    wiring = (
        "        PreSignUp: !GetAtt PreSignUpFunction.Arn\n"
        "        PreAuthentication: !GetAtt PreAuthFunction.Arn"
    )
    body = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        + pool_with(wiring)
        + fn("PreSignUpFunction", "pre_signup/")
        + fn("PreAuthFunction", "pre_auth/")
        + extra
    )
    path = tmp_path / "template.yaml"
    path.write_text(body)
    return path


def test_sam_default_layout_runs_every_function_with_its_own_modules(tmp_path: Path) -> None:
    with CognitoPool(sam_layout_template(tmp_path)) as pool:
        call = pool.call("SignUp", Username="alice", Password="Passw0rd!x")
        assert call.outcome["status"] == "ok"
        pool.assert_invoked("PreSignUp", times=1)
        assert pool.emulator.invoker is not None
        pool.add_user("mallory", "Passw0rd!x")
        refused = pool.sign_in("mallory", "Passw0rd!x")
        pool.add_user("bob", "Passw0rd!x")
        allowed = pool.sign_in("bob", "Passw0rd!x")
    assert refused.outcome["code"] == "UserLambdaValidationException"
    assert "blocked by helpers of pre_auth" in refused.outcome["message"]
    assert allowed.outcome["status"] == "tokens"


def test_a_function_cannot_import_a_module_only_another_function_has(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"post_auth/app.py": "import helpers\n\ndef lambda_handler(e, c):\n    return e\n"},
    )
    # helpers exists only in the other functions' folders: Lambda would refuse it.
    template = (
        sam_layout_template(tmp_path, fn("PostAuthFunction", "post_auth/"))
        .read_text()
        .replace(
            "        PreAuthentication: !GetAtt PreAuthFunction.Arn",
            "        PreAuthentication: !GetAtt PreAuthFunction.Arn\n"
            "        PostAuthentication: !GetAtt PostAuthFunction.Arn",
        )
    )
    (tmp_path / "template.yaml").write_text(template)
    stack = load_stack(tmp_path / "template.yaml")
    invoker = InProcessInvoker()
    try:
        first = invoker.invoke(stack.functions["PreAuthFunction"], _event("bob"), 5)
        second = invoker.invoke(stack.functions["PostAuthFunction"], _event("bob"), 5)
    finally:
        invoker.close()
    assert first.error_type is None
    assert second.error_type == "Runtime.ImportModuleError"
    assert second.error_message == (
        "Unable to import module 'app': No module named 'helpers' (app.py, line 1)"
    )


def _event(username: str) -> dict[str, object]:
    return {"userName": username, "request": {"userAttributes": {}}, "response": {}}


def test_local_layers_are_on_the_path_of_the_functions_that_list_them(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "layers/shared/python/shared_rules.py": "GREETING = 'from the layer'\n",
            "with_layer/app.py": "import shared_rules\n\ndef lambda_handler(e, c):\n"
            "    return {'said': shared_rules.GREETING}\n",
            "without_layer/app.py": "import shared_rules\n\ndef lambda_handler(e, c):\n"
            "    return {}\n",
        },
    )
    layer = (
        "  SharedLayer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
        "      ContentUri: layers/shared/\n"
    )
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        + layer
        + fn("WithLayer", "with_layer/", extra="      Layers: [!Ref SharedLayer]\n")
        + fn("WithoutLayer", "without_layer/")
    )
    stack = load_stack(path)
    invoker = InProcessInvoker()
    try:
        with_layer = invoker.invoke(stack.functions["WithLayer"], {}, 5)
        without = invoker.invoke(stack.functions["WithoutLayer"], {}, 5)
    finally:
        invoker.close()
    assert with_layer.payload == {"said": "from the layer"}
    assert without.error_type == "Runtime.ImportModuleError"
    assert "No module named 'shared_rules'" in (without.error_message or "")


def test_inline_and_zipfile_python_triggers_run_in_process(tmp_path: Path) -> None:
    inline = (
        "  InlineFn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: index.handler\n      Runtime: python3.11\n      InlineCode: |\n"
        "        def handler(event, context):\n"
        "            event['response']['autoConfirmUser'] = True\n"
        "            return event\n"
    )
    zipfile = (
        "  ZipFn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Handler: index.handler\n      Runtime: python3.11\n      Code:\n"
        "        ZipFile: !Sub |\n"
        "          def handler(event, context):\n"
        "              event['response']['claimsOverrideDetails'] = {\n"
        "                  'claimsToAddOrOverride': {'stack': '${AWS::StackName}'}}\n"
        "              return event\n"
    )
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        + pool_with(
            "        PreSignUp: !GetAtt InlineFn.Arn\n        PreTokenGeneration: !GetAtt ZipFn.Arn"
        )
        + inline
        + zipfile
    )
    with CognitoPool(path) as pool:
        signed_up = pool.call("SignUp", Username="alice", Password="Passw0rd!x")
        pool.add_user("bob", "Passw0rd!x")
        signed_in = pool.sign_in("bob", "Passw0rd!x")
    assert signed_up.response is not None
    assert signed_up.response["UserConfirmed"] is True
    assert signed_in.outcome["status"] == "tokens"
    id_token = signed_in.response["AuthenticationResult"]["IdToken"]  # type: ignore[index]
    payload = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["stack"] == "harness"  # the !Sub in ZipFile was resolved


UNUSABLE_NON_TRIGGERS = (
    fn("FromS3", "s3://bucket/code.zip")
    + fn("Unbuilt", "dist/")
    + fn(
        "NeedsADomain",
        "pre_signup/",
        extra="      Environment:\n        Variables:\n"
        "          SEARCH: !GetAtt Search.DomainEndpoint\n",
    )
    + "  Search:\n    Type: AWS::OpenSearchService::Domain\n"
    + "  NodeInline:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Handler: index.handler\n      Runtime: nodejs20.x\n"
    "      InlineCode: 'exports.handler = async (e) => e'\n"
)


def test_functions_that_are_not_triggers_never_block_the_stack(tmp_path: Path) -> None:
    path = sam_layout_template(tmp_path, UNUSABLE_NON_TRIGGERS)
    stack = load_stack(path)
    assert stack.functions["FromS3"].problem is not None
    assert "code in S3" in (stack.functions["FromS3"].problem or "")
    assert "'dist/' is not a directory" in (stack.functions["Unbuilt"].problem or "")
    assert "DomainEndpoint" in (stack.functions["NeedsADomain"].problem or "")
    with CognitoPool(stack) as pool:
        assert pool.call("SignUp", Username="a", Password="Passw0rd!x").outcome["status"] == "ok"
    # harness invoke X needs only X:
    assert load_stack(path, need_code=["PreAuthFunction"]).functions["PreAuthFunction"]
    with pytest.raises(TemplateError, match=r"FromS3\.CodeUri: code in S3"):
        load_stack(path, need_code=["FromS3"])


def test_a_trigger_that_cannot_run_here_still_fails_the_load(tmp_path: Path) -> None:
    path = sam_layout_template(tmp_path)
    path.write_text(path.read_text().replace("CodeUri: pre_auth/", "CodeUri: s3://b/k.zip"))
    with pytest.raises(TemplateError, match=r"PreAuthFunction\.CodeUri: code in S3"):
        load_stack(path)
    assert load_stack(path, need_code=[]).functions["PreAuthFunction"].problem


def test_syntax_and_import_errors_show_message_and_line_in_rows_and_json(tmp_path: Path) -> None:
    path = sam_layout_template(tmp_path)
    (tmp_path / "pre_signup" / "app.py").write_text("import helpers\n\ndef lambda_handler(e, c)\n")
    (tmp_path / "pre_auth" / "app.py").write_text("import helpers\nimport not_installed_x\n")
    replay = tmp_path / "calls.json"
    replay.write_text(
        json.dumps(
            {
                "setup": {"users": [{"username": "bob", "password": "Passw0rd!x"}]},
                "calls": [
                    {
                        "operation": "SignUp",
                        "request": {"ClientId": "c", "Username": "a", "Password": "Passw0rd!x"},
                    },
                    {
                        "operation": "AdminInitiateAuth",
                        "request": {
                            "UserPoolId": "us-east-1_X",
                            "ClientId": "c",
                            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                            "AuthParameters": {"USERNAME": "bob", "PASSWORD": "Passw0rd!x"},
                        },
                    },
                ],
            }
        )
    )
    result = run_replay(load_replay([replay]), load_stack(path))
    table = to_table(result, width=200)
    assert (
        "PreSignUpFunction: Runtime.UserCodeSyntaxError: Syntax error in module 'app': "
        "expected ':' (app.py, line 3)" in table
    )
    assert (
        "PreAuthFunction: Runtime.ImportModuleError: Unable to import module 'app': "
        "No module named 'not_installed_x' (app.py, line 2)" in table
    )
    calls = to_json(result)["calls"]
    assert calls[0]["invocations"][0]["runtimeError"].startswith("Runtime.UserCodeSyntaxError")
    assert "(app.py, line 2)" in call_line(result.results[1])


def test_a_node_trigger_is_reported_never_imported_as_python(tmp_path: Path) -> None:
    write_files(tmp_path, {"node_fn/app.py": "raise SystemExit('imported as Python')\n"})
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        + pool_with("        PreSignUp: !GetAtt NodeFn.Arn")
        + "  NodeFn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: node_fn/\n      Handler: app.handler\n      Runtime: nodejs20.x\n"
    )
    with CognitoPool(path, invoker=InProcessInvoker()) as pool:  # --invoke inprocess
        pool.expect_trigger_error("PreSignUp")
        call = pool.call("SignUp", Username="a", Password="Passw0rd!x")
    (invocation,) = call.invocations
    assert invocation.runtime_error == (
        "Runtime.Unsupported: NodeFn runs nodejs20.x: the in-process invoker runs Python "
        "functions only (use --invoke auto for Node.js, --invoke sam or --invoke lambda for "
        "others)"
    )


def test_installed_packages_stay_shared_when_a_code_folder_contains_them(tmp_path: Path) -> None:
    """A CodeUri of ``.`` over a project whose virtualenv is inside it: boto3 and friends are
    the interpreter's, not the function's, and are never swapped out of sys.modules."""
    import botocore

    from harness.invokers.namespaces import ModuleNamespaces

    site_packages = Path(botocore.__file__).parents[1]  # a folder holding installed packages
    spaces = ModuleNamespaces()
    try:
        spaces.activate(((site_packages,), ()))  # (folders, configuration)
        spaces.activate(((tmp_path,), ()))  # switching sets the first folder's own modules aside
        assert sys.modules["botocore"] is botocore
    finally:
        spaces.deactivate()
