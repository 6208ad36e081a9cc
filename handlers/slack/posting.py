"""chat.postMessage that never posts twice, and never makes one channel wait for another.

- **Blind retries only before sending.** A connection that could not be opened
  (`ClientConnectorError`) is retried; the request never left. A 429 is retried after its
  Retry-After (Slack posted nothing).
- **An ambiguous outcome is resolved, never retried blindly.** A timeout or a connection dropped
  after the request was sent may or may not have posted. Every post carries message metadata
  with its delivery key; after an ambiguous outcome the thread (`conversations.replies`) or the
  channel (`conversations.history`) is searched for that key: found → posted; not found, or the
  search impossible (no `channels:history` / `groups:history` / `im:history` scope) → *unknown*,
  logged and counted, and not posted again.
- **Per-channel back-off.** A 429 blocks only its channel until Retry-After has passed; posts to
  other channels go on. The waiting happens outside any answer slot (the caller posts after
  leaving it).
- **A connection never acquired is not a post.** A request that timed out before its headers
  were sent (waiting for a free connection in the pool, or connecting) never left: it is retried,
  not looked up. The session reports when headers are sent (`to_trace_configs`, in
  handlers/slack/client.py with the client's retry handlers and timeouts).
- **No channel takes the pool.** At most `MAX_POSTS_PER_CHANNEL` posts to one channel are under
  way at once; the others wait their turn outside the HTTP client (no timeout running).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from handlers.slack.client import RequestProgress, request_progress, to_retry_handlers

log = logging.getLogger(__name__)

PostOutcome = Literal["posted", "failed", "unknown"]
METADATA_EVENT_TYPE = "renkei_delivery"
DEFAULT_RETRY_AFTER = 1.0
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER_SECONDS = 60.0
HISTORY_LIMIT = 100
WEBHOOK_TIMEOUT_SECONDS = 10
MAX_POSTS_PER_CHANNEL = 4


@dataclass
class ChannelSlots:
    """At most `per_channel` posts to one channel under way at once (a hung channel cannot take
    every connection of the pool); a channel's slots are forgotten when it has none in use."""

    per_channel: int = MAX_POSTS_PER_CHANNEL
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _users: dict[str, int] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def hold(self, channel: str) -> AsyncIterator[None]:
        slots = self._slots.setdefault(channel, asyncio.Semaphore(self.per_channel))
        self._users[channel] = self._users.get(channel, 0) + 1
        try:
            async with slots:
                yield
        finally:
            self._users[channel] -= 1
            if not self._users[channel]:
                del self._users[channel], self._slots[channel]


@dataclass
class ChannelBackoff:
    """Until when each rate-limited channel waits (Slack's Retry-After), per channel only."""

    clock: Callable[[], float] = time.monotonic
    _until: dict[str, float] = field(default_factory=dict)
    _lifted: asyncio.Event = field(default_factory=asyncio.Event)

    def block(self, channel: str, seconds: float) -> None:
        until = self.clock() + min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
        self._until[channel] = max(self._until.get(channel, 0.0), until)

    def is_blocked(self, channel: str) -> bool:
        return self._until.get(channel, 0.0) > self.clock()

    def lift(self) -> None:
        """Every channel may post again at once (on shutdown: better a 429 than an answer lost)."""
        self._until.clear()
        self._lifted.set()
        self._lifted = asyncio.Event()

    async def wait(self, channel: str) -> None:
        while (left := self._until.get(channel, 0.0) - self.clock()) > 0:
            lifted = self._lifted
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lifted.wait(), left)


@dataclass
class PostCounts:
    """Posts by outcome in this process; each is also told to the observers (/metrics)."""

    counts: dict[str, int] = field(default_factory=dict)
    observers: list[Callable[[str], None]] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        for observe in self.observers:
            observe(outcome)


def to_metadata(key: str) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key}}


