"""The specs of one template's active resources (:class:`Builder`), for :mod:`loader`.

It reads a template the way CloudFormation and SAM would deploy it (SAM Globals and
`Type: Cognito` events included), resolves the intrinsic functions the harness needs and
returns the specs of the functions, tables, user pools and app clients the active resources
describe. It needs PyYAML only: no samcli, no AWS account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final, NoReturn

from harness.cognito.triggers import ARN_OBJECT_KEYS, LAMBDA_CONFIG_KEYS
from harness.stack.code import inline_code_directory, layer_paths
from harness.stack.errors import TemplateError, did_you_mean
from harness.stack.intrinsics import Evaluator, is_intrinsic
from harness.stack.permissions import PERMISSION_TYPE, permission_grant
from harness.stack.schema import validate
from harness.stack.specs import (
    CLIENT_TYPE,
    GROUP_TYPE,
    PLACEHOLDER_RE,
    POOL_TYPE,
    SAM_FUNCTION,
    ClientSpec,
    FunctionSpec,
    InvokeGrant,
    PoolResourceSpec,
    PoolSpec,
    TableSpec,
    unknown_trigger,
)
from harness.stack.symbols import plain_str
from harness.stack.tables import seeder_of, simple_table_properties

# A SAM `Type: Cognito` event writes the function ARN as a plain string into LambdaConfig; the
# keys whose value must be the {LambdaArn, LambdaVersion} object cannot be set that way.
_NOT_FOR_SAM_EVENTS: Final[frozenset[str]] = frozenset(ARN_OBJECT_KEYS)


def _sam_merge(global_value: Any, local_value: Any, path: str) -> Any:
    """SAM's Globals rule: maps merge by key, lists concatenate (Architectures is replaced),
    anything else (intrinsics included) is the function's own."""
    if (
        isinstance(global_value, dict)
        and isinstance(local_value, dict)
        and not is_intrinsic(global_value)
        and not is_intrinsic(local_value)
    ):
        merged = dict(global_value)
        for key, value in local_value.items():
            child = f"{path}.{key}" if path else str(key)
            merged[key] = _sam_merge(global_value[key], value, child) if key in merged else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return local_value if path == "Architectures" else global_value + local_value
    return local_value


