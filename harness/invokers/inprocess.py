"""The in-process invoker: import the handler and call it in this process (the default)."""

from __future__ import annotations

import importlib
import itertools
import json
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from harness import trigger_logs
from harness.invokers.base import InvokeResult, lambda_environment
from harness.invokers.inprocess_alarm import Alarm, TriggerTimedOut
from harness.invokers.lambda_context import LambdaContext
from harness.invokers.namespaces import (
    NAMESPACES,
    Space,
    code_roots,
    configuration,
    import_failure,
)
from harness.stack import FunctionSpec

#: What a worker hands back: the result, or the exception the call raised.
_Outcome = tuple[InvokeResult | None, BaseException | None]
#: A job for a worker: the call, and where its outcome goes.
_Job = tuple[Callable[[], InvokeResult], "queue.SimpleQueue[_Outcome]"]
_worker_numbers = itertools.count()


class _Worker:
    """One daemon thread that runs the invocations handed to it, one at a time.

    A daemon, so that a handler still running past its timeout (Python cannot stop a thread)
    never keeps the interpreter from exiting, as a ThreadPoolExecutor worker would: Python
    waits for those at exit. ``stop()`` lets the thread end once its current job returns.
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(
            target=self._run, name=f"trigger_{next(_worker_numbers)}", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            call, reply = job
            try:
                reply.put((call(), None))
            except BaseException as error:  # handed to the caller, which raises it
                reply.put((None, error))
            del job, call, reply  # hold nothing of a finished invocation while idle

    def stop(self) -> None:
        self.jobs.put(None)


def _environ_store() -> dict[Any, Any] | None:
    """``os.environ``'s own store on POSIX CPython (its ``_data``: encoded names to encoded
    values, which every ``os.environ`` access reads and writes, next to ``putenv``), else None.

    ``os.environ[name] = value`` encodes the name and value and runs several Python-level
    checks on every access; a no-op trigger's invocation spent ~28 µs on its eleven variables
    that way, a tenth of a Cognito call with three triggers. The swap keeps each function's
    variables encoded once and writes the store and ``putenv``/``unsetenv`` as ``os.environ``'s
    methods do, so that ``os.environ``, ``os.getenv`` and the C library (child processes) agree
    as before. Elsewhere (Windows, another interpreter) it goes through ``os.environ``.
    """
    store = getattr(os.environ, "_data", None)
    if (
        os.name == "posix"
        and isinstance(store, dict)
        and hasattr(os, "unsetenv")
        and getattr(os.environ, "encodekey", str)("PATH") == b"PATH"
    ):
        return store
    return None


_ENVIRON_STORE = _environ_store()


def _encoded(name: str, value: str) -> tuple[Any, Any]:
    environ: Any = os.environ
    return environ.encodekey(name), environ.encodevalue(value)


#: One object per namespace (code folders and configuration), whichever spec names it, so that
#: a call finds its namespace active, and its handler, by identity rather than by comparing
#: every variable.
_SPACES: dict[Space, Space] = {}
#: What a function's spec is turned into once: the spec (its id names it), its Lambda
#: environment variables (encoded for :data:`_ENVIRON_STORE`) and its namespace.
_Known = tuple[FunctionSpec, tuple[tuple[Any, Any], ...], Space]
#: Each namespace's handler, by the id of its interned key: per process, as the namespaces are,
#: so that the next test's invoker finds a configuration warm (no second init reported).
_HANDLERS: dict[int, Callable[..., Any]] = {}


class _HandlerNotFound(ImportError):
    """The handler's module imports, but has no such function: Lambda's Runtime.HandlerNotFound."""


class InProcessInvoker:
    """Import the handler from the function's CodeUri and call it in this process.

    Fast and debuggable (breakpoints work), with Lambda's environment variables set around
    each call and Cognito's 5-second limit enforced: by a timer signal on the main thread
    (:mod:`.inprocess_alarm`), else on a daemon worker thread. Modules are imported
    once per process and stay warm, as in a Lambda execution environment; each function, in
    each configuration, has an import namespace of its own (:mod:`.namespaces`): another
    configuration of a function (other variables after template parameters) is a cold start.
    """

    name = "inprocess"
    #: The functions' AWS calls reach moto's in-process mock (``mock_aws``): no endpoint.
    aws_endpoint_url: str | None = None

    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        #: The functions whose handlers are loaded (their code folders, for reload()).
        self._loaded: dict[str, FunctionSpec] = {}
        self._worker: _Worker | None = None  # started by the first invocation off the main thread
        self._alarmed = False
        #: Each function's Lambda environment variables and namespace (they depend on nothing
        #: else).
        self._environments: dict[int, _Known] = {}

    def _load(
        self, function: FunctionSpec, space: Space, alarm: Alarm | None
    ) -> tuple[Callable[..., Any], float | None]:
        key = id(space)
        handler = _HANDLERS.get(key)
        if handler is not None:
            self._loaded[function.logical_id] = function
            return handler, None
        module_name, _, attribute = function.handler.rpartition(".")
        if not module_name:
            raise ImportError(f"Bad handler '{function.handler}': expected module.function")
        roots = space[0]
        NAMESPACES.set_aside(module_name.partition(".")[0], roots)
        NAMESPACES.set_aside(module_name, roots)
        started = time.perf_counter()
        module = (
            importlib.import_module(module_name)
            if alarm is None
            else alarm.run(importlib.import_module, module_name)
        )
        init_ms = (time.perf_counter() - started) * 1000
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise _HandlerNotFound(f"Handler '{attribute}' missing on module '{module_name}'")
        _HANDLERS[key] = handler
        self._loaded[function.logical_id] = function
        return handler, init_ms

    def _known(self, function: FunctionSpec) -> _Known:
        known = self._environments.get(id(function))
        if known is None or known[0] is not function:
            # (the spec is kept with its variables, so that its id names it)
            wanted = lambda_environment(function, self.region)
            encoded: tuple[tuple[Any, Any], ...] = (
                tuple(_encoded(name, value) for name, value in wanted.items())
                if _ENVIRON_STORE is not None
                else tuple(wanted.items())
            )
            space: Space = (code_roots(function), configuration(function, wanted))
            space = _SPACES.setdefault(space, space)
            known = self._environments[id(function)] = (function, encoded, space)
        return known

    @staticmethod
    def _swap_in(known: _Known) -> list[tuple[Any, Any]]:
        """Set the function's Lambda environment variables; what to put back afterwards.

        No lock: a lock held by a trigger that timed out (and still runs) would stall every
        later invocation. One invocation runs at a time, so swaps cannot interleave, except
        with such an abandoned handler, which restores its variables when it finally ends.
        Only what differs is set and put back (see :data:`_ENVIRON_STORE` for how).
        """
        saved: list[tuple[Any, Any]] = []
        store = _ENVIRON_STORE
        key: Any
        value: Any
        if store is not None:
            for key, value in known[1]:
                old = store.get(key)
                if old != value:
                    saved.append((key, old))
                    os.putenv(key, value)
                    store[key] = value
            return saved
        environ = os.environ
        for key, value in known[1]:
            text = environ.get(key)
            if text != value:
                saved.append((key, text))
                environ[key] = value
        return saved

    @staticmethod
    def _swap_out(saved: list[tuple[Any, Any]]) -> None:
        store = _ENVIRON_STORE
        for key, old in saved:
            if store is not None:
                if old is not None:
                    os.putenv(key, old)
                    store[key] = old
                elif store.pop(key, None) is not None:  # (the function may have removed it)
                    os.unsetenv(key)
            elif old is not None:
                os.environ[key] = old
            else:
                with suppress(KeyError):  # (the function may have removed it itself)
                    del os.environ[key]

    def _call(self, function: FunctionSpec, payload: str, alarm: Alarm | None) -> InvokeResult:
        log = trigger_logs.begin()
        try:
            result = self._call_captured(function, payload, alarm)
        finally:
            trigger_logs.end()
        result.logs = log.getvalue()
        return result

    def _call_captured(
        self, function: FunctionSpec, payload: str, alarm: Alarm | None
    ) -> InvokeResult:
        result = InvokeResult()
        if not function.runtime.startswith("python"):
            # Never import another language's code as Python.
            result.error_type = "Runtime.Unsupported"
            result.error_message = (
                f"{function.logical_id} runs {function.runtime}: the in-process invoker runs "
                "Python functions only (use --invoke auto for Node.js, --invoke sam or --invoke "
                "lambda for others)"
            )
            return result
        known = self._known(function)
        saved = self._swap_in(known)
        try:
            NAMESPACES.activate(known[2])
            try:
                handler, result.init_duration_ms = self._load(function, known[2], alarm)
            except _HandlerNotFound as error:  # the module loads; the function is not in it
                result.error_type = "Runtime.HandlerNotFound"
                result.error_message = f"{function.handler} is undefined or not exported ({error})"
                return result
            except Exception as error:  # what Lambda reports for code that does not load
                result.error_type, result.error_message = import_failure(function, error)
                result.traceback = traceback.format_exc()
                return result
            finally:
                NAMESPACES.settle()
            context = LambdaContext(
                function_name=function.function_name,
                memory_limit_in_mb=function.memory_size,
                timeout_seconds=function.timeout,
                region=self.region,
                clock=time.monotonic,
            )
            trigger_logs.request_id(context.aws_request_id)
            started = time.perf_counter()
            try:
                # Lambda hands the handler a freshly parsed copy of the JSON it was sent.
                event = json.loads(payload)
                response = (
                    handler(event, context) if alarm is None else alarm.run(handler, event, context)
                )
            except Exception as error:
                result.error_type = type(error).__name__
                result.error_message = str(error)
                result.traceback = traceback.format_exc()
            except SystemExit as error:  # the runtime process would die: Runtime.ExitError
                result.error_type = "Runtime.ExitError"
                result.error_message = f"RequestId: {context.aws_request_id} Error: exit {error}"
            else:
                try:
                    # ...and serialises what it returns: anything JSON cannot carry fails here.
                    result.payload = json.loads(json.dumps(response))
                except (TypeError, ValueError):
                    result.error_type = "Runtime.MarshalError"
                    result.error_message = "Unable to marshal response: not JSON serializable"
            result.duration_ms = (time.perf_counter() - started) * 1000
            NAMESPACES.settle()
        finally:
            self._swap_out(saved)
        return result

    def invoke(self, function: FunctionSpec, event: dict[str, Any], timeout: float) -> InvokeResult:
        payload = json.dumps(event)
        if not self._alarmed and Alarm.usable():
            return self._invoke_here(function, payload, timeout)
        worker = self._worker
        if worker is None:
            worker = self._worker = _Worker()
        reply: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        worker.jobs.put((lambda: self._call(function, payload, None), reply))
        try:
            result, error = reply.get(timeout=timeout)
        except queue.Empty:
            # The handler keeps running on the worker (Python cannot stop a thread): abandon
            # it, to end when the handler returns; later invocations get a fresh worker so one
            # stuck trigger does not stall the rest, and as a daemon it never delays the exit.
            if self._worker is worker:
                self._worker = None
            worker.stop()
            return InvokeResult(timed_out=True, duration_ms=timeout * 1000)
        if error is not None:
            raise error
        assert result is not None
        return result

    def _invoke_here(self, function: FunctionSpec, payload: str, timeout: float) -> InvokeResult:
        """On this (main) thread, the timeout enforced by a timer signal."""
        alarm = Alarm()
        self._alarmed = True  # a trigger's code invoking again goes to the worker
        alarm.arm(timeout)
        try:
            result: InvokeResult | None = self._call(function, payload, alarm)
        except TriggerTimedOut:
            result = None
        finally:
            fired = alarm.disarm()
            self._alarmed = False
        if fired or result is None:
            return InvokeResult(timed_out=True, duration_ms=timeout * 1000)
        return result

    def reload(self) -> None:
        """Forget every imported handler and its folders' modules: the next invocations import
        the code again (``harness serve`` after a trigger file changed), with a cold start, as
        a new Lambda version would have."""
        roots = {code_roots(function) for function in self._loaded.values()}
        self._loaded.clear()
        for space in _SPACES.values():
            if space[0] in roots:
                _HANDLERS.pop(id(space), None)
        for root in roots:
            NAMESPACES.forget(root)
        importlib.invalidate_caches()

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
