"""The reminder scheduler as one of the server's plug-ins, posting through the platforms' senders.

It starts with the server; on shutdown it starts no new post at once (`stop_receiving`) and then
waits for the posts under way to finish and be marked in the ledger, within the grace period.
Every knowledge reload reschedules it (`reschedule` is a reloader listener).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.answering.dispatch import Dispatcher
from bot.knowledge.model import KnowledgeBase
from bot.ops.settings import Settings
from bot.reminders.delivery import Clock, Sender, now_jst
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.service import build_scheduler
from bot.store.store import Store
from handlers.server import Plugin
from handlers.targets import configured_targets

log = logging.getLogger(__name__)


class Reminders(Plugin):
    """`scheduler` is None on an instance with SCHEDULER=off, with nowhere to post, and until the
    server has started."""

    def __init__(self, settings: Settings, store: Store, dispatcher: Dispatcher, *, senders: Mapping[str, Sender],
                 clock: Clock = now_jst) -> None:
        self.settings = settings
        self.store = store
        self.dispatcher = dispatcher
        self.senders = dict(senders)
        self.clock = clock
        self.scheduler: ReminderScheduler | None = None

    def reschedule(self, kb: KnowledgeBase) -> str:
        """A `KnowledgeReloader` listener: move the reminder jobs to the new data."""
        if self.scheduler is None:
            return "この インスタンスではリマインダーを送りません（SCHEDULER=off）"
        change = self.scheduler.reschedule(kb)
        self.scheduler.announce_soon()
        return change.to_text()

    async def start(self) -> None:
        if not self.settings.scheduler_enabled:
            log.info("reminder scheduler off (SCHEDULER=off)")
            return
        if not self.senders:
            log.info("reminder scheduler not started: nowhere to post (no platform is configured)")
            return
        self.scheduler = build_scheduler(self.settings, configured=configured_targets(self.settings),
                                         knowledge=lambda: self.dispatcher.kb, store=self.store,
                                         senders=self.senders, clock=self.clock)
        if self.scheduler is not None:
            self.scheduler.start()

    async def stop_receiving(self) -> None:
        # Before the server waits for requests in flight, so no reminder starts meanwhile.
        if self.scheduler is not None:
            self.scheduler.begin_stop()

    async def finish(self, seconds: float) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop(timeout=seconds)
            self.scheduler = None
