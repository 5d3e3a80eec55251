"""harness.stack: template.yaml is the single source of truth for trigger wiring."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from harness.stack import (
    Stack,
    TemplateError,
    fill_placeholders,
    load_stack,
    placeholder,
)

ROOT = Path(__file__).resolve().parents[3]
PROJECT_TEMPLATE = ROOT / "template.yaml"

FUNCTION = """\
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.11
"""


def write(tmp_path: Path, body: str, modules: tuple[str, ...] = ("app",)) -> Path:
    """A template in tmp_path with a src/ directory holding the given handler modules."""
    (tmp_path / "src").mkdir(exist_ok=True)
    for module in modules:
        (tmp_path / "src" / f"{module}.py").write_text(
            "def handler(event, context):\n    return event\n"
        )
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(body))
    return path


def load(tmp_path: Path, body: str, modules: tuple[str, ...] = ("app",), **kwargs: Any) -> Stack:
    return load_stack(write(tmp_path, body, modules), **kwargs)


# --------------------------------------------------------------------------- the project template


@pytest.fixture(scope="module")
def project() -> Stack:
    return load_stack(PROJECT_TEMPLATE)


def test_project_template_wires_its_triggers_to_the_pool(project: Stack) -> None:
    pool = project.default_pool
    assert pool.triggers == {
        "PreSignUp": "PreSignUpFunction",
        "PreAuthentication": "PreAuthenticationFunction",
        "PostAuthentication": "PostAuthenticationFunction",
        "PreTokenGeneration": "PreTokenGenerationFunction",
        "UserMigration": "UserMigrationFunction",
        "CustomEmailSender": "CustomSenderFunction",
        "CustomSMSSender": "CustomSenderFunction",
    }
    # [D] AWS::KMS::Key Arn: arn:<partition>:kms:<region>:<account>:key/<key id, a UUID>
    assert re.fullmatch(
        r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
        pool.properties["LambdaConfig"]["KMSKeyID"],
    )
    assert set(project.functions) == set(pool.triggers.values())
    assert (
        project.function_for_trigger("UserPool", "PreSignUp")
        is project.functions["PreSignUpFunction"]
    )
    assert project.function_for_trigger("UserPool", "CustomMessage") is None
    assert pool.pre_token_generation_version == "V1_0"
    assert pool.auto_verified_attributes == ("email",)
    assert pool.mfa_configuration == "OFF"
    assert pool.name == "harness-users"


def test_project_functions_are_configured_as_deployed(project: Stack) -> None:
    handlers = {lid: fn.handler for lid, fn in project.functions.items()}
    assert handlers == {
        "PreSignUpFunction": "pre_signup.handler",
        "PreAuthenticationFunction": "pre_authentication.handler",
        "PostAuthenticationFunction": "post_authentication.handler",
        "PreTokenGenerationFunction": "pre_token_generation.handler",
        "UserMigrationFunction": "user_migration.handler",
        "CustomSenderFunction": "custom_sender.handler",
    }
    for fn in project.functions.values():
        assert fn.timeout == 5
        assert fn.memory_size == 256
        assert fn.runtime == "python3.11"
        assert fn.architectures == ("x86_64",)
        assert fn.code_uri == ROOT / "triggers"
        assert fn.code_uri.is_absolute()
        assert fn.function_name == f"harness-{fn.logical_id}"
        assert fn.environment["POWERTOOLS_LOG_LEVEL"] == "INFO"
        assert "POWERTOOLS_SERVICE_NAME" in fn.environment


def test_project_environment_resolves_to_the_tables_physical_names(project: Stack) -> None:
    invitations = project.tables["InvitationsTable"]
    legacy = project.tables["LegacyUsersTable"]
    assert invitations.table_name == "harness-InvitationsTable"
    assert project.functions["PreSignUpFunction"].environment["INVITATIONS_TABLE"] == (
        invitations.table_name
    )
    migration = project.functions["UserMigrationFunction"].environment
    assert migration["LEGACY_USERS_TABLE"] == legacy.table_name
    assert migration["DEFAULT_LEGACY_REALM"] == "default"
    pre_auth = project.functions["PreAuthenticationFunction"].environment
    assert pre_auth["BLOCKED_DEVICES"] == ""
    assert pre_auth["MIN_APP_VERSION"] == "2.0.0"
    assert invitations.key_schema == [{"AttributeName": "code", "KeyType": "HASH"}]
    assert legacy.key_schema == [
        {"AttributeName": "realm", "KeyType": "HASH"},
        {"AttributeName": "username", "KeyType": "RANGE"},
    ]


def test_project_client_allows_the_flows_the_harness_emulates(project: Stack) -> None:
    client = project.default_client
    assert client.pool_logical_id == "UserPool"
    assert set(client.explicit_auth_flows) == {
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client.prevent_user_existence_errors is True
    assert client.generate_secret is False


def test_project_parameter_overrides_reach_the_environment() -> None:
    stack = load_stack(
        PROJECT_TEMPLATE,
        stack_name="dev",
        region="eu-west-1",
        account_id="111122223333",
        parameter_overrides={"BlockedDevices": "d1,d2", "MfaConfiguration": "ON"},
    )
    pre_auth = stack.functions["PreAuthenticationFunction"]
    assert pre_auth.environment["BLOCKED_DEVICES"] == "d1,d2"
    assert (
        pre_auth.arn
        == "arn:aws:lambda:eu-west-1:111122223333:function:dev-PreAuthenticationFunction"
    )
    assert stack.parameters["MinAppVersion"] == "2.0.0"
    assert stack.parameters["BlockedDevices"] == "d1,d2"
    pool = stack.default_pool
    assert pool.name == "dev-users"
    assert pool.mfa_configuration == "ON"
    assert pool.enabled_mfas == ("SOFTWARE_TOKEN_MFA",)
    assert pool.set_user_pool_mfa_config_kwargs("eu-west-1_x") == {
        "UserPoolId": "eu-west-1_x",
        "MfaConfiguration": "ON",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
    }


def test_project_parameter_override_outside_allowed_values_is_an_error() -> None:
    with pytest.raises(TemplateError, match=r"Parameters\.MfaConfiguration: .*'MAYBE'"):
        load_stack(PROJECT_TEMPLATE, parameter_overrides={"MfaConfiguration": "MAYBE"})


def test_override_of_an_undeclared_parameter_suggests_the_close_one() -> None:
    with pytest.raises(TemplateError, match=r"did you mean MinAppVersion\?"):
        load_stack(PROJECT_TEMPLATE, parameter_overrides={"MinAppVersio": "3.0.0"})


# --------------------------------------------------------------------------- moto takes the kwargs


@mock_aws
def test_create_user_pool_and_client_kwargs_are_accepted_by_moto(project: Stack) -> None:
    idp = boto3.client("cognito-idp", region_name=project.region)
    pool = idp.create_user_pool(**project.default_pool.create_user_pool_kwargs())["UserPool"]
    client_kwargs = project.default_client.create_user_pool_client_kwargs(pool["Id"])
    client_id = idp.create_user_pool_client(**client_kwargs)["UserPoolClient"]["ClientId"]

    described = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["Name"] == "harness-users"
    assert described["LambdaConfig"] == project.default_pool.properties["LambdaConfig"]
    assert {
        trigger: project.functions[lid].arn
        for trigger, lid in project.default_pool.triggers.items()
        if "Sender" not in trigger
    }.items() <= described["LambdaConfig"].items()
    assert described["LambdaConfig"]["CustomEmailSender"] == {
        "LambdaArn": project.functions["CustomSenderFunction"].arn,
        "LambdaVersion": "V1_0",
    }
    assert described["LambdaConfig"]["PreSignUp"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:harness-PreSignUpFunction"
    )
    attributes = {a["Name"]: a for a in described["SchemaAttributes"]}
    assert attributes["custom:tenant"]["Mutable"] is True
    assert attributes["custom:legacy_realm"]["Mutable"] is False
    assert described["UsernameConfiguration"] == {"CaseSensitive": False}
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12

    described_client = idp.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client_id)
    client = described_client["UserPoolClient"]
    assert set(client["ExplicitAuthFlows"]) == set(project.default_client.explicit_auth_flows)
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert "ClientSecret" not in client
    assert "custom:tenant" in client["WriteAttributes"]


@mock_aws
def test_each_table_spec_creates_its_table_in_moto(project: Stack) -> None:
    dynamodb = boto3.client("dynamodb", region_name=project.region)
    for table in project.tables.values():
        dynamodb.create_table(**table.create_table_kwargs())
        described = dynamodb.describe_table(TableName=table.table_name)["Table"]
        assert described["KeySchema"] == table.key_schema
        assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert described["SSEDescription"]["Status"] == "ENABLED"
    assert sorted(dynamodb.list_tables()["TableNames"]) == [
        "harness-InvitationsTable",
        "harness-LegacyUsersTable",
        "harness-OutboxTable",
    ]


@mock_aws
def test_table_kwargs_translate_cloudformation_only_shapes(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        """\
        Parameters:
          Capacity: {Type: Number, Default: 2}
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Sub "${AWS::StackName}-things"
              AttributeDefinitions:
                - {AttributeName: pk, AttributeType: S}
                - {AttributeName: gsi, AttributeType: S}
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
              ProvisionedThroughput: {ReadCapacityUnits: !Ref Capacity, WriteCapacityUnits: 1}
              GlobalSecondaryIndexes:
                - IndexName: by-gsi
                  KeySchema: [{AttributeName: gsi, KeyType: HASH}]
                  Projection: {ProjectionType: ALL}
                  ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
              StreamSpecification: {StreamViewType: NEW_IMAGE}
              TimeToLiveSpecification: {AttributeName: ttl, Enabled: true}
          Simple:
            Type: AWS::Serverless::SimpleTable
            Properties:
              PrimaryKey: {Name: email, Type: String}
        """,
    )
    table = stack.tables["Table"]
    kwargs = table.create_table_kwargs()
    assert kwargs["TableName"] == "harness-things"
    assert kwargs["ProvisionedThroughput"] == {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1}
    assert kwargs["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert "TimeToLiveSpecification" not in kwargs
    assert table.global_secondary_indexes[0]["IndexName"] == "by-gsi"
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for spec in stack.tables.values():
        dynamodb.create_table(**spec.create_table_kwargs())
    assert sorted(dynamodb.list_tables()["TableNames"]) == ["harness-Simple", "harness-things"]


# --------------------------------------------------------------------------- wiring forms


RAW_LAMBDA_CONFIG = (
    """\
    Resources:
      Pool:
        Type: AWS::Cognito::UserPool
        Properties:
          UserPoolName: raw
          UsernameAttributes: [email]
          LambdaConfig:
            PreSignUp: !GetAtt SignUp.Arn
            PostConfirmation: !GetAtt Confirm.Arn
            CustomMessage: !Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:\
