"""Refusals of hostile requests, logged without letting a flood fill the log: one short line per
kind of refusal a minute, the next saying how many were left out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0


@dataclass
class RateLimitedLog:
    """One warning per kind per `every` seconds; the next one says how many were not logged."""

    what: str
    every: float = LOG_EVERY_SECONDS
    clock: Callable[[], float] = time.monotonic
    _last: dict[str, float] = field(default_factory=dict)
    _suppressed: dict[str, int] = field(default_factory=dict)

    def warn(self, kind: str) -> None:
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return
        self._last[kind] = now
        more = self._suppressed.pop(kind, 0)
        log.warning("%s: %s%s", self.what, kind, f" (and {more} more since the last line)" if more else "")
