"""Slack as one of the server's plug-ins: `/slack/events` in HTTP mode or the Socket Mode client,
the answers in flight, and the reminder sender.

Socket Mode replaces `/slack/events` entirely (an empty signing secret must never verify
anything); its client connects in the background, so `/healthz` is up meanwhile and the client
keeps retrying.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.dispatch import Dispatcher
from bot.commands.registry import Commands
from bot.ops.feedback import FeedbackRecorder
from bot.ops.settings import Settings
from bot.reminders.calendar_files import CalendarFiles
from bot.reminders.delivery import Sender
from handlers.server import Platform
from handlers.slack.gate import DropUnhandled, SlackGate
from handlers.slack.listeners import EventDeduplicator, SlackBot, build_slack_app
from handlers.slack.posting import to_client_timeout, to_trace_configs
from handlers.slack.reminders import SlackReminderSender, build_reminder_client

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Answers waiting or under way; beyond this an event gets 503 and Slack sends it again later
# (to this instance or another) instead of it waiting in an unbounded queue.
MAX_ANSWERS_WAITING = 1000


class PendingAnswers(Protocol):
    """Where a stop out of time keeps acknowledged events for the next start (bot/store/pending.py)."""

    async def save(self, bodies: dict[str, str]) -> int: ...

    async def take(self) -> list[str]: ...


def to_slack_mode(settings: Settings) -> str:
    if not settings.slack_enabled:
        return "off"
    return "socket" if settings.slack_socket_mode else "http"


class SlackPlatform(Platform):
    """Build it on the loop that will serve it (its HTTP session lives there)."""

    name = "slack"

    def __init__(self, settings: Settings, dispatcher: Dispatcher, *, commands: Commands,
                 feedback: FeedbackRecorder | None = None, deduplicator: EventDeduplicator | None = None,
                 pending: PendingAnswers | None = None, calendar: CalendarFiles | None = None) -> None:
        self.settings = settings
        self.pending = pending
        self.session = aiohttp.ClientSession(timeout=to_client_timeout(settings.slack_timeout_seconds),
                                             trace_configs=to_trace_configs())
        service = build_slack_app(settings, dispatcher, feedback=feedback, deduplicator=deduplicator,
                                  commands=commands, session=self.session, calendar=calendar)
        self.app: AsyncApp = service.app
        self.bot: SlackBot = service.bot
        self.socket_mode: AsyncSocketModeHandler | None = None
        self.gate = SlackGate(settings.slack_signing_secret)
        self.app.logger.addFilter(DropUnhandled())
        self._connecting: asyncio.Task[None] | None = None

    @property
    def client(self) -> AsyncWebClient:
        return self.app.client

    def reminder_sender(self) -> Sender:
        return SlackReminderSender(build_reminder_client(self.settings), self.bot.calendar.options)

    def routes(self) -> Sequence[web.RouteDef]:
        if self.settings.slack_socket_mode:
            return ()
        return [web.post(EVENTS_PATH, self.handle_events)]

    async def handle_events(self, request: web.Request) -> web.Response:
        admitted = await self.gate.admit(request)
        if isinstance(admitted, web.Response):
            return admitted
        if len(self.bot.tasks) >= MAX_ANSWERS_WAITING:
            self.gate.refusals.warn("too many answers waiting (503: Slack sends it again)")
            return web.Response(status=503, text="busy")
        bolt_response = await self.app.async_dispatch(admitted)
        if bolt_response.status == 404:
            # Signed, but nothing listens for it (an event type not handled): acknowledged and
            # ignored, as Slack counts any other answer as a failure and retries it.
            return web.Response(status=200)
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        await self.answer_saved()
        if not self.settings.slack_socket_mode:
            return
        self.socket_mode = AsyncSocketModeHandler(self.app, app_token=self.settings.slack_app_token,
                                                  web_client=self.client)
        self._connecting = asyncio.create_task(self.socket_mode.connect_async(),  # type: ignore[no-untyped-call]
                                               name="slack socket mode")

    async def stop_receiving(self) -> None:
        """Socket Mode disconnects, so Slack re-sends an unacknowledged event to another connection."""
        if self.socket_mode is not None and not self.socket_mode.client.closed:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]

    async def finish(self, seconds: float) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        await self.stop_receiving()
        self.bot.poster.backoff.lift()
        waiting = len(self.bot.tasks)
        if waiting:
            log.info("finishing %d Slack answer(s) in flight", waiting)
        try:
            await asyncio.wait_for(asyncio.shield(self.bot.drain()), seconds)
        except TimeoutError:
            await self.save_unstarted()
        await self.session.close()

    async def save_unstarted(self) -> None:
        """Out of time: questions acknowledged but not yet being posted are saved (answered on the
        next start); the rest is cancelled (a post under way may or may not have reached Slack)."""
        unstarted = {event_id: json.dumps(body, ensure_ascii=False) for event_id, body in self.bot.unstarted.items()}
        in_flight = len(self.bot.tasks)
        try:
            saved = await self.pending.save(unstarted) if self.pending is not None and unstarted else 0
        except Exception as error:  # the database is away: what waits cannot be kept
            saved = 0
            log.error("cannot save %d unanswered Slack question(s): the database is unreachable (%s)",
                      len(unstarted), type(error).__name__)
        await self.bot.tasks.cancel_all()
        log.warning("stopped with %d Slack answer(s) still in flight: %d saved for the next start", in_flight, saved)

    async def answer_saved(self) -> None:
        """Questions a previous stop saved: answered now, late but once."""
        if self.pending is None:
            return
        bodies = await self.pending.take()
        if bodies:
            log.info("answering %d question(s) saved by the last stop", len(bodies))
        for body in bodies:
            await self.bot.replay(json.loads(body), self.client)

    async def health(self) -> dict[str, object]:
        body: dict[str, object] = {"slack": to_slack_mode(self.settings)}
        if self.socket_mode is not None:
            body["slack_socket_connected"] = await self.socket_mode.client.is_connected()
        return body

    async def problems(self) -> list[str]:
        if self.socket_mode is not None and not await self.socket_mode.client.is_connected():
            return ["slack socket mode is not connected"]
        return []
