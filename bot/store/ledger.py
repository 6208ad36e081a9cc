"""The delivery ledger: one row per (event, event start, offset, platform, target).

Exactly-once rests on its unique key, not on locks held by one process: a delivery is claimed by
inserting its row, and only the process whose insert succeeds posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update

from bot.store.database import Part
from bot.store.records import (
    ANNOUNCEMENT_PREFIX,
    INCLUDED,
    DeliveryKey,
    FailedDelivery,
    Target,
    is_announcement,
    to_document_id,
)
from bot.store.tables import delivery_table, utcnow


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row as read back."""

    key: DeliveryKey
    due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    updated_at: datetime
    sent_at: datetime | None


def to_key_values(key: DeliveryKey) -> dict[str, Any]:
    return {
        "event_id": key.event_id, "event_start": key.event_start, "offset_seconds": key.offset_seconds,
        "platform": key.platform, "target_id": key.target_id,
    }


def to_key_clause(key: DeliveryKey) -> Any:
    return and_(*(delivery_table.c[name] == value for name, value in to_key_values(key).items()))


class DeliveryLedger(Part):
    def keys(self, events_since: datetime) -> set[DeliveryKey]:
        """Keys of every ledger row for events starting at or after `events_since`."""
        with self.db.statement() as connection:
            rows = connection.execute(
                select(delivery_table.c.event_id, delivery_table.c.event_start, delivery_table.c.offset_seconds,
                       delivery_table.c.platform, delivery_table.c.target_id)
                .where(delivery_table.c.event_start >= events_since)
            ).all()
        return {DeliveryKey(*row) for row in rows}

    def claim(self, key: DeliveryKey, due_at: datetime, now: datetime | None = None) -> bool:
        """Atomically take the right to post this reminder; False when any process already has."""
        now = now or utcnow()
        return self.db.insert_new(delivery_table, **to_key_values(key), due_at=due_at, status="claimed",
                                  attempts=0, created_at=now, updated_at=now)

    def record_missed(self, key: DeliveryKey, due_at: datetime, reason: str, now: datetime | None = None) -> bool:
        """Record a reminder that will never be sent; False when the ledger already has it."""
        now = now or utcnow()
        return self.db.insert_new(delivery_table, **to_key_values(key), due_at=due_at, status="missed",
                                  attempts=0, last_error=reason[:500], created_at=now, updated_at=now)

    def note_attempt(self, key: DeliveryKey, now: datetime | None = None) -> None:
        """Count a post about to be made; a claim with attempts is never handed to another process."""
        self._update_claimed(key, attempts=delivery_table.c.attempts + 1, updated_at=now or utcnow())

    def note_error(self, key: DeliveryKey, error: str, now: datetime | None = None) -> None:
        self._update_claimed(key, last_error=error[:500], updated_at=now or utcnow())

    def mark_sent(self, key: DeliveryKey, *, late: bool, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._update_claimed(key, status="late" if late else "sent", sent_at=now, updated_at=now)

    def mark_failed(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> None:
        self._update_claimed(key, status="failed", last_error=reason[:500], updated_at=now or utcnow())

    def mark_unknown(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> None:
        """The post may have reached the platform: never claimed or posted again."""
        self._update_claimed(key, status="unknown", last_error=reason[:500], updated_at=now or utcnow())

    def mark_missed(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> None:
        self._update_claimed(key, status="missed", last_error=reason[:500], updated_at=now or utcnow())

    def _update_claimed(self, key: DeliveryKey, **values: Any) -> None:
        with self.db.statement() as connection:
            connection.execute(
                update(delivery_table).where(to_key_clause(key), delivery_table.c.status == "claimed").values(**values)
            )

    def release_claim(self, key: DeliveryKey) -> bool:
        """Give a claim back (the reminder is due again for any process); False when not claimed."""
        with self.db.statement() as connection:
            return connection.execute(delete(delivery_table).where(
                to_key_clause(key), delivery_table.c.status == "claimed",
            )).rowcount > 0

    def abandon_claim(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> str:
        """Settle a claim whose post was interrupted, as `recover_stale_claims` does for a dead
        process: released when no attempt was made, else marked failed (it may have been posted).
        Returns "released", "failed" or "" (the row was no longer claimed)."""
        claimed = and_(to_key_clause(key), delivery_table.c.status == "claimed")
        with self.db.transaction() as connection:
            if connection.execute(delete(delivery_table).where(claimed, delivery_table.c.attempts == 0)).rowcount:
                return "released"
            failed = connection.execute(update(delivery_table).where(claimed).values(
                status="failed", updated_at=now or utcnow(),
                last_error=f"{reason}; not resent so that it is never posted twice"[:500],
            )).rowcount
        return "failed" if failed else ""

    def recover_stale_claims(self, older_than: datetime, now: datetime | None = None) -> tuple[int, int]:
        """Claims left by a process that died: (released, failed).

        A claim with no attempt was never posted, so its row is deleted and the reminder is due
        again. A claim that had started posting may or may not have reached the platform; it is
        marked failed rather than posted a second time.
        """
        stale = and_(delivery_table.c.status == "claimed", delivery_table.c.updated_at < older_than)
        with self.db.transaction() as connection:
            released = connection.execute(delete(delivery_table).where(stale, delivery_table.c.attempts == 0)).rowcount
            failed = connection.execute(
                update(delivery_table).where(stale, delivery_table.c.attempts > 0).values(
                    status="failed", updated_at=now or utcnow(),
                    last_error="interrupted while posting; not resent so that it is never posted twice",
                )
            ).rowcount
        return released, failed

    def rows(
        self, *, target: Target | None = None, statuses: Sequence[str] = (), event_id: str | None = None,
    ) -> list[LedgerRow]:
        query = select(delivery_table).order_by(delivery_table.c.due_at, delivery_table.c.id)
        if target:
            query = query.where(delivery_table.c.platform == target.platform, delivery_table.c.target_id == target.id)
        if statuses:
            query = query.where(delivery_table.c.status.in_(statuses))
        if event_id:
            query = query.where(delivery_table.c.event_id == event_id)
        with self.db.statement() as connection:
            rows = connection.execute(query).all()
        return [
            LedgerRow(
                key=DeliveryKey(r.event_id, r.event_start, r.offset_seconds, r.platform, r.target_id),
                due_at=r.due_at, status=r.status, attempts=r.attempts, last_error=r.last_error,
                updated_at=r.updated_at, sent_at=r.sent_at,
            )
            for r in rows
        ]

    def counts(self) -> dict[str, int]:
        """Reminder rows by status (sent, late, failed, unknown, missed, claimed), across every process."""
        return self._counts(announcements=False)

    def announcement_counts(self) -> dict[str, int]:
        """Announcement rows by status (sent, failed, unknown, claimed, included)."""
        return self._counts(announcements=True)

    def _counts(self, *, announcements: bool) -> dict[str, int]:
        is_announcement = delivery_table.c.event_id.startswith(ANNOUNCEMENT_PREFIX, autoescape=True)
        with self.db.statement() as connection:
            rows = connection.execute(
                select(delivery_table.c.status, func.count())
                .where(is_announcement if announcements else ~is_announcement)
                .group_by(delivery_table.c.status)
            ).all()
        return {status: int(count) for status, count in rows}

    # Announcements of new memoranda share the ledger (bot/reminders/announcements.py names their keys).

    def record_included(self, key: DeliveryKey, now: datetime | None = None) -> bool:
        """A version whose facts an announcement about to be posted carries: never a correction."""
        now = now or utcnow()
        return self.db.insert_new(delivery_table, **to_key_values(key), due_at=now, status=INCLUDED, attempts=0,
                                  created_at=now, updated_at=now)

    def announcement_rows(self) -> dict[tuple[str, Target], dict[int, str]]:
        """(document id, conversation) → {version: status}, for every announcement row."""
        table = delivery_table
        with self.db.statement() as connection:
            rows = connection.execute(
                select(table.c.event_id, table.c.offset_seconds, table.c.platform, table.c.target_id, table.c.status)
                .where(table.c.event_id.startswith(ANNOUNCEMENT_PREFIX, autoescape=True))
            ).all()
        found: dict[tuple[str, Target], dict[int, str]] = {}
        for row in rows:
            place = (to_document_id(row.event_id), Target(row.platform, row.target_id))
            found.setdefault(place, {})[int(row.offset_seconds)] = row.status
        return found

    def announcement_history(self, target: Target | None = None) -> list[LedgerRow]:
        """Announcement rows (of one conversation, or all), oldest first; `included` rows left out."""
        rows = self.rows(target=target)
        return [row for row in rows if is_announcement(row.key.event_id) and row.status != INCLUDED]

    async def failed_deliveries(self, target: Target, limit: int) -> list[FailedDelivery]:
        """The commands' `DeliveryHistory`: this target's last failed posts, and those whose outcome
        is unknown (they may have been posted)."""
        rows = await self.call(self.rows, target=target, statuses=("failed", "unknown"))
        rows = [row for row in rows if not is_announcement(row.key.event_id)]
        return [FailedDelivery(row.key.event_id, row.due_at, to_failure_reason(row.status, row.last_error or ""))
                for row in rows[-limit:]]


def to_failure_reason(status: str, error: str) -> str:
    return f"送信結果不明（届いている可能性あり）: {error}" if status == "unknown" else error
