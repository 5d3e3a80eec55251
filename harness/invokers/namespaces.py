"""Each function's code is its own import namespace in one Python process.

Lambda runs every function in an execution environment of its own: two functions in SAM's
default layout (``hello_world/app.py`` and ``other/app.py``, both ``app.lambda_handler``) each
import their own ``app``, a same-named helper module is each function's own, and a function
cannot import a module that only another function's CodeUri holds. In-process, ``sys.modules``
and ``sys.path`` are shared, so the invoker swaps them: the modules loaded from a function's
folders (its CodeUri and its local layers) are kept per function and are the only such modules
in ``sys.modules`` while that function runs. Modules from elsewhere (the standard library,
installed packages such as boto3 or Powertools, the harness) are shared, as the runtime's own
are, even when a function's folder contains them (a CodeUri of ``.`` over the project's
``.venv``).

A namespace is also one configuration of its function (:func:`configuration`): Lambda starts
new execution environments when a function's configuration changes (its environment
variables, handler, code, layers...), so a test whose template parameters give the function
other variables imports its code again, as a cold start, instead of reusing modules whose
import read the previous values. Each function is a configuration of its own, as each Lambda
function has its own environments, even when several share one CodeUri.

Switching costs one pass over the modules of the two namespaces involved; calls to the same
function in a row cost nothing, and the same configuration (the next test from the same
snapshot) finds its modules warm.
"""

from __future__ import annotations

import functools
import os
import site
import sys
from collections.abc import Hashable, Mapping
from pathlib import Path
from types import ModuleType

from harness.stack import FunctionSpec

Roots = tuple[Path, ...]
#: A namespace: the code folders, and the configuration they run with (:func:`configuration`).
Space = tuple[Roots, Hashable]


def _origin(module: ModuleType) -> str | None:
    """The file (or, for a namespace package, the first folder) a module was loaded from, as
    an absolute, normalised path."""
    file = getattr(module, "__file__", None)
    if isinstance(file, str) and file:
        return os.path.normcase(os.path.abspath(file))
    paths = getattr(module, "__path__", None)
    first = next(iter(paths), None) if paths is not None else None
    return os.path.normcase(os.path.abspath(first)) if isinstance(first, str) else None


def _prefix(folder: str | Path) -> str:
    """``folder`` as the start every path inside it has (absolute, normalised, ending in the
    separator), so that "inside" is a string comparison: the thousand modules a handler's
    imports load are each examined once, and as pathlib objects that took ~20 ms."""
    path = os.path.normcase(os.path.abspath(folder))
    return path if path.endswith(os.sep) else path + os.sep


