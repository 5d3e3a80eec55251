"""Template parameter values as SAM CLI takes them: ``--parameter-overrides`` and samconfig.

The syntax is SAM CLI's (``samcli.cli.types.CfnParameterOverridesType``): space-separated
``Key=Value`` pairs or ``ParameterKey=Key,ParameterValue=Value``, values optionally quoted
(``Key="a b"``). A config file beside the template (``samconfig.toml``, ``.yaml``, ``.yml``, the
first that exists, as SAM reads them) gives ``parameter_overrides`` under
``[<env>.global.parameters]`` and ``[<env>.local_invoke.parameters]`` (the later wins), the
sections ``sam local invoke --config-env <env>`` reads; its value is such a string, a list of
them, or a table of ``Key = value``. Overrides given on the command line replace the config's
entirely, as a command-line option replaces its samconfig default in SAM CLI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from harness.errors import HarnessInputError

#: The config files SAM CLI reads, in its order (samcli.lib.config.samconfig).
CONFIG_FILES: Final = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
#: The sections of a config env that set parameters for `sam local invoke`, later wins.
CONFIG_SECTIONS: Final = ("global", "local_invoke")

# samcli.cli.types: _generate_match_regex(match_pattern=".", delim=" ") and the key pattern.
_VALUE = r"""(\"(?:\\.|[^\"\\]+)*\"|'(?:\\.|[^'\\]+)*'|(?:\\.|[^ \"\\]+)+)"""
_KEY = r"""([A-Za-z0-9\"']+)"""
_PATTERNS: Final = (
    re.compile(rf"(?:ParameterKey={_KEY},ParameterValue={_VALUE})"),
    re.compile(rf"(?:(?: ){_KEY}={_VALUE})"),
)
_EXAMPLES = "'Key=Value Key2=Value2' or 'ParameterKey=Key,ParameterValue=Value'"


class ParameterOverrideError(HarnessInputError):
    """Parameter overrides SAM CLI would not accept either."""


def _unquote(value: str) -> str:
    """samcli's _unquote_wrapped_quotes: strip wrapping quotes, unescape ``\\ ``, ``\\"``,
    ``\\'``."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.replace("\\ ", " ").replace('\\"', '"').replace("\\'", "'")


def parse_overrides(values: Iterable[Any], where: str = "--parameter-overrides") -> dict[str, str]:
    """The parameter values ``values`` give (strings in SAM's syntax, lists, or mappings)."""
    result: dict[str, str] = {}
    for value in values:
        if isinstance(value, list | tuple):
            result.update(parse_overrides(value, where))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(item, list):
                    item = ",".join(str(x).strip() for x in item if x not in (None, ""))
                result[str(key)] = "" if item is None else _scalar(item)
        elif isinstance(value, str):
            if not value.strip():
                continue
            text = " " + value.strip()
            for pattern in _PATTERNS:
                pairs = pattern.findall(text)
                if pairs:
                    result.update((_unquote(k), _unquote(v)) for k, v in pairs)
                    break
            else:
                raise ParameterOverrideError(
                    f"{where}: {value!r} is not a valid format; write it like {_EXAMPLES}"
                )
        else:
            raise ParameterOverrideError(f"{where}: {value!r} is not a parameter override")
    return result


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def config_overrides(template: Path, config_env: str = "default") -> dict[str, str]:
    """``parameter_overrides`` of the samconfig beside ``template``, for ``config_env``
    (empty when there is no config file; an unknown env in an existing file is an error)."""
    folder = Path(template).absolute().parent
    for name in CONFIG_FILES:
        path = folder / name
        if path.is_file():
            return _from_config(path, config_env)
    if config_env != "default":
        raise ParameterOverrideError(
            f"--config-env {config_env}: no {', '.join(CONFIG_FILES)} in {folder}"
        )
    return {}


def _from_config(path: Path, config_env: str) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            import tomllib

            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ParameterOverrideError(f"{path}: cannot read it ({error})") from None
    except Exception as error:  # yaml.YAMLError, without importing yaml for TOML users
        raise ParameterOverrideError(f"{path}: cannot read it ({error})") from None
    if not isinstance(data, dict):
        raise ParameterOverrideError(f"{path}: expected a table of config envs")
    env = data.get(config_env)
    if env is None:
        if config_env == "default":
            return {}
        envs = ", ".join(k for k in data if k != "version") or "(none)"
        raise ParameterOverrideError(f"{path}: no config env {config_env!r}; envs: {envs}")
    result: dict[str, str] = {}
    for section in CONFIG_SECTIONS:
        params = ((env.get(section) or {}) if isinstance(env, dict) else {}).get("parameters")
        if isinstance(params, dict) and "parameter_overrides" in params:
            where = f"{path}: {config_env}.{section}.parameters.parameter_overrides"
            result.update(parse_overrides([params["parameter_overrides"]], where))
    return result


def effective_overrides(
    template: Path, command_line: Iterable[str] | None, config_env: str = "default"
) -> dict[str, str]:
    """What a command uses: the command line's overrides when given, else the config's."""
    given = list(command_line or ())
    config = config_overrides(template, config_env)
    return parse_overrides(given) if given else config
