"""Where a Node.js function's ``require`` and ``import`` find packages: as in Lambda.

Lambda runs a function from ``/var/task``: a package it does not bundle is found in its
layers (``NODE_PATH``) or nowhere, since no folder above ``/var/task`` holds a
``node_modules`` ([D] Lambda developer guide, "Define Lambda function handler in Node.js" and
"Layer paths for each Lambda runtime"; ``sam local invoke`` mounts the build folder there too).
Here the function runs from its ``sam build`` folder, ``<project>/.aws-sam/build/<Function>``,
and Node looks in every ``node_modules`` above it (Node.js documentation, "Loading from
node_modules folders"): the project's own, where a Node project keeps its development
packages (TypeScript, test tools, ``aws-sdk`` v2 for its types). A function that needs such a
package would run here and fail in Lambda with ``Runtime.ImportModuleError``.

So the runtime is started with two hooks, written beside the Node.js tools:

* ``--require harness-task-root.cjs``: ``require`` from a file of the function looks only in
  the ``node_modules`` folders inside ``LAMBDA_TASK_ROOT`` (and in ``NODE_PATH``, as before);
* ``--import harness-resolve-hook.mjs``: the same for ``import``, and a bare ``import`` the
  function's folders do not have falls back to the layers' folders, as Lambda resolves ES
  module imports from layers since Node.js 18 ([D] knowledge-center
  "lambda-import-module-error-nodejs"), while ``import`` ignores ``NODE_PATH``.

Files outside the task root (the runtime client itself, a layer's packages) resolve as Node
resolves them.

Whether a ``.js`` file is CommonJS or an ES module is decided the same way: by the nearest
``package.json`` above it (Node.js documentation, "Determining module system"). In Lambda a
function without its own ``package.json`` has none above ``/var/task``, so its ``.js`` files
are CommonJS; here the project's own ``package.json`` (``"type": "module"`` in an ESM project
whose esbuild bundle is CommonJS) would be found. :func:`stop_package_scope` writes a
``package.json`` of the type Node assumes without one (``"commonjs"``) into the folder that
holds the function folders (``.aws-sam/build``, which ``sam deploy`` does not upload), so the
lookup stops there, as it does at ``/var/task``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

#: ``require``: the node_modules folders of a file inside the task root stop at the task root.
TASK_ROOT_CJS: Final = """\
// Written by cognito-trigger-harness: require() from the function's own files finds packages
// in its own folder only, as in Lambda's /var/task (see harness/invokers/node_resolution.py).
"use strict";
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const given = process.env.LAMBDA_TASK_ROOT;
if (given) {
  let root = given;
  try {
    root = fs.realpathSync(given);
  } catch {}
  const inside = (file) => file === root || file.startsWith(root + path.sep);
  const lookups = Module._nodeModulePaths;
  Module._nodeModulePaths = function (from) {
    const folders = lookups.call(this, from);
    return inside(from) ? folders.filter(inside) : folders;
  };
}
"""

#: ``import``: registers :data:`RESOLVE_MJS` with the task root and the layers' folders.
RESOLVE_HOOK_MJS: Final = """\
// Written by cognito-trigger-harness: see harness-resolve.mjs.
import * as module from "node:module";
import fs from "node:fs";
import path from "node:path";

const real = (folder) => {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
};
const folders = (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean).map(real);
const root = process.env.LAMBDA_TASK_ROOT ? real(process.env.LAMBDA_TASK_ROOT) : "";
if (typeof module.register === "function") {
  module.register("./harness-resolve.mjs", import.meta.url, { data: { folders, root } });
}
"""

#: The resolution hooks (run on Node's module loader thread).
RESOLVE_MJS: Final = """\
// Written by cognito-trigger-harness (see harness/invokers/node_resolution.py): a bare import
// from the function's files resolves inside its task root or its layers' folders only, and
// falls back to the layers' folders, as Lambda resolves it.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

let folders = [];
let root = "";
export function initialize(data) {
  folders = data.folders;
  root = data.root;
}

const under = (file, folder) => file === folder || file.startsWith(folder + path.sep);
const bare = (specifier) => !/^(\\.|\\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
const filePath = (url) => (url && url.startsWith("file:") ? fileURLToPath(url) : null);

function notFound(specifier, parentURL) {
  const name = specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : specifier.split("/")[0];
  const error = new Error(
    `Cannot find package '${name}' imported from ${filePath(parentURL) ?? parentURL}`,
  );
  error.code = "ERR_MODULE_NOT_FOUND";
  return error;
}

async function inLayers(specifier, context, next, error) {
  for (const folder of folders) {
    // Resolving from a file beside <folder> looks in <folder> when it is a node_modules, and
    // then in the folders above it, which are not the layer's.
    const parentURL = pathToFileURL(path.join(path.dirname(folder), "_.mjs")).href;
    try {
      const resolved = await next(specifier, { ...context, parentURL });
      if (under(filePath(resolved.url) ?? "", folder)) {
        return resolved;
      }
    } catch {}
  }
  throw error;
}

export async function resolve(specifier, context, next) {
  const parent = filePath(context.parentURL);
  const confined = root && parent && bare(specifier) && under(parent, root);
  let resolved;
  try {
    resolved = await next(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !bare(specifier)) {
      throw error;
    }
    return inLayers(specifier, context, next, error);
  }
  const file = filePath(resolved.url);
  if (!confined || !file || under(file, root) || folders.some((f) => under(file, f))) {
    return resolved;
  }
  // Found above the task root (the project's node_modules): Lambda has no such folder.
  return inLayers(specifier, context, next, notFound(specifier, context.parentURL));
}
"""

#: The files written beside the tools, by name.
FILES: Final = {
    "harness-task-root.cjs": TASK_ROOT_CJS,
    "harness-resolve-hook.mjs": RESOLVE_HOOK_MJS,
    "harness-resolve.mjs": RESOLVE_MJS,
}


def node_arguments(folder: Path) -> list[str]:
    """node's options that install the hooks (these and the AWS SDK v2's,
    :mod:`harness.invokers.node_sdk_v2`), written into ``folder`` when they differ."""
    from harness.invokers import node_sdk_v2

    for name, text in {**FILES, **node_sdk_v2.FILES}.items():
        path = folder / name
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = ""
        if current != text:  # whole or not at all: other processes may be starting node
            partial = path.with_name(f".{name}.{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
    return [
        "--require",
        str(folder / "harness-task-root.cjs"),
        "--require",
        str(folder / "harness-aws-sdk-v2.cjs"),
        "--import",
        (folder / "harness-resolve-hook.mjs").as_uri(),
    ]


#: The package.json that ends Node's package-scope lookup above a function's folder.
SCOPE_STOP: Final = (
    "{\n"
    '  "//": "Written by cognito-trigger-harness: Lambda has no package.json above a '
    "function's folder; Node stops looking here, so .js files are CommonJS unless the "
    "function's own package.json says otherwise.\",\n"
    '  "type": "commonjs"\n'
    "}\n"
)


def stop_package_scope(folder: Path) -> None:
    """Write :data:`SCOPE_STOP` as ``folder``/package.json (the folder holding the function
    folders), unless it is there already; never over a package.json of someone else's."""
    path = folder / "package.json"
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    except OSError:
        return
    if current == SCOPE_STOP or (current is not None and "cognito-trigger-harness" not in current):
        return
    partial = path.with_name(f".package.json.{os.getpid()}")
    partial.write_text(SCOPE_STOP, encoding="utf-8")
    os.replace(partial, path)
