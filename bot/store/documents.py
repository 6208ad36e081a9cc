"""The documents the bot has seen, for announcing new memoranda once (bot/reminders/announcements.py).

Rows are never deleted: a document removed from the data and added back is not new. Every write
is one statement the database decides, so instances recording the same data at once agree: a new
document is inserted once (`ON CONFLICT DO NOTHING`), a change bumps the version only where the
stored fingerprint is still the old one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.store.database import Part
from bot.store.records import DocumentSnapshot, KnownDocument
from bot.store.tables import document_version_table, known_document_table, utcnow


@dataclass(frozen=True)
class Recorded:
    """What one recording found: the first start's baseline, new documents, changed ones."""

    baseline: bool = False
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


def is_own_change(snapshot: DocumentSnapshot, previous: Mapping[str, str] | None) -> bool:
    return previous is None or previous.get(snapshot.document_id) != snapshot.fingerprint


class KnownDocuments(Part):
    def record(self, snapshots: Sequence[DocumentSnapshot], now: datetime | None = None,
               previous: Mapping[str, str] | None = None) -> Recorded:
        """Note the data's documents. On an empty table (the very first start) they are the
        baseline, known but never announced.

        `previous`: the fingerprints this process recorded last time (None on its first run). A
        document changes version only when this process's own data changed — so an instance that
        has not reloaded yet never turns a correction back (and announces it again) while the
        others move on; on its first run, a difference from the store counts as a change."""
        now = now or utcnow()
        stored = self._stored()
        if not stored:
            return self._record_baseline(snapshots, now)
        new, changed = [], []
        for snapshot in snapshots:
            old = stored.get(snapshot.document_id)
            if old is None:
                if self._insert(snapshot, now):
                    new.append(snapshot.document_id)
            elif old[1] != snapshot.fingerprint and is_own_change(snapshot, previous) and \
                    self._bump(snapshot, old, now):
                changed.append(snapshot.document_id)
        return Recorded(False, tuple(new), tuple(changed))

    def _record_baseline(self, snapshots: Sequence[DocumentSnapshot], now: datetime) -> Recorded:
        # One statement for every document: an instance starting at the same moment sees all of
        # them or none, so it can never take one of them for a new memorandum.
        inserted = self.db.insert_all_new(known_document_table, [
            {"document_id": s.document_id, "version": 0, "fingerprint": s.fingerprint, "baseline": True,
             "first_seen_at": now, "updated_at": now} for s in snapshots
        ])
        self.db.insert_all_new(document_version_table, [
            {"document_id": s.document_id, "version": 0, "facts": s.facts, "recorded_at": now}
            for s in snapshots if s.document_id in inserted
        ])
        return Recorded(bool(inserted), tuple(inserted))

    def _insert(self, snapshot: DocumentSnapshot, now: datetime) -> bool:
        inserted = self.db.insert_new(known_document_table, document_id=snapshot.document_id, version=0,
                                      fingerprint=snapshot.fingerprint, baseline=False, first_seen_at=now,
                                      updated_at=now)
        if inserted:
            self.db.insert_new(document_version_table, document_id=snapshot.document_id, version=0,
                               facts=snapshot.facts, recorded_at=now)
        return inserted

    def _bump(self, snapshot: DocumentSnapshot, old: tuple[int, str], now: datetime) -> bool:
        table = known_document_table
        with self.db.statement() as connection:
            bumped = connection.execute(update(table).where(
                table.c.document_id == snapshot.document_id, table.c.fingerprint == old[1],
            ).values(version=table.c.version + 1, fingerprint=snapshot.fingerprint, updated_at=now)).rowcount
        if bumped:
            self.db.insert_new(document_version_table, document_id=snapshot.document_id, version=old[0] + 1,
                               facts=snapshot.facts, recorded_at=now)
        return bool(bumped)

    def _stored(self) -> dict[str, tuple[int, str]]:
        table = known_document_table
        with self.db.statement() as connection:
            rows = connection.execute(select(table.c.document_id, table.c.version, table.c.fingerprint)).all()
        return {row.document_id: (int(row.version), row.fingerprint) for row in rows}

    def known(self) -> dict[str, KnownDocument]:
        table = known_document_table
        with self.db.statement() as connection:
            rows = connection.execute(select(table)).all()
        return {row.document_id: KnownDocument(row.document_id, int(row.version), bool(row.baseline),
                                               row.first_seen_at) for row in rows}

    def facts(self, document_id: str, version: int) -> dict[str, Any]:
        """The facts of one version as recorded ({} if that version was never recorded)."""
        table = document_version_table
        with self.db.statement() as connection:
            text = connection.execute(select(table.c.facts).where(
                table.c.document_id == document_id, table.c.version == version,
            )).scalar()
        return dict(json.loads(text)) if text else {}
