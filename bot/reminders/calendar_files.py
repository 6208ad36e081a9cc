"""The calendar files this process serves and uploads, with the revisions every instance shares
(bot/store/revisions.py): recorded first whenever the knowledge base is one not recorded yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.knowledge.model import KnowledgeBase
from bot.reminders.ical import to_fingerprints, to_ics
from bot.store.records import EventRevision


class RevisionBook(Protocol):
    async def record_async(self, fingerprints: dict[str, str], previous: dict[str, str] | None) -> list[str]: ...
    async def revisions_async(self) -> dict[str, EventRevision]: ...


class CalendarFiles:
    def __init__(self, knowledge: Callable[[], KnowledgeBase], revisions: RevisionBook) -> None:
        self.knowledge = knowledge
        self.revisions = revisions
        self._recorded: KnowledgeBase | None = None
        self._fingerprints: dict[str, str] | None = None

    async def current(self) -> tuple[KnowledgeBase, dict[str, EventRevision]]:
        """The knowledge base now and its events' revisions."""
        kb = self.knowledge()
        if self._recorded is not kb:
            fingerprints = to_fingerprints(kb)
            await self.revisions.record_async(fingerprints, self._fingerprints)
            self._recorded, self._fingerprints = kb, fingerprints
        return kb, await self.revisions.revisions_async()

    async def event_file(self, event_id: str) -> bytes:
        """One event's .ics; `UnknownEvent` when the knowledge base has no such event."""
        kb, revisions = await self.current()
        return to_ics(kb, revisions, event_id)
