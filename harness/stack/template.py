"""Load a SAM / CloudFormation template as the single source of truth for trigger wiring.

`load_stack()` reads `template.yaml` the way CloudFormation and SAM would deploy it, resolves
the intrinsic functions the harness needs (parameters, pseudo parameters, Ref, Fn::GetAtt,
Fn::Sub, conditions, ...) and returns typed specs of the functions, tables, user pools and app
clients. It needs PyYAML only: no samcli, no AWS account.

Values that exist only once a resource is created are placeholders of the form
`${<LogicalId>:<Attribute>}`: `Ref UserPool` resolves to `"${UserPool:Id}"`, `Ref UserPoolClient`
to `"${UserPoolClient:ClientId}"`. The harness fills them with `fill_placeholders()` once moto has
created the resource. Every other physical name is deterministic: the resource's own name
property, else `f"{stack_name}-{LogicalId}"`.
"""

from __future__ import annotations

import base64
import difflib
import ipaddress
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

import yaml

from harness.cognito.triggers import ARN_OBJECT_KEYS, LAMBDA_CONFIG_KEYS, TRIGGER_KEYS
from harness.errors import HarnessInputError

if TYPE_CHECKING:
    from botocore.model import Shape

__all__ = [
    "LAMBDA_CONFIG_KEYS",
    "TRIGGER_KEYS",
    "ClientSpec",
    "CloudFormationLoader",
    "FunctionSpec",
    "PoolSpec",
    "Stack",
    "TableSpec",
    "TemplateError",
    "fill_placeholders",
    "load_stack",
    "placeholder",
]

# The LambdaConfig keys, and those whose value is {LambdaArn, LambdaVersion}: the trigger table's.
_ARN_OBJECT_KEYS: Final[Mapping[str, str]] = ARN_OBJECT_KEYS
# A SAM `Type: Cognito` event writes the function ARN as a plain string into LambdaConfig; for
# these keys CloudFormation requires the {LambdaArn, LambdaVersion} object instead.
_NOT_FOR_SAM_EVENTS: Final[frozenset[str]] = frozenset(
    {"CustomSMSSender", "CustomEmailSender", "InboundFederation", "PreTokenGenerationConfig"}
)

_TABLE_TYPES: Final = frozenset({"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"})
_SAM_FUNCTION: Final = "AWS::Serverless::Function"
_LAMBDA_FUNCTION: Final = "AWS::Lambda::Function"
_FUNCTION_TYPES: Final = frozenset({_SAM_FUNCTION, _LAMBDA_FUNCTION})
_POOL_TYPE: Final = "AWS::Cognito::UserPool"
_CLIENT_TYPE: Final = "AWS::Cognito::UserPoolClient"

# Properties naming a resource's physical id, for Ref on types the harness does not model.
_NAME_PROPERTIES: Final[Mapping[str, str]] = {
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::IAM::Role": "RoleName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::S3::Bucket": "BucketName",
}

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


class TemplateError(HarnessInputError):
    """A template the harness cannot use. One line: `<path>: <where>: <problem>; <fix>`."""

    def __init__(self, path: Path | str, where: str, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.where = where
        self.problem = problem
        self.fix = fix
        prefix = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(f"{prefix}{problem}; {fix}".replace("\n", " "))


# --------------------------------------------------------------------------- placeholders

_PLACEHOLDER_RE: Final = re.compile(r"\$\{([A-Za-z0-9]+):([A-Za-z0-9.]+)\}")


def placeholder(logical_id: str, attribute: str) -> str:
    """The stand-in for a value known only once the resource exists, e.g. `${UserPool:Id}`."""
    return "${" + logical_id + ":" + attribute + "}"


def fill_placeholders(value: Any, values: Mapping[str, str]) -> Any:
    """Replace `${LogicalId:Attribute}` placeholders in strings, lists and dicts.

    `values` is keyed `"LogicalId:Attribute"`, e.g. `{"UserPool:Id": "us-east-1_AbC"}`;
    placeholders without a value stay as they are.
    """
    if isinstance(value, str):
        return _PLACEHOLDER_RE.sub(lambda m: values.get(f"{m[1]}:{m[2]}", m[0]), value)
    if isinstance(value, list):
        return [fill_placeholders(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill_placeholders(v, values) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- YAML


class CloudFormationLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation short-form tags as their long form.

    `!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`, and so on.
    Duplicate mapping keys are an error, as in CloudFormation.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":str"):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value!r}",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _intrinsic_constructor(name: str) -> Callable[[CloudFormationLoader, yaml.Node], Any]:
    def construct(loader: CloudFormationLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, yaml.MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:  # pragma: no cover - PyYAML has no other node kinds
            raise yaml.constructor.ConstructorError(None, None, f"bad !{name}", node.start_mark)
        return {name: value}

    return construct


_SHORT_TAGS: Final[Mapping[str, str]] = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        short: f"Fn::{short}"
        for short in [
            "GetAtt",
            "Sub",
            "Join",
            "Select",
            "Split",
            "If",
            "Equals",
            "Not",
            "And",
            "Or",
            "FindInMap",
            "Base64",
            "ImportValue",
            "GetAZs",
            "Cidr",
            "Transform",
        ]
    },
}
for _short, _long in _SHORT_TAGS.items():
    CloudFormationLoader.add_constructor(f"!{_short}", _intrinsic_constructor(_long))

