"""The composition root: `python app.py` with credentials ends up here.

Everything is built once, in one place, and handed to what uses it: settings → logging (with
the secret filter) → the store → the dispatcher with its observers → the reloader → the commands
→ the feedback recorder → the platforms (Slack, Teams), the reminder scheduler and the file
watcher as plug-ins of the one aiohttp server, on one loop. The server adds `/healthz`,
`/readyz` (data loaded, database reachable, every plug-in ready) and `/metrics` (Prometheus:
questions by platform and kind, answer latency, reminder deliveries by status, reloads).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.answering.context import OutageTolerantMemory
from bot.answering.dispatch import Asked, Dispatcher, Replied
from bot.answering.engine import Engine
from bot.commands.registry import Commands, Services
from bot.knowledge.model import KnowledgeBase
from bot.ops.feedback import FeedbackRecorder, PrivateFeedback
from bot.ops.insights import StoreReport, is_worth_recording, to_interaction
from bot.ops.logs import setup_logging, to_secrets
from bot.ops.metrics import Metrics
from bot.ops.reload import KnowledgeReloader, ReloadResult
from bot.ops.settings import Settings, describe_platforms
from bot.reminders.calendar_files import CalendarFiles
from bot.reminders.service import build_announcement_book
from bot.store.database import DatabaseUnavailable
from bot.store.store import Store
from handlers.calendar import CalendarFeed
from handlers.reminders import Reminders
from handlers.server import Platform, Plugin, Server, build_server, run_server
from handlers.slack.settings import SlackSettings
from handlers.targets import configured_targets
from handlers.teams.settings import TeamsSettings

log = logging.getLogger(__name__)


@dataclass
class Core:
    """What every platform shares, built once per process."""

    settings: Settings
    store: Store
    dispatcher: Dispatcher
    reloader: KnowledgeReloader
    commands: Commands
    feedback: FeedbackRecorder
    calendar: CalendarFiles
    metrics: Metrics = field(default_factory=Metrics)


def build_commands(settings: Settings, dispatcher: Dispatcher, store: Store | None = None,
                   reloader: KnowledgeReloader | None = None) -> Commands:
    """The commands with this process's parts: the same for Slack, Teams and every instance."""
    return Commands(Services(
        knowledge=lambda: dispatcher.kb, subscriptions=store.subscriptions if store else None,
        deliveries=store.ledger if store else None, reports=StoreReport(store) if store else None, reloader=reloader,
        configured_targets=configured_targets(settings),
        announcements=build_announcement_book(configured_targets(settings), lambda: dispatcher.kb, store)
        if store
        else None,
    ))


def build_core(settings: Settings, kb: KnowledgeBase) -> Core:
    store = Store(settings.database_url)
    dispatcher = Dispatcher(Engine(kb), conversations=OutageTolerantMemory(store.conversations))
    reloader = KnowledgeReloader(settings.data_path, dispatcher, limits=settings.kb_limits)
    core = Core(settings, store, dispatcher, reloader, build_commands(settings, dispatcher, store, reloader),
                PrivateFeedback(store.votes, keep_user_ids=settings.log_user_ids),
                CalendarFiles(lambda: dispatcher.kb, store.revisions))
    dispatcher.observers += [count_answer(core.metrics), record_unanswered(core), log_untimed_answer(settings)]
    dispatcher.reply_observers += [time_reply(core.metrics), log_reply(settings)]
    reloader.on_result.append(count_reload(core.metrics))
    core.metrics.watch_deliveries(store.ledger.counts)
    core.metrics.watch_announcements(store.ledger.announcement_counts)
    return core


# --- observers -----------------------------------------------------------------------------------


def count_answer(metrics: Metrics) -> Callable[[Asked], None]:
    def observe(asked: Asked) -> None:
        metrics.questions.labels(asked.platform, asked.answer.kind).inc()
        metrics.engine_seconds.labels(asked.platform).observe(asked.seconds)

    return observe


def time_reply(metrics: Metrics) -> Callable[[Replied], None]:
    def observe(replied: Replied) -> None:
        metrics.answer_seconds.labels(replied.asked.platform).observe(replied.seconds)

    return observe


def record_unanswered(core: Core) -> Callable[[Asked], Awaitable[None]]:
    """Every fallback and clarification goes to the store, for `python app.py report`."""
    keep_user_ids = core.settings.log_user_ids

    async def observe(asked: Asked) -> None:
        if is_worth_recording(asked.answer):
            user_id = asked.user_id if keep_user_ids else ""
            await core.store.questions.record(to_interaction(
                asked.question, asked.platform, asked.conversation_id, asked.answer, asked.at, user_id))

    return observe


def log_reply(settings: Settings) -> Callable[[Replied], None]:
    """One line per answer posted: from the event's arrival to the reply posted, and the engine's share."""

    def observe(replied: Replied) -> None:
        asked = replied.asked
        log.info("answered %s in %.1f ms (engine %.1f ms)", asked.answer.kind, replied.seconds * 1000,
                 asked.seconds * 1000, extra=to_log_fields(settings, asked))

    return observe


