"""The plain types a template is read into, and the API calls that create each resource.

Values that exist only once a resource is created are placeholders of the form
`${<LogicalId>:<Attribute>}`: `Ref UserPool` resolves to `"${UserPool:Id}"`, `Ref UserPoolClient`
to `"${UserPoolClient:ClientId}"`. The harness fills them with `fill_placeholders()` once moto has
created the resource.

The kwargs builders shape CloudFormation values as botocore's model of the API wants them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from harness.cognito.botocore_data import api_model
from harness.cognito.triggers import ARN_OBJECT_KEYS, LAMBDA_CONFIG_KEYS, TRIGGER_KEYS
from harness.errors import close_matches
from harness.stack.errors import TemplateError

if TYPE_CHECKING:
    from botocore.model import Shape

# The resource types the harness models.
TABLE_TYPES: Final = frozenset({"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"})
SAM_FUNCTION: Final = "AWS::Serverless::Function"
LAMBDA_FUNCTION: Final = "AWS::Lambda::Function"
FUNCTION_TYPES: Final = frozenset({SAM_FUNCTION, LAMBDA_FUNCTION})
POOL_TYPE: Final = "AWS::Cognito::UserPool"
CLIENT_TYPE: Final = "AWS::Cognito::UserPoolClient"

# CloudFormation UserPool properties that CreateUserPool does not take. Everything else is passed
# to CreateUserPool under the same name; botocore's model drops what it does not know.
POOL_PROPERTIES_NOT_IN_CREATE_USER_POOL: Final[Mapping[str, str]] = {
    "UserPoolName": "becomes PoolName",
    "EnabledMfas": "set with SetUserPoolMfaConfig: see PoolSpec.set_user_pool_mfa_config_kwargs()",
    "EmailAuthenticationMessage": "part of SetUserPoolMfaConfig's EmailMfaConfiguration",
    "EmailAuthenticationSubject": "part of SetUserPoolMfaConfig's EmailMfaConfiguration",
    "WebAuthnRelyingPartyID": "part of SetUserPoolMfaConfig's WebAuthnConfiguration",
    "WebAuthnUserVerification": "part of SetUserPoolMfaConfig's WebAuthnConfiguration",
}
# DynamoDB Table properties set by other API calls than CreateTable, or meaningless in moto.
TABLE_PROPERTIES_NOT_IN_CREATE_TABLE: Final[Mapping[str, str]] = {
    "PointInTimeRecoverySpecification": "UpdateContinuousBackups",
    "TimeToLiveSpecification": "UpdateTimeToLive (moto never expires items)",
    "ContributorInsightsSpecification": "UpdateContributorInsights",
    "KinesisStreamSpecification": "EnableKinesisStreamingDestination",
    "ImportSourceSpecification": "ImportTable",
    "ResourcePolicy": "PutResourcePolicy (no IAM in the harness)",
}

# --------------------------------------------------------------------------- placeholders

PLACEHOLDER_RE: Final = re.compile(r"\$\{([A-Za-z0-9]+):([A-Za-z0-9.]+)\}")


def placeholder(logical_id: str, attribute: str) -> str:
    """The stand-in for a value known only once the resource exists, e.g. `${UserPool:Id}`."""
    return "${" + logical_id + ":" + attribute + "}"


def fill_placeholders(value: Any, values: Mapping[str, str]) -> Any:
    """Replace `${LogicalId:Attribute}` placeholders in strings, lists and dicts.

    `values` is keyed `"LogicalId:Attribute"`, e.g. `{"UserPool:Id": "us-east-1_AbC"}`;
    placeholders without a value stay as they are.
    """
    if isinstance(value, str):
        return PLACEHOLDER_RE.sub(lambda m: values.get(f"{m[1]}:{m[2]}", m[0]), value)
    if isinstance(value, list):
        return [fill_placeholders(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill_placeholders(v, values) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class FunctionSpec:
    """A Lambda function as deployed: where its code is and how it is configured."""

    logical_id: str
    code_uri: Path
    handler: str
    runtime: str
    timeout: float
    memory_size: int
    environment: dict[str, str]
    architectures: tuple[str, ...]
    function_name: str
    arn: str = ""
    #: Import folders of the function's local layers (see :mod:`harness.stack.code`).
    layers: tuple[Path, ...] = ()
    #: Why the function cannot run here (deployed-only code, an unbuilt folder...), or None.
    #: Only a function a command needs makes that an error (``load_stack(need_code=...)``).
    problem: str | None = None
    #: A function outside the template (a trigger wired to a parameter's ARN, an import): only
    #: ``--invoke lambda`` can run it; the others show its runs as "not in this template".
    external: bool = False
    #: Why Cognito may not invoke it as the trigger of the pool being emulated (one line with
    #: the fix, :mod:`harness.stack.permissions`), or None.
    invoke_denied: str | None = None

    @classmethod
    def outside(cls, arn: str) -> FunctionSpec:
        """The stand-in for the function ``arn`` names, outside the template."""
        return cls(
            logical_id=f"{arn} (not in this template)",
            code_uri=Path(),
            handler="",
            runtime="",
            timeout=5.0,
            memory_size=128,
            environment={},
            architectures=(),
            function_name=arn,
            arn=arn,
            external=True,
        )


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table, resolved, ready for `create_table(**spec.create_table_kwargs())`."""

    logical_id: str
    table_name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    global_secondary_indexes: list[dict[str, Any]]
    properties: dict[str, Any]
    #: ``path.py:function`` (relative to the template's folder) that turns a record of a setup
    #: or a test into the item the table stores: the table's ``Metadata`` entry
    #: ``CognitoTriggerHarness: {Seeder: ...}`` (see :mod:`harness.emulator.seeding`).
    seeder: str | None = None

    def create_table_kwargs(self) -> dict[str, Any]:
        """boto3 `dynamodb.create_table` kwargs; see TABLE_PROPERTIES_NOT_IN_CREATE_TABLE."""
        props = self.properties
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeySchema": self.key_schema,
            "AttributeDefinitions": self.attribute_definitions,
        }
        billing = props.get("BillingMode", "PROVISIONED")
        kwargs["BillingMode"] = billing
        if billing == "PROVISIONED":
            kwargs["ProvisionedThroughput"] = props.get(
                "ProvisionedThroughput", {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
            )
        if self.global_secondary_indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {k: v for k, v in gsi.items() if k != "ContributorInsightsSpecification"}
                for gsi in self.global_secondary_indexes
            ]
        if "LocalSecondaryIndexes" in props:
            kwargs["LocalSecondaryIndexes"] = props["LocalSecondaryIndexes"]
        if "StreamSpecification" in props:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        sse = props.get("SSESpecification")
        if sse:
            kwargs["SSESpecification"] = {
                {"SSEEnabled": "Enabled"}.get(k, k): v for k, v in sse.items()
            }
        for key in ("TableClass", "DeletionProtectionEnabled", "Tags", "OnDemandThroughput"):
            if key in props:
                kwargs[key] = props[key]
        return _coerce_to_api("dynamodb", "CreateTable", kwargs)


