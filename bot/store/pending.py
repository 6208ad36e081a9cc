"""Acknowledged Slack events whose answers a stop could not finish (`pending_answers`): saved
when the grace period runs out, taken — each by exactly one instance, since a row is taken by
deleting it — and answered on the next start: late, but once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.store.database import Part
from bot.store.tables import pending_answer_table, utcnow


class SqlPendingAnswers(Part):
    def save_all(self, bodies: dict[str, str], now: datetime | None = None) -> int:
        """Keep each event body under its event id; returns how many were new."""
        now = now or utcnow()
        return sum(self.db.insert_new(pending_answer_table, event_id=event_id, body=body, saved_at=now)
                   for event_id, body in bodies.items())

    def take_all(self) -> list[str]:
        """Every saved body that this call removed (another instance's take gets the rest)."""
        with self.db.statement() as connection:
            rows = connection.execute(select(pending_answer_table.c.event_id, pending_answer_table.c.body)).all()
        taken = []
        for event_id, body in rows:
            with self.db.statement() as connection:
                removed = connection.execute(
                    delete(pending_answer_table).where(pending_answer_table.c.event_id == event_id)).rowcount
            if removed == 1:
                taken.append(str(body))
        return taken

    async def save(self, bodies: dict[str, str]) -> int:
        return await self.call(self.save_all, bodies)

    async def take(self) -> list[str]:
        return await self.call(self.take_all)
