"""The symbol table: what Ref and Fn::GetAtt name in a template.

Parameters (Default or override, checked against AllowedValues and AllowedPattern), pseudo
parameters, and the resources: which ones exist under the template's Conditions, their physical
names (the resource's own name property, else the deterministic `f"{stack_name}-{LogicalId}"`),
their ARNs, and placeholders (see `specs`) for what only exists once moto creates the resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, NoReturn, Protocol

from harness import patterns
from harness.stack.errors import TemplateError, did_you_mean
from harness.stack.references import SHAPES, value
from harness.stack.specs import (
    CLIENT_TYPE,
    FUNCTION_TYPES,
    POOL_TYPE,
    SAM_FUNCTION,
    TABLE_TYPES,
    placeholder,
)

#: The time bound on a parameter's AllowedPattern (``harness.patterns``).
PATTERN_SECONDS: Final = 1.0


class _NoValue:
    """AWS::NoValue: the property or list item it is in disappears."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()


def plain_str(value: Any) -> str:
    """A scalar as CloudFormation writes it into a string: booleans are `true` / `false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Evaluating(Protocol):
    """The evaluator, as the symbol table uses it: for name properties and Conditions."""

    def resolve_str(self, value: Any, where: str) -> str: ...

    def condition(self, name: Any, where: str) -> bool: ...


class SymbolTable:
    """Parameters, pseudo parameters and resources, as Ref and Fn::GetAtt see them."""

    def __init__(
        self,
        path: Path,
        doc: Mapping[str, Any],
        *,
        stack_name: str,
        region: str,
        account_id: str,
        overrides: Mapping[str, str],
        unresolved: Mapping[str, TemplateError] | None = None,
    ) -> None:
        self.path = path
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
        self._in_progress: set[str] = set()
        self._names: dict[str, str] = {}
        self.parameters: dict[str, str | list[str]] = {}
        self._parameter_errors: dict[str, tuple[str, str]] = {}
        self._read_parameters(doc.get("Parameters") or {}, overrides)
        for name, error in (unresolved or {}).items():
            # A nested stack's parameter whose value the parent cannot give: an error only
            # if something the command needs refers to it.
            self.parameters.pop(name, None)
            self._parameter_errors[name] = (
                f"its value in the parent stack ({error.where}) cannot be resolved: "
                f"{error.problem}",
                error.fix,
            )
        #: ``Fn::GetAtt <nested stack>.Outputs.<Name>``: (logical id, output name, where) →
        #: the output's value (set by :mod:`harness.stack.loader`).
        self.nested_output: Callable[[str, str, str], Any] | None = None
        # Decided by bind(), once the evaluator can read Conditions.
        self.active: frozenset[str] | None = None
        self._evaluator: Evaluating | None = None

    def bind(self, evaluator: Evaluating) -> None:
        """Resolve name properties with `evaluator`, and decide which resources exist."""
        self._evaluator = evaluator
        self.active = frozenset(
            lid
            for lid, res in self.resources.items()
            if "Condition" not in res or evaluator.condition(res["Condition"], f"{lid}.Condition")
        )

    def fail(self, where: str, problem: str, fix: str) -> NoReturn:
        raise TemplateError(self.path, where, problem, fix)

    # ---------------------------------------------------------------- parameters

    def _read_parameters(self, decls: Mapping[str, Any], overrides: Mapping[str, str]) -> None:
        for name in overrides:
            if name not in decls:
                self.fail(
                    f"Parameters.{name}",
                    "override for a parameter the template does not declare"
                    + did_you_mean(name, decls),
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
                    f"pass --parameter-overrides {name}=VALUE (or parameter_overrides in "
                    "samconfig.toml) or give it a Default",
                )
                continue
            if type_.startswith("AWS::SSM::Parameter::Value") and name not in overrides:
                self._parameter_errors[name] = (
                    f"its value lives in SSM parameter {raw!r}, which the harness cannot read",
                    f"pass --parameter-overrides {name}=VALUE",
                )
                continue
            text = ",".join(map(plain_str, raw)) if isinstance(raw, list) else plain_str(raw)
            allowed = decl.get("AllowedValues")
            if isinstance(allowed, list) and text not in [plain_str(a) for a in allowed]:
                self.fail(
                    where,
                    f"value {text!r} is not one of its AllowedValues "
                    f"{[plain_str(a) for a in allowed]}",
                    "pass an allowed value",
                )
            pattern = decl.get("AllowedPattern")
            if isinstance(pattern, str):
                try:
                    matches = patterns.fullmatch(pattern, text, PATTERN_SECONDS)
                except re.error:  # a Java-only regex: CloudFormation checks it, we cannot
                    matches = True
                except patterns.PatternTimeout:
                    self.fail(
                        where,
                        f"its AllowedPattern {pattern!r} takes over {PATTERN_SECONDS} s on "
                        f"value {text!r} (catastrophic backtracking)",
                        "simplify the pattern (no nested repetition such as (a+)+)",
                    )
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
            "AWS::NoValue": NO_VALUE,
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
            f"Ref {name!r} names no parameter or resource{did_you_mean(name, candidates)}",
            "fix the name or declare it",
        )

    def _sam_alias(self, name: str) -> tuple[str, str] | None:
        """SAM's AutoPublishAlias creates `<Function>Alias<Alias>`; Ref to it is a qualified ARN."""
        for logical_id, resource in self.resources.items():
            alias = (resource.get("Properties") or {}).get("AutoPublishAlias")
            if resource["Type"] == SAM_FUNCTION and name == f"{logical_id}Alias{alias}":
                return logical_id, str(alias)
        return None

    def require_active(self, logical_id: str, where: str) -> dict[str, Any]:
        if logical_id not in self.resources:
            self.fail(
                where,
                f"{logical_id!r} is not a resource of this template"
                + did_you_mean(logical_id, self.resources),
                "fix the name",
            )
        if self.active is None:
            # Only bind() reads Conditions before `active` is known: a Condition that names a
            # resource, which CloudFormation does not allow either.
            self.fail(
                where,
                f"a Condition cannot refer to resource {logical_id}: conditions are decided "
                "before any resource exists",
                "compare parameters, pseudo parameters or mappings only",
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
                    assert self._evaluator is not None, "bind() an evaluator first"
                    self._names[logical_id] = self._evaluator.resolve_str(props[name_property], key)
                finally:
                    self._in_progress.discard(key)
            else:
                self._names[logical_id] = f"{self.stack_name}-{logical_id}"
        return self._names[logical_id]

    def _resource_ref(self, logical_id: str, where: str) -> str:
        type_ = self.require_active(logical_id, where)["Type"]
        if type_ in TABLE_TYPES:
            return self.physical_name(logical_id, "TableName")
        if type_ in FUNCTION_TYPES:
            return self.physical_name(logical_id, "FunctionName")
        if type_ == POOL_TYPE:
            return placeholder(logical_id, "Id")
        if type_ == CLIENT_TYPE:
            return placeholder(logical_id, "ClientId")
        if type_ == "AWS::Lambda::Alias":
            return self._alias_arn(logical_id)
        shape = SHAPES.get(type_)
        if shape is None:  # not in the table: the generated name, CloudFormation's default
            return self.physical_name(logical_id, None)
        return self._shaped(logical_id, shape.name_property, shape.ref)

    def _shaped(self, logical_id: str, name_property: str | None, template: str) -> str:
        """A value of :data:`harness.stack.references.SHAPES` for the resource."""
        return value(
            template,
            name=self.physical_name(logical_id, name_property),
            key=f"{self.stack_name}/{logical_id}",
            partition=self.partition,
            region=self.region,
            account=self.account_id,
            suffix=self.url_suffix,
        )

    def _alias_arn(self, logical_id: str) -> str:
        """[D] CloudFormation AWS::Lambda::Alias: Ref returns the alias's ARN (the function's,
        qualified by the alias name); FunctionName may be a name or an ARN."""
        assert self._evaluator is not None, "bind() an evaluator first"
        props = self.resources[logical_id].get("Properties") or {}
        function = self._evaluator.resolve_str(
            props.get("FunctionName"), f"{logical_id}.FunctionName"
        )
        name = self._evaluator.resolve_str(props.get("Name"), f"{logical_id}.Name")
        parts = function.split(":")
        function = parts[parts.index("function") + 1] if "function" in parts[:-1] else parts[0]
        return (
            f"arn:{self.partition}:lambda:{self.region}:{self.account_id}:function:"
            f"{function}:{name}"
        )

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
        if type_ in TABLE_TYPES and attribute == "Arn":
            return self.table_arn(logical_id, where)
        if type_ in TABLE_TYPES and attribute == "StreamArn":
            if "StreamSpecification" not in props:
                self.fail(
                    where,
                    f"Fn::GetAtt {logical_id}.StreamArn: the table has no StreamSpecification",
                    "add StreamSpecification to the table",
                )
            return f"{self.table_arn(logical_id, where)}/stream/1970-01-01T00:00:00.000"
        if type_ in FUNCTION_TYPES and attribute == "Arn":
            return self.function_arn(logical_id, where)
        if type_ == POOL_TYPE:
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
        if type_ == CLIENT_TYPE:
            if attribute == "ClientId":
                return placeholder(logical_id, "ClientId")
            if attribute == "ClientSecret":
                return placeholder(logical_id, "ClientSecret")
            if attribute == "Name":
                return self.client_name(logical_id)
        shape = SHAPES.get(type_)
        if shape is not None and attribute in shape.attributes:
            return self._shaped(logical_id, shape.name_property, shape.attributes[attribute])
        if attribute.startswith("Outputs.") and self.nested_output is not None:
            return self.nested_output(logical_id, attribute.removeprefix("Outputs."), where)
        if (
            shape is None
            and attribute == "Arn"
            and type_.startswith("AWS::")
            and type_
            not in (
                *TABLE_TYPES,
                *FUNCTION_TYPES,
                CLIENT_TYPE,
            )
        ):
            # A type outside the table: an ARN of the usual form, service:region:account:kind/name.
            _, service, kind = type_.split("::", 2)
            region = "" if service == "IAM" else self.region
            name = self._resource_ref(logical_id, where)
            account = self.account_id
            return (
                f"arn:{self.partition}:{service.lower()}:{region}:{account}:{kind.lower()}/{name}"
            )
        self.fail(
            where,
            f"Fn::GetAtt {logical_id}.{attribute} cannot be resolved locally for type {type_}",
            "use Arn (tables, functions, pools), StreamArn, ProviderName, ProviderURL, "
            "ClientId, Outputs.<Name> of a nested stack"
            + (f", {', '.join(shape.attributes)}" if shape and shape.attributes else "")
            + ", or pass the value as a Parameter",
        )

    def client_name(self, logical_id: str) -> str:
        return self.physical_name(logical_id, "ClientName")
