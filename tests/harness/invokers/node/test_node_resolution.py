"""A Node.js function runs as from Lambda's ``/var/task``, which has nothing above it
(harness/invokers/node_resolution.py):

* it finds only the packages Lambda would give it, its own and its layers', never the
  project's ``node_modules`` above its ``sam build`` folder, by ``require`` or by ``import``;
* its ``.js`` files are CommonJS unless its own ``package.json`` says otherwise, whatever the
  project's ``package.json`` says;
* inline code (``Code.ZipFile``, ``InlineCode``) runs from where it is written out, with no
  build, in Node.js and under ``--invoke rie`` in Python.

Found on public stacks: aws-samples/amazon-cognito-passwordless-email-auth's triggers use
``aws-sdk`` v2 from the project root (no Node.js 18+ runtime has it: they ran here and fail in
Lambda with ``Runtime.ImportModuleError``); an ES-module project (``"type": "module"``) whose
esbuild bundle is CommonJS failed here with ``Runtime.HandlerNotFound`` and runs in Lambda;
a ``nodejs20.x`` ``Code.ZipFile`` trigger failed with a harness error. Slow: builds and starts
Node.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.invokers import make_invoker
from harness.stack import load_stack
from harness.testing import CognitoPool
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow

# One ES-module project ("type": "module" in its package.json, a package in its node_modules)
# with three functions: two probes of where lookups end, and a trigger bundled to CommonJS by
# esbuild. One sam build serves every test of the module.
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: nodejs20.x, Handler: index.handler, Timeout: 10}
Resources:
  CommonJsFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: cjs/}
  EsModuleFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: esm/}
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool}
  PreSignUpFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: esbuild
      BuildProperties: {EntryPoints: [src/presignup.mjs]}
    Properties:
      CodeUri: ./
      Handler: presignup.handler
      Events: {Trigger: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}}}
"""
# Each handler answers where its package lookups ended: a path, or the error code.
CJS = """\
const look = (name) => { try { return require.resolve(name); } catch (e) { return e.code; } };
exports.handler = async () => ({ above: look("leaky"), builtin: look("node:path") });
"""
ESM = """\
const look = async (name) => {
  try { await import(name); return "found"; } catch (e) { return e.code; }
};
export const handler = async () => ({
  above: await look("leaky"), builtin: await look("node:path"),
});
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ES-module project, its root node_modules holding a package no function bundles."""
    tmp_path = tmp_path_factory.mktemp("esm-project")
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "package.json").write_text(
        '{"name": "app", "version": "1.0.0", "private": true, "type": "module"}'
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "presignup.mjs").write_text(
        "export const handler = async (event) => {\n"
        "  event.response.autoConfirmUser = true;\n"
        "  return event;\n"
        "};\n"
    )
    leaky = tmp_path / "node_modules" / "leaky"
    leaky.mkdir(parents=True)
    (leaky / "package.json").write_text('{"name": "leaky", "version": "1.0.0", "main": "index.js"}')
    (leaky / "index.js").write_text('module.exports = "from the project root";\n')
    (tmp_path / "cjs").mkdir()
    (tmp_path / "cjs" / "index.js").write_text(CJS)
    (tmp_path / "esm").mkdir()
    (tmp_path / "esm" / "package.json").write_text(
        '{"name": "esm", "version": "1.0.0", "type": "module"}'
    )
    (tmp_path / "esm" / "index.js").write_text(ESM)
    return tmp_path


def _answer(project: Path, function: str) -> dict[str, str]:
    event = ROOT / "events" / "triggers" / "PreSignUp_SignUp.json"
    result = CliRunner(mix_stderr=False).invoke(
        main, ["invoke", function, "-t", str(project / "template.yaml"), "-e", str(event)]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_require_does_not_reach_the_projects_node_modules(project: Path) -> None:
    assert _answer(project, "CommonJsFunction") == {
        "above": "MODULE_NOT_FOUND",
        "builtin": "node:path",
    }


def test_import_does_not_reach_the_projects_node_modules(project: Path) -> None:
    assert _answer(project, "EsModuleFunction") == {
        "above": "ERR_MODULE_NOT_FOUND",
        "builtin": "found",
    }


INLINE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig: {PreSignUp: !GetAtt PreSignUpFunction.Arn}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  PreSignUpFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: RUNTIME
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
CODE
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt PreSignUpFunction.Arn
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Pool.Arn
"""
AUTO_CONFIRM = {
    "nodejs20.x": (
        "exports.handler = async (event) => {\n"
        "  event.response.autoConfirmUser = true;\n"
        "  return event;\n"
        "};\n"
    ),
    "python3.11": (
        "def handler(event, context):\n"
        "    event['response']['autoConfirmUser'] = True\n"
        "    return event\n"
    ),
}


def _signs_up_confirmed(pool: CognitoPool) -> bool:
    record = pool.call("SignUp", ClientId=pool.client_id, Username="ana", Password="Passw0rd!demo")
    assert record.error is None, record.error
    assert record.response is not None
    return bool(record.response["UserConfirmed"])


def test_a_commonjs_bundle_runs_in_an_es_module_project(project: Path) -> None:
    with CognitoPool(project / "template.yaml") as pool:
        assert _signs_up_confirmed(pool)


@pytest.mark.parametrize(("runtime", "invoker"), [("nodejs20.x", "auto"), ("python3.11", "rie")])
def test_inline_code_runs_without_a_build(tmp_path: Path, runtime: str, invoker: str) -> None:
    code = "".join(f"          {line}\n" for line in AUTO_CONFIRM[runtime].splitlines())
    template = tmp_path / "template.yaml"
    template.write_text(INLINE.replace("RUNTIME", runtime).replace("CODE\n", code))
    stack = load_stack(template)
    with CognitoPool(stack, invoker=make_invoker(invoker, stack)) as pool:
        assert _signs_up_confirmed(pool)
        (run,) = pool.invocations_of("PreSignUp")
        assert run.runtime == runtime
    assert not (tmp_path / ".aws-sam").exists()  # sam build builds nothing for inline code
