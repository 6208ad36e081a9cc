"""The one aiohttp server of the process: Slack's `/slack/events`, `/healthz`, and room for more.

`serve(settings, dispatcher)` runs everything on one asyncio loop:
- `GET /healthz` — always (JSON: status, knowledge-base size, Slack mode).
- `POST /slack/events` — Slack HTTP mode (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, no
  SLACK_APP_TOKEN): events, slash commands and button presses, signature-checked by Bolt.
- Socket Mode — when SLACK_APP_TOKEN is set, a WebSocket client started on the same loop;
  `/slack/events` is then not mounted (an empty signing secret must never verify anything).

Other parts of the process attach themselves with *extensions*: a function that receives the
aiohttp `Application` before it starts and may add routes (Teams: `/api/messages`) or
`cleanup_ctx` / `on_startup` hooks (the reminder scheduler). Inside them, `web_app[SETTINGS_KEY]`,
`web_app[DISPATCHER_KEY]` and, when Slack is configured, `web_app[SLACK_KEY]` (its `.client` is
the Web API client on SLACK_API_URL) give access to what is running.

Stopping (SIGTERM/SIGINT, or `stop` set): one grace period, `web_app[SHUTDOWN_KEY]`
(SHUTDOWN_GRACE_SECONDS, 10 s by default), starts at once and bounds everything that drains:
1. the listening socket closes — no new requests;
2. `on_shutdown` hooks run: Socket Mode disconnects (Slack re-sends an unacknowledged event to
   another connection), the reminder scheduler starts no new post;
3. requests in flight get their responses (aiohttp waits for their handlers);
4. `cleanup_ctx` exits, in reverse order: reminder posts under way finish and are marked in the
   ledger, Slack answers under way are sent, the Slack HTTP session closes.
The caller closes the database afterwards (handlers/runtime.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, fields

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.commands import Commands
from bot.dispatch import Dispatcher
from bot.feedback import FeedbackRecorder
from bot.logs import RedactSecrets, setup_logging
from bot.settings import Settings
from handlers.slack.listeners import EventDeduplicator, SlackService, build_slack_app

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SHUTDOWN_GRACE_SECONDS = 10.0


@dataclass
class Shutdown:
    """The grace period of a stopping server, shared by every part that drains work in flight."""

    grace_seconds: float = SHUTDOWN_GRACE_SECONDS
    deadline: float | None = None  # on the loop's clock, from `begin()`

    def begin(self) -> None:
        if self.deadline is None:
            self.deadline = asyncio.get_running_loop().time() + self.grace_seconds

    @property
    def is_started(self) -> bool:
        return self.deadline is not None

    def remaining(self) -> float:
        """Seconds left to finish work in flight (the whole grace period before `begin()`)."""
        if self.deadline is None:
            return self.grace_seconds
        return max(self.deadline - asyncio.get_running_loop().time(), 0.0)


SHUTDOWN_KEY = web.AppKey("shutdown", Shutdown)
SETTINGS_KEY = web.AppKey("settings", Settings)
DISPATCHER_KEY = web.AppKey("dispatcher", Dispatcher)
SLACK_KEY = web.AppKey("slack", SlackService)
SOCKET_MODE_KEY = web.AppKey("slack_socket_mode", AsyncSocketModeHandler)

WebExtension = Callable[[web.Application], None]


# --- the application -----------------------------------------------------------------------------


async def build_web_app(settings: Settings, dispatcher: Dispatcher, *, feedback: FeedbackRecorder | None = None,
                        deduplicator: EventDeduplicator | None = None,
                        commands: Commands | None = None,
                        extensions: Sequence[WebExtension] = ()) -> web.Application:
    """The aiohttp app with /healthz, Slack (if configured) and every extension attached.

    Must be called on the loop that will serve it (the Slack client's HTTP session lives there).
    """
    web_app = web.Application()
    web_app[SETTINGS_KEY] = settings
    web_app[DISPATCHER_KEY] = dispatcher
    web_app[SHUTDOWN_KEY] = Shutdown(settings.shutdown_grace_seconds)
    web_app.on_shutdown.append(begin_shutdown)
    web_app.router.add_get(HEALTH_PATH, handle_health)
    if settings.slack_enabled:
        session = aiohttp.ClientSession()
        web_app[SLACK_KEY] = build_slack_app(settings, dispatcher, feedback=feedback, deduplicator=deduplicator,
                                             commands=commands, session=session)
        web_app.cleanup_ctx.append(_slack_lifecycle(session))
        web_app.on_shutdown.append(stop_socket_mode)
        if not settings.slack_socket_mode:
            web_app.router.add_post(SLACK_EVENTS_PATH, handle_slack_events)
    for extension in extensions:
        extension(web_app)
    return web_app


def to_slack_mode(settings: Settings) -> str:
    if not settings.slack_enabled:
        return "off"
    return "socket" if settings.slack_socket_mode else "http"


async def handle_health(request: web.Request) -> web.Response:
    web_app = request.app
    kb = web_app[DISPATCHER_KEY].kb
    body: dict[str, object] = {
        "status": "ok",
        "partners": len(kb.partners),
        "events": len(kb.all_events()),
        "slack": to_slack_mode(web_app[SETTINGS_KEY]),
    }
    socket_mode = web_app.get(SOCKET_MODE_KEY)
    if socket_mode is not None:
        body["slack_socket_connected"] = await socket_mode.client.is_connected()
    return web.json_response(body)


async def handle_slack_events(request: web.Request) -> web.Response:
    slack = request.app[SLACK_KEY]
    bolt_response = await slack.app.async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


def _slack_lifecycle(session: aiohttp.ClientSession) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(web_app: web.Application) -> AsyncIterator[None]:
        settings, slack = web_app[SETTINGS_KEY], web_app[SLACK_KEY]
        connecting: asyncio.Task[None] | None = None
        if settings.slack_socket_mode:
            socket_mode = AsyncSocketModeHandler(slack.app, app_token=settings.slack_app_token,
                                                 web_client=slack.client)
            web_app[SOCKET_MODE_KEY] = socket_mode
            # Connect in the background: /healthz is up meanwhile, and the client keeps retrying.
            connecting = asyncio.create_task(socket_mode.connect_async(),  # type: ignore[no-untyped-call]
                                             name="slack socket mode")
        try:
            yield
        finally:
            if connecting is not None:
                connecting.cancel()
                await stop_socket_mode(web_app)  # already done by on_shutdown when run by a runner
            waiting = len(slack.bot.tasks)
            if waiting:
                log.info("finishing %d Slack answer(s) in flight", waiting)
            try:
                await asyncio.wait_for(slack.bot.drain(), web_app[SHUTDOWN_KEY].remaining())
            except TimeoutError:
                log.warning("stopped with %d Slack answer(s) still in flight", len(slack.bot.tasks))
            await session.close()

    return lifecycle


async def begin_shutdown(web_app: web.Application) -> None:
    web_app[SHUTDOWN_KEY].begin()


async def stop_socket_mode(web_app: web.Application) -> None:
    """Stop receiving Socket Mode events (on shutdown, before draining what is in flight)."""
    socket_mode = web_app.get(SOCKET_MODE_KEY)
    if socket_mode is not None and not socket_mode.client.closed:
        await socket_mode.close_async()  # type: ignore[no-untyped-call]


# --- running it ----------------------------------------------------------------------------------


async def serve(settings: Settings, dispatcher: Dispatcher, *, extensions: Sequence[WebExtension] = (),
                stop: asyncio.Event | None = None, feedback: FeedbackRecorder | None = None,
                deduplicator: EventDeduplicator | None = None, commands: Commands | None = None) -> None:
    """Serve on HOST:PORT until `stop` is set (or the task is cancelled), then shut down cleanly.

    `feedback` and `deduplicator` default to in-memory ones (a database-backed pair survives restarts
    and is shared by several processes).
    """
    install_secret_filter(settings)
    web_app = await build_web_app(settings, dispatcher, feedback=feedback, deduplicator=deduplicator,
                                  commands=commands, extensions=extensions)
    shutdown = web_app[SHUTDOWN_KEY]
    # aiohttp waits this long for request handlers in flight once the socket is closed.
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=shutdown.grace_seconds)
    await runner.setup()
    # Everything built so far (dictionaries, indexes, libraries) lives as long as the process: keep
    # it out of the collector's full passes, which otherwise stall the loop for ~40 ms each.
    gc.collect()
    gc.freeze()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        host, port = runner.addresses[0][:2]  # the real port when PORT=0
        log.info("Renkei Bot listening on http://%s:%s (Slack: %s)", host, port, to_slack_mode(settings))
        await (stop or asyncio.Event()).wait()
        log.info("stopping: no new requests; finishing work in flight (up to %.0f s)", shutdown.grace_seconds)
    finally:
        shutdown.begin()
        await runner.cleanup()
    log.info("stopped")


def run_server(settings: Settings, dispatcher: Dispatcher, *, extensions: Sequence[WebExtension] = (),
               feedback: FeedbackRecorder | None = None, deduplicator: EventDeduplicator | None = None,
               commands: Commands | None = None) -> int:
    """Blocking entry for `python app.py`: serve until SIGINT/SIGTERM; the process exit code."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal_number, _request_stop, stop, signal_number)
        await serve(settings, dispatcher, extensions=extensions, stop=stop, feedback=feedback,
                    deduplicator=deduplicator, commands=commands)

    try:
        asyncio.run(main())
    except OSError as error:
        log.error("cannot serve on %s:%s: %s", settings.host, settings.port, error.strerror or error)
        return 1
    return 0


def _request_stop(stop: asyncio.Event, signal_number: int) -> None:
    if stop.is_set():
        log.info("%s received again; still finishing work in flight", signal.Signals(signal_number).name)
        return
    log.info("%s received", signal.Signals(signal_number).name)
    stop.set()


# --- keeping secrets out of logs -----------------------------------------------------------------


def to_secrets(settings: Settings) -> list[str]:
    # Every setting hidden from repr() is a credential (tokens, signing secret, database URL, …).
    values = (getattr(settings, item.name) for item in fields(settings) if not item.repr)
    return [value for value in values if isinstance(value, str) and value]


def install_secret_filter(settings: Settings) -> RedactSecrets:
    """Make every root log handler redact tokens and the configured secrets (bot.logs), setting
    logging up at LOG_LEVEL first if nothing has. Returns the filter (tests remove it again)."""
    root = logging.getLogger()
    if not root.handlers:
        setup_logging(settings.log_level, secrets=to_secrets(settings))
    secret_filter = RedactSecrets(to_secrets(settings))
    for handler in root.handlers:
        handler.addFilter(secret_filter)
    return secret_filter


def remove_secret_filter(secret_filter: RedactSecrets) -> None:
    for handler in logging.getLogger().handlers:
        handler.removeFilter(secret_filter)