function:${Message}"
            DefineAuthChallenge: {"Fn::GetAtt": [Define, Arn]}
            PreTokenGenerationConfig:
              LambdaArn: !GetAtt Token.Arn
              LambdaVersion: V2_0
            CustomEmailSender:
              LambdaArn: arn:aws:lambda:us-east-1:999999999999:function:shared-sender
              LambdaVersion: V1_0
            KMSKeyID: !GetAtt Key.Arn
      Key:
        Type: AWS::KMS::Key
"""
    + "".join(
        textwrap.indent(FUNCTION.format(name=name), "    ")
        for name in ("SignUp", "Confirm", "Message", "Define", "Token")
    )
    + """\
      Token2:
        Type: AWS::Lambda::Function
        Properties:
          FunctionName: explicit-name
          Code: src
          Handler: app.handler
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/r
    """
)


def test_raw_lambda_config_with_getatt_ref_sub_and_pre_token_v2(tmp_path: Path) -> None:
    stack = load(tmp_path, RAW_LAMBDA_CONFIG)
    pool = stack.pools["Pool"]
    assert pool.triggers == {
        "PreSignUp": "SignUp",
        "PostConfirmation": "Confirm",
        "CustomMessage": "Message",
        "DefineAuthChallenge": "Define",
        "PreTokenGeneration": "Token",
    }
    assert pool.external_triggers == {
        "CustomEmailSender": "arn:aws:lambda:us-east-1:999999999999:function:shared-sender"
    }
    assert pool.pre_token_generation_version == "V2_0"
    assert pool.username_attributes == ("email",)
    assert stack.function_for_trigger("Pool", "PreTokenGeneration") is stack.functions["Token"]
    assert (
        stack.function_for_trigger("Pool", "PreTokenGenerationConfig") is stack.functions["Token"]
    )
    assert stack.function_for_trigger("Pool", "CustomEmailSender") is None
    assert stack.functions["Token2"].function_name == "explicit-name"
    assert stack.functions["Token2"].code_uri == tmp_path / "src"

    config = pool.properties["LambdaConfig"]
    assert config["PostConfirmation"] == stack.functions["Confirm"].arn  # a Ref became an ARN
    assert config["PreTokenGenerationConfig"] == {
        "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:harness-Token",
        "LambdaVersion": "V2_0",
    }
    assert re.fullmatch(r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}", config["KMSKeyID"])
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        created = idp.create_user_pool(**pool.create_user_pool_kwargs())["UserPool"]
        assert created["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"] == "V2_0"
        assert created["UsernameAttributes"] == ["email"]


def test_sam_event_with_several_triggers_and_a_user_pool_placeholder(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        """\
        Resources:
          Pool:
            Type: AWS::Cognito::UserPool
          Client:
            Type: AWS::Cognito::UserPoolClient
            Properties:
              UserPoolId: !Ref Pool
              ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]
              GenerateSecret: true
          Challenges:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.11
              Events:
                Auth:
                  Type: Cognito
                  Properties:
                    UserPool: !Ref Pool
                    Trigger: [DefineAuthChallenge, CreateAuthChallenge]
          Reporter:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.11
              Environment:
                Variables:
                  POOL_ID: !Ref Pool
                  POOL_ARN: !GetAtt Pool.Arn
                  CLIENT_ID: !Ref Client
        """,
    )
    pool = stack.default_pool
    assert pool.triggers == {
        "DefineAuthChallenge": "Challenges",
        "CreateAuthChallenge": "Challenges",
    }
    assert pool.name == "harness-Pool"
    assert pool.mfa_configuration == "OFF"
    client = stack.default_client
    assert client.generate_secret is True
    assert client.prevent_user_existence_errors is False
    env = stack.functions["Reporter"].environment
    assert env["POOL_ID"] == placeholder("Pool", "Id") == "${Pool:Id}"
    assert env["POOL_ARN"] == "arn:aws:cognito-idp:us-east-1:123456789012:userpool/${Pool:Id}"
    filled = fill_placeholders(env, {"Pool:Id": "us-east-1_Abc", "Client:ClientId": "cid"})
    assert filled["POOL_ID"] == "us-east-1_Abc"
    assert filled["POOL_ARN"].endswith(":userpool/us-east-1_Abc")
    assert filled["CLIENT_ID"] == "cid"


def test_globals_merge_environment_by_key_and_the_function_wins(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        """\
        Globals:
          Function:
            Runtime: python3.11
            Timeout: 5
            MemorySize: 512
            CodeUri: src/
            Architectures: [x86_64]
            Environment:
              Variables:
                SHARED: from-globals
                OVERRIDDEN: from-globals
        Resources:
          Plain:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
          Own:
            Type: AWS::Serverless::Function
            Properties:
              Handler: other.handler
              Timeout: 2.5
              Architectures: [arm64]
              Environment:
                Variables:
                  OVERRIDDEN: own
                  EXTRA: own
          Raw:
            Type: AWS::Lambda::Function
            Properties:
              Code: ./src
              Handler: app.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/r
        """,
        modules=("app", "other"),
    )
    plain, own, raw = (stack.functions[k] for k in ("Plain", "Own", "Raw"))
    assert plain.environment == {"SHARED": "from-globals", "OVERRIDDEN": "from-globals"}
    assert (plain.timeout, plain.memory_size, plain.runtime) == (5, 512, "python3.11")
    assert own.environment == {"SHARED": "from-globals", "OVERRIDDEN": "own", "EXTRA": "own"}
    assert own.timeout == 2.5
    assert own.architectures == ("arm64",)  # SAM replaces Architectures, not concatenates
    # Globals are a SAM feature: AWS::Lambda::Function gets Lambda's defaults.
    assert raw.environment == {}
    assert (raw.timeout, raw.memory_size, raw.runtime) == (3, 128, "python3.12")


def test_intrinsics_sub_forms_conditions_and_mappings(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        """\
        Parameters:
          Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
          Names: {Type: CommaDelimitedList, Default: "a, b,c"}
          Flag: {Type: String, Default: "yes"}
        Mappings:
          Sizes:
            dev: {Memory: 128}
            prod: {Memory: 1024}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
          IsDev: !Not [!Condition IsProd]
          Both: !And [!Condition IsDev, !Equals [!Ref Flag, "yes"]]
          Either: !Or [!Condition IsProd, !Condition Both]
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Sub "${AWS::StackName}-${Stage}-table"
              AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
              BillingMode: PAY_PER_REQUEST
          ProdOnly:
            Type: AWS::DynamoDB::Table
            Condition: IsProd
            Properties:
              AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.11
              MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
              Environment:
                Variables:
                  SHORT: !Sub "${Table}|${Table.Arn}|${AWS::Region}|${!Literal}|${ Stage }"
                  LONG:
                    Fn::Sub:
                      - "${Name}:${Port}:${AWS::AccountId}"
                      - Name: !Select [1, !Ref Names]
                        Port: 8080
                  JOINED: !Join ["/", [!Ref AWS::Partition, !Ref AWS::URLSuffix, !Ref Stage]]
                  SPLIT: !Select [2, !Split [",", "x,y,z"]]
                  CHOSEN: !If [IsProd, prod-value, dev-value]
                  BOTH: !If [Either, "yes", "no"]
                  DROPPED: !If [IsProd, kept, !Ref AWS::NoValue]
                  ENCODED: !Base64 hello
                  ZONE: !Select [0, !GetAZs ""]
                  FLAG: true
                  NUMBER: 42
        """,
    )
    env = stack.functions["Fn"].environment
    assert env["SHORT"] == (
        "harness-dev-table|arn:aws:dynamodb:us-east-1:123456789012:table/harness-dev-table"
        "|us-east-1|${Literal}|dev"
    )
    assert env["LONG"] == "b:8080:123456789012"
    assert env["JOINED"] == "aws/amazonaws.com/dev"
    assert env["SPLIT"] == "z"
    assert env["CHOSEN"] == "dev-value"
    assert env["BOTH"] == "yes"
    assert "DROPPED" not in env
    assert env["ENCODED"] == "aGVsbG8="
    assert env["ZONE"] == "us-east-1a"
    assert (env["FLAG"], env["NUMBER"]) == ("true", "42")
    assert stack.functions["Fn"].memory_size == 128
    assert set(stack.tables) == {"Table"}  # ProdOnly's condition is false
    assert stack.parameters["Names"] == "a,b,c"

    prod = load_stack(tmp_path / "template.yaml", parameter_overrides={"Stage": "prod"})
    assert prod.functions["Fn"].environment["CHOSEN"] == "prod-value"
    assert prod.functions["Fn"].environment["DROPPED"] == "kept"
    assert prod.functions["Fn"].memory_size == 1024
    assert set(prod.tables) == {"Table", "ProdOnly"}


def test_changed_template_is_read_again(tmp_path: Path) -> None:
    body = "Resources:\n" + FUNCTION.format(name="First")
    path = write(tmp_path, body)
    assert set(load_stack(path).functions) == {"First"}
    path.write_text("Resources:\n" + FUNCTION.format(name="SecondFunction"))
    assert set(load_stack(path).functions) == {"SecondFunction"}


# --------------------------------------------------------------------------- errors


POOL = """\
  Pool:
    Type: AWS::Cognito::UserPool
