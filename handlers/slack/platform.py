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
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.dispatch import Dispatcher
from bot.commands.registry import Commands
from bot.ops.feedback import FeedbackRecorder
from bot.ops.settings import Settings
from bot.reminders.calendar_files import CalendarFiles
from bot.reminders.delivery import Sender
from handlers.backoff import MAX_BACKOFF_SECONDS, backoff_delays, describe_network_error
from handlers.server import Platform
from handlers.slack.client import to_client_timeout, to_trace_configs
from handlers.slack.dedup import EventDeduplicator
from handlers.slack.gate import DropUnhandled, SlackGate
from handlers.slack.listeners import SlackBot
from handlers.slack.reminders import SlackReminderSender, build_reminder_client
from handlers.slack.settings import SlackSettings
from handlers.slack.tasks import MAX_ANSWERS_WAITING
from handlers.slack.wiring import build_slack_app

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Answers waiting or under way; beyond this an event gets 503 and Slack sends it again later
# (to this instance or another) instead of it waiting in an unbounded queue.


class PendingAnswers(Protocol):
    """Where a stop out of time keeps acknowledged events for the next start (bot/store/pending.py)."""

    async def save(self, bodies: dict[str, str]) -> int: ...

    async def take(self) -> list[str]: ...


class SlackPlatform(Platform):
    """Build it on the loop that will serve it (its HTTP session lives there)."""

    name = "slack"

    def __init__(self, settings: Settings, dispatcher: Dispatcher, *, commands: Commands,
                 feedback: FeedbackRecorder | None = None, deduplicator: EventDeduplicator | None = None,
                 pending: PendingAnswers | None = None, calendar: CalendarFiles | None = None) -> None:
        self.settings = settings
        self.slack = settings.section(SlackSettings)
        self.pending = pending
        self.session = aiohttp.ClientSession(timeout=to_client_timeout(self.slack.timeout_seconds),
                                             trace_configs=to_trace_configs())
        service = build_slack_app(settings, dispatcher, feedback=feedback, deduplicator=deduplicator,
                                  commands=commands, session=self.session, calendar=calendar)
        self.app: AsyncApp = service.app
        self.bot: SlackBot = service.bot
        self.socket_mode: AsyncSocketModeHandler | None = None
        self.gate = SlackGate(self.slack.signing_secret)
        self.app.logger.addFilter(DropUnhandled())
        self.app.logger.addFilter(WithoutTraceback())
        self._connecting: asyncio.Task[None] | None = None
        # Whether the Web API answered the last auth.test: None until the first is made.
        self.api_reachable: bool | None = None
        self._probing: asyncio.Task[None] | None = None

    @property
    def client(self) -> AsyncWebClient:
        return self.app.client

    def reminder_sender(self) -> Sender:
        return SlackReminderSender(build_reminder_client(self.settings), self.bot.calendar.options)

    def routes(self) -> Sequence[web.RouteDef]:
        if self.slack.socket_mode:
            return ()
        return [web.post(EVENTS_PATH, self.handle_events)]

    async def handle_events(self, request: web.Request) -> web.Response:
        admitted = await self.gate.admit(request)
        if isinstance(admitted, web.Response):
            return admitted
        if len(self.bot.tasks) >= MAX_ANSWERS_WAITING:
            self.gate.refusals.warn("too many answers waiting (503: Slack sends it again)")
            return web.Response(status=503, text="busy")
        if self.api_reachable is not True and not await self.check_api("an event arrived"):
            # Acknowledged all the same: Slack would only send it again to a bot that cannot answer.
            return web.Response(status=200)
        bolt_response = await self.app.async_dispatch(admitted)
        if bolt_response.status == 404:
            # Signed, but nothing listens for it (an event type not handled): acknowledged and
            # ignored, as Slack counts any other answer as a failure and retries it.
            return web.Response(status=200)
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        await self.answer_saved()
        if not self.slack.socket_mode:
            return
        self.socket_mode = AsyncSocketModeHandler(self.app, app_token=self.slack.app_token,
                                                  web_client=self.client)
        self._connecting = asyncio.create_task(self.connect_socket_mode(), name="slack socket mode")

    async def connect_socket_mode(self) -> None:
        """Socket Mode's first connection: the WebSocket address from apps.connections.open, asked
        for with back-off (one line per failed attempt) until the API answers; then the SDK's client
        connects and keeps itself connected."""
        assert self.socket_mode is not None
        client = self.socket_mode.client
        for attempt, delay in enumerate(backoff_delays(), 1):
            try:
                client.wss_uri = await client.issue_new_wss_url()
                break
            except (aiohttp.ClientError, SlackApiError, TimeoutError, OSError) as error:
                self.api_reachable = False
                log.error("Slack Socket Mode: cannot open a connection (attempt %d: %s); retrying in %d s",
                          attempt, describe_api_error(error), delay)
                await asyncio.sleep(delay)
        self.api_reachable = True
        await self.socket_mode.connect_async()  # type: ignore[no-untyped-call]

    async def check_api(self, why: str) -> bool:
        """auth.test now: whether the Web API answers this token. When it does not: one error line
        and a probe with back-off in the background, so /readyz turns ready again by itself."""
        try:
            await self.client.auth_test()
        except (aiohttp.ClientError, SlackApiError, TimeoutError, OSError) as error:
            was = self.api_reachable
            self.api_reachable = False
            log.error("Slack API not reachable at SLACK_API_URL (%s) — %s; not answered", describe_api_error(error),
                      why)
            if was is not False and (self._probing is None or self._probing.done()):
                self._probing = asyncio.create_task(self.probe_api(), name="slack api probe")
            return False
        self.api_reachable = True
        return True

    async def probe_api(self) -> None:
        for attempt, delay in enumerate(backoff_delays(), 1):
            await asyncio.sleep(delay)
            try:
                await self.client.auth_test()
            except (aiohttp.ClientError, SlackApiError, TimeoutError, OSError) as error:
                log.warning("Slack API still not reachable (check %d: %s); next check in %d s", attempt,
                            describe_api_error(error), min(delay * 2, MAX_BACKOFF_SECONDS))
                continue
            self.api_reachable = True
            log.info("Slack API reachable again")
            return

    async def stop_receiving(self) -> None:
        """Socket Mode disconnects, so Slack re-sends an unacknowledged event to another connection."""
        if self.socket_mode is not None and not self.socket_mode.client.closed:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]

    async def finish(self, seconds: float) -> None:
        for task in (self._connecting, self._probing):
            if task is not None:
                task.cancel()
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
        body: dict[str, object] = {"slack": self.slack.mode}
        if self.socket_mode is not None:
            body["slack_socket_connected"] = await self.socket_mode.client.is_connected()
        return body

    async def problems(self) -> list[str]:
        problems = []
        if self.api_reachable is False:
            problems.append("slack api not reachable")
        if self.socket_mode is not None and not await self.socket_mode.client.is_connected():
            problems.append("slack socket mode is not connected")
        return problems


def describe_api_error(error: BaseException) -> str:
    """One line: the Slack error code, or the kind of network failure (never a token)."""
    if isinstance(error, SlackApiError):
        return f"Slack said {error.response.get('error', 'error')}"
    return describe_network_error(error)


class WithoutTraceback(logging.Filter):
    """The Socket Mode client reconnects by itself and logs each failure with two tracebacks: one
    line says all an operator can act on (the API unreachable, the network down)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith(("Failed to connect", "Failed to check the current session")):
            error = record.exc_info[1]
            record.exc_info = None
            record.exc_text = None
            if error is not None:
                record.msg = f"{str(record.msg).split(' (error:')[0]} ({describe_api_error(error)}); retrying"
        return True
