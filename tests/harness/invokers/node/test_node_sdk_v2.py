"""A Node.js trigger that uses the AWS SDK for JavaScript v2 reaches the emulated AWS, as one
using v3 does through AWS_ENDPOINT_URL (harness/invokers/node_sdk_v2.py). Found on
aws-samples/serverless-patterns cognito-sns-sms-origination-id-sam, whose custom SMS sender
decrypts its code with @aws-crypto/client-node 3.x, which calls KMS through v2: it reached the
real kms.us-east-1.amazonaws.com. Slow: installs aws-sdk v2 from npm, builds, starts Node.js.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.testing import CognitoPool

pytestmark = pytest.mark.slow

SDK_V2 = "aws-sdk@2.1692.0"

# Two pools, each confirming invited users with one function: CommonJS and ES module, both
# loading v2 from a local layer. One sam build.
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Handler: index.handler
    Runtime: nodejs20.x
    Timeout: 10
    Layers: [!Ref SdkV2]
    Environment: {Variables: {INVITES: !Ref Invites}}
Resources:
  Invites:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: email, AttributeType: S}]
      KeySchema: [{AttributeName: email, KeyType: HASH}]
  SdkV2:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/}
  cjsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: cjs/
      Events: {Trigger: {Type: Cognito, Properties: {UserPool: !Ref cjsPool, Trigger: PreSignUp}}}
  esmFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: esm/
      Events: {Trigger: {Type: Cognito, Properties: {UserPool: !Ref esmPool, Trigger: PreSignUp}}}
  cjsPool:
    Type: AWS::Cognito::UserPool
    Properties: {UsernameAttributes: [email]}
  cjsClient:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref cjsPool}
  esmPool:
    Type: AWS::Cognito::UserPool
    Properties: {UsernameAttributes: [email]}
  esmClient:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref esmPool}
"""
# Confirms the invited: the invitation is read from the table with v2's DynamoDB client.
CJS = """\
const AWS = require("aws-sdk");
const db = new AWS.DynamoDB.DocumentClient();
exports.handler = async (event) => {
  const email = event.request.userAttributes.email;
  const found = await db.get({ TableName: process.env.INVITES, Key: { email } }).promise();
  if (!found.Item) throw new Error(`no invitation for ${email}`);
  event.response.autoConfirmUser = true;
  return event;
};
"""
ESM = CJS.replace('const AWS = require("aws-sdk");', 'import AWS from "aws-sdk";').replace(
    "exports.handler =", "export const handler ="
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with aws-sdk v2 in a local layer, installed once from npm."""
    root = tmp_path_factory.mktemp("sdkv2")
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(root / "layer" / "nodejs"),
            SDK_V2,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (root / "cjs").mkdir()
    (root / "cjs" / "index.js").write_text(CJS)
    (root / "esm").mkdir()
    (root / "esm" / "index.mjs").write_text(ESM)
    (root / "template.yaml").write_text(TEMPLATE)
    return root


@pytest.mark.parametrize("folder", ["cjs", "esm"])
def test_sdk_v2_reaches_the_emulated_aws(project: Path, folder: str) -> None:
    template = project / "template.yaml"
    with CognitoPool(template, pool=f"{folder}Pool", client=f"{folder}Client") as pool:
        pool.put_items("Invites", [{"email": "ana@example.com"}])
        invited = pool.call(
            "SignUp", ClientId=pool.client_id, Username="ana@example.com", Password="Passw0rd!v2"
        )
        stranger = pool.call(
            "SignUp", ClientId=pool.client_id, Username="bo@example.com", Password="Passw0rd!v2"
        )
    assert invited.error is None, invited.error
    assert invited.response is not None
    assert invited.response["UserConfirmed"] is True
    assert stranger.error is not None
    assert "no invitation for bo@example.com" in stranger.error.message
