"""Slack event ids already taken on, shared by every instance: the Slack adapter's
`EventDeduplicator`. Slack retries an event it thinks unacknowledged, possibly to another
instance, with the same id; the first instance to insert the id answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.store.database import Database, Part
from bot.store.tables import processed_event_table, utcnow

KEEP_EVENTS = timedelta(days=1)


class SqlEventClaims(Part):
    def __init__(self, db: Database, *, keep: timedelta = KEEP_EVENTS, prune_every: int = 500) -> None:
        super().__init__(db)
        self.keep = keep
        self.prune_every = prune_every
        self._claims_since_prune = 0

    def take(self, event_id: str, now: datetime | None = None) -> bool:
        """True the first time any process sees `event_id`; False for Slack's retries of it."""
        now = now or utcnow()
        self._claims_since_prune += 1
        if self._claims_since_prune >= self.prune_every:
            self._claims_since_prune = 0
            self.prune(now - self.keep)
        return self.db.insert_new(processed_event_table, event_id=event_id, seen_at=now)

    def prune(self, older_than: datetime) -> int:
        with self.db.statement() as connection:
            stale = processed_event_table.c.seen_at < older_than
            return connection.execute(delete(processed_event_table).where(stale)).rowcount

    async def claim(self, event_id: str) -> bool:
        return await self.call(self.take, event_id)
