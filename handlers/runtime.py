"""The running bot, assembled: `python app.py` with credentials ends up here.

Settings → KnowledgeBase → store, dispatcher (with its observers), reloader → the one aiohttp
server with Slack, Teams, reminders and the operations endpoints as extensions, on one loop:

- `/healthz` — the process is up (served by handlers/server.py).
- `/readyz` — data loaded, database reachable, Slack Socket Mode connected where configured;
  503 with the reasons otherwise.
- `/metrics` — Prometheus: questions by platform and kind, answer latency, reminder deliveries by
  status, knowledge reloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.commands import Commands, Services
from bot.delivery import Sender
from bot.dispatch import Asked, Dispatcher
from bot.engine import Engine
from bot.feedback import FeedbackRecorder, PrivateFeedback
from bot.insights import is_worth_recording, to_interaction
from bot.knowledge import KnowledgeBase
from bot.logs import setup_logging
from bot.metrics import CONTENT_TYPE, Metrics
from bot.reload import KnowledgeReloader, ReloadResult
from bot.reminder_service import configured_targets
from bot.settings import Settings
from bot.store import Store
from handlers.reminders import reminder_extension
from handlers.server import SHUTDOWN_KEY, SOCKET_MODE_KEY, WebExtension, run_server, to_secrets

log = logging.getLogger(__name__)

READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


@dataclass
class Runtime:
    settings: Settings
    store: Store
    dispatcher: Dispatcher
    reloader: KnowledgeReloader
    commands: Commands
    metrics: Metrics = field(default_factory=Metrics)


def build_commands(settings: Settings, dispatcher: Dispatcher, store: Store | None = None,
                   reloader: KnowledgeReloader | None = None) -> Commands:
    """The commands with this process's parts: the same for Slack, Teams and every instance."""
    return Commands(Services(
        knowledge=lambda: dispatcher.kb, subscriptions=store.subscriptions if store else None,
        deliveries=store.ledger if store else None, reports=store, reloader=reloader,
        configured_targets=tuple(configured_targets(settings)),
    ))


def build_runtime(settings: Settings, kb: KnowledgeBase) -> Runtime:
    store = Store(settings.database_url)
    dispatcher = Dispatcher(Engine(kb), conversations=store.conversations)
    reloader = KnowledgeReloader(settings.data_path, dispatcher)
    runtime = Runtime(settings, store, dispatcher, reloader, build_commands(settings, dispatcher, store, reloader))
    dispatcher.observers += [count_answer(runtime.metrics), record_unanswered(runtime), log_answer(settings)]
    runtime.reloader.on_result.append(count_reload(runtime.metrics))
    runtime.metrics.watch_deliveries(store.ledger.counts)
    return runtime


# --- observers -----------------------------------------------------------------------------------


def count_answer(metrics: Metrics) -> Callable[[Asked], None]:
    def observe(asked: Asked) -> None:
        metrics.questions.labels(asked.platform, asked.answer.kind).inc()
        metrics.answer_seconds.labels(asked.platform).observe(asked.seconds)

    return observe


def record_unanswered(runtime: Runtime) -> Callable[[Asked], Awaitable[None]]:
    """Every fallback and clarification goes to the store, for `python app.py report`."""
    keep_user_ids = runtime.settings.log_user_ids

    async def observe(asked: Asked) -> None:
        if is_worth_recording(asked.answer):
            user_id = asked.user_id if keep_user_ids else ""
            await runtime.store.questions.record(to_interaction(
                asked.question, asked.platform, asked.conversation_id, asked.answer, asked.at, user_id))

    return observe


def log_answer(settings: Settings) -> Callable[[Asked], None]:
    def observe(asked: Asked) -> None:
        extra: dict[str, object] = {"platform": asked.platform, "conversation_id": asked.conversation_id,
                                    "kind": asked.answer.kind, "topic": asked.answer.topic_id}
        if settings.log_messages:
            extra["question"] = asked.question
        if settings.log_user_ids and asked.user_id:
            extra["user_id"] = asked.user_id
        log.info("answered %s in %.1f ms", asked.answer.kind, asked.seconds * 1000, extra=extra)

    return observe


