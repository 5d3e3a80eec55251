"""`load_stack()`, the package's entry: a template and its local nested stacks, as one `Stack`.

Each template is read by :class:`harness.stack.builder.Builder`; a nested stack is loaded when
something needs it (an ``!GetAtt Child.Outputs.Name``), else once its parent is read. The
stacks are merged, then each pool's trigger whose ARN names a function of any of them is wired
to that function (:func:`harness.stack.nested.link_triggers`), and only then is it decided
which functions must run here and whether Cognito may invoke them: a parent's function can be
a nested pool's trigger, and a permission in one template can grant a function of another.

A nested stack that cannot be read does not stop a command that does not need it (one holding
API functions or roles); it does when it declares a user pool, or functions while a trigger
still names a function outside the template.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.stack.builder import Builder
from harness.stack.errors import TemplateError, did_you_mean
from harness.stack.intrinsics import Evaluator
from harness.stack.nested import (
    NESTED_TYPES,
    child_parameters,
    child_template,
    link_triggers,
    merge,
)
from harness.stack.permissions import with_invoke_checks
from harness.stack.specs import (
    CLIENT_TYPE,
    FUNCTION_TYPES,
    POOL_RESOURCE_TYPES,
    POOL_TYPE,
    TABLE_TYPES,
    FunctionSpec,
    Stack,
)
from harness.stack.symbols import SymbolTable
from harness.stack.yaml_loader import parse


@dataclass(frozen=True)
class _Skipped:
    """A nested stack that could not be read, kept until the merged stack says if it matters."""

    error: TemplateError
    #: The resource types its template declares; None when the template itself is unusable.
    declares: frozenset[str] | None


@dataclass
class _Loaded:
    """One template read, with its nested stacks merged in."""

    stack: Stack
    evaluator: Evaluator
    doc: Mapping[str, Any]
    #: Function → why it cannot run here, in this template and its nested ones.
    problems: dict[str, TemplateError] = field(default_factory=dict)
    skipped: list[_Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class _Options:
    region: str
    account_id: str
    check_handlers: bool


class _Children:
    """The nested stacks of one template, each loaded once, when first needed."""

    def __init__(self, evaluator: Evaluator, stack_name: str, options: _Options) -> None:
        self.evaluator = evaluator
        self.stack_name = stack_name
        self.options = options
        self.loaded: dict[str, _Loaded] = {}
        #: Each child's template, once its Location / TemplateURL is known.
        self.paths: dict[str, Path] = {}
        self._loading: set[str] = set()

    def load(self, logical_id: str, where: str) -> _Loaded:
        if logical_id in self.loaded:
            return self.loaded[logical_id]
        r = self.evaluator
        if logical_id in self._loading:
            r.fail(
                where,
                f"nested stack {logical_id} needs its own outputs to be created (a cycle "
                "through Outputs)",
                "break the cycle between the nested stacks' Parameters and Outputs",
            )
        resource = r.symbols.require_active(logical_id, where)
        props = resource.get("Properties") or {}
        key = NESTED_TYPES[resource["Type"]]
        self._loading.add(logical_id)
        try:
            location = r.resolve(props.get(key), f"{logical_id}.{key}")
            path = child_template(
                logical_id, resource["Type"], location, r.symbols.path.parent, r.fail
            )
            self.paths[logical_id] = path
            values, unresolved = child_parameters(
                logical_id, props.get("Parameters"), r.resolve, r.fail
            )
            child = _load(
                path,
                stack_name=f"{self.stack_name}-{logical_id}",
                overrides=values,
                unresolved=unresolved,
                options=self.options,
            )
        finally:
            self._loading.discard(logical_id)
        self.loaded[logical_id] = child
        return child

    def output(self, logical_id: str, name: str, where: str) -> Any:
        """``Fn::GetAtt <logical_id>.Outputs.<name>``: the nested stack's output value."""
        resource = self.evaluator.symbols.require_active(logical_id, where)
        if resource["Type"] not in NESTED_TYPES:
            self.evaluator.fail(
                where,
                f"Fn::GetAtt {logical_id}.Outputs.{name}: {logical_id} is an {resource['Type']}, "
                "not a nested stack",
                "Outputs.<Name> is an attribute of AWS::Serverless::Application and "
                "AWS::CloudFormation::Stack",
            )
        child = self.load(logical_id, where)
        outputs = child.doc.get("Outputs") or {}
        output = outputs.get(name) if isinstance(outputs, Mapping) else None
        if not isinstance(output, Mapping) or "Value" not in output:
            self.evaluator.fail(
                where,
                f"nested stack {logical_id} ({child.stack.path}) has no output {name}"
                + did_you_mean(name, outputs if isinstance(outputs, Mapping) else ()),
                "fix the output's name, or declare it under the child's Outputs",
            )
        return child.evaluator.resolve(output["Value"], f"Outputs.{name}.Value")


def _declared_types(path: Path) -> frozenset[str] | None:
    try:
        resources = parse(path).get("Resources") or {}
    except Exception:  # an unreadable template: its error is the one kept
        return None
    return frozenset(str(res.get("Type")) for res in resources.values() if isinstance(res, Mapping))


