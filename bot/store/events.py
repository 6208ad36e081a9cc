"""Slack event ids already taken on, shared by every instance: the Slack adapter's
`EventDeduplicator`. Slack retries an event it thinks unacknowledged, possibly to another
instance, with the same id; the first instance to insert the id answers.

A claim whose insert failed (the database unreachable, or the connection dropped after the
statement was sent) may be tried again: the retry inserts the same `seen_at`, and when the id is
already there with exactly that time, the row is this claim's own earlier insert, not another
instance's, so the event is still answered, once."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.store.database import Database, Part
from bot.store.tables import processed_event_table, utcnow

KEEP_EVENTS = timedelta(days=1)
# Claims whose insert failed, remembered (bounded) so that their retry can recognise its own row.
MAX_UNSETTLED = 10_000


class SqlEventClaims(Part):
    def __init__(self, db: Database, *, keep: timedelta = KEEP_EVENTS, prune_every: int = 500) -> None:
        super().__init__(db)
        self.keep = keep
        self.prune_every = prune_every
        self._claims_since_prune = 0
        self._unsettled: OrderedDict[str, datetime] = OrderedDict()

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

    def claimed_at(self, event_id: str) -> datetime | None:
        with self.db.statement() as connection:
            row = connection.execute(select(processed_event_table.c.seen_at)
                                     .where(processed_event_table.c.event_id == event_id)).first()
        return row[0] if row is not None else None

    def take_again(self, event_id: str, now: datetime) -> bool:
        """`take` for a claim tried before: its own earlier insert counts as taken by this claim."""
        if self.take(event_id, now):
            return True
        return self.claimed_at(event_id) == now

    async def claim(self, event_id: str) -> bool:
        """`take` on the worker; raises when the database cannot be reached (the caller may try
        again: a retry recognises this claim's own insert)."""
        earlier = self._unsettled.pop(event_id, None)
        now = earlier or utcnow()
        try:
            if earlier is None:
                return await self.call(self.take, event_id, now)
            return await self.call(self.take_again, event_id, now)
        except BaseException:
            self._unsettled[event_id] = now
            while len(self._unsettled) > MAX_UNSETTLED:
                self._unsettled.popitem(last=False)
            raise
