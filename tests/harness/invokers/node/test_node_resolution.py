"""A Node.js function finds only the packages Lambda would give it: its own and its layers',
never the project's ``node_modules`` above its ``sam build`` folder (Lambda's ``/var/task`` has
nothing above it), by ``require`` or by ``import`` (harness/invokers/node_resolution.py).

Found on aws-samples/amazon-cognito-passwordless-email-auth: its triggers use ``aws-sdk`` v2,
which the project root installs for TypeScript and which no Node.js 18+ runtime has; they ran
here and fail in Lambda with ``Runtime.ImportModuleError``. Slow: builds and starts Node.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A Node project whose root node_modules holds a package its functions do not bundle."""
    (tmp_path / "template.yaml").write_text(TEMPLATE)
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
