"""Each event's revision for the calendar feed: SEQUENCE and LAST-MODIFIED that change when, and
only when, the event's data changes — the same on every instance sharing the database.

Recording is one statement per event that changed, each decided by the database: the first
sighting inserts (`ON CONFLICT DO NOTHING`), a change bumps the sequence only where the stored
fingerprint is still the old one, so two instances reloading the same edit bump it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update

from bot.store.database import Part
from bot.store.records import EventRevision
from bot.store.tables import calendar_revision_table, utcnow


class EventRevisions(Part):
    def record(self, fingerprints: Mapping[str, str], now: datetime | None = None,
               previous: Mapping[str, str] | None = None) -> list[str]:
        """Note every event's current fingerprint; the ids whose revision changed (or are new).

        `previous`: what this process recorded last time (None on its first run): an event's
        revision moves only when this process's own data for it changed, so an instance that has
        not reloaded yet never bumps it back to the old data (bot/store/documents.py, likewise)."""
        now = now or utcnow()
        stored = self._fingerprints()
        changed = []
        for event_id, fingerprint in fingerprints.items():
            old = stored.get(event_id)
            if old == fingerprint:
                continue
            if old is not None and previous is not None and previous.get(event_id) == fingerprint:
                continue  # our data did not change: the store holds another instance's newer (or older) view
            if old is None:
                inserted = self.db.insert_new(calendar_revision_table, event_id=event_id, fingerprint=fingerprint,
                                              sequence=0, modified_at=now)
                if inserted:
                    changed.append(event_id)
                continue
            table = calendar_revision_table
            with self.db.statement() as connection:
                bumped = connection.execute(update(table).where(
                    table.c.event_id == event_id, table.c.fingerprint == old,
                ).values(fingerprint=fingerprint, sequence=table.c.sequence + 1, modified_at=now)).rowcount
            if bumped:
                changed.append(event_id)
        return changed

    def revisions(self) -> dict[str, EventRevision]:
        table = calendar_revision_table
        with self.db.statement() as connection:
            rows = connection.execute(select(table.c.event_id, table.c.sequence, table.c.modified_at)).all()
        return {row.event_id: EventRevision(int(row.sequence), row.modified_at) for row in rows}

    async def record_async(self, fingerprints: dict[str, str], previous: dict[str, str] | None) -> list[str]:
        return await self.call(self.record, fingerprints, None, previous)

    async def revisions_async(self) -> dict[str, EventRevision]:
        return await self.call(self.revisions)

    def _fingerprints(self) -> dict[str, str]:
        table = calendar_revision_table
        with self.db.statement() as connection:
            rows = connection.execute(select(table.c.event_id, table.c.fingerprint)).all()
        return {row.event_id: row.fingerprint for row in rows}