_YAML_CACHE: dict[Path, tuple[int, int, dict[str, Any]]] = {}
_YAML_CACHE_LOCK: Final = threading.Lock()


def _parse(path: Path) -> dict[str, Any]:
    """The parsed template, cached by path, mtime and size. Callers must not mutate it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise TemplateError(
            path, "", "template file not found", "pass the path of your SAM template.yaml"
        ) from None
    with _YAML_CACHE_LOCK:
        cached = _YAML_CACHE.get(path)
    if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    try:
        # A SafeLoader subclass: it only adds constructors for the CloudFormation tags.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=CloudFormationLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise TemplateError(path, where, f"invalid YAML: {problem}", "fix the YAML there") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(path, "", f"invalid YAML: {exc}", "fix the YAML") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Resources"), dict):
        raise TemplateError(
            path,
            "Resources",
            "missing or not a mapping",
            "a SAM template needs a Resources section with your functions and user pool",
        )
    with _YAML_CACHE_LOCK:
        _YAML_CACHE[path] = (stat.st_mtime_ns, stat.st_size, doc)
    return doc


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


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table, resolved, ready for `create_table(**spec.create_table_kwargs())`."""

    logical_id: str
    table_name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    global_secondary_indexes: list[dict[str, Any]]
    properties: dict[str, Any]

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
        trigger = _ARN_OBJECT_KEYS.get(trigger, trigger)
        if trigger not in TRIGGER_KEYS:
            problem, fix = (
                (f"{trigger} is not a trigger", f"use one of {', '.join(TRIGGER_KEYS)}")
                if trigger in LAMBDA_CONFIG_KEYS
                else _unknown_trigger(trigger)
            )
            raise TemplateError(self.path, f"{pool_logical_id}.LambdaConfig", problem, fix)
        logical_id = pool.triggers.get(trigger)
        return None if logical_id is None else self.functions[logical_id]

    @property
    def default_pool(self) -> PoolSpec:
        """The template's only user pool."""
        return _single(self.path, self.pools, _POOL_TYPE)

    @property
    def default_client(self) -> ClientSpec:
        """The template's only app client."""
        return _single(self.path, self.clients, _CLIENT_TYPE)


_T = TypeVar("_T")


def _single(path: Path, specs: Mapping[str, _T], type_name: str) -> _T:
    if len(specs) == 1:
        return next(iter(specs.values()))
    if not specs:
        raise TemplateError(path, "Resources", f"no {type_name}", f"add a {type_name} resource")
    raise TemplateError(
        path,
        "Resources",
        f"{len(specs)} resources of type {type_name} ({', '.join(specs)})",
        "name the one you mean by its logical id",
    )


def _unknown_trigger(name: str) -> tuple[str, str]:
    match = difflib.get_close_matches(name, sorted(LAMBDA_CONFIG_KEYS), n=1, cutoff=0.5)
    folded = {k.lower(): k for k in LAMBDA_CONFIG_KEYS}.get(name.lower())
    suggestion = folded or (match[0] if match else None)
    fix = (
        f"did you mean {suggestion}?"
        if suggestion
        else f"use one of {', '.join(sorted(LAMBDA_CONFIG_KEYS))}"
    )
    return f"{name!r} is not a Cognito LambdaConfig key", fix


# --------------------------------------------------------------------------- API coercion


@cache
def _input_shape(service: str, operation: str) -> Shape:
    # botocore comes with boto3; loading its model costs ~0.2 s once, and only kwargs builders
    # use it: load_stack() stays fast.
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    assert shape is not None
    return shape


