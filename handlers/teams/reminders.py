"""The Teams side of reminders: the proactive sender (the `remind` and `schedule` commands are
bot/commands/registry.py's, as on every platform).

A reminder reaches a Teams conversation proactively: the conversation reference stored when the
app was installed or first messaged (kept in the store, platform "teams") says which Bot Connector
(`serviceUrl`) and conversation to post to. Failures become the typed `DeliveryError`s of
bot/reminders/delivery.py, so retries and the exactly-once ledger work as they do for Slack.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext

from bot.reminders.announcements import Announcement
from bot.reminders.delivery import (
    DeliveryError,
    PermanentError,
    RateLimited,
    ReminderMessage,
    TransientError,
    UnknownOutcome,
)
from bot.reminders.ical import CalendarLinks
from bot.store.records import Target
from handlers.teams.cards import Card, to_card_activity
from handlers.teams.connector import ConnectorReachability
from handlers.teams.reminder_cards import to_announcement_card, to_reminder_card

log = logging.getLogger(__name__)

TEAMS = "teams"
DEFAULT_RETRY_AFTER = 1.0
# The most one proactive post may take (token, connector) before its outcome counts as unknown.
POST_TIMEOUT_SECONDS = 30.0
LIST_LIMIT = 5


class ReferenceBook(Protocol):
    """Where a proactive post to a conversation goes (service URL, conversation, bot, tenant)."""

    async def remember(self, platform: str, conversation_id: str, reference: dict[str, Any]) -> None: ...
    async def find(self, platform: str, conversation_id: str) -> dict[str, Any] | None: ...


# --- sending proactively -------------------------------------------------------------------------


async def send_proactive(adapter: ChannelServiceAdapter, reference: Mapping[str, Any], activity: Activity, *,
                         app_id: str) -> None:
    """Post `activity` as a new message in the referenced conversation.

    With a client id the SDK gets a token for it (MSAL); without one (TEAMS_ANONYMOUS) the
    continuation runs with anonymous claims and no token, as the Emulator expects.
    """
    continuation = ConversationReference.model_validate(reference).get_continuation_activity()
    # The continuation's id would become replyToId: a reminder starts its own thread.
    continuation.id = None
    failures: list[Exception] = []

    async def post(context: TurnContext) -> None:
        # Caught here rather than left to the adapter's on_turn_error, which would try to post
        # the error text into the conversation.
        try:
            await context.send_activity(activity)
        except Exception as error:
            failures.append(error)

    if app_id:
        await adapter.continue_conversation(app_id, continuation, post)
    else:
        await adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, post)
    if failures:
        raise failures[0]


class TeamsReminderSender:
    """The `Sender` of bot/reminders/delivery.py for the "teams" platform."""

    def __init__(self, adapter: ChannelServiceAdapter, references: ReferenceBook, *, app_id: str = "",
                 timeout_seconds: float = POST_TIMEOUT_SECONDS, calendar_links: CalendarLinks | None = None,
                 connector: ConnectorReachability | None = None) -> None:
        self.adapter = adapter
        self.connector = connector or ConnectorReachability()
        self.calendar_links = calendar_links
        self.references = references
        self.app_id = app_id
        self.timeout_seconds = timeout_seconds

    async def send(self, target: Target, message: ReminderMessage) -> None:
        await self.post(target, to_reminder_card(message))

    async def announce(self, target: Target, announcement: Announcement) -> None:
        await self.post(target, to_announcement_card(announcement, self.calendar_links))

    async def post(self, target: Target, card: Card) -> None:
        reference = await self.references.find(TEAMS, target.id)
        if reference is None:
            raise PermanentError("no conversation reference: the app was never installed or messaged here")
        activity = to_card_activity(card)
        try:
            with self.connector.watching(reference.get("serviceUrl") or reference.get("service_url")):
                async with asyncio.timeout(self.timeout_seconds):
                    await send_proactive(self.adapter, reference, activity, app_id=self.app_id)
        except Exception as error:
            raise to_delivery_error(error) from None


def to_delivery_error(error: Exception) -> DeliveryError:
    """Map a Bot Connector failure to a retry decision (status and type only: no token, no body)."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, aiohttp.ClientResponseError):
        status = error.status
        if status == 429:
            return RateLimited(to_retry_after(error.headers), "HTTP 429")
        if status >= 500 or status == 408:
            return TransientError(f"HTTP {status}")
        # 401/403: the bot was removed or blocked; 404: the conversation is gone.
        return PermanentError(f"HTTP {status}")
    if isinstance(error, aiohttp.ClientConnectorError):  # never sent
        return TransientError(f"connection error ({type(error).__name__})")
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        # Sent, maybe received: the Bot Connector cannot be asked whether it was, so never again.
        return UnknownOutcome(f"no answer from the Bot Connector ({type(error).__name__})")
    log.warning("unexpected error posting a Teams reminder: %s", type(error).__name__)
    return TransientError(f"unexpected error ({type(error).__name__})")


def to_retry_after(headers: Mapping[str, str] | None) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER
