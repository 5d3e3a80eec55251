"""``--env-vars``: SAM's environment-variable override file, read as ``sam local invoke`` does.

The file maps a function (its logical id, or its function name) to variables, and
``Parameters`` to variables for every function::

    {"PreSignUpFunction": {"INVITATIONS_TABLE": "other"},
     "Parameters": {"POWERTOOLS_LOG_LEVEL": "DEBUG"}}

A function's own entry wins over ``Parameters``. As in SAM, only variables the template declares
for the function (its Environment, or Globals) are overridden; the others are reported as
ignored. Values are stringified as SAM does (``true``/``false``, null as empty).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import HarnessInputError
from harness.stack import FunctionSpec

EnvVars = Mapping[str, Mapping[str, Any]]


class EnvVarsError(HarnessInputError, ValueError):
    """An unusable --env-vars file: one line."""


def load_env_vars(path: Path | str) -> dict[str, dict[str, Any]]:
    """Read and check an --env-vars file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise EnvVarsError(f"{path}: cannot read it ({error.strerror or error})") from None
    except ValueError as error:
        raise EnvVarsError(f"{path}: not JSON ({error}); fix the file") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise EnvVarsError(
            f'{path}: expected {{"<LogicalId>": {{"VAR": "value"}}, "Parameters": {{...}}}}, '
            "an object of objects, as for sam local invoke --env-vars"
        )
    return data


def _stringify(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def apply_env_vars(function: FunctionSpec, env_vars: EnvVars) -> tuple[FunctionSpec, list[str]]:
    """``function`` with its overridden variables, and the names SAM would ignore."""
    overrides: dict[str, Any] = dict(env_vars.get("Parameters") or {})
    overrides.update(
        env_vars.get(function.logical_id) or env_vars.get(function.function_name) or {}
    )
    declared = function.environment
    applied = {name: _stringify(value) for name, value in overrides.items() if name in declared}
    ignored = sorted(name for name in overrides if name not in declared)
    if not applied:
        return function, ignored
    return dataclasses.replace(function, environment={**declared, **applied}), ignored
