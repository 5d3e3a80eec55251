"""Replays: Cognito API calls read from PowerShell, AWS CLI, JSON or CloudTrail files.

``load_replay([Path("events/replays/sample.ps1")])`` returns a :class:`Replay`: the calls (each
an :class:`ApiCall` in the API's own operation and parameter names, with its ``file:line``
source and optional :class:`Expectation`) and the merged :class:`Setup`. See
:mod:`harness.replay.model` for the conventions (``${previous:Session}``, secrets, hidden values)
and each module of :mod:`harness.replay.readers` for its format.
"""

from harness.replay.loader import load_replay
from harness.replay.model import (
    HIDDEN_MARKERS,
    OUTCOMES,
    PREVIOUS_PREFIX,
    TRIGGER_NAMES,
    TRIGGER_VALUES,
    USER_STATUSES,
    ApiCall,
    Expectation,
    Hidden,
    MfaSettings,
    Replay,
    ReplayError,
    SeedUser,
    Setup,
    previous_ref,
)

__all__ = [
    "HIDDEN_MARKERS",
    "OUTCOMES",
    "PREVIOUS_PREFIX",
    "TRIGGER_NAMES",
    "TRIGGER_VALUES",
    "USER_STATUSES",
    "ApiCall",
    "Expectation",
    "Hidden",
    "MfaSettings",
    "Replay",
    "ReplayError",
    "SeedUser",
    "Setup",
    "load_replay",
    "previous_ref",
]
