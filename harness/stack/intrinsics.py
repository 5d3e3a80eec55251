"""The evaluator: a template value with its intrinsic functions resolved.

One handler per intrinsic function, looked up in `_INTRINSICS`; Conditions (Fn::Equals, Fn::Not,
Fn::And, Fn::Or, Condition) in `_CONDITIONS`. What Ref and Fn::GetAtt name comes from the
symbol table (`symbols.SymbolTable`).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn

from harness.stack.errors import did_you_mean
from harness.stack.symbols import NO_VALUE, SymbolTable, plain_str

_SUB_RE: Final = re.compile(r"\$\{([^}]*)\}")


def is_intrinsic(value: Any) -> bool:
    """Whether `value` is `{"Ref": ...}` or `{"Fn::<Name>": ...}`."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


class Evaluator:
    """Resolves intrinsic functions and Conditions against a symbol table."""

    def __init__(
        self,
        symbols: SymbolTable,
        *,
        mappings: Mapping[str, Any],
        conditions: Mapping[str, Any],
    ) -> None:
        self.symbols = symbols
        self.mappings = mappings
        self.condition_defs = conditions
        self._condition_values: dict[str, bool] = {}
        self._in_progress: set[str] = set()
        # The symbol table reads Conditions and name properties through us from here on.
        symbols.bind(self)

    def fail(self, where: str, problem: str, fix: str) -> NoReturn:
        self.symbols.fail(where, problem, fix)

    # ---------------------------------------------------------------- values

    def resolve(self, value: Any, where: str) -> Any:
        """The value with every intrinsic function resolved; NO_VALUE when it is AWS::NoValue."""
        if isinstance(value, dict):
            if is_intrinsic(value):
                ((fn, arg),) = value.items()
                handler = _INTRINSICS.get(fn)
                if handler is None:
                    self.fail(
                        where, f"{fn} is not supported by the harness", "use a Parameter instead"
                    )
                return handler(self, arg, where)
            out: dict[str, Any] = {}
            for key, item in value.items():
                resolved = self.resolve(item, f"{where}.{key}")
                if resolved is not NO_VALUE:
                    out[str(key)] = resolved
            return out
        if isinstance(value, list):
            items = (self.resolve(item, where) for item in value)
            return [item for item in items if item is not NO_VALUE]
        return value

    def resolve_str(self, value: Any, where: str) -> str:
        resolved = self.resolve(value, where)
        if isinstance(resolved, str | int | float | bool):
            return plain_str(resolved)
        self.fail(where, f"expected a string, got {resolved!r}", "give a string value")

    def _args(self, arg: Any, count: int, fn: str, where: str) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != count:
            self.fail(
                where, f"{fn} takes a list of {count} arguments, got {arg!r}", "fix its arguments"
            )
        return arg

    # ---------------------------------------------------------------- conditions

    def condition(self, name: Any, where: str) -> bool:
        """The value of the Condition `name`, evaluated once."""
        if not isinstance(name, str) or name not in self.condition_defs:
            self.fail(
                where,
                f"condition {name!r} is not declared{did_you_mean(str(name), self.condition_defs)}",
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
        """A condition expression's value."""
        if isinstance(expr, dict) and len(expr) == 1:
            ((fn, arg),) = expr.items()
            handler = _CONDITIONS.get(fn)
            if handler is not None:
                return handler(self, arg, where)
        self.fail(
            where,
            f"{expr!r} is not a condition",
            "use Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
        )

    def fn_condition(self, arg: Any, where: str) -> bool:
        return self.condition(arg, where)

    def fn_equals(self, arg: Any, where: str) -> bool:
        a, b = self._args(arg, 2, "Fn::Equals", where)
        left = self._canonical(self.resolve(a, where))
        return bool(left == self._canonical(self.resolve(b, where)))

    def fn_not(self, arg: Any, where: str) -> bool:
        (inner,) = self._args(arg, 1, "Fn::Not", where)
        return not self.truth(inner, where)

    def fn_and(self, arg: Any, where: str) -> bool:
        return all(self._truths(arg, "Fn::And", where))

    def fn_or(self, arg: Any, where: str) -> bool:
        return any(self._truths(arg, "Fn::Or", where))

    def _truths(self, arg: Any, fn: str, where: str) -> list[bool]:
        if not isinstance(arg, list) or len(arg) < 2:
            self.fail(where, f"{fn} needs a list of 2 to 10 conditions", "fix its arguments")
        # Every operand is evaluated, so that an error in any of them shows.
        return [self.truth(item, where) for item in arg]

    def _canonical(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._canonical(v) for v in value]
        return plain_str(value) if isinstance(value, str | int | float | bool) else value

    # ---------------------------------------------------------------- references

    def fn_ref(self, arg: Any, where: str) -> Any:
        return self.symbols.ref(self.resolve_str(arg, where), where)

    def fn_get_att(self, arg: Any, where: str) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            self.fail(where, f"Fn::GetAtt needs 'Resource.Attribute', got {arg!r}", "fix it")
        return self.symbols.get_att(str(arg[0]), self.resolve_str(arg[1], where), where)

    def fn_sub(self, arg: Any, where: str) -> str:
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
                value = self.symbols.get_att(logical_id, attribute, where)
            else:
                value = self.symbols.ref(name, where)
            if isinstance(value, str | int | float | bool):
                return plain_str(value)
            self.fail(
                where, f"Fn::Sub variable ${{{name}}} is {value!r}, not a string", "use Fn::Join"
            )

        return _SUB_RE.sub(replace, arg)

    def fn_find_in_map(self, arg: Any, where: str) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            self.fail(where, "Fn::FindInMap takes [Map, TopKey, SecondKey]", "fix its arguments")
        names = [self.resolve_str(a, where) for a in arg[:3]]
        try:
            return self.resolve(self.mappings[names[0]][names[1]][names[2]], where)
        except (KeyError, TypeError):
            if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self.resolve(arg[3]["DefaultValue"], where)
            self.fail(where, f"Mappings has no {'.'.join(names)}", "add it to Mappings")

    def fn_import_value(self, arg: Any, where: str) -> NoReturn:
        self.fail(
            where,
            f"Fn::ImportValue {self.resolve(arg, where)!r} reads another stack's export, "
            "which does not exist locally",
            "replace it with a Parameter and pass the value with parameter_overrides",
        )

    def fn_get_azs(self, arg: Any, where: str) -> list[str]:
        region = self.resolve_str(arg, where) or self.symbols.region
        return [f"{region}{zone}" for zone in "abc"]  # moto's zones for every region

    # ---------------------------------------------------------------- strings and lists

    def fn_join(self, arg: Any, where: str) -> str:
        delimiter, items = self._args(arg, 2, "Fn::Join", where)
        parts = self.resolve(items, where)
        if not isinstance(parts, list):
            self.fail(where, f"Fn::Join needs a list, got {parts!r}", "fix its arguments")
        return self.resolve_str(delimiter, where).join(self.resolve_str(p, where) for p in parts)

    def fn_select(self, arg: Any, where: str) -> Any:
        index, items = self._args(arg, 2, "Fn::Select", where)
        position = self.resolve_str(index, where)
        values = self.resolve(items, where)
        if not position.isdigit() or not isinstance(values, list) or int(position) >= len(values):
            self.fail(where, f"Fn::Select index {position} is out of {values!r}", "fix the index")
        return values[int(position)]

    def fn_split(self, arg: Any, where: str) -> list[str]:
        delimiter, source = self._args(arg, 2, "Fn::Split", where)
        return self.resolve_str(source, where).split(self.resolve_str(delimiter, where))

    def fn_if(self, arg: Any, where: str) -> Any:
        name, when_true, when_false = self._args(arg, 3, "Fn::If", where)
        return self.resolve(when_true if self.condition(name, where) else when_false, where)

    def fn_base64(self, arg: Any, where: str) -> str:
        return base64.b64encode(self.resolve_str(arg, where).encode()).decode()

    def fn_cidr(self, arg: Any, where: str) -> list[str]:
        args = self._args(arg, 3, "Fn::Cidr", where)
        block, count, bits = (self.resolve_str(a, where) for a in args)
        network = ipaddress.ip_network(block, strict=False)
        subnets = network.subnets(new_prefix=network.max_prefixlen - int(bits))
        return [str(next(subnets)) for _ in range(int(count))]

    def fn_length(self, arg: Any, where: str) -> int:
        values = self.resolve(arg, where)
        return len(values) if isinstance(values, list) else 1

    def fn_to_json_string(self, arg: Any, where: str) -> str:
        return json.dumps(self.resolve(arg, where), separators=(",", ":"))


_Handler = Callable[[Evaluator, Any, str], Any]
_ConditionHandler = Callable[[Evaluator, Any, str], bool]

# The functions a Condition may use. `Condition` is no intrinsic in a property value.
_CONDITIONS: Final[Mapping[str, _ConditionHandler]] = {
    "Condition": Evaluator.fn_condition,
    "Fn::Equals": Evaluator.fn_equals,
    "Fn::Not": Evaluator.fn_not,
    "Fn::And": Evaluator.fn_and,
    "Fn::Or": Evaluator.fn_or,
}
# The intrinsic functions of a property value; any other `Fn::` is not supported.
_INTRINSICS: Final[Mapping[str, _Handler]] = {
    "Ref": Evaluator.fn_ref,
    "Fn::GetAtt": Evaluator.fn_get_att,
    "Fn::Sub": Evaluator.fn_sub,
    "Fn::Join": Evaluator.fn_join,
    "Fn::Select": Evaluator.fn_select,
    "Fn::Split": Evaluator.fn_split,
    "Fn::If": Evaluator.fn_if,
    "Fn::Equals": Evaluator.fn_equals,
    "Fn::Not": Evaluator.fn_not,
    "Fn::And": Evaluator.fn_and,
    "Fn::Or": Evaluator.fn_or,
    "Fn::FindInMap": Evaluator.fn_find_in_map,
    "Fn::Base64": Evaluator.fn_base64,
    "Fn::GetAZs": Evaluator.fn_get_azs,
    "Fn::Cidr": Evaluator.fn_cidr,
    "Fn::Length": Evaluator.fn_length,
    "Fn::ToJsonString": Evaluator.fn_to_json_string,
    "Fn::ImportValue": Evaluator.fn_import_value,
}
