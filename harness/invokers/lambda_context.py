"""The Lambda context object handed to in-process trigger invocations."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LambdaContext:
    """What a Python handler's ``context`` argument offers in Lambda.

    The clock is injectable (``clock`` returns seconds), so ``get_remaining_time_in_millis()``
    is deterministic in tests: with the default frozen clock it always returns the full timeout.
    """

    function_name: str = "trigger"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    timeout_seconds: float = 5.0
    region: str = "us-east-1"
    account_id: str = "123456789012"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    clock: Callable[[], float] = field(default=lambda: 0.0, repr=False)
    _started: float = field(init=False, repr=False, default=0.0)

    def __post_init__(self) -> None:
        self._started = self.clock()

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{time.strftime('%Y/%m/%d')}/[{self.function_version}]{self.aws_request_id[:32]}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = self.clock() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def wall_clock_context(**kwargs: object) -> LambdaContext:
    """A context whose remaining time runs down with the real clock, as in Lambda."""
    return LambdaContext(clock=time.monotonic, **kwargs)  # type: ignore[arg-type]
