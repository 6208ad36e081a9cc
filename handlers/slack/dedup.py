"""Each Slack event, slash command and button press answered once: the claims (in memory or in the
store) and waiting for the store to come back when it is away."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from handlers.slack.incoming import Body, to_user_id

log = logging.getLogger(__name__)


# While the database cannot be reached, an event's claim is tried again after these waits (doubling).
CLAIM_RETRY_SECONDS = 0.25
CLAIM_RETRY_MAX_SECONDS = 2.0


# --- event de-duplication ------------------------------------------------------------------------


class EventDeduplicator(Protocol):
    """Remembers which Events API `event_id`s were already taken on."""

    async def claim(self, event_id: str) -> bool:
        """True the first time `event_id` is seen, False for every repeat (Slack's retries)."""


class InMemoryEventDeduplicator:
    """Claims kept in memory for `ttl_seconds` (Slack retries within minutes), bounded in size."""

    def __init__(
        self, ttl_seconds: float = 3600.0, max_events: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_events = max_events
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def claim(self, event_id: str) -> bool:
        now = self._clock()
        self._forget_before(now - self.ttl_seconds)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        while len(self._seen) > self.max_events:
            self._seen.popitem(last=False)
        return True

    def _forget_before(self, oldest: float) -> None:
        while self._seen:
            first_id, seen_at = next(iter(self._seen.items()))
            if seen_at >= oldest:
                return
            del self._seen[first_id]


def to_command_key(body: Body) -> str:
    """A slash command's stand-in for an event id: a request replayed (within the five minutes its
    signature is valid) has the same team, user, command, text and trigger_id; a new one has a new
    trigger_id. Hashed, so the claim store holds no user id."""
    parts = [str(body.get(name, "")) for name in ("team_id", "user_id", "command", "text", "trigger_id")]
    return "command:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def to_action_key(body: Body, action: Body) -> str:
    """A button press's stand-in for an event id: a replayed block_actions request has the same
    team, user, trigger_id, action and action timestamp; a new press has a new trigger_id. Hashed,
    so the claim store holds no user id."""
    parts = [
        str((body.get("team") or {}).get("id", "")),
        to_user_id(body),
        str(body.get("trigger_id", "")),
        str(action.get("action_id", "")),
        str(action.get("action_ts", "")),
    ]
    return "action:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


async def claim_when_reachable(
    deduplicator: EventDeduplicator,
    event_id: str,
    *,
    first_wait: float = CLAIM_RETRY_SECONDS,
    max_wait: float = CLAIM_RETRY_MAX_SECONDS,
) -> bool:
    """`deduplicator.claim(event_id)`, tried again (waits doubling up to `max_wait`) for as long as
    the database cannot be reached: an acknowledged event is never dropped for a blip, and a retry
    recognises its own earlier insert, so it is never answered twice (bot/store/events.py)."""
    wait, failures = first_wait, 0
    while True:
        try:
            claimed = await deduplicator.claim(event_id)
        except Exception as error:
            failures += 1
            if failures == 1:
                log.warning(
                    "cannot claim Slack event %s (%s); the question waits for the database",
                    event_id,
                    type(error).__name__,
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, max_wait)
            continue
        if failures:
            log.info("Slack event %s claimed after %d failed attempt(s)", event_id, failures)
        return claimed