@dataclass(frozen=True)
class PoolSpec:
    """A user pool: its trigger wiring and its resolved CloudFormation properties.

    `triggers` maps a trigger (a LambdaConfig key; PreTokenGenerationConfig counts as
    PreTokenGeneration) to the logical id of the function in this template. Triggers that point
    at a function outside the template are in `external_triggers`, as ARNs.
    """

    logical_id: str
    name: str
    triggers: dict[str, str]
    pre_token_generation_version: str
    username_attributes: tuple[str, ...]
    alias_attributes: tuple[str, ...]
    auto_verified_attributes: tuple[str, ...]
    mfa_configuration: str
    properties: dict[str, Any]
    external_triggers: dict[str, str] = field(default_factory=dict)
    enabled_mfas: tuple[str, ...] = ()
    #: The pool's ARN as the template writes it (``!GetAtt Pool.Arn``, with the pool id a
    #: placeholder): what a permission's SourceArn is compared with.
    arn: str = ""
    #: Trigger → why Cognito may not invoke its function ([D] see
    #: :mod:`harness.stack.permissions`); set by :func:`harness.stack.load_stack`.
    invoke_denied: dict[str, str] = field(default_factory=dict)

    def create_user_pool_kwargs(self) -> dict[str, Any]:
        """boto3 `cognito-idp.create_user_pool` kwargs.

        LambdaConfig holds `arn:aws:lambda:<region>:<account>:function:<function_name>` ARNs.
        Properties in POOL_PROPERTIES_NOT_IN_CREATE_USER_POOL are left out; DeletionProtection
        and UserPoolTier are kept (moto 5.2.5 accepts and stores them).
        """
        kwargs: dict[str, Any] = {"PoolName": self.name}
        for key, value in self.properties.items():
            if key not in POOL_PROPERTIES_NOT_IN_CREATE_USER_POOL:
                kwargs[key] = value
        return _coerce_to_api("cognito-idp", "CreateUserPool", kwargs)

    def set_user_pool_mfa_config_kwargs(self, user_pool_id: str) -> dict[str, Any] | None:
        """boto3 `set_user_pool_mfa_config` kwargs for EnabledMfas; None when MFA is OFF."""
        if self.mfa_configuration == "OFF":
            return None
        props = self.properties
        enabled = set(self.enabled_mfas)
        if not enabled and "SmsConfiguration" in props:
            enabled.add("SMS_MFA")  # CloudFormation's behaviour without EnabledMfas [A]
        kwargs: dict[str, Any] = {
            "UserPoolId": user_pool_id,
            "MfaConfiguration": self.mfa_configuration,
        }
        if "SOFTWARE_TOKEN_MFA" in enabled:
            kwargs["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
        if "SMS_MFA" in enabled:
            kwargs["SmsMfaConfiguration"] = _drop_none(
                {
                    "SmsAuthenticationMessage": props.get("SmsAuthenticationMessage"),
                    "SmsConfiguration": props.get("SmsConfiguration"),
                }
            )
        if "EMAIL_OTP" in enabled:
            kwargs["EmailMfaConfiguration"] = _drop_none(
                {
                    "Message": props.get("EmailAuthenticationMessage"),
                    "Subject": props.get("EmailAuthenticationSubject"),
                }
            )
        return _coerce_to_api("cognito-idp", "SetUserPoolMfaConfig", kwargs)


@dataclass(frozen=True)
class ClientSpec:
    """A user-pool app client and the pool (logical id) it belongs to."""

    logical_id: str
    name: str
    pool_logical_id: str
    explicit_auth_flows: tuple[str, ...]
    prevent_user_existence_errors: bool
    generate_secret: bool
    properties: dict[str, Any]

    def create_user_pool_client_kwargs(self, user_pool_id: str) -> dict[str, Any]:
        """boto3 `cognito-idp.create_user_pool_client` kwargs for the pool moto created."""
        kwargs: dict[str, Any] = {"ClientName": self.name, "UserPoolId": user_pool_id}
        for key, value in self.properties.items():
            if key not in ("ClientName", "UserPoolId"):
                kwargs[key] = value
        return _coerce_to_api("cognito-idp", "CreateUserPoolClient", kwargs)


#: The pool's other resources the harness creates, in the order CloudFormation's references make
#: it create them (a user before its group attachment).
GROUP_TYPE: Final = "AWS::Cognito::UserPoolGroup"
USER_TYPE: Final = "AWS::Cognito::UserPoolUser"
ATTACHMENT_TYPE: Final = "AWS::Cognito::UserPoolUserToGroupAttachment"
RESOURCE_SERVER_TYPE: Final = "AWS::Cognito::UserPoolResourceServer"
DOMAIN_TYPE: Final = "AWS::Cognito::UserPoolDomain"
POOL_RESOURCE_TYPES: Final = (
    GROUP_TYPE,
    RESOURCE_SERVER_TYPE,
    DOMAIN_TYPE,
    USER_TYPE,
    ATTACHMENT_TYPE,
)


@dataclass(frozen=True)
class InvokeGrant:
    """A permission for Cognito to invoke a function: a resource of the template."""

    where: str
    #: The function's name (an ARN's or a qualified name's); None: any function (unresolved).
    function: str | None
    #: The SourceArn condition, with IAM's ``*`` / ``?`` wildcards; "" or None: any pool.
    source_arn: str | None = ""


@dataclass(frozen=True)
class PoolResourceSpec:
    """A group, user, group attachment, resource server or domain of a template's pool."""

    logical_id: str
    type: str
    pool_logical_id: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class Stack:
    """What `load_stack()` read from a template."""

    path: Path
    stack_name: str
    region: str
    account_id: str
    functions: dict[str, FunctionSpec]
    tables: dict[str, TableSpec]
    pools: dict[str, PoolSpec]
    clients: dict[str, ClientSpec]
    parameters: dict[str, str]
    #: One line each, for the user: what the harness runs differently from the template.
    notes: tuple[str, ...] = ()
    #: Resources not created because their Condition is false: logical id → condition name.
    not_created: dict[str, str] = field(default_factory=dict)
    #: The pools' groups, users, attachments, resource servers, domains (POOL_RESOURCE_TYPES).
    pool_resources: dict[str, PoolResourceSpec] = field(default_factory=dict)
    #: The permissions the template gives Cognito to invoke its functions.
    invoke_grants: tuple[InvokeGrant, ...] = ()
    #: The template of each function and pool of a nested stack (those of ``path`` are absent).
    templates: dict[str, Path] = field(default_factory=dict)

    def function_for_trigger(self, pool_logical_id: str, trigger: str) -> FunctionSpec | None:
        """The function wired to `trigger` on the pool, or None when no function of this
        template is (the trigger is not configured, or it is in `pool.external_triggers`)."""
        pool = self.pools.get(pool_logical_id)
        if pool is None:
            raise TemplateError(
                self.path,
                pool_logical_id,
                "no AWS::Cognito::UserPool of that logical id",
                f"use one of: {', '.join(self.pools) or '(none)'}",
            )
        trigger = ARN_OBJECT_KEYS.get(trigger, trigger)
        if trigger not in TRIGGER_KEYS:
            problem, fix = (
                (f"{trigger} is not a trigger", f"use one of {', '.join(TRIGGER_KEYS)}")
                if trigger in LAMBDA_CONFIG_KEYS
                else unknown_trigger(trigger)
            )
            raise TemplateError(self.path, f"{pool_logical_id}.LambdaConfig", problem, fix)
        logical_id = pool.triggers.get(trigger)
        return None if logical_id is None else self.functions[logical_id]

    @property
    def default_pool(self) -> PoolSpec:
        """The template's only user pool."""
        return _single(self.path, self.pools, POOL_TYPE)

    @property
    def default_client(self) -> ClientSpec:
        """The template's only app client."""
        return _single(
            self.path,
            self.clients,
            CLIENT_TYPE,
            "choose the one unknown client ids map onto: --client LOGICAL_ID_OR_NAME "
            "(pytest: @pytest.mark.cognito(client=...))",
        )


_T = TypeVar("_T")


def _single(
    path: Path,
    specs: Mapping[str, _T],
    type_name: str,
    fix: str = "name the one you mean by its logical id",
) -> _T:
    if len(specs) == 1:
        return next(iter(specs.values()))
    if not specs:
        raise TemplateError(path, "Resources", f"no {type_name}", f"add an {type_name} resource")
    raise TemplateError(
        path,
        "Resources",
        f"{len(specs)} resources of type {type_name} ({', '.join(specs)})",
        fix,
    )


def unknown_trigger(name: str) -> tuple[str, str]:
    """The problem and the fix when `name` is no LambdaConfig key."""
    # A looser cutoff than names elsewhere: short prefixes (PreAuth, KMS) still get a guess.
    match = close_matches(name, sorted(LAMBDA_CONFIG_KEYS), n=1, cutoff=0.5)
    fix = (
        f"did you mean {match[0]}?"
        if match
        else f"use one of {', '.join(sorted(LAMBDA_CONFIG_KEYS))}"
    )
    return f"{name!r} is not a Cognito LambdaConfig key", fix


# --------------------------------------------------------------------------- API coercion


@cache
def _input_shape(service: str, operation: str) -> Shape:
    shape = api_model(service).operation_model(operation).input_shape
    assert shape is not None
    return shape


def _coerce_to_api(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Shape CloudFormation values as the API wants them.

    CloudFormation accepts `MinLength: 1` for a string and `"true"` (from a Parameter) for a
    boolean; botocore does not. Members the API does not have are left out.
    """
    shape = _input_shape(service, operation)
    members = getattr(shape, "members", {})  # a StructureShape
    coerced = {k: _coerce(v, members[k]) for k, v in params.items() if k in members}
    return {k: v for k, v in coerced.items() if v is not _UNSET}


#: A structure the API cannot take (a required member missing): the property is left out.
_UNSET: Final = object()


def _coerce(value: Any, shape: Shape) -> Any:
    from botocore.model import ListShape, MapShape, StructureShape

    kind = shape.type_name
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = shape.members
        coerced = {k: _coerce(v, members[k]) for k, v in value.items() if k in members}
        coerced = {k: v for k, v in coerced.items() if v is not _UNSET}
        # CloudFormation's sub-properties are optional where the API's members are required
        # (UserPoolAddOns: {} is valid CloudFormation): a structure the API cannot take
        # without them is left unset, as CloudFormation leaves it.
        if any(name not in coerced for name in shape.required_members):
            return _UNSET
        return coerced
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [v for v in (_coerce(v, shape.member) for v in value) if v is not _UNSET]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {str(k): _coerce(v, shape.value) for k, v in value.items()}
    if (
        kind in ("integer", "long")
        and isinstance(value, str)
        and value.strip().lstrip("-").isdigit()
    ):
        return int(value)
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "string" and isinstance(value, int | float):
        return str(value)
    return value


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