"""


def sam_fn(trigger: str, pool: str = "Pool", name: str = "Fn", handler: str = "app") -> str:
    return f"""\
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: {handler}.handler
      Runtime: python3.11
      Events:
        Hook:
          Type: Cognito
          Properties:
            UserPool: !Ref {pool}
            Trigger: {trigger}
"""


ERROR_CASES = {
    "sam_event_trigger_typo": (
        "Resources:\n" + POOL + sam_fn("PreSignup"),
        r"Fn\.Events\.Hook\.Properties\.Trigger: 'PreSignup' is not a Cognito LambdaConfig key; "
        r"did you mean PreSignUp\?",
    ),
    "lambda_config_key_typo": (
        "Resources:\n"
        + POOL
        + "    Properties:\n      LambdaConfig:\n        PreAuthenticate: !GetAtt Fn.Arn\n"
        + FUNCTION.format(name="Fn"),
        r"Pool\.LambdaConfig\.PreAuthenticate: .* did you mean PreAuthentication\?",
    ),
    "handler_module_missing": (
        "Resources:\n" + POOL + sam_fn("PreSignUp", handler="missing_module"),
        r"Fn\.Handler: handler 'missing_module\.handler': module 'missing_module' not found",
    ),
    "event_pool_not_in_template": (
        "Resources:\n" + sam_fn("PreSignUp", pool="ElsewherePool"),
        r"Fn\.Events\.Hook\.Properties\.UserPool: function Fn is wired to user pool "
        r"'ElsewherePool', which is not an AWS::Cognito::UserPool of this template",
    ),
    "trigger_defined_twice": (
        "Resources:\n" + POOL + sam_fn("PreSignUp", name="A") + sam_fn("PreSignUp", name="B"),
        r"B\.Events\.Hook\.Properties\.Trigger: Cognito trigger PreSignUp of Pool is defined twice",
    ),
    "custom_sender_through_sam_event": (
        "Resources:\n" + POOL + sam_fn("CustomEmailSender"),
        r"Trigger: CustomEmailSender cannot be set by a SAM Cognito event",
    ),
    "token_config_through_sam_event": (
        "Resources:\n" + POOL + sam_fn("PreTokenGenerationConfig"),
        r"Trigger: PreTokenGenerationConfig cannot be set by a SAM Cognito event.*"
        r"as \{LambdaArn: !GetAtt Fn\.Arn, LambdaVersion: V1_0\}",
    ),
    "condition_refers_to_a_resource": (
        "Conditions:\n  HasFn: !Equals [!Ref Fn, x]\nResources:\n"
        + FUNCTION.format(name="Fn")
        + "    Condition: HasFn\n",
        r"Conditions\.HasFn: a Condition cannot refer to resource Fn: .*; "
        r"compare parameters, pseudo parameters or mappings only",
    ),
    "getatt_unsupported_attribute": (
        "Resources:\n"
        + FUNCTION.format(name="Fn")
        + "      Environment:\n        Variables:\n          X: !GetAtt Fn.SnapStartResponse\n",
        r"Fn\.Environment\.Variables\.X: Fn::GetAtt Fn\.SnapStartResponse cannot be resolved",
    ),
    "import_value": (
        "Resources:\n"
        + FUNCTION.format(name="Fn")
        + "      Environment:\n        Variables:\n          X: !ImportValue shared-table\n",
        r"Fn\.Environment\.Variables\.X: Fn::ImportValue 'shared-table' .*; "
        r"replace it with a Parameter",
    ),
    "parameter_without_value": (
        "Parameters:\n  Needed: {Type: String}\nResources:\n"
        + FUNCTION.format(name="Fn")
        + "      Environment:\n        Variables:\n          X: !Ref Needed\n",
        r"Parameters\.Needed: no value: .*; pass --parameter-overrides Needed=VALUE",
    ),
    "ref_to_nothing": (
        "Resources:\n"
        + FUNCTION.format(name="Fn")
        + "      Environment:\n        Variables:\n          X: !Ref Tabel\n"
        + "  Table:\n    Type: AWS::SNS::Topic\n",
        r"Fn\.Environment\.Variables\.X: Ref 'Tabel' names no parameter or resource "
        r"\(did you mean Table\?\)",
    ),
    "code_in_s3": (
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: s3://bucket/key.zip\n      Handler: app.handler\n"
        "      Runtime: python3.11\n",
        r"Fn\.CodeUri: code in S3 .*deployed-only code.*use --invoke lambda",
    ),
    "client_of_external_pool": (
        "Resources:\n  Client:\n    Type: AWS::Cognito::UserPoolClient\n"
        "    Properties:\n      UserPoolId: us-east-1_External\n",
        r"Client\.UserPoolId: 'us-east-1_External' is not a user pool of this template",
    ),
    "unknown_yaml_tag": (
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n"
        "      UserPoolName: !Reff Name\n",
        r"line 5, column 21: invalid YAML: .*'!Reff'",
    ),
    "invalid_yaml": (
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n   Properties: [\n",
        r"template\.yaml: line \d+, column \d+: invalid YAML",
    ),
    "no_resources": ("AWSTemplateFormatVersion: '2010-09-09'\n", r"Resources: missing"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_template_errors_name_the_resource_and_say_what_to_do(tmp_path: Path, case: str) -> None:
    body, pattern = ERROR_CASES[case]
    path = write(tmp_path, body)
    with pytest.raises(TemplateError, match=pattern) as caught:
        load_stack(path, need_code=["Fn"])  # as `harness invoke Fn` loads it
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    assert "; " in message


def test_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nope\.yaml: template file not found; pass the path"):
        load_stack(tmp_path / "nope.yaml")


def test_handler_check_can_be_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n" + POOL + sam_fn("PreSignUp", handler="later"))
    stack = load_stack(path, check_handlers=False)
    assert stack.functions["Fn"].handler == "later.handler"


def test_ambiguous_default_pool_and_unknown_lookups_are_errors(tmp_path: Path) -> None:
    body = "Resources:\n" + POOL + "  Other:\n    Type: AWS::Cognito::UserPool\n"
    stack = load(tmp_path, body)
    with pytest.raises(
        TemplateError, match=r"2 resources of type AWS::Cognito::UserPool \(Pool, Other\)"
    ):
        _ = stack.default_pool
    with pytest.raises(TemplateError, match=r"no AWS::Cognito::UserPoolClient; add"):
        _ = stack.default_client
    with pytest.raises(
        TemplateError, match=r"Nope: no AWS::Cognito::UserPool .*use one of: Pool, Other"
    ):
        stack.function_for_trigger("Nope", "PreSignUp")
    with pytest.raises(TemplateError, match=r"did you mean PreSignUp\?"):
        stack.function_for_trigger("Pool", "presignup")
    with pytest.raises(TemplateError, match=r"KMSKeyID is not a trigger"):
        stack.function_for_trigger("Pool", "KMSKeyID")
