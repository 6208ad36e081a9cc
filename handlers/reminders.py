"""Reminders in the bot's one process: the scheduler and the senders on the server's loop.

`reminder_extension(store)` is a `handlers.server` extension: it starts the scheduler when the
aiohttp server starts and, with the process's reloader, reschedules on every reload. On
shutdown the scheduler stops starting posts at once (`on_shutdown`) and, on cleanup, waits for
the posts under way to finish and be marked in the ledger, within the server's grace period.
handlers/runtime.py attaches it for `python app.py`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web

from bot.delivery import Clock, Sender, now_jst
from bot.dispatch import Dispatcher
from bot.knowledge import KnowledgeBase
from bot.reload import KnowledgeReloader
from bot.reminder_service import SLACK, build_scheduler
from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.store import Store
from handlers.server import DISPATCHER_KEY, SETTINGS_KEY, SHUTDOWN_KEY, WebExtension
from handlers.slack.reminders import SlackReminderSender, build_reminder_client

log = logging.getLogger(__name__)


@dataclass
class ReminderServices:
    """The process's reminders; `scheduler` is None on an instance with SCHEDULER=off (and until
    the server has started)."""

    settings: Settings
    store: Store
    dispatcher: Dispatcher
    scheduler: ReminderScheduler | None = None
    clock: Clock = field(default=now_jst)

    def reschedule(self, kb: KnowledgeBase) -> str:
        """A `KnowledgeReloader` listener: move the reminder jobs to the new data."""
        if self.scheduler is None:
            return "この インスタンスではリマインダーを送りません（SCHEDULER=off）"
        return self.scheduler.reschedule(kb).to_text()


SERVICES_KEY = web.AppKey("reminders", ReminderServices)


def start_reminders(settings: Settings, *, dispatcher: Dispatcher, store: Store, clock: Clock = now_jst,
                    extra_senders: Mapping[str, Sender] | None = None) -> ReminderScheduler | None:
    """Start the reminder scheduler on the running loop with the Slack sender (when Slack is
    configured) and `extra_senders` (e.g. {"teams": TeamsReminderSender(...)}); None when
    SCHEDULER=off or there is nowhere to post."""
    if not settings.scheduler_enabled:
        log.info("reminder scheduler off (SCHEDULER=off)")
        return None
    senders = dict(extra_senders or {})
    if settings.slack_enabled:
        senders[SLACK] = SlackReminderSender(build_reminder_client(settings))
    if not senders:
        log.info("reminder scheduler not started: nowhere to post (no platform is configured)")
        return None
    scheduler = build_scheduler(settings, knowledge=lambda: dispatcher.kb, store=store, senders=senders, clock=clock)
    if scheduler is not None:
        scheduler.start()
    return scheduler


def reminder_extension(store: Store, *, reloader: KnowledgeReloader | None = None, clock: Clock = now_jst,
                       extra_senders: Mapping[str, Sender] | None = None) -> WebExtension:
    """Attach reminders to the aiohttp app built by `handlers.server.build_web_app`; with the
    process's `reloader`, every reload (hot reload, `/renkei reload`) reschedules."""

    def attach(web_app: web.Application) -> None:
        services = ReminderServices(web_app[SETTINGS_KEY], store, web_app[DISPATCHER_KEY], clock=clock)
        if reloader is not None:
            reloader.listeners.append(services.reschedule)
        web_app[SERVICES_KEY] = services
        web_app.cleanup_ctx.append(_scheduler_lifecycle(services, extra_senders))
        web_app.on_shutdown.append(_stop_starting_posts(services))

    return attach


def _scheduler_lifecycle(services: ReminderServices, extra_senders: Mapping[str, Sender] | None,
                         ) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(web_app: web.Application) -> AsyncIterator[None]:
        services.scheduler = start_reminders(services.settings, dispatcher=services.dispatcher,
                                             store=services.store, clock=services.clock, extra_senders=extra_senders)
        try:
            yield
        finally:
            if services.scheduler is not None:
                await services.scheduler.stop(timeout=web_app[SHUTDOWN_KEY].remaining())
                services.scheduler = None

    return lifecycle


def _stop_starting_posts(services: ReminderServices) -> Callable[[web.Application], Awaitable[None]]:
    # Runs before the server waits for requests in flight, so no reminder starts meanwhile.
    async def on_shutdown(_web_app: web.Application) -> None:
        if services.scheduler is not None:
            services.scheduler.begin_stop()

    return on_shutdown
