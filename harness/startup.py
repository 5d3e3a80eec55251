"""The garbage collector while a ``harness`` command starts.

A command's start-up (its imports, the template, the emulated pool) makes about a million
objects that live as long as the process. The collector's passes over them while they are
made, and again in every full collection after, cost a one-call replay ~0.15 s and a 600-call
replay ~0.2 s on the 2-core machine bench/ measures on (bench/README.md, "Start-up and the
garbage collector"). So the console script holds the collector off from its first line
(:func:`hold`) until the first emulated pool is built (:func:`ready`, which
:meth:`harness.emulator.Emulator.start` calls); then it freezes what start-up made out of every
later collection and turns the collector back on. That is the sequence the Python
documentation gives for :func:`gc.freeze`: disable early, freeze, enable
(https://docs.python.org/3/library/gc.html#gc.freeze).

Only the console script (:mod:`harness.__main__`) holds. A program or a test process that
imports the harness keeps its own collector settings, and :func:`ready` leaves them alone.
Commands that build no pool (``events``, ``settings``, ``routing``, ``record``) are short and
never release; ``replay --live`` releases before its first call.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Hold the collector off while the command starts (the console script's first line)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def ready() -> None:
    """The start-up is over: freeze what it made out of later collections, collect again.
    A no-op unless :func:`hold` held the collector, and after the first call."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def held() -> bool:
    """Whether the collector is held off by :func:`hold` (for tests and ``--debug``)."""
    return _held
