"""Templates are read with CloudFormation's rules for the Cognito resources (its schemas), not
with botocore's API shapes: what CloudFormation accepts builds, what it refuses is one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from harness.emulator import Emulator
from harness.stack import TemplateError, load_stack


def template(tmp_path: Path, pool: str = "", client: str = "", more: str = "") -> Path:
    """A pool and a client with the extra properties given (YAML, at column 0)."""
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Pool:\n"
        "    Type: AWS::Cognito::UserPool\n"
        "    Properties:\n"
        "      UserPoolName: mine\n"
        + textwrap.indent(textwrap.dedent(pool), " " * 6)
        + "  Client:\n"
        "    Type: AWS::Cognito::UserPoolClient\n"
        "    Properties:\n"
        "      UserPoolId: !Ref Pool\n"
        + textwrap.indent(textwrap.dedent(client), " " * 6)
        + textwrap.indent(textwrap.dedent(more), " " * 2)
    )
    return path


def test_what_cloudformation_accepts_builds(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        pool="""\
        UserPoolAddOns: {}
        Policies:
          PasswordPolicy:
            MinimumLength: "8"
        UsernameConfiguration: {CaseSensitive: "false"}
        """,
        client="""\
        AccessTokenValidity: "60"
        TokenValidityUnits: {AccessToken: minutes}
        GenerateSecret: "true"
        """,
    )
    with Emulator(load_stack(path)) as emulator:
        pool = emulator.backend.describe_user_pool(emulator.user_pool_id).to_json(extended=True)
        assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
        client = emulator.pool.clients[emulator.client_id].extended_config
        assert client["AccessTokenValidity"] == 60
        assert emulator.client_secret  # "true" is true, as CloudFormation reads it


@pytest.mark.parametrize(
    ("pool", "client", "where", "allowed"),
    [
        ("Schema: 5\n", "", "Pool.Schema: 5 is not of type 'array'", "expected array"),
        (
            "Policies: {PasswordPolicy: {MinimumLength: -5}}\n",
            "",
            "Pool.Policies.PasswordPolicy.MinimumLength: -5 is less than the minimum of 6",
            "allowed: 6 to 99",
        ),
        (
            "MfaConfiguration: SOMETIMES\n",
            "",
            "Pool.MfaConfiguration: 'SOMETIMES' is not one of",
            "allowed: OFF, ON, OPTIONAL",
        ),
        (
            "",
            "AccessTokenValidity: sixty\n",
            "Client.AccessTokenValidity: 'sixty' is not of type 'integer'",
            "expected integer",
        ),
        (
            "",
            "GenerateSecret: maybe\n",
            "Client.GenerateSecret: 'maybe' is not of type 'boolean'",
            "expected boolean",
        ),
        (
            "UserPoolAddons: {}\n",
            "",
            "Pool.UserPoolAddons: UserPoolAddons is not a property here",
            "did you mean UserPoolAddOns?",
        ),
    ],
)
def test_what_cloudformation_refuses_is_one_line_naming_the_property(
    tmp_path: Path, pool: str, client: str, where: str, allowed: str
) -> None:
    path = template(tmp_path, pool=pool, client=client)
    with pytest.raises(TemplateError) as caught:
        load_stack(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {where}")
    assert message.endswith(allowed)


def test_lambda_config_takes_an_arn_as_cloudformation_does(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("def handler(event, context):\n    return event\n")
    function = """\
        Fn:
          Type: AWS::Serverless::Function
          Properties: {CodeUri: fn, Handler: app.handler, Runtime: python3.11}
        """
    path = template(tmp_path, pool="LambdaConfig: {PreSignUp: !Ref Fn}\n", more=function)
    with pytest.raises(TemplateError, match=r"Pool\.LambdaConfig\.PreSignUp: .*allowed: "):
        load_stack(path)  # Ref gives the function's name; CloudFormation wants its ARN
    path = template(tmp_path, pool="LambdaConfig: {PreSignUp: !GetAtt Fn.Arn}\n", more=function)
    assert load_stack(path).pools["Pool"].triggers == {"PreSignUp": "Fn"}