class Builder:
    """The specs of a template's active resources, resolved by `r`."""

    def __init__(self, r: Evaluator, doc: Mapping[str, Any], *, check_handlers: bool) -> None:
        self.r = r
        self.symbols = r.symbols
        self.doc = doc
        self.check_handlers = check_handlers
        self.template_dir = r.symbols.path.parent
        self.sam_triggers: dict[str, dict[str, str]] = {}  # pool -> trigger -> function
        self.grants: list[InvokeGrant] = []  # what lets Cognito invoke which function
        self.problems: dict[str, TemplateError] = {}  # function -> why it cannot run here

    def active(self, types: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        wanted = set(types)
        active = self.symbols.active or frozenset()
        return [
            (lid, res)
            for lid, res in self.symbols.resources.items()
            if res["Type"] in wanted and lid in active
        ]

    def validate(self, logical_id: str, type_name: str, props: Mapping[str, Any]) -> None:
        """CloudFormation's schema of the type (see :mod:`harness.stack.schema`)."""
        validate(self.symbols.path, logical_id, type_name, props, self.symbols.region)

    # ---------------------------------------------------------------- functions

    def function_properties(self, logical_id: str, resource: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = resource.get("Properties") or {}
        if resource["Type"] == SAM_FUNCTION:
            globals_ = ((self.doc.get("Globals") or {}).get("Function")) or {}
            props = _sam_merge(globals_, props, "")
        return props

    def function(self, logical_id: str, resource: dict[str, Any]) -> FunctionSpec:
        """The function's spec; what keeps it from running locally is its ``problem``.

        A function nothing needs (not a trigger, not the one ``harness invoke`` runs) must not
        block the command: S3 or inline code of another language, an unbuilt folder, an
        environment variable from an attribute the harness cannot know. Whether a problem is
        fatal is decided once the pools say which functions are triggers (:func:`load_stack`).
        """
        try:
            return self._function(logical_id, resource)
        except TemplateError as error:
            self.problems[logical_id] = error
            props = self.function_properties(logical_id, resource)
            handler, runtime = props.get("Handler"), props.get("Runtime")
            return FunctionSpec(
                logical_id=logical_id,
                code_uri=self.template_dir,
                handler=handler if isinstance(handler, str) else "",
                runtime=runtime if isinstance(runtime, str) else "",
                timeout=3.0,
                memory_size=128,
                environment={},
                architectures=("x86_64",),
                function_name=self.symbols.physical_name(logical_id, "FunctionName"),
                arn=self.symbols.function_arn(logical_id, logical_id),
                problem=str(error),
            )

    def _function(self, logical_id: str, resource: dict[str, Any]) -> FunctionSpec:
        r = self.r
        props = self.function_properties(logical_id, resource)
        sam = resource["Type"] == SAM_FUNCTION
        if r.resolve(props.get("PackageType", "Zip"), logical_id) == "Image":
            self.deployed_only(f"{logical_id}.PackageType", "a container image")
        for key in ("Handler", "Runtime"):
            if props.get(key) is None:
                r.fail(f"{logical_id}.{key}", "missing", f"set {key} (or Globals.Function.{key})")
        handler = r.resolve_str(props["Handler"], f"{logical_id}.Handler")
        runtime = r.resolve_str(props["Runtime"], f"{logical_id}.Runtime")
        code_uri = self.code_directory(logical_id, props, sam, runtime)
        if self.check_handlers:
            self.check_handler(logical_id, handler, runtime, code_uri)
        timeout = float(r.resolve_str(props.get("Timeout", 3), f"{logical_id}.Timeout"))
        memory = int(r.resolve_str(props.get("MemorySize", 128), f"{logical_id}.MemorySize"))
        architectures = r.resolve(
            props.get("Architectures", ["x86_64"]), f"{logical_id}.Architectures"
        )
        where = f"{logical_id}.Environment.Variables"
        declared = ((props.get("Environment") or {}).get("Variables")) or {}
        if isinstance(declared, dict) and not is_intrinsic(declared):
            self.all_resolvable(declared, where)  # every missing value in one error
        variables = r.resolve(declared, where)
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
            function_name=self.symbols.physical_name(logical_id, "FunctionName"),
            arn=self.symbols.function_arn(logical_id, logical_id),
            layers=layer_paths(
                r,
                self.symbols.resources,
                self.template_dir,
                logical_id,
                props.get("Layers"),
                runtime,
            ),
        )

    def all_resolvable(self, variables: Mapping[str, Any], where: str) -> None:
        """Raise one error naming every variable that cannot be resolved (a parameter with no
        value...), when there are several: not one per run."""
        problems: list[TemplateError] = []
        for name, value in variables.items():
            try:
                self.r.resolve_str(value, f"{where}.{name}")
            except TemplateError as error:
                problems.append(error)
        if len(problems) > 1:
            listed = "; ".join(f"{p.where}: {p.problem}" for p in problems)
            fixes = "; ".join(dict.fromkeys(p.fix for p in problems))
            raise TemplateError(
                self.r.symbols.path,
                where,
                f"{len(problems)} variables have no value ({listed})",
                fixes,
            )

    def code_directory(
        self, logical_id: str, props: Mapping[str, Any], sam: bool, runtime: str
    ) -> Path:
        """Where the function's code is: its CodeUri / Code folder, or its inline code written
        out as Lambda does (SAM's InlineCode and CloudFormation's Code.ZipFile: ``index.py``)."""
        r = self.r
        code_key = "CodeUri" if sam else "Code"
        raw_code = props.get(code_key)
        if sam and "InlineCode" in props:
            source = r.resolve_str(props["InlineCode"], f"{logical_id}.InlineCode")
            return inline_code_directory(source, runtime)
        if isinstance(raw_code, dict) and "ZipFile" in raw_code:
            source = r.resolve_str(raw_code["ZipFile"], f"{logical_id}.Code.ZipFile")
            return inline_code_directory(source, runtime)
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
                "point it at the directory holding the handler module, relative to the template "
                "(or build it first)",
            )
        return code_uri

    def deployed_only(self, where: str, what: str) -> NoReturn:
        self.r.fail(
            where,
            f"{what}: deployed-only code the harness cannot run locally",
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
        for logical_id, resource in self.active([SAM_FUNCTION]):
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
                pool = self.symbols.resources.get(pool_id)
                if pool is None or pool["Type"] != POOL_TYPE:
                    r.fail(
                        f"{where}.Properties.UserPool",
                        f"function {logical_id} is wired to user pool {pool_id!r}, which is not an "
                        "AWS::Cognito::UserPool of this template"
                        + did_you_mean(pool_id, self.symbols.resources),
                        "SAM requires the pool in the same template: add it, or configure "
                        "LambdaConfig on the pool where it is defined",
                    )
                self.symbols.require_active(pool_id, f"{where}.Properties.UserPool")
                triggers = props.get("Trigger")
                for trigger in triggers if isinstance(triggers, list) else [triggers]:
                    self.add_sam_trigger(
                        pool_id, trigger, logical_id, f"{where}.Properties.Trigger"
                    )

    def add_sam_trigger(self, pool_id: str, trigger: Any, function_id: str, where: str) -> None:
        r = self.r
        if not isinstance(trigger, str) or trigger not in LAMBDA_CONFIG_KEYS:
            r.fail(where, *unknown_trigger(str(trigger)))
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
        # SAM generates the AWS::Lambda::Permission of the event: cognito-idp.amazonaws.com,
        # SourceArn the pool's ARN (aws/serverless-application-model#1253).
        self.grants.append(
            InvokeGrant(
                where,
                self.symbols.physical_name(function_id, "FunctionName"),
                self.symbols.get_att(pool_id, "Arn", where),
            )
        )

    def collect_permissions(self) -> None:
        """The template's AWS::Lambda::Permission resources that let Cognito invoke."""
        for lid, resource in self.active([PERMISSION_TYPE]):
            props = resource.get("Properties")
            props = props if isinstance(props, dict) and not is_intrinsic(props) else {}
            if grant := permission_grant(lid, props, self.r.resolve, self.symbols.account_id):
                self.grants.append(grant)

    # ---------------------------------------------------------------- pools

    def pool(
        self, logical_id: str, resource: dict[str, Any], functions: Mapping[str, FunctionSpec]
    ) -> PoolSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        self.validate(logical_id, POOL_TYPE, props)
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
                r.fail(f"{where}.{key}", *unknown_trigger(key))
            if key == "KMSKeyID":
                config[key] = value
                continue
            trigger = ARN_OBJECT_KEYS.get(key, key)
            if key in ARN_OBJECT_KEYS:
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
            if key in ARN_OBJECT_KEYS:
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
            name=self.symbols.physical_name(logical_id, "UserPoolName"),
            triggers=triggers,
            pre_token_generation_version=str(version),
            username_attributes=strings("UsernameAttributes"),
            alias_attributes=strings("AliasAttributes"),
            auto_verified_attributes=strings("AutoVerifiedAttributes"),
            mfa_configuration=str(props.get("MfaConfiguration", "OFF")),
            properties=props,
            external_triggers=external,
            enabled_mfas=strings("EnabledMfas"),
            arn=str(self.symbols.get_att(logical_id, "Arn", logical_id)),
        )

    # ---------------------------------------------------------------- clients

    def client(
        self, logical_id: str, resource: dict[str, Any], pools: Mapping[str, PoolSpec]
    ) -> ClientSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        self.validate(logical_id, CLIENT_TYPE, props)
        pool_value = props.get("UserPoolId")
        match = PLACEHOLDER_RE.fullmatch(pool_value) if isinstance(pool_value, str) else None
        if match is None or match[1] not in pools:
            r.fail(
                f"{logical_id}.UserPoolId",
                f"{pool_value!r} is not a user pool of this template",
                "use UserPoolId: !Ref <the AWS::Cognito::UserPool in this template>",
            )
        flows = props.get("ExplicitAuthFlows") or []
        return ClientSpec(
            logical_id=logical_id,
            name=self.symbols.client_name(logical_id),
            pool_logical_id=match[1],
            explicit_auth_flows=tuple(map(str, flows)),
            prevent_user_existence_errors=props.get("PreventUserExistenceErrors") == "ENABLED",
            generate_secret=plain_str(props.get("GenerateSecret", False)) == "true",
            properties=props,
        )

    # ---------------------------------------------------------------- groups, users, ...

    def pool_resource(
        self, logical_id: str, resource: dict[str, Any], pools: Mapping[str, PoolSpec]
    ) -> PoolResourceSpec:
        props: dict[str, Any] = self.r.resolve(resource.get("Properties") or {}, logical_id)
        self.validate(logical_id, resource["Type"], props)
        pool_value = props.get("UserPoolId")
        match = PLACEHOLDER_RE.fullmatch(pool_value) if isinstance(pool_value, str) else None
        if match is None or match[1] not in pools:
            self.r.fail(
                f"{logical_id}.UserPoolId",
                f"{pool_value!r} is not a user pool of this template",
                "use UserPoolId: !Ref <the AWS::Cognito::UserPool in this template>",
            )
        if resource["Type"] == GROUP_TYPE:
            props.setdefault("GroupName", self.symbols.physical_name(logical_id, "GroupName"))
        return PoolResourceSpec(logical_id, resource["Type"], match[1], props)

    # ---------------------------------------------------------------- tables

    def table(self, logical_id: str, resource: dict[str, Any]) -> TableSpec:
        r = self.r
        props: dict[str, Any] = r.resolve(resource.get("Properties") or {}, logical_id)
        if resource["Type"] == "AWS::Serverless::SimpleTable":
            props = simple_table_properties(props)
        for key in ("KeySchema", "AttributeDefinitions"):
            if not isinstance(props.get(key), list):
                r.fail(f"{logical_id}.{key}", "missing", f"declare the table's {key}")
        props.pop("TableName", None)
        return TableSpec(
            seeder=seeder_of(logical_id, resource, r.fail),
            logical_id=logical_id,
            table_name=self.symbols.physical_name(logical_id, "TableName"),
            key_schema=props["KeySchema"],
            attribute_definitions=props["AttributeDefinitions"],
            global_secondary_indexes=props.get("GlobalSecondaryIndexes") or [],
            properties=props,
        )


def _function_name_of(arn_or_name: str) -> str:
    """`my-fn` for `arn:aws:lambda:r:a:function:my-fn[:qualifier]`, else the input."""
    parts = arn_or_name.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return parts[6]
    return arn_or_name
