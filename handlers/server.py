"""The one aiohttp server of the process. It knows no platform: it serves `/healthz`, `/readyz`
and `/metrics`, and runs the *plugins* it is given — Slack, Teams, the reminder scheduler, the
file watcher — each contributing its routes and its part in starting and stopping.

Stopping (SIGTERM/SIGINT, or `stop` set): one grace period (SHUTDOWN_GRACE_SECONDS, 10 s by
default) starts at once and bounds everything that drains:
1. the listening socket closes — no new requests;
2. every plugin stops receiving (Socket Mode disconnects, so Slack re-sends an unacknowledged
   event to another connection; the scheduler starts no new post);
3. requests in flight get their responses (aiohttp waits for their handlers);
4. every plugin, in reverse order, finishes its work in flight within what is left of the grace
   period (reminder posts are marked in the ledger, Slack answers are sent, sessions close).
The caller closes the database afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.ops.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.reminders.delivery import Sender
from handlers.refusals import RateLimitedLog

log = logging.getLogger(__name__)
slow_clients = RateLimitedLog("slow client cut off")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
SHUTDOWN_GRACE_SECONDS = 10.0
# A request's headers, and then its body, must arrive within this (HTTP_READ_TIMEOUT_SECONDS).
READ_TIMEOUT_SECONDS = 20.0


@dataclass
class Shutdown:
    """The grace period of a stopping server, shared by every plugin that drains work in flight."""

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


class Plugin:
    """A part the server runs. Every method has a do-nothing default; a plugin overrides the ones
    it needs."""

    def routes(self) -> Sequence[web.RouteDef]:
        return ()

    def subapp(self) -> tuple[str, web.Application] | None:
        """Routes under a prefix with application state of their own (what an SDK may insist on)."""
        return None

    async def start(self) -> None:
        """Called once the server is up (on its loop)."""

    async def stop_receiving(self) -> None:
        """Take no new work: called as soon as the server stops, before requests in flight end."""

    async def finish(self, seconds: float) -> None:
        """Finish the work in flight within `seconds`, then let go of what `start` took."""

    async def health(self) -> dict[str, object]:
        """What `/healthz` says about this plugin."""
        return {}

    async def problems(self) -> list[str]:
        """Why this process should get no traffic now (`/readyz`); empty when ready."""
        return []


class Platform(Plugin):
    """A chat platform: a plug-in that also posts reminders, under its name ("slack", "teams")."""

    name = ""

    def reminder_sender(self) -> Sender:
        raise NotImplementedError


@dataclass
class Server:
    """The aiohttp application with its plugins; `serve()` runs it."""

    app: web.Application
    shutdown: Shutdown
    plugins: Sequence[Plugin] = field(default_factory=list)
    read_timeout_seconds: float = READ_TIMEOUT_SECONDS


def build_server(plugins: Sequence[Plugin], *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS,
                 read_timeout_seconds: float = READ_TIMEOUT_SECONDS,
                 health: Callable[[], dict[str, object]] = dict,
                 readiness: Callable[[], Awaitable[list[str]]] | None = None,
                 metrics: Callable[[], Awaitable[bytes]] | None = None) -> Server:
    """The server for `plugins`. `health` adds the process's own facts to `/healthz`;
    `readiness` (the process's own problems) and `metrics` mount `/readyz` and `/metrics`."""
    app = web.Application(middlewares=[read_body_within(read_timeout_seconds)])
    server = Server(app, Shutdown(grace_seconds), list(plugins), read_timeout_seconds)

    async def handle_health(_request: web.Request) -> web.Response:
        body: dict[str, object] = {"status": "ok", **health()}
        for plugin in server.plugins:
            body.update(await plugin.health())
        return web.json_response(body)

    async def handle_ready(_request: web.Request) -> web.Response:
        problems = list(await readiness()) if readiness else []
        if server.shutdown.is_started:
            problems.append("shutting down")  # let the load balancer send new work elsewhere
        for plugin in server.plugins:
            problems += await plugin.problems()
        return web.json_response({"ready": not problems, "problems": problems}, status=503 if problems else 200)

    app.router.add_get(HEALTH_PATH, handle_health)
    if readiness is not None:
        app.router.add_get(READY_PATH, handle_ready)
    if metrics is not None:
        render = metrics

        async def handle_metrics(_request: web.Request) -> web.Response:
            return web.Response(body=await render(), headers={"Content-Type": METRICS_CONTENT_TYPE})

        app.router.add_get(METRICS_PATH, handle_metrics)
    for plugin in server.plugins:
        app.router.add_routes(plugin.routes())
        mounted = plugin.subapp()
        if mounted is not None:
            app.add_subapp(*mounted)
    app.cleanup_ctx.append(_run_plugins(server))
    app.on_shutdown.append(_stop_receiving(server))
    return server


def read_body_within(seconds: float) -> Middleware:
    """A request's body must arrive within `seconds` (aiohttp has no read timeout of its own): a
    client sending it slowly (slowloris) gets 408 and the connection is closed. The body read here
    is kept by aiohttp, so the handler reads it again at no cost."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            try:
                async with asyncio.timeout(seconds):
                    await request.read()
            except TimeoutError:
                slow_clients.warn("request body too slow")
                response = web.Response(status=408, text="request timeout")
                response.force_close()
                return response
        return await handler(request)

    return middleware


def _run_plugins(server: Server) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        for plugin in server.plugins:
            await plugin.start()
        try:
            yield
        finally:
            server.shutdown.begin()
            for plugin in reversed(server.plugins):
                try:
                    await plugin.finish(server.shutdown.remaining())
                except Exception:  # one plugin's failure must not leave the others unfinished
                    log.exception("%s did not finish cleanly", type(plugin).__name__)

    return lifecycle


def _stop_receiving(server: Server) -> Callable[[web.Application], Awaitable[None]]:
    async def on_shutdown(_app: web.Application) -> None:
        server.shutdown.begin()
        for plugin in server.plugins:
            await plugin.stop_receiving()

    return on_shutdown


# --- running it ----------------------------------------------------------------------------------


async def serve(server: Server, host: str, port: int, *, stop: asyncio.Event | None = None) -> None:
    """Serve on host:port until `stop` is set (or the task is cancelled), then shut down cleanly."""
    # aiohttp waits this long for request handlers in flight once the socket is closed.
    # keepalive_timeout: a connection idle, or still sending its headers (aiohttp closes one whose
    # request has not arrived), is closed after the read timeout.
    runner = web.AppRunner(server.app, access_log=None, shutdown_timeout=server.shutdown.grace_seconds,
                           keepalive_timeout=server.read_timeout_seconds)
    await runner.setup()
    # Everything built so far (dictionaries, indexes, libraries) lives as long as the process: keep
    # it out of the collector's full passes, which otherwise stall the loop for ~40 ms each.
    gc.collect()
    gc.freeze()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]  # the real port when PORT=0
        log.info("Renkei Bot listening on http://%s:%s", bound_host, bound_port)
        await (stop or asyncio.Event()).wait()
        log.info("stopping: no new requests; finishing work in flight (up to %.0f s)", server.shutdown.grace_seconds)
    finally:
        server.shutdown.begin()
        await runner.cleanup()
    log.info("stopped")


def run_server(build: Callable[[], Awaitable[Server]], host: str, port: int) -> int:
    """Blocking entry for `python app.py`: build the server on its loop and serve until
    SIGINT/SIGTERM; the process exit code."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal_number, _request_stop, stop, signal_number)
        await serve(await build(), host, port, stop=stop)

    try:
        asyncio.run(main())
    except OSError as error:
        log.error("cannot serve on %s:%s: %s", host, port, error.strerror or error)
        return 1
    return 0


def _request_stop(stop: asyncio.Event, signal_number: int) -> None:
    if stop.is_set():
        log.info("%s received again; still finishing work in flight", signal.Signals(signal_number).name)
        return
    log.info("%s received", signal.Signals(signal_number).name)
    stop.set()
