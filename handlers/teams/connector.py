"""Whether the Bot Connector can be reached, for `/readyz` (as Slack's plug-in tracks its Web API).

Teams' replies and reminders go to the Bot Connector at the activity's `serviceUrl`. A send that
fails for the network (the connection refused or dropped, no answer in time) marks it unreachable:
one error line, and a check with back-off (1, 2, 4 … 60 s) in the background until the address
answers again — any HTTP answer will do, no token is sent — so `/readyz` turns ready by itself.
A send that gets any HTTP answer marks it reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

import aiohttp

from handlers.backoff import MAX_BACKOFF_SECONDS, backoff_delays, describe_network_error

log = logging.getLogger(__name__)

PROBLEM = "teams bot connector not reachable"
CHECK_TIMEOUT_SECONDS = 10.0
# What a send raises when the Bot Connector could not be reached (an HTTP error status is an answer).
NETWORK_ERRORS = (aiohttp.ClientConnectionError, TimeoutError, OSError)


class ConnectorReachability:
    def __init__(self, check_timeout_seconds: float = CHECK_TIMEOUT_SECONDS) -> None:
        # None until the first send; False from a failed send until a send or a check gets an answer.
        self.reachable: bool | None = None
        self.check_timeout_seconds = check_timeout_seconds
        self._checking: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def watching(self, service_url: str | None) -> Iterator[None]:
        """Around a send to `service_url` (None: nothing goes over the network, e.g. expectReplies)."""
        if not service_url:
            yield
            return
        try:
            yield
        except aiohttp.ClientResponseError:
            self.answered()
            raise
        except NETWORK_ERRORS as error:
            self.failed(service_url, error)
            raise
        self.answered()

    def answered(self) -> None:
        if self.reachable is False:
            log.info("Teams Bot Connector reachable again")
            self._stop_checking()
        self.reachable = True

    def failed(self, service_url: str, error: BaseException) -> None:
        if self.reachable is not False:
            log.error("Teams Bot Connector not reachable at %s (%s); checking again with back-off",
                      to_origin(service_url), describe_network_error(error))
        self.reachable = False
        if self._checking is None or self._checking.done():
            self._checking = asyncio.create_task(self.check(service_url), name="teams connector check")

    async def check(self, service_url: str) -> None:
        timeout = aiohttp.ClientTimeout(total=self.check_timeout_seconds)
        for attempt, delay in enumerate(backoff_delays(), 1):
            await asyncio.sleep(delay)
            try:
                async with aiohttp.ClientSession(timeout=timeout) as session, \
                        session.get(to_origin(service_url), allow_redirects=False) as response:
                    await response.release()
            except NETWORK_ERRORS as error:
                log.warning("Teams Bot Connector still not reachable (check %d: %s); next check in %d s", attempt,
                            describe_network_error(error), min(delay * 2, MAX_BACKOFF_SECONDS))
                continue
            self._checking = None
            self.answered()
            return

    def problems(self) -> list[str]:
        return [PROBLEM] if self.reachable is False else []

    async def stop(self) -> None:
        self._stop_checking()

    def _stop_checking(self) -> None:
        checking, self._checking = self._checking, None
        if checking is not None and checking is not asyncio.current_task():
            checking.cancel()


def to_origin(service_url: str) -> str:
    """The serviceUrl's scheme, host and port: what the log names and the check asks."""
    parts = urlsplit(service_url)
    return f"{parts.scheme}://{parts.netloc}/"
