"""Announcing new memoranda: record the data's documents, work out what is due
(bot/reminders/announcements.py), and post it through the reminders' deliverer and ledger.

`Announcer.run()` is called by the reminder scheduler at start, on every sweep (catching up on
whatever an instance that stopped left undone) and right after a reload. It is safe to run in
several processes at once: the store records each document once, and the ledger's claims decide
who posts. `AnnouncementBook` answers `remind list` and `schedule` from the same data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.knowledge.model import KnowledgeBase
from bot.reminders.announcements import (
    Announcement,
    AnnouncementDue,
    Listener,
    describe_changes,
    due_announcements,
    to_announcement,
    to_announcement_key_text,
    to_facts,
    to_snapshots,
)
from bot.reminders.delivery import Clock, Deliverer, Outcome, now_jst
from bot.reminders.ical import to_fingerprints
from bot.store.documents import KnownDocuments
from bot.store.ledger import DeliveryLedger
from bot.store.records import INCLUDED, AnnouncementRecord, AnnouncementStatus, Target, to_document_id
from bot.store.revisions import EventRevisions

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, *, knowledge: Callable[[], KnowledgeBase], documents: KnownDocuments, ledger: DeliveryLedger,
                 revisions: EventRevisions, listeners: Callable[[], Sequence[Listener]], deliverer: Deliverer,
                 clock: Clock = now_jst) -> None:
        self.knowledge = knowledge
        self.documents = documents
        self.ledger = ledger
        self.revisions = revisions
        self.listeners = listeners
        self.deliverer = deliverer
        self.clock = clock
        self._lock = asyncio.Lock()
        # What this process recorded last (None before its first run): see KnownDocuments.record.
        self._documents: dict[str, str] | None = None
        self._events: dict[str, str] | None = None

    async def run(self) -> list[Outcome]:
        """Record the current data and post every announcement and correction that is due."""
        async with self._lock:  # a sweep and a reload at once in one process: one at a time
            kb, now = self.knowledge(), self.clock()
            await self.record(kb, now)
            known = await self.documents.call(self.documents.known)
            listeners = await self.ledger.call(self.listeners)
            rows = await self.ledger.call(self.ledger.announcement_rows)
            dues = due_announcements([d.id for d in kb.documents], known, listeners, rows, now=now)
            if not dues:
                return []
            composers = [await self.composer(kb, due) for due in dues]
            return list(await asyncio.gather(*(
                self.deliverer.deliver_announcement(due, compose) for due, compose in zip(dues, composers, strict=True)
            )))

    async def record(self, kb: KnowledgeBase, now: datetime) -> None:
        snapshots, fingerprints = to_snapshots(kb), to_fingerprints(kb)
        recorded = await self.documents.call(self.documents.record, snapshots, now, self._documents)
        await self.revisions.call(self.revisions.record, fingerprints, now, self._events)
        self._documents = {s.document_id: s.fingerprint for s in snapshots}
        self._events = fingerprints
        if recorded.baseline:
            log.info("first start: %d document(s) recorded as known; existing memoranda are not announced",
                     len(recorded.new))
        elif recorded.new or recorded.changed:
            log.info("documents: new %s, changed %s", list(recorded.new), list(recorded.changed))

    async def composer(self, kb: KnowledgeBase, due: AnnouncementDue) -> Callable[[datetime], Announcement]:
        """What the post says, composed at the moment of each attempt (its countdown)."""
        document = kb.document_by_id(due.document_id)
        changes: list[str] = []
        if due.kind == "correction" and due.told_version is not None:
            told = await self.documents.call(self.documents.facts, due.document_id, due.told_version)
            changes = describe_changes(told, to_facts(kb, document))
        key = to_announcement_key_text(due)

        def compose(now: datetime) -> Announcement:
            return to_announcement(kb, document, due.kind, now, changes=changes, key=key)

        return compose


class AnnouncementBook:
    """Announcements sent and pending, for `remind list` (one conversation) and `schedule` (all)."""

    def __init__(self, *, knowledge: Callable[[], KnowledgeBase], documents: KnownDocuments, ledger: DeliveryLedger,
                 listeners: Callable[[], Sequence[Listener]]) -> None:
        self.knowledge = knowledge
        self.documents = documents
        self.ledger = ledger
        self.listeners = listeners

    async def announcement_status(self, target: Target | None) -> AnnouncementStatus:
        return await self.ledger.call(self._status, self.knowledge(), target, now_jst())

    def _status(self, kb: KnowledgeBase, target: Target | None, now: datetime) -> AnnouncementStatus:
        titles = {d.id: d.full_title for d in kb.documents}
        sent = []
        for row in self.ledger.announcement_history(target):
            document_id = to_document_id(row.key.event_id)
            title = titles.get(document_id, document_id)
            at = row.sent_at or row.updated_at
            sent.append(AnnouncementRecord(title, row.key.target, row.status, at, row.key.offset_seconds > 0))
        listeners = [item for item in self.listeners() if target is None or item.target == target]
        dues = due_announcements([d.id for d in kb.documents], self.documents.known(), listeners,
                                 self.ledger.announcement_rows(), now=now)
        pending = [AnnouncementRecord(titles[due.document_id], due.target, "pending", None, due.kind == "correction")
                   for due in dues]
        return AnnouncementStatus(tuple(r for r in sent if r.status != INCLUDED), tuple(pending))