def log_untimed_answer(settings: Settings) -> Callable[[Asked], None]:
    """The line for an answer whose event's arrival is not known (a button's question)."""

    def observe(asked: Asked) -> None:
        if asked.received_at is None:
            log.info("answered %s (engine %.1f ms)", asked.answer.kind, asked.seconds * 1000,
                     extra=to_log_fields(settings, asked))

    return observe


def to_log_fields(settings: Settings, asked: Asked) -> dict[str, object]:
    fields: dict[str, object] = {"platform": asked.platform, "conversation_id": asked.conversation_id,
                                 "kind": asked.answer.kind, "topic": asked.answer.topic_id}
    if settings.log_messages:
        fields["question"] = asked.question
    if settings.log_user_ids and asked.user_id:
        fields["user_id"] = asked.user_id
    return fields


def count_post(metrics: Metrics, platform: str) -> Callable[[str], None]:
    def observe(outcome: str) -> None:
        metrics.answer_posts.labels(platform, outcome).inc()

    return observe


def count_reload(metrics: Metrics) -> Callable[[ReloadResult], None]:
    def observe(result: ReloadResult) -> None:
        metrics.reloads.labels("ok" if result.ok else "failed" if result.failed else "rejected").inc()

    return observe


class KnowledgeWatcher(Plugin):
    """Reloads the knowledge base whenever its file changes (WATCH_DATA=true)."""

    def __init__(self, reloader: KnowledgeReloader) -> None:
        self.reloader = reloader
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.reloader.watch(self._stop), name="knowledge watcher")

    async def finish(self, seconds: float) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, min(seconds, 2))


# --- the server ----------------------------------------------------------------------------------


def build_platforms(core: Core) -> list[Platform]:
    """Slack and Teams, each where it is configured (their SDKs load only then). Call on the loop
    that will serve them."""
    settings, platforms = core.settings, list[Platform]()
    if settings.section(SlackSettings).enabled:
        from handlers.slack.platform import SlackPlatform

        slack = SlackPlatform(settings, core.dispatcher, commands=core.commands, feedback=core.feedback,
                              deduplicator=core.store.event_claims, pending=core.store.pending_answers,
                              calendar=core.calendar)
        slack.bot.poster.counts.observers.append(count_post(core.metrics, slack.name))
        platforms.append(slack)
    if settings.section(TeamsSettings).enabled:
        from handlers.teams.platform import TeamsPlatform
        from handlers.teams.service import build_teams_service

        platforms.append(TeamsPlatform(build_teams_service(settings, core.dispatcher, core.store,
                                                           feedback=core.feedback, commands=core.commands)))
    return platforms


def assemble(core: Core, platforms: list[Platform]) -> Server:
    """The server running `platforms`, the reminder scheduler and the file watcher."""
    senders = {platform.name: platform.reminder_sender() for platform in platforms}
    reminders = Reminders(core.settings, core.store, core.dispatcher, senders=senders)
    core.reloader.listeners.append(reminders.reschedule)
    feed = CalendarFeed(core.calendar, token=core.settings.calendar_token)
    plugins: list[Plugin] = [*platforms, reminders, feed]
    if core.settings.watch_data:
        plugins.append(KnowledgeWatcher(core.reloader))
    return build_server(plugins, grace_seconds=core.settings.shutdown_grace_seconds,
                        read_timeout_seconds=core.settings.http_read_timeout_seconds,
                        health=lambda: to_health(core.settings, core.dispatcher),
                        readiness=lambda: readiness_problems(core),
                        metrics=lambda: core.store.db.run(core.metrics.render))


def to_health(settings: Settings, dispatcher: Dispatcher) -> dict[str, object]:
    """The process's own part of `/healthz` (the platforms add theirs)."""
    kb = dispatcher.kb
    body: dict[str, object] = {"partners": len(kb.partners), "events": len(kb.all_events())}
    if not settings.section(SlackSettings).enabled:
        body["slack"] = "off"
    return body


async def readiness_problems(core: Core) -> list[str]:
    problems = []
    if not core.dispatcher.kb.partners:
        problems.append("no knowledge base loaded")
    if not await core.store.db.run(core.store.db.is_reachable):
        problems.append("database not reachable")
    last = core.reloader.last
    if last is not None and not last.ok:
        # Still serving the last good data, but the file on disk is not what runs: someone must look.
        problems.append(f"the last reload was rejected ({len(last.problems)} problem(s) in {core.reloader.path})")
    return problems


def run_bot(settings: Settings, kb: KnowledgeBase) -> int:
    """Serve Slack/Teams with reminders until SIGINT/SIGTERM, then stop cleanly (no new events,
    work in flight finished within SHUTDOWN_GRACE_SECONDS) and close the database; the process
    exit code."""
    setup_logging(settings.log_level, settings.log_format, to_secrets(settings))
    log.info(describe_platforms(settings))
    try:
        core = build_core(settings, kb)
    except DatabaseUnavailable as error:
        log.error("configuration error: %s", error)
        return 2

    async def build() -> Server:
        return assemble(core, build_platforms(core))

    try:
        return run_server(build, settings.host, settings.port)
    finally:
        # Last: every request, answer and reminder post that could still write has finished.
        core.store.close()
        log.info("database closed")