def count_reload(metrics: Metrics) -> Callable[[ReloadResult], None]:
    def observe(result: ReloadResult) -> None:
        metrics.reloads.labels("ok" if result.ok else "rejected").inc()

    return observe


# --- the operations endpoints and the file watcher -----------------------------------------------


def operations_extension(runtime: Runtime) -> WebExtension:
    def attach(web_app: web.Application) -> None:
        async def ready(request: web.Request) -> web.Response:
            problems = await asyncio.to_thread(readiness_problems, runtime)
            if request.app[SHUTDOWN_KEY].is_started:
                problems.append("shutting down")  # let the load balancer send new work elsewhere
            socket_mode = request.app.get(SOCKET_MODE_KEY)
            if socket_mode is not None and not await socket_mode.client.is_connected():
                problems.append("slack socket mode is not connected")
            status = 503 if problems else 200
            return web.json_response({"ready": not problems, "problems": problems}, status=status)

        async def metrics(_request: web.Request) -> web.Response:
            return web.Response(body=runtime.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

        web_app.router.add_get(READY_PATH, ready)
        web_app.router.add_get(METRICS_PATH, metrics)
        if runtime.settings.watch_data:
            web_app.cleanup_ctx.append(_watch_lifecycle(runtime.reloader))

    return attach


def readiness_problems(runtime: Runtime) -> list[str]:
    problems = []
    if not runtime.dispatcher.kb.partners:
        problems.append("no knowledge base loaded")
    if not runtime.store.db.is_reachable():
        problems.append("database not reachable")
    return problems


def _watch_lifecycle(reloader: KnowledgeReloader) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(_web_app: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(reloader.watch(stop), name="knowledge watcher")
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(watcher, 2)

    return lifecycle


# --- running -------------------------------------------------------------------------------------


def to_extensions(runtime: Runtime) -> list[WebExtension]:
    """Operations, Teams (when configured) and reminders to every configured platform."""
    extensions = [operations_extension(runtime)]
    extra_senders: dict[str, Sender] = {}
    if runtime.settings.teams_enabled:
        from handlers.teams.activities import build_teams_service, teams_extension  # the Agents SDK loads only if used
        from handlers.teams.reminders import TEAMS

        teams = build_teams_service(runtime.settings, runtime.dispatcher, runtime.store, feedback=to_feedback(runtime),
                                    commands=runtime.commands)
        extensions.append(teams_extension(runtime.settings, runtime.dispatcher, runtime.store, service=teams))
        extra_senders[TEAMS] = teams.reminder_sender()
    extensions.append(reminder_extension(runtime.store, reloader=runtime.reloader, extra_senders=extra_senders))
    return extensions


def to_feedback(runtime: Runtime) -> FeedbackRecorder:
    return PrivateFeedback(runtime.store.votes, keep_user_ids=runtime.settings.log_user_ids)


def run_bot(settings: Settings, kb: KnowledgeBase) -> int:
    """Serve Slack/Teams with reminders until SIGINT/SIGTERM, then stop cleanly (handlers/server.py:
    no new events, work in flight finished within SHUTDOWN_GRACE_SECONDS) and close the database;
    the process exit code."""
    setup_logging(settings.log_level, settings.log_format, to_secrets(settings))
    runtime = build_runtime(settings, kb)
    try:
        return run_server(settings, runtime.dispatcher, extensions=to_extensions(runtime),
                          feedback=to_feedback(runtime), deduplicator=runtime.store.event_claims,
                          commands=runtime.commands)
    finally:
        # Last: every request, answer and reminder post that could still write has finished.
        runtime.store.close()
        log.info("database closed")