def _load(
    path: Path,
    *,
    stack_name: str,
    overrides: Mapping[str, str],
    unresolved: Mapping[str, TemplateError] | None = None,
    options: _Options,
) -> _Loaded:
    doc = parse(path)
    symbols = SymbolTable(
        path,
        doc,
        stack_name=stack_name,
        region=options.region,
        account_id=options.account_id,
        overrides=overrides,
        unresolved=unresolved,
    )
    evaluator = Evaluator(
        symbols, mappings=doc.get("Mappings") or {}, conditions=doc.get("Conditions") or {}
    )
    children = _Children(evaluator, stack_name, options)
    symbols.nested_output = children.output
    builder = Builder(evaluator, doc, check_handlers=options.check_handlers)
    builder.collect_sam_events()
    builder.collect_permissions()
    functions = {lid: builder.function(lid, res) for lid, res in builder.active(FUNCTION_TYPES)}
    tables = {lid: builder.table(lid, res) for lid, res in builder.active(TABLE_TYPES)}
    pools = {lid: builder.pool(lid, res, functions) for lid, res in builder.active([POOL_TYPE])}
    clients = {lid: builder.client(lid, res, pools) for lid, res in builder.active([CLIENT_TYPE])}
    pool_resources = {
        lid: builder.pool_resource(lid, res, pools)
        for kind in POOL_RESOURCE_TYPES
        for lid, res in builder.active([kind])
    }
    skipped: list[_Skipped] = []
    for lid, _ in builder.active(NESTED_TYPES):
        try:
            children.load(lid, lid)
        except TemplateError as error:
            child_path = children.paths.get(lid)
            declares = None if child_path is None else _declared_types(child_path)
            skipped.append(_Skipped(error, declares))
    stack = Stack(
        notes=_runtime_notes(functions.values()),
        not_created={
            lid: str(res["Condition"])
            for lid, res in symbols.resources.items()
            if lid not in (symbols.active or frozenset())
        },
        path=path,
        stack_name=stack_name,
        region=options.region,
        account_id=options.account_id,
        functions=functions,
        tables=tables,
        pools=pools,
        clients=clients,
        parameters=symbols.parameter_strings(),
        pool_resources=pool_resources,
        invoke_grants=tuple(builder.grants),
    )
    loaded = _Loaded(stack, evaluator, doc, dict(builder.problems), skipped)
    if children.loaded:
        nested = [(lid, child.stack) for lid, child in children.loaded.items()]
        loaded.stack = merge(stack, nested, evaluator.fail)
        for child in children.loaded.values():
            loaded.problems.update(child.problems)
            loaded.skipped.extend(child.skipped)
    return loaded


def _runtime_notes(functions: Iterable[FunctionSpec]) -> tuple[str, ...]:
    """One line when Python functions declare another Python than the one running them
    in-process (``--invoke rie`` / ``sam`` run the template's own runtime)."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    other = sorted(
        {(f.runtime, f.logical_id) for f in functions if f.runtime.startswith("python")}
        - {(here, f.logical_id) for f in functions}
    )
    if not other:
        return ()
    runtimes = ", ".join(sorted({runtime for runtime, _ in other}))
    names = ", ".join(lid for _, lid in other)
    return (
        f"note: Runtime {runtimes} ({names}) runs in-process on this {here}; "
        "--invoke rie or sam runs the template's runtime",
    )


def load_stack(
    path: Path | str,
    *,
    stack_name: str = "harness",
    region: str = "us-east-1",
    account_id: str = "123456789012",
    parameter_overrides: Mapping[str, str] | None = None,
    check_handlers: bool = True,
    need_code: Iterable[str] | None = None,
) -> Stack:
    """Read a SAM template into a `Stack`; raise `TemplateError` on anything unusable.

    `check_handlers=False` skips checking that each Python handler module exists under CodeUri.
    `need_code` names the functions whose code must run here (default: every function wired
    as a trigger of a pool, in any of the stacks); any other function that cannot run locally
    keeps its reason in `FunctionSpec.problem` instead of failing the load.
    """
    loaded = _load(
        Path(path).absolute(),
        stack_name=stack_name,
        overrides=dict(parameter_overrides or {}),
        options=_Options(region, account_id, check_handlers),
    )
    stack = link_triggers(loaded.stack)
    needed = (
        {lid for pool in stack.pools.values() for lid in pool.triggers.values()}
        if need_code is None
        else set(need_code)
    )
    for logical_id in sorted(needed & loaded.problems.keys()):
        raise loaded.problems[logical_id]
    for skipped in loaded.skipped:
        if _needed(skipped, stack, needed, invoked=need_code is not None and bool(needed)):
            raise skipped.error
    return with_invoke_checks(stack)


def _needed(skipped: _Skipped, stack: Stack, needed: set[str], *, invoked: bool) -> bool:
    """Whether a nested stack that could not be read may hold what the command needs: a user
    pool (unless the command runs given functions: ``harness invoke``), or the function of a
    trigger outside the template or of ``need_code``."""
    declares = skipped.declares
    missing = bool(needed - stack.functions.keys())
    if declares is None:
        return missing or (not stack.pools and not invoked)
    if POOL_TYPE in declares:
        return True
    wanted = missing or any(pool.external_triggers for pool in stack.pools.values())
    return wanted and bool(declares & FUNCTION_TYPES)
