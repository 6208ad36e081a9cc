"""The Slack Web API client's plumbing: which failures slack_sdk may retry by itself (only what
cannot have been sent, and no chat.postMessage rate limit: the poster's), every session's
timeouts, and whether a request got as far as sending its headers (handlers/slack/posting.py
asks, to tell a post that never left from one that may have been made)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


@dataclass
class RequestProgress:
    """Whether the request being made in this task got as far as sending its headers."""

    sent: bool = False


request_progress: ContextVar[RequestProgress | None] = ContextVar("renkei_requestrequest_progress", default=None)


async def note_headers_sent(_session: aiohttp.ClientSession, _context: SimpleNamespace,
                            _params: aiohttp.TraceRequestHeadersSentParams) -> None:
    progress = request_progress.get()
    if progress is not None:
        progress.sent = True


def to_trace_configs() -> list[aiohttp.TraceConfig]:
    """For the Slack session: tells the poster whether a request that failed ever left."""
    config = aiohttp.TraceConfig()
    config.on_request_headers_sent.append(note_headers_sent)
    return [config]


class UnsentConnectionRetryHandler(AsyncConnectionErrorRetryHandler):
    """slack_sdk's connection-error retry, only for a connection that was never opened (the
    request cannot have reached Slack); a connection reset after sending is not retried."""

    def __init__(self, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count, error_types=[aiohttp.ClientConnectorError])


class RateLimitRetryExceptPosts(AsyncRateLimitErrorRetryHandler):
    """Retry-After honoured inside the call for everything but chat.postMessage, whose 429 is
    the poster's: it blocks only that channel, outside any answer slot."""

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if request.url.endswith("/chat.postMessage"):
            return False
        return await super()._can_retry_async(state=state, request=request, response=response, error=error)


def to_retry_handlers() -> list[AsyncRetryHandler]:
    return [UnsentConnectionRetryHandler()]


def to_client_timeout(total_seconds: float) -> aiohttp.ClientTimeout:
    """Every session the bot creates has both: a connect limit and a total per request."""
    return aiohttp.ClientTimeout(total=total_seconds, connect=min(total_seconds, 5.0))
