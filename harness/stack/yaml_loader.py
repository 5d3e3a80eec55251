"""CloudFormation YAML: short-form tags read as their long form, parsed once per file version."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from harness.bounded import BoundedInputError, load_yaml, read_text
from harness.stack.errors import TemplateError


class CloudFormationLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation short-form tags as their long form.

    `!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`, and so on.
    A key given twice in one mapping keeps its last value, as SAM CLI reads templates (samcli's
    ``yaml_parse`` is PyYAML's SafeLoader, which does so).
    """


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


def parse(path: Path) -> dict[str, Any]:
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
        doc = load_yaml(read_text(path, what="template"), CloudFormationLoader)
    except BoundedInputError as exc:
        raise TemplateError(path, "", exc.reason, "fix the template") from None
    except OSError as exc:
        raise TemplateError(path, "", f"cannot read it: {exc.strerror}", "fix the path") from None
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