def _coerce_to_api(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Shape CloudFormation values as the API wants them.

    CloudFormation accepts `MinLength: 1` for a string and `"true"` (from a Parameter) for a
    boolean; botocore does not. Members the API does not have are left out.
    """
    result = _coerce(params, _input_shape(service, operation))
    assert isinstance(result, dict)
    return result


def _coerce(value: Any, shape: Shape) -> Any:
    from botocore.model import ListShape, MapShape, StructureShape

    kind = shape.type_name
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = shape.members
        return {k: _coerce(v, members[k]) for k, v in value.items() if k in members}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_coerce(v, shape.member) for v in value]
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


# --------------------------------------------------------------------------- resolution


class _NoValue:
    """AWS::NoValue: the property or list item it is in disappears."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "AWS::NoValue"


_NO_VALUE: Final = _NoValue()
_SUB_RE: Final = re.compile(r"\$\{([^}]*)\}")


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def _sam_merge(global_value: Any, local_value: Any, path: str) -> Any:
    """SAM's Globals rule: maps merge by key, lists concatenate (Architectures is replaced),
    anything else (intrinsics included) is the function's own."""
    if (
        isinstance(global_value, dict)
        and isinstance(local_value, dict)
        and not _is_intrinsic(global_value)
        and not _is_intrinsic(local_value)
    ):
        merged = dict(global_value)
        for key, value in local_value.items():
            child = f"{path}.{key}" if path else str(key)
            merged[key] = _sam_merge(global_value[key], value, child) if key in merged else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return local_value if path == "Architectures" else global_value + local_value
    return local_value


def _suggest(name: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


class _Resolver:
    def __init__(
        self,
        path: Path,
        doc: Mapping[str, Any],
        *,
        stack_name: str,
        region: str,
        account_id: str,
        overrides: Mapping[str, str],
    ) -> None:
        self.path = path
        self.doc = doc
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self.partition = (
            "aws-cn"
            if region.startswith("cn-")
            else "aws-us-gov"
            if region.startswith("us-gov-")
            else "aws"
        )
        self.url_suffix = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        self.resources: dict[str, dict[str, Any]] = {}
        for logical_id, resource in doc["Resources"].items():
            if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
                self.fail(str(logical_id), "no Type", "every resource needs Type and Properties")
            props = resource.get("Properties", {})
            if props is not None and not isinstance(props, dict):
                self.fail(f"{logical_id}.Properties", "not a mapping", "fix the indentation")
            self.resources[str(logical_id)] = resource
        self.mappings: dict[str, Any] = doc.get("Mappings") or {}
        self.condition_defs: dict[str, Any] = doc.get("Conditions") or {}
        self._condition_values: dict[str, bool] = {}
        self._in_progress: set[str] = set()
        self._names: dict[str, str] = {}
        self.parameters: dict[str, str | list[str]] = {}
        self._parameter_errors: dict[str, tuple[str, str]] = {}
        self._read_parameters(doc.get("Parameters") or {}, overrides)
        self.active = {
            lid
            for lid, res in self.resources.items()
            if "Condition" not in res or self.condition(res["Condition"], f"{lid}.Condition")
        }

    def fail(self, where: str, problem: str, fix: str) -> NoReturn:
        raise TemplateError(self.path, where, problem, fix)

    # ---------------------------------------------------------------- parameters

    def _read_parameters(self, decls: Mapping[str, Any], overrides: Mapping[str, str]) -> None:
        for name in overrides:
            if name not in decls:
                self.fail(
                    f"Parameters.{name}",
                    "override for a parameter the template does not declare"
                    + _suggest(name, decls),
                    "declare it under Parameters or drop the override",
                )
        for name, decl in decls.items():
            decl = decl if isinstance(decl, dict) else {}
            type_ = str(decl.get("Type", "String"))
            raw = overrides[name] if name in overrides else decl.get("Default")
            where = f"Parameters.{name}"
            if raw is None:
                self._parameter_errors[name] = (
                    "no value: the parameter has no Default and no override",
                    f"pass parameter_overrides={{{name!r}: ...}} or give it a Default",
                )
                continue
            if type_.startswith("AWS::SSM::Parameter::Value") and name not in overrides:
                self._parameter_errors[name] = (
                    f"its value lives in SSM parameter {raw!r}, which the harness cannot read",
                    f"pass parameter_overrides={{{name!r}: ...}}",
                )
                continue
            text = ",".join(map(_plain_str, raw)) if isinstance(raw, list) else _plain_str(raw)
            allowed = decl.get("AllowedValues")
            if isinstance(allowed, list) and text not in [_plain_str(a) for a in allowed]:
                self.fail(
                    where,
                    f"value {text!r} is not one of its AllowedValues "
                    f"{[_plain_str(a) for a in allowed]}",
                    "pass an allowed value",
                )
            pattern = decl.get("AllowedPattern")
            if isinstance(pattern, str):
                try:
                    matches = re.fullmatch(pattern, text) is not None
                except re.error:  # a Java-only regex: CloudFormation checks it, we cannot
                    matches = True
                if not matches:
                    self.fail(
                        where,
                        f"value {text!r} does not match its AllowedPattern {pattern!r}",
                        "pass a matching value",
                    )
            is_list = type_ == "CommaDelimitedList" or type_.startswith("List<")
            self.parameters[name] = [s.strip() for s in text.split(",")] if is_list else text

    def parameter_strings(self) -> dict[str, str]:
        return {k: v if isinstance(v, str) else ",".join(v) for k, v in self.parameters.items()}

    # ---------------------------------------------------------------- conditions

    def condition(self, name: Any, where: str) -> bool:
        if not isinstance(name, str) or name not in self.condition_defs:
            self.fail(
                where,
                f"condition {name!r} is not declared{_suggest(str(name), self.condition_defs)}",
                "declare it under Conditions",
            )
        if name not in self._condition_values:
            key = f"Conditions.{name}"
            if key in self._in_progress:
                self.fail(key, "the condition refers to itself", "break the cycle")
            self._in_progress.add(key)
            try:
                self._condition_values[name] = self.truth(self.condition_defs[name], key)
            finally:
                self._in_progress.discard(key)
        return self._condition_values[name]

    def truth(self, expr: Any, where: str) -> bool:
        if isinstance(expr, dict) and len(expr) == 1:
            ((fn, arg),) = expr.items()
            if fn == "Condition":
                return self.condition(arg, where)
            if fn == "Fn::Equals":
                a, b = self._args(arg, 2, fn, where)
                left = self._canonical(self.resolve(a, where))
                return bool(left == self._canonical(self.resolve(b, where)))
            if fn == "Fn::Not":
                (inner,) = self._args(arg, 1, fn, where)
                return not self.truth(inner, where)
            if fn in ("Fn::And", "Fn::Or"):
                if not isinstance(arg, list) or len(arg) < 2:
                    self.fail(
                        where, f"{fn} needs a list of 2 to 10 conditions", "fix its arguments"
                    )
                values = [self.truth(item, where) for item in arg]
                return all(values) if fn == "Fn::And" else any(values)
        self.fail(
            where,
            f"{expr!r} is not a condition",
            "use Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
        )

    def _canonical(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._canonical(v) for v in value]
        return _plain_str(value) if isinstance(value, str | int | float | bool) else value

    # ---------------------------------------------------------------- values

    def resolve(self, value: Any, where: str) -> Any:
        """The value with every intrinsic function resolved; _NO_VALUE when it is AWS::NoValue."""
        if isinstance(value, dict):
            if _is_intrinsic(value):
                ((fn, arg),) = value.items()
                return self._intrinsic(fn, arg, where)
            out: dict[str, Any] = {}
            for key, item in value.items():
                resolved = self.resolve(item, f"{where}.{key}")
                if resolved is not _NO_VALUE:
                    out[str(key)] = resolved
            return out
        if isinstance(value, list):
            items = (self.resolve(item, where) for item in value)
            return [item for item in items if item is not _NO_VALUE]
        return value

    def resolve_str(self, value: Any, where: str) -> str:
        resolved = self.resolve(value, where)
        if isinstance(resolved, str | int | float | bool):
            return _plain_str(resolved)
        self.fail(where, f"expected a string, got {resolved!r}", "give a string value")

    def _args(self, arg: Any, count: int, fn: str, where: str) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != count:
            self.fail(
                where, f"{fn} takes a list of {count} arguments, got {arg!r}", "fix its arguments"
            )
        return arg

    def _intrinsic(self, fn: str, arg: Any, where: str) -> Any:
        if fn == "Ref":
            return self.ref(self.resolve_str(arg, where), where)
        if fn == "Fn::GetAtt":
            if isinstance(arg, str):
                arg = arg.split(".", 1)
            if not isinstance(arg, list) or len(arg) != 2:
                self.fail(where, f"Fn::GetAtt needs 'Resource.Attribute', got {arg!r}", "fix it")
            return self.get_att(str(arg[0]), self.resolve_str(arg[1], where), where)
        if fn == "Fn::Sub":
            return self._sub(arg, where)
        if fn == "Fn::Join":
            delimiter, items = self._args(arg, 2, fn, where)
            parts = self.resolve(items, where)
            if not isinstance(parts, list):
                self.fail(where, f"Fn::Join needs a list, got {parts!r}", "fix its arguments")
            return self.resolve_str(delimiter, where).join(
                self.resolve_str(p, where) for p in parts
            )
        if fn == "Fn::Select":
            index, items = self._args(arg, 2, fn, where)
            position = self.resolve_str(index, where)
            values = self.resolve(items, where)
            if (
                not position.isdigit()
                or not isinstance(values, list)
                or int(position) >= len(values)
            ):
                self.fail(
                    where, f"Fn::Select index {position} is out of {values!r}", "fix the index"
                )
            return values[int(position)]
        if fn == "Fn::Split":
            delimiter, source = self._args(arg, 2, fn, where)
            return self.resolve_str(source, where).split(self.resolve_str(delimiter, where))
        if fn == "Fn::If":
            name, when_true, when_false = self._args(arg, 3, fn, where)
            chosen = when_true if self.condition(name, where) else when_false
            return self.resolve(chosen, where)
        if fn in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return self.truth({fn: arg}, where)
        if fn == "Fn::FindInMap":
            return self._find_in_map(arg, where)
        if fn == "Fn::Base64":
            return base64.b64encode(self.resolve_str(arg, where).encode()).decode()
        if fn == "Fn::GetAZs":
            region = self.resolve_str(arg, where) or self.region
            return [f"{region}{zone}" for zone in "abc"]  # moto's zones for every region
        if fn == "Fn::Cidr":
            block, count, bits = (self.resolve_str(a, where) for a in self._args(arg, 3, fn, where))
            network = ipaddress.ip_network(block, strict=False)
            subnets = network.subnets(new_prefix=network.max_prefixlen - int(bits))
            return [str(next(subnets)) for _ in range(int(count))]
        if fn == "Fn::Length":
            values = self.resolve(arg, where)
            return len(values) if isinstance(values, list) else 1
        if fn == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg, where), separators=(",", ":"))
        if fn == "Fn::ImportValue":
            self.fail(
                where,
                f"Fn::ImportValue {self.resolve(arg, where)!r} reads another stack's export, "
                "which does not exist locally",
                "replace it with a Parameter and pass the value with parameter_overrides",
            )
        self.fail(where, f"{fn} is not supported by the harness", "use a Parameter instead")

    def _find_in_map(self, arg: Any, where: str) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            self.fail(where, "Fn::FindInMap takes [Map, TopKey, SecondKey]", "fix its arguments")
        names = [self.resolve_str(a, where) for a in arg[:3]]
        try:
            return self.resolve(self.mappings[names[0]][names[1]][names[2]], where)
        except (KeyError, TypeError):
            if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self.resolve(arg[3]["DefaultValue"], where)
            self.fail(where, f"Mappings has no {'.'.join(names)}", "add it to Mappings")

    def _sub(self, arg: Any, where: str) -> str:
        variables: dict[str, Any] = {}
        if isinstance(arg, list):
            if len(arg) != 2 or not isinstance(arg[1], dict):
                self.fail(where, "Fn::Sub takes a string or [string, {variables}]", "fix it")
            arg, raw_variables = arg
            variables = {str(k): self.resolve(v, f"{where}.{k}") for k, v in raw_variables.items()}
        if not isinstance(arg, str):
            self.fail(where, f"Fn::Sub needs a string, got {arg!r}", "fix it")

        def replace(match: re.Match[str]) -> str:
            body = match[1]
            if body.startswith("!"):
                return "${" + body[1:] + "}"
            name = body.strip()
            value: Any
            if name in variables:
                value = variables[name]
            elif "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                value = self.get_att(logical_id, attribute, where)
            else:
                value = self.ref(name, where)
            if isinstance(value, str | int | float | bool):
                return _plain_str(value)
            self.fail(
                where, f"Fn::Sub variable ${{{name}}} is {value!r}, not a string", "use Fn::Join"
            )

        return _SUB_RE.sub(replace, arg)

    # ---------------------------------------------------------------- references

    def _pseudo(self, name: str) -> Any:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}"
            f":stack/{self.stack_name}/00000000-0000-0000-0000-000000000000",
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": self.url_suffix,
            "AWS::NotificationARNs": [],
            "AWS::NoValue": _NO_VALUE,
        }.get(name)

    def ref(self, name: str, where: str) -> Any:
        if name.startswith("AWS::"):
            value = self._pseudo(name)
            if value is None:
                self.fail(where, f"unknown pseudo parameter {name}", "see the CloudFormation docs")
            return value
        if name in self.parameters:
            return self.parameters[name]
        if name in self._parameter_errors:
            self.fail(f"Parameters.{name}", *self._parameter_errors[name])
        if name in self.resources:
            return self._resource_ref(name, where)
        alias = self._sam_alias(name)
        if alias is not None:
            return f"{self.function_arn(alias[0], where)}:{alias[1]}"
        candidates = [*self.parameters, *self._parameter_errors, *self.resources]
        self.fail(
            where,
            f"Ref {name!r} names no parameter or resource{_suggest(name, candidates)}",
            "fix the name or declare it",
        )

    def _sam_alias(self, name: str) -> tuple[str, str] | None:
        """SAM's AutoPublishAlias creates `<Function>Alias<Alias>`; Ref to it is a qualified ARN."""
        for logical_id, resource in self.resources.items():
            alias = (resource.get("Properties") or {}).get("AutoPublishAlias")
            if resource["Type"] == _SAM_FUNCTION and name == f"{logical_id}Alias{alias}":
                return logical_id, str(alias)
        return None

    def require_active(self, logical_id: str, where: str) -> dict[str, Any]:
        if logical_id not in self.resources:
            self.fail(
                where,
                f"{logical_id!r} is not a resource of this template"
                + _suggest(logical_id, self.resources),
                "fix the name",
            )
        if logical_id not in self.active:
            condition = self.resources[logical_id]["Condition"]
            self.fail(
                where,
                f"{logical_id} is not created: its Condition {condition} is false",
                "make this property conditional too, or pass other parameter values",
            )
        return self.resources[logical_id]

    def physical_name(self, logical_id: str, name_property: str | None) -> str:
        """The resource's name property, else the deterministic `<stack>-<LogicalId>`."""
        if logical_id not in self._names:
            props = self.resources[logical_id].get("Properties") or {}
            if name_property and props.get(name_property) is not None:
                key = f"{logical_id}.{name_property}"
                if key in self._in_progress:
                    self.fail(key, "the name refers to itself", "break the reference cycle")
                self._in_progress.add(key)
                try:
                    self._names[logical_id] = self.resolve_str(props[name_property], key)
                finally:
                    self._in_progress.discard(key)
            else:
                self._names[logical_id] = f"{self.stack_name}-{logical_id}"
        return self._names[logical_id]

    def _resource_ref(self, logical_id: str, where: str) -> str:
        type_ = self.require_active(logical_id, where)["Type"]
        if type_ in _TABLE_TYPES:
            return self.physical_name(logical_id, "TableName")
        if type_ in _FUNCTION_TYPES:
            return self.physical_name(logical_id, "FunctionName")
        if type_ == _POOL_TYPE:
            return placeholder(logical_id, "Id")
        if type_ == _CLIENT_TYPE:
            return placeholder(logical_id, "ClientId")
        return self.physical_name(logical_id, _NAME_PROPERTIES.get(type_))

    def function_arn(self, logical_id: str, where: str) -> str:
        name = self._resource_ref(logical_id, where)
        return f"arn:{self.partition}:lambda:{self.region}:{self.account_id}:function:{name}"

    def table_arn(self, logical_id: str, where: str) -> str:
        name = self._resource_ref(logical_id, where)
        return f"arn:{self.partition}:dynamodb:{self.region}:{self.account_id}:table/{name}"

    def get_att(self, logical_id: str, attribute: str, where: str) -> Any:
        resource = self.require_active(logical_id, where)
        type_ = resource["Type"]
        props = resource.get("Properties") or {}
        pool_id = placeholder(logical_id, "Id")
        if type_ in _TABLE_TYPES and attribute == "Arn":
            return self.table_arn(logical_id, where)
        if type_ in _TABLE_TYPES and attribute == "StreamArn":
            if "StreamSpecification" not in props:
                self.fail(
                    where,
                    f"Fn::GetAtt {logical_id}.StreamArn: the table has no StreamSpecification",
                    "add StreamSpecification to the table",
                )
            return f"{self.table_arn(logical_id, where)}/stream/1970-01-01T00:00:00.000"
        if type_ in _FUNCTION_TYPES and attribute == "Arn":
            return self.function_arn(logical_id, where)
        if type_ == _POOL_TYPE:
            provider = f"cognito-idp.{self.region}.{self.url_suffix}/{pool_id}"
            values = {
                "Arn": f"arn:{self.partition}:cognito-idp:{self.region}:{self.account_id}"
                f":userpool/{pool_id}",
                "UserPoolId": pool_id,
                "ProviderName": provider,
                "ProviderURL": f"https://{provider}",
            }
            if attribute in values:
                return values[attribute]
        if type_ == _CLIENT_TYPE:
            if attribute == "ClientId":
                return placeholder(logical_id, "ClientId")
            if attribute == "ClientSecret":
                return placeholder(logical_id, "ClientSecret")
            if attribute == "Name":
                return self.client_name(logical_id)
        if (
            attribute == "Arn"
            and type_.startswith("AWS::")
            and type_
            not in (
                *_TABLE_TYPES,
                *_FUNCTION_TYPES,
                _CLIENT_TYPE,
            )
        ):
            # A stand-in ARN for resources the harness does not model (roles, keys, topics).
            _, service, kind = type_.split("::", 2)
            region = "" if service == "IAM" else self.region
            name = self._resource_ref(logical_id, where)
            account = self.account_id
            return (
                f"arn:{self.partition}:{service.lower()}:{region}:{account}:{kind.lower()}/{name}"
            )
        self.fail(
            where,
            f"Fn::GetAtt {logical_id}.{attribute} cannot be resolved locally for a {type_}",
            "use Arn (tables, functions, pools), StreamArn, ProviderName, ProviderURL, "
            "ClientId, or pass the value as a Parameter",
        )

    def client_name(self, logical_id: str) -> str:
        return self.physical_name(logical_id, "ClientName")


