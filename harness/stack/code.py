"""Where a function's code lives on this machine: inline code written out, local layers.

Lambda writes SAM's ``InlineCode`` and CloudFormation's ``Code.ZipFile`` into a file named
``index`` with the runtime's extension ([D] AWS::Lambda::Function Code, ZipFile: "the code is
placed in a file named index"), so the handler is ``index.<function>``. A layer's content is
extracted under ``/opt``; the Python runtime puts ``/opt/python`` and
``/opt/python/lib/python3.x/site-packages`` on ``sys.path``, the Node.js runtimes
``/opt/nodejs/node<major>/node_modules`` and ``/opt/nodejs/node_modules`` on ``NODE_PATH`` ([D]
Lambda developer guide, "Packaging your layer content", layer paths for each runtime).
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harness.stack.intrinsics import Evaluator

LAYER_TYPES: Final = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})
_EXTENSIONS: Final = {"python": ".py", "nodejs": ".js"}
_NODE_RUNTIME: Final = re.compile(r"^nodejs(\d+)\.x$")


def inline_root() -> Path:
    """The folder inline code is written out under (one subfolder per code and runtime)."""
    return Path(tempfile.gettempdir()) / "cognito-harness-inline"


def is_inline(folder: Path) -> bool:
    """Whether ``folder`` holds a function's inline code (InlineCode, Code.ZipFile): nothing
    to build, as ``sam build`` builds nothing for it; it runs from this folder."""
    return folder.parent == inline_root()


def inline_code_directory(source: str, runtime: str) -> Path:
    """A folder holding ``source`` as ``index.py`` (``index.js`` for Node), named by its hash.

    The same code always lands in the same folder, so a warm in-process module is reused and
    nothing needs cleaning up; different code never shares a folder.
    """
    extension = next((ext for prefix, ext in _EXTENSIONS.items() if runtime.startswith(prefix)), "")
    digest = hashlib.sha256(f"{runtime}\0{source}".encode()).hexdigest()[:20]
    folder = inline_root() / digest
    index = folder / f"index{extension}"
    if not index.is_file() or index.read_text() != source:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{index.name}.partial"
        partial.write_text(source)
        partial.replace(index)  # atomic: parallel test workers never read half a file
    return folder


def layer_paths(
    r: Evaluator,
    resources: Mapping[str, Any],
    template_dir: Path,
    logical_id: str,
    layers: Any,
    runtime: str,
) -> tuple[Path, ...]:
    """The import folders the function's local layers add, in the order the template lists them.

    A layer given by ARN (deployed elsewhere) adds nothing: its packages must be installed
    where the harness runs. A local layer (``ContentUri`` of an ``AWS::Serverless::LayerVersion``)
    adds its ``python/`` folder and that folder's ``lib/python3.x/site-packages``; a layer that
    ``sam build`` builds (``Metadata.BuildMethod: python3.x``) is copied into ``python/`` by the
    build, so its folder itself is on the path.
    For a Node.js function, the layers' ``nodejs/node<major>/node_modules`` and
    ``nodejs/node_modules`` folders instead (of the ``sam build`` output of a layer built with
    ``BuildMethod: nodejs<N>.x``), the later layer first, as its files replace an earlier one's
    under ``/opt``: the ``NODE_PATH`` order.
    """
    node = _NODE_RUNTIME.match(runtime)
    if not (runtime.startswith("python") or node) or not isinstance(layers, list):
        return ()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    paths: list[Path] = []
    node_paths: list[Path] = []
    for index, layer in enumerate(layers):
        name = layer.get("Ref") if isinstance(layer, dict) and len(layer) == 1 else None
        resource = resources.get(name) if isinstance(name, str) else None
        if not isinstance(resource, dict) or resource.get("Type") not in LAYER_TYPES:
            continue
        props = resource.get("Properties") or {}
        content = props.get("ContentUri")
        if content is None:  # AWS::Lambda::LayerVersion: Content is in S3
            continue
        where = f"{logical_id}.Layers[{index}] ({name}.ContentUri)"
        folder_name = r.resolve(content, where)
        if not isinstance(folder_name, str) or folder_name.startswith("s3://"):
            continue
        folder = (template_dir / folder_name).resolve()
        if not folder.is_dir():
            r.fail(where, f"{folder_name!r} is not a directory", "point ContentUri at the layer")
        build_method = str(((resource.get("Metadata") or {}).get("BuildMethod")) or "")
        if node:
            root = folder
            if build_method.startswith("nodejs"):  # where sam build (harness/invokers/build.py)
                root = template_dir.resolve() / ".aws-sam" / "build" / str(name)
            node_paths[:0] = [root / "nodejs" / f"node{node[1]}" / "node_modules"]
            node_paths[1:1] = [root / "nodejs" / "node_modules"]
            continue
        if build_method.startswith("python"):
            paths.append(folder)
        for candidate in (folder / "python", folder / "python" / "lib" / version / "site-packages"):
            if candidate.is_dir():
                paths.append(candidate)
    return tuple(node_paths if node else paths)
