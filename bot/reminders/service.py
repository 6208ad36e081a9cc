"""Wiring for reminders from `Settings`: targets, the deliverer, the scheduler, the plan report.

Platform senders are passed in by the adapters (handlers/), so this module stays free of Slack
and Teams.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.knowledge.model import KnowledgeBase
from bot.ops.settings import Settings
from bot.reminders.announcements import Listener
from bot.reminders.announcer import AnnouncementBook, Announcer
from bot.reminders.delivery import Clock, Deliverer, RetryPolicy, Sender, now_jst
from bot.reminders.due import plan_reminders
from bot.reminders.schedule_view import format_plan
from bot.reminders.scheduler import ReminderScheduler
from bot.store.records import Target
from bot.store.store import Store
from bot.store.subscriptions import Subscriptions


def load_targets(configured: Sequence[Target], subscriptions: Subscriptions) -> list[Target]:
    """The configured conversations first (each platform's, see handlers/targets.py), then every
    subscribed one, each once."""
    targets = [*configured, *(s.target for s in subscriptions.all())]
    return list(dict.fromkeys(targets))


def load_listeners(targets: Sequence[Target], subscriptions: Subscriptions) -> list[Listener]:
    """Who hears of new memoranda: the configured conversations (always), then each subscription
    since it began."""
    configured = [Listener(target) for target in targets]
    subscribed = [Listener(s.target, s.created_at) for s in subscriptions.all() if s.target not in
                  {item.target for item in configured}]
    return list({item.target: item for item in configured + subscribed}.values())


def build_announcement_book(configured: Sequence[Target], knowledge: Callable[[], KnowledgeBase],
                            store: Store) -> AnnouncementBook:
    return AnnouncementBook(knowledge=knowledge, documents=store.documents, ledger=store.ledger,
                            listeners=lambda: load_listeners(configured, store.subscriptions))


def build_scheduler(
    settings: Settings,
    *,
    configured: Sequence[Target] = (),
    knowledge: Callable[[], KnowledgeBase],
    store: Store,
    senders: Mapping[str, Sender],
    clock: Clock = now_jst,
) -> ReminderScheduler | None:
    """The scheduler for this process, or None when SCHEDULER=off. Not started: call `.start()`
    inside the running loop."""
    if not settings.scheduler_enabled:
        return None
    policy = RetryPolicy(max_attempts=settings.reminder_max_attempts, backoff_seconds=settings.reminder_retry_seconds)
    deliverer = Deliverer(store.ledger, senders, policy=policy, clock=clock)
    announcer = Announcer(knowledge=knowledge, documents=store.documents, ledger=store.ledger,
                          revisions=store.revisions, listeners=lambda: load_listeners(configured, store.subscriptions),
                          deliverer=deliverer, clock=clock)
    return ReminderScheduler(
        knowledge=knowledge,
        targets=lambda: load_targets(configured, store.subscriptions),
        ledger=store.ledger,
        deliverer=deliverer,
        clock=clock,
        sweep_seconds=settings.reminder_sweep_seconds,
        grace=timedelta(seconds=settings.reminder_grace_seconds),
        announcer=announcer.run,
    )


def reminders_report(configured: Sequence[Target], kb: KnowledgeBase, now: datetime, store: Store | None = None) -> str:
    """`python app.py reminders`: the planned reminders with their targets; sends nothing."""
    targets = load_targets(configured, store.subscriptions) if store else list(configured)
    return format_plan(plan_reminders(kb, now, targets), now)