def _plain_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- building specs


class _Builder:
    def __init__(self, r: _Resolver, *, check_handlers: bool) -> None:
        self.r = r
        self.check_handlers = check_handlers
        self.template_dir = r.path.parent
        self.sam_triggers: dict[str, dict[str, str]] = {}  # pool -> trigger -> function

    def active(self, types: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        wanted = set(types)
        return [
            (lid, res)
            for lid, res in self.r.resources.items()
            if res["Type"] in wanted and lid in self.r.active
        ]

    # ---------------------------------------------------------------- functions

    def function_properties(self, logical_id: str, resource: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = resource.get("Properties") or {}
        if resource["Type"] == _SAM_FUNCTION:
            globals_ = ((self.r.doc.get("Globals") or {}).get("Function")) or {}
            props = _sam_merge(globals_, props, "")
        return props

    def function(self, logical_id: str, resource: dict[str, Any]) -> FunctionSpec:
        r = self.r
        props = self.function_properties(logical_id, resource)
        sam = resource["Type"] == _SAM_FUNCTION
        if r.resolve(props.get("PackageType", "Zip"), logical_id) == "Image":
            self.deployed_only(f"{logical_id}.PackageType", "a container image")
        code_key = "CodeUri" if sam else "Code"
        if sam and "InlineCode" in props:
            self.deployed_only(f"{logical_id}.InlineCode", "inline code")
        raw_code = props.get(code_key)
        if raw_code is None:
            r.fail(f"{logical_id}.{code_key}", "missing", f"set {code_key} to the code's directory")
        code = r.resolve(raw_code, f"{logical_id}.{code_key}")
        if not isinstance(code, str) or code.startswith("s3://"):
            self.deployed_only(f"{logical_id}.{code_key}", f"code in S3 ({code!r})")
        code_uri = (self.template_dir / code).resolve()
        if not code_uri.is_dir():
            r.fail(
                f"{logical_id}.{code_key}",
                f"{code!r} is not a directory (looked for {code_uri})",
                "point it at the directory holding the handler module, relative to the template",
            )
        for key in ("Handler", "Runtime"):
            if props.get(key) is None:
                r.fail(f"{logical_id}.{key}", "missing", f"set {key} (or Globals.Function.{key})")
        handler = r.resolve_str(props["Handler"], f"{logical_id}.Handler")
        runtime = r.resolve_str(props["Runtime"], f"{logical_id}.Runtime")
        if self.check_handlers:
            self.check_handler(logical_id, handler, runtime, code_uri)
        timeout = float(r.resolve_str(props.get("Timeout", 3), f"{logical_id}.Timeout"))
        memory = int(r.resolve_str(props.get("MemorySize", 128), f"{logical_id}.MemorySize"))
        architectures = r.resolve(
            props.get("Architectures", ["x86_64"]), f"{logical_id}.Architectures"
        )
        where = f"{logical_id}.Environment.Variables"
        variables = r.resolve(((props.get("Environment") or {}).get("Variables")) or {}, where)
        if not isinstance(variables, dict):
            r.fail(where, f"expected a mapping, got {variables!r}", "fix Environment.Variables")
        environment = {k: r.resolve_str(v, f"{where}.{k}") for k, v in variables.items()}
        return FunctionSpec(
            logical_id=logical_id,
            code_uri=code_uri,
            handler=handler,
            runtime=runtime,
            timeout=timeout,
            memory_size=memory,
            environment=environment,
            architectures=tuple(map(str, architectures)),
            function_name=r.physical_name(logical_id, "FunctionName"),
            arn=r.function_arn(logical_id, logical_id),
        )

    def deployed_only(self, where: str, what: str) -> NoReturn:
        self.r.fail(
            where,
            f"{what}: deployed-only code the harness cannot run in-process",
            "give a local directory (CodeUri / Code), or use --invoke lambda",
        )

    def check_handler(self, logical_id: str, handler: str, runtime: str, code_uri: Path) -> None:
        if not runtime.startswith("python"):
            return
        module, _, function = handler.rpartition(".")
        if not module or not function:
            self.r.fail(
                f"{logical_id}.Handler",
                f"{handler!r} is not <module>.<function>",
                "write it like pre_signup.handler",
            )
        relative = module.replace(".", "/")
        if (
            not (code_uri / f"{relative}.py").is_file()
            and not (code_uri / relative / "__init__.py").is_file()
        ):
            self.r.fail(
                f"{logical_id}.Handler",
                f"handler {handler!r}: module {module!r} not found, no {relative}.py in {code_uri}",
                "create the module or fix Handler / CodeUri",
            )

    # ---------------------------------------------------------------- SAM Cognito events

    def collect_sam_events(self) -> None:
        r = self.r
        for logical_id, resource in self.active([_SAM_FUNCTION]):
            events = (resource.get("Properties") or {}).get("Events") or {}
            for event_id, event in events.items():
                if not isinstance(event, dict) or event.get("Type") != "Cognito":
                    continue
                where = f"{logical_id}.Events.{event_id}"
                props = event.get("Properties") or {}
                pool_ref = props.get("UserPool")
                pool_id = pool_ref.get("Ref") if isinstance(pool_ref, dict) else None
                if not isinstance(pool_id, str):
                    r.fail(
                        f"{where}.Properties.UserPool",
                        f"{pool_ref!r} is not a Ref to a user pool",
                        "SAM Cognito events need UserPool: !Ref <a pool in this template>",
                    )
                pool = r.resources.get(pool_id)
                if pool is None or pool["Type"] != _POOL_TYPE:
                    r.fail(
                        f"{where}.Properties.UserPool",
                        f"function {logical_id} is wired to user pool {pool_id!r}, which is not an "
                        f"AWS::Cognito::UserPool of this template{_suggest(pool_id, r.resources)}",
                        "SAM requires the pool in the same template: add it, or configure "
                        "LambdaConfig on the pool where it is defined",
                    )
                r.require_active(pool_id, f"{where}.Properties.UserPool")
                triggers = props.get("Trigger")
                for trigger in triggers if isinstance(triggers, list) else [triggers]:
                    self.add_sam_trigger(
                        pool_id, trigger, logical_id, f"{where}.Properties.Trigger"
                    )

    def add_sam_trigger(self, pool_id: str, trigger: Any, function_id: str, where: str) -> None:
        r = self.r
        if not isinstance(trigger, str) or trigger not in LAMBDA_CONFIG_KEYS:
            r.fail(where, *_unknown_trigger(str(trigger)))
        if trigger == "KMSKeyID" or trigger in _NOT_FOR_SAM_EVENTS:
            r.fail(
                where,
                f"{trigger} cannot be set by a SAM Cognito event (SAM writes a plain ARN)",
                f"set {pool_id}.LambdaConfig.{trigger} on the pool instead"
                + (
                    " as {LambdaArn: !GetAtt Fn.Arn, LambdaVersion: V1_0}"
                    if trigger != "KMSKeyID"
                    else ""
                ),
            )
        wired = self.sam_triggers.setdefault(pool_id, {})
        if trigger in wired:
            r.fail(
                where,
                f"Cognito trigger {trigger} of {pool_id} is defined twice "
                f"({wired[trigger]}, {function_id})",
                "keep one",
            )
        wired[trigger] = function_id

    # ---------------------------------------------------------------- pools

    def pool(
        self, logical_id: str, resource: dict[str, Any], functions: Mapping[str, FunctionSpec]
    ) -> PoolSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        where = f"{logical_id}.LambdaConfig"
        lambda_config = props.get("LambdaConfig") or {}
        if not isinstance(lambda_config, dict):
            r.fail(where, f"expected a mapping, got {lambda_config!r}", "fix LambdaConfig")
        by_name = {spec.function_name: lid for lid, spec in functions.items()}
        triggers: dict[str, str] = {}
        external: dict[str, str] = {}
        config: dict[str, Any] = {}
        for key, value in lambda_config.items():
            if key not in LAMBDA_CONFIG_KEYS:
                r.fail(f"{where}.{key}", *_unknown_trigger(key))
            if key == "KMSKeyID":
                config[key] = value
                continue
            trigger = _ARN_OBJECT_KEYS.get(key, key)
            if key in _ARN_OBJECT_KEYS:
                if not isinstance(value, dict) or "LambdaArn" not in value:
                    r.fail(
                        f"{where}.{key}",
                        f"expected {{LambdaArn, LambdaVersion}}, got {value!r}",
                        "write it as {LambdaArn: !GetAtt Fn.Arn, LambdaVersion: ...}",
                    )
                arn = r.resolve_str(value["LambdaArn"], f"{where}.{key}.LambdaArn")
            else:
                arn = r.resolve_str(value, f"{where}.{key}")
            function_id = by_name.get(_function_name_of(arn))
            if function_id is not None:
                arn = functions[function_id].arn  # a Ref gives a name; Cognito holds an ARN
            if key in _ARN_OBJECT_KEYS:
                config[key] = {**value, "LambdaArn": arn}
            else:
                config[key] = arn
            previous = triggers.get(trigger) or external.get(trigger)
            if previous is not None and previous not in (function_id, arn):
                r.fail(
                    f"{where}.{key}",
                    f"{trigger} is set twice, to different functions "
                    f"({previous} and {function_id or arn})",
                    "keep PreTokenGenerationConfig only",
                )
            if function_id is not None:
                triggers[trigger] = function_id
            else:
                external[trigger] = arn
        for trigger, function_id in self.sam_triggers.get(logical_id, {}).items():
            if trigger in triggers or trigger in external:
                r.fail(
                    f"{where}.{trigger}",
                    f"{trigger} is set in LambdaConfig and by a Cognito event of {function_id}",
                    "keep one of them",
                )
            config[trigger] = functions[function_id].arn
            triggers[trigger] = function_id
        if config:
            props["LambdaConfig"] = config
        version = (config.get("PreTokenGenerationConfig") or {}).get("LambdaVersion", "V1_0")

        def strings(key: str) -> tuple[str, ...]:
            value = props.get(key) or []
            return tuple(map(str, value)) if isinstance(value, list) else (str(value),)

        return PoolSpec(
            logical_id=logical_id,
            name=r.physical_name(logical_id, "UserPoolName"),
            triggers=triggers,
            pre_token_generation_version=str(version),
            username_attributes=strings("UsernameAttributes"),
            alias_attributes=strings("AliasAttributes"),
            auto_verified_attributes=strings("AutoVerifiedAttributes"),
            mfa_configuration=str(props.get("MfaConfiguration", "OFF")),
            properties=props,
            external_triggers=external,
            enabled_mfas=strings("EnabledMfas"),
        )

    # ---------------------------------------------------------------- clients

    def client(
        self, logical_id: str, resource: dict[str, Any], pools: Mapping[str, PoolSpec]
    ) -> ClientSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        pool_value = props.get("UserPoolId")
        match = _PLACEHOLDER_RE.fullmatch(pool_value) if isinstance(pool_value, str) else None
        if match is None or match[1] not in pools:
            r.fail(
                f"{logical_id}.UserPoolId",
                f"{pool_value!r} is not a user pool of this template",
                "use UserPoolId: !Ref <the AWS::Cognito::UserPool in this template>",
            )
        flows = props.get("ExplicitAuthFlows") or []
        return ClientSpec(
            logical_id=logical_id,
            name=r.client_name(logical_id),
            pool_logical_id=match[1],
            explicit_auth_flows=tuple(map(str, flows)),
            prevent_user_existence_errors=props.get("PreventUserExistenceErrors") == "ENABLED",
            generate_secret=_plain_str(props.get("GenerateSecret", False)) == "true",
            properties=props,
        )

    # ---------------------------------------------------------------- tables

    def table(self, logical_id: str, resource: dict[str, Any]) -> TableSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        if resource["Type"] == "AWS::Serverless::SimpleTable":
            props = _simple_table_properties(props)
        for key in ("KeySchema", "AttributeDefinitions"):
            if not isinstance(props.get(key), list):
                r.fail(f"{logical_id}.{key}", "missing", f"declare the table's {key}")
        props.pop("TableName", None)
        return TableSpec(
            logical_id=logical_id,
            table_name=r.physical_name(logical_id, "TableName"),
            key_schema=props["KeySchema"],
            attribute_definitions=props["AttributeDefinitions"],
            global_secondary_indexes=props.get("GlobalSecondaryIndexes") or [],
            properties=props,
        )


def _simple_table_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """The AWS::DynamoDB::Table properties SAM generates for an AWS::Serverless::SimpleTable."""
    key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    kind = {"String": "S", "Number": "N", "Binary": "B"}.get(key.get("Type", "String"), "S")
    table: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": kind}],
        "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
    }
    if "ProvisionedThroughput" in props:
        table["BillingMode"] = "PROVISIONED"
        table["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    else:
        table["BillingMode"] = "PAY_PER_REQUEST"
    if "SSESpecification" in props:
        table["SSESpecification"] = props["SSESpecification"]
    if "Tags" in props:
        table["Tags"] = [{"Key": k, "Value": v} for k, v in props["Tags"].items()]
    return table


def _function_name_of(arn_or_name: str) -> str:
    """`my-fn` for `arn:aws:lambda:r:a:function:my-fn[:qualifier]`, else the input."""
    parts = arn_or_name.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return parts[6]
    return arn_or_name


def load_stack(
    path: Path | str,
    *,
    stack_name: str = "harness",
    region: str = "us-east-1",
    account_id: str = "123456789012",
    parameter_overrides: Mapping[str, str] | None = None,
    check_handlers: bool = True,
) -> Stack:
    """Read a SAM template into a `Stack`; raise `TemplateError` on anything unusable.

    `check_handlers=False` skips checking that each Python handler module exists under CodeUri.
    """
    path = Path(path).absolute()
    doc = _parse(path)
    resolver = _Resolver(
        path,
        doc,
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        overrides=dict(parameter_overrides or {}),
    )
    builder = _Builder(resolver, check_handlers=check_handlers)
    builder.collect_sam_events()
    functions = {lid: builder.function(lid, res) for lid, res in builder.active(_FUNCTION_TYPES)}
    tables = {lid: builder.table(lid, res) for lid, res in builder.active(_TABLE_TYPES)}
    pools = {lid: builder.pool(lid, res, functions) for lid, res in builder.active([_POOL_TYPE])}
    clients = {lid: builder.client(lid, res, pools) for lid, res in builder.active([_CLIENT_TYPE])}
    return Stack(
        path=path,
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        functions=functions,
        tables=tables,
        pools=pools,
        clients=clients,
        parameters=resolver.parameter_strings(),
    )