def _shared_places() -> tuple[str, ...]:
    """Where the interpreter's own packages live, and the harness itself: never a function's,
    even when a CodeUri of ``.`` holds the project's virtualenv."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    places.add(site.getusersitepackages())
    return (*(_prefix(place) for place in places), _prefix(Path(__file__).absolute().parents[1]))


_SHARED = _shared_places()


@functools.lru_cache(maxsize=256)
def _prefixes(roots: Roots) -> tuple[str, ...]:
    return tuple(_prefix(root) for root in roots)


def _inside(path: str, prefixes: tuple[str, ...]) -> bool:
    """``path`` is one of the folders or inside one (pathlib's ``is_relative_to``)."""
    return any(path.startswith(prefix) or path + os.sep == prefix for prefix in prefixes)


def _under(path: str | None, roots: Roots) -> bool:
    return path is not None and _inside(path, _prefixes(roots)) and not _inside(path, _SHARED)


class ModuleNamespaces:
    """The modules of each namespace (code folders and configuration), swapped into
    ``sys.modules`` on activation."""

    def __init__(self) -> None:
        self._spaces: dict[Space, dict[str, ModuleType]] = {}
        self._active: Space | None = None
        #: Modules of the same name from outside any function, set aside while one is active.
        self._displaced: dict[str, ModuleType] = {}
        self._seen = 0  # len(sys.modules) when the active namespace was last brought up to date
        self._inserted: list[str] = []  # the sys.path entries activate() added
        #: Modules found not to be of each set of folders (name → the module object seen).
        self._outside: dict[Roots, dict[str, ModuleType]] = {}
        #: Modules of each set of folders that were loaded outside any namespace (by a test).
        self._loaded_outside: dict[Roots, dict[str, ModuleType]] = {}

    def activate(self, key: Space) -> None:
        """Make ``key``'s modules and code folders the ones ``import`` sees; set the previous
        ones aside."""
        if key is self._active or key == self._active:
            return
        self.deactivate()
        roots = key[0]
        space = self._spaces.get(key)
        if space is None:
            # Modules of these folders loaded outside any namespace (a test that imported the
            # handler module itself, to read or patch it) belong to every namespace of the
            # folders, whatever the configuration: one object each, the test's.
            known = self._loaded_outside.setdefault(roots, {})
            self._sort_new(roots, known)
            space = self._spaces[key] = dict(known)
        for name, module in space.items():
            current = sys.modules.get(name)
            if current is not None and current is not module:
                self._displaced[name] = current
            sys.modules[name] = module
        self._inserted = [str(root) for root in roots if str(root) not in sys.path]
        sys.path[:0] = self._inserted
        self._active = key
        self._seen = len(sys.modules)

    def set_aside(self, name: str, roots: Roots) -> None:
        """Before importing ``name`` for ``roots``: a module of that name from elsewhere must
        not stand in for the function's own."""
        module = sys.modules.get(name)
        if module is not None and not _under(_origin(module), roots):
            self._displaced[name] = sys.modules.pop(name)

    def settle(self) -> None:
        """After a call: the modules it loaded from the active folders join its namespace."""
        key = self._active
        if key is None or len(sys.modules) == self._seen:
            return
        self._sort_new(key[0], self._spaces[key])
        self._seen = len(sys.modules)

    def _sort_new(self, roots: Roots, into: dict[str, ModuleType]) -> None:
        """The modules in ``sys.modules`` of ``roots`` that ``into`` lacks join it.

        Each module is examined once per set of folders: after a handler's first import
        (Powertools, boto3: thousands of modules), every later pass would otherwise resolve
        and compare the path of every module again.
        """
        outside = self._outside.setdefault(roots, {})
        for name, module in list(sys.modules.items()):
            if name in into or outside.get(name) is module:
                continue
            if _under(_origin(module), roots):
                into[name] = module
            else:
                outside[name] = module

    def forget(self, roots: Roots) -> None:
        """Drop the modules of ``roots``, in every configuration: the next call imports the code
        again (``harness serve`` after a trigger file changed)."""
        if self._active is not None and self._active[0] == roots:
            self.deactivate()
        self._outside.pop(roots, None)
        self._loaded_outside.pop(roots, None)
        for key in [key for key in self._spaces if key[0] == roots]:
            for name in self._spaces.pop(key):
                module = sys.modules.get(name)
                if module is not None and _under(_origin(module), roots):
                    del sys.modules[name]

    def deactivate(self) -> None:
        """Take the active modules out of ``sys.modules`` and their folders off ``sys.path``."""
        key = self._active
        if key is None:
            return
        self.settle()
        for name in self._spaces[key]:
            sys.modules.pop(name, None)
        sys.modules.update(self._displaced)
        self._displaced.clear()
        for entry in self._inserted:
            if entry in sys.path:
                sys.path.remove(entry)
        self._inserted = []
        self._active = None


#: One per process: ``sys.modules`` is one per process.
NAMESPACES = ModuleNamespaces()


def code_roots(function: FunctionSpec) -> Roots:
    """The folders a function imports its own code from: its CodeUri, then its layers."""
    return (function.code_uri, *function.layers)


def configuration(function: FunctionSpec, environment: Mapping[str, str]) -> Hashable:
    """What makes Lambda start new execution environments for a function when it changes: its
    environment as the function sees it (``environment``: its variables after parameters and
    overrides, with the reserved ones naming the function, handler, runtime, memory, timeout
    and code folder), its layers and architecture. Lambda sets up an execution environment from
    the function's configuration ("Understanding the Lambda execution environment lifecycle")
    and, on an update, "provisions an instance of the function" with the new one
    (UpdateFunctionConfiguration API reference)."""
    return (tuple(sorted(environment.items())), function.layers, function.architectures)


def import_failure(function: FunctionSpec, error: BaseException) -> tuple[str, str]:
    """Lambda's ``errorType`` and ``errorMessage`` for a handler module that does not load
    (awslambdaric's ``_get_handler``), with the file and line where it failed."""
    module = function.handler.rpartition(".")[0]
    if isinstance(error, SyntaxError):
        # str(SyntaxError) already says "(app.py, line 3)".
        return "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module}': {error}"
    where = _failing_line(error, code_roots(function))
    if isinstance(error, ImportError):
        return "Runtime.ImportModuleError", f"Unable to import module '{module}': {error}{where}"
    # Any other exception while the module initialises fails the init with its own type.
    return "Runtime.ImportModuleError", (
        f"Unable to import module '{module}': {type(error).__name__}: {error}{where}"
    )


def _failing_line(error: BaseException, roots: Roots) -> str:
    """`` (app.py, line 2)``: the innermost frame of the function's own code, or ``""``."""
    import traceback

    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if _under(os.path.normcase(os.path.abspath(frame.filename)), roots)
    ]
    if not frames:
        return ""
    return f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})"
