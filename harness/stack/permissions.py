"""Whether the template lets Cognito invoke each trigger's function.

Cognito invokes a trigger only if the function's resource-based policy allows the service
principal ``cognito-idp.amazonaws.com``; otherwise the call fails ([D] knowledge-center
cognito-lambda-trigger-errors, cognito-migration-lambda-trigger-errors). In a template that
policy is an ``AWS::Lambda::Permission`` ([D] CloudFormation AWS::Lambda::Permission: Action,
FunctionName as a name, an ARN or a partial ARN, Principal, SourceArn, SourceAccount), or the
one SAM generates for a function's ``Type: Cognito`` event (Principal cognito-idp.amazonaws.com,
SourceArn the pool's ARN: aws/serverless-application-model#1253).

A false refusal of a correct stack is worse than a missed one, so whatever the template cannot
tell counts as allowed: a permission whose function, principal, action or source cannot be
resolved here allows every function, and a function outside the template is not checked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from harness.stack.errors import TemplateError
from harness.stack.specs import InvokeGrant, Stack

PERMISSION_TYPE: Final = "AWS::Lambda::Permission"
COGNITO_PRINCIPAL: Final = "cognito-idp.amazonaws.com"
#: Actions that include lambda:InvokeFunction (IAM action names are case-insensitive).
_INVOKE_ACTIONS: Final = frozenset({"lambda:invokefunction", "lambda:*", "*"})


class _Unresolved(Exception):
    pass


def function_name_of(value: str) -> str:
    """``my-fn`` for a function name, ARN or partial ARN, with or without a qualifier."""
    parts = value.split(":")
    if "function" in parts:
        index = parts.index("function")
        if index + 1 < len(parts):
            return parts[index + 1]
    return parts[0]


def permission_grant(
    logical_id: str,
    props: Mapping[str, Any],
    resolve: Any,
    account_id: str,
) -> InvokeGrant | None:
    """The grant an ``AWS::Lambda::Permission`` gives Cognito, or None when it gives none.

    ``resolve(value, where)`` resolves an intrinsic (raising TemplateError when it cannot).
    """

    def value(key: str) -> str | None:
        raw = props.get(key)
        if raw is None:
            return None
        try:
            return str(resolve(raw, f"{logical_id}.{key}"))
        except TemplateError:
            raise _Unresolved from None

    try:
        principal = value("Principal")
        if principal is not None and principal.lower() not in (COGNITO_PRINCIPAL, "*"):
            return None
        action = value("Action")
        if action is not None and action.lower() not in _INVOKE_ACTIONS:
            return None
        account = value("SourceAccount")
        if account is not None and account != account_id:
            return None
    except _Unresolved:
        pass  # what cannot be told does not refuse
    try:
        function = value("FunctionName")
    except _Unresolved:
        function = None
    try:
        source = value("SourceArn")
    except _Unresolved:
        return InvokeGrant(logical_id, None if function is None else function_name_of(function))
    return InvokeGrant(
        logical_id,
        None if function is None else function_name_of(function),
        None if source is None else source,
    )


def _arn_like(pattern: str, arn: str) -> bool:
    """IAM's ArnLike: ``*`` any run of characters, ``?`` one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn) is not None


def _grants(grant: InvokeGrant, function: str, pool_arn: str) -> bool:
    if grant.function is not None and grant.function != function:
        return False
    return not grant.source_arn or _arn_like(grant.source_arn, pool_arn)


def denied_triggers(
    pool_logical_id: str,
    pool_arn: str,
    triggers: Mapping[str, str],
    function_names: Mapping[str, str],
    grants: Iterable[InvokeGrant],
    where: Callable[[str], str] = lambda logical_id: "",
) -> dict[str, str]:
    """Trigger → why Cognito may not invoke its function: one line with the fix.

    ``triggers``: trigger → logical id of its function in the template; ``function_names``:
    logical id → the function's name (what a permission's FunctionName resolves to);
    ``where``: logical id → its template (of nested stacks), for a fix that can be written.
    """
    grants = tuple(grants)
    denied: dict[str, str] = {}
    for trigger, logical_id in triggers.items():
        name = function_names.get(logical_id)
        if name is None or any(_grants(g, name, pool_arn) for g in grants):
            continue
        other_pool = [g.where for g in grants if g.function in (None, name)]
        why = (
            f"its permission ({', '.join(other_pool)}) has a SourceArn that is not this pool's"
            if other_pool
            else f"no {PERMISSION_TYPE} in the template lets {COGNITO_PRINCIPAL} invoke it"
        )
        function_template, pool_template = where(logical_id), where(pool_logical_id)
        fix = (
            f"add an {PERMISSION_TYPE} (Action lambda:InvokeFunction, FunctionName !GetAtt "
            f"{logical_id}.Arn, Principal {COGNITO_PRINCIPAL}, SourceArn !GetAtt "
            f"{pool_logical_id}.Arn)"
            if function_template == pool_template
            # !GetAtt cannot name a resource of another template: one of the two ARNs reaches
            # the permission's template as a Parameter or a nested stack's output.
            else f"add an {PERMISSION_TYPE} (Action lambda:InvokeFunction, Principal "
            f"{COGNITO_PRINCIPAL}) whose FunctionName is {logical_id}'s ARN and SourceArn "
            f"{pool_logical_id}'s ARN; they are in different templates ({function_template}, "
            f"{pool_template}): pass one ARN to the other's stack as a Parameter, or read it "
            "with !GetAtt <NestedStack>.Outputs.<Name>"
        )
        denied[trigger] = (
            f"Cognito may not invoke {logical_id} ({trigger} of {pool_logical_id}): {why}; {fix}"
        )
    return denied


def with_invoke_checks(stack: Stack) -> Stack:
    """The stack with each pool's triggers that Cognito may not invoke (and a note for each).

    Computed on the whole (merged) stack: a permission in one template may grant a function
    of a nested one. A trigger wired to an ARN is checked when the ARN names a function of
    the stack; one outside it is not (nothing here tells).
    """
    names = {lid: spec.function_name for lid, spec in stack.functions.items()}
    root = stack.path.parent

    def template(logical_id: str) -> str:
        path = stack.templates.get(logical_id, stack.path)
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    by_name = {name: lid for lid, name in names.items()}
    pools = {}
    notes = [n for n in stack.notes if not n.startswith("note: Cognito may not invoke")]
    for lid, pool in stack.pools.items():
        triggers = dict(pool.triggers)
        for trigger, arn in pool.external_triggers.items():
            function_id = by_name.get(function_name_of(arn))
            if function_id is not None:
                triggers[trigger] = function_id
        denied = denied_triggers(lid, pool.arn, triggers, names, stack.invoke_grants, template)
        pools[lid] = dataclasses.replace(pool, invoke_denied=denied)
        notes.extend(
            f"note: {why}; calls that run it fail as on AWS (--set "
            "check_invoke_permission=false runs it anyway)"
            for why in denied.values()
        )
    return dataclasses.replace(stack, pools=pools, notes=tuple(notes))