@dataclass
class SlackPoster:
    """Posts with chat.postMessage under the rules above."""

    backoff: ChannelBackoff = field(default_factory=ChannelBackoff)
    counts: PostCounts = field(default_factory=PostCounts)
    max_attempts: int = MAX_ATTEMPTS
    channels: ChannelSlots = field(default_factory=ChannelSlots)

    async def post(self, client: AsyncWebClient, channel: str, key: str, *, thread_ts: str | None = None,
                   **message: Any) -> PostOutcome:
        async with self.channels.hold(channel):
            outcome = await self._post(client, channel, key, thread_ts, message)
        self.counts.add(outcome)
        return outcome

    async def _post(self, client: AsyncWebClient, channel: str, key: str, thread_ts: str | None,
                    message: Mapping[str, Any]) -> PostOutcome:
        for _attempt in range(self.max_attempts):
            await self.backoff.wait(channel)
            progress = RequestProgress()
            request_progress.set(progress)
            try:
                await client.chat_postMessage(channel=channel, thread_ts=thread_ts, metadata=to_metadata(key),
                                              **message)
            except SlackApiError as error:
                if error.response.status_code != 429:
                    log.error("chat.postMessage to %s failed: %s", channel, to_error_code(error))
                    return "failed"
                self.backoff.block(channel, to_retry_after(error.response.headers))
                log.warning("chat.postMessage to %s rate limited; that channel waits", channel)
                continue
            except aiohttp.ClientConnectorError:
                continue  # never sent
            except (TimeoutError, aiohttp.ClientError) as error:
                if not progress.sent:
                    log.warning("chat.postMessage to %s: %s before it was sent (no connection); trying again",
                                channel, type(error).__name__)
                    continue
                return await self.resolve(client, channel, key, thread_ts, type(error).__name__)
            finally:
                request_progress.set(None)
            return "posted"
        log.error("chat.postMessage to %s failed: not sent after %d attempts", channel, self.max_attempts)
        return "failed"

    async def resolve(self, client: AsyncWebClient, channel: str, key: str, thread_ts: str | None,
                      reason: str) -> PostOutcome:
        """After an ambiguous outcome: did the post reach Slack?"""
        found = await find_posted(client, channel, key, thread_ts)
        if found:
            log.info("chat.postMessage to %s: %s, but the message is there", channel, reason)
            return "posted"
        why = "not found" if found is False else "history not readable"
        log.warning("chat.postMessage to %s: outcome unknown after %s (%s); not posted again", channel, reason, why)
        return "unknown"


async def find_posted(client: AsyncWebClient, channel: str, key: str, thread_ts: str | None) -> bool | None:
    """Whether a message carrying `key` is in the thread (or the channel's recent history); None
    when Slack would not say (a missing scope, an error, no answer)."""
    try:
        if thread_ts:
            response = await client.conversations_replies(channel=channel, ts=thread_ts, limit=HISTORY_LIMIT,
                                                          include_all_metadata=True)
        else:
            response = await client.conversations_history(channel=channel, limit=HISTORY_LIMIT,
                                                          include_all_metadata=True)
    except SlackApiError as error:
        log.warning("cannot read %s's history to check a post: %s", channel, to_error_code(error))
        return None
    except (TimeoutError, aiohttp.ClientError):
        return None
    messages = response.get("messages") or []
    return any(to_delivery_key(message) == key for message in messages if isinstance(message, dict))


def to_delivery_key(message: Mapping[str, Any]) -> str | None:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    return str(payload.get("key")) if isinstance(payload, dict) else None


async def send_webhook(respond: AsyncRespond, fields: dict[str, Any]) -> WebhookResponse | None:
    """A response_url post, as Bolt's `respond` makes it but never re-sent after it may have left
    (Bolt's client retries a dropped connection); None when its outcome is unknown."""
    if respond.response_url is None:
        return await respond(**fields)
    client = AsyncWebhookClient(url=respond.response_url, timeout=WEBHOOK_TIMEOUT_SECONDS, proxy=respond.proxy,
                                ssl=respond.ssl, retry_handlers=to_retry_handlers())
    try:
        return await client.send_dict(fields)
    except aiohttp.ClientConnectorError:
        log.error("response_url post failed: could not connect")
        return None
    except (TimeoutError, aiohttp.ClientError) as error:
        log.warning("response_url post: outcome unknown after %s; not sent again", type(error).__name__)
        return None


def to_retry_after(headers: Mapping[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value if not isinstance(value, list) else value[0]), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def to_error_code(error: SlackApiError) -> str:
    # Only Slack's short error code: the full response could echo request data.
    return str(error.response.get("error", "unknown_error"))
