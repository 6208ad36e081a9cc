"""The Teams side of reminders: the proactive sender and the text commands `remind on|off|list`
and `schedule`.

A reminder reaches a Teams conversation proactively: the conversation reference stored when the
app was installed or first messaged (bot/store.py, platform "teams") says which Bot Connector
(`serviceUrl`) and conversation to post to. Failures become the typed `DeliveryError`s of
bot/delivery.py, so retries and the exactly-once ledger work as they do for Slack.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext

from bot.delivery import DeliveryError, PermanentError, RateLimited, ReminderMessage, TransientError
from bot.dispatch import Dispatcher
from bot.reminders import Target, format_offset, upcoming_reminders
from bot.schedule import format_schedule, format_time
from bot.store import Store
from handlers.teams_cards import Card, to_card_activity, to_notice_card, to_reminder_card, to_schedule_card

log = logging.getLogger(__name__)

TEAMS = "teams"
DEFAULT_RETRY_AFTER = 1.0
LIST_LIMIT = 5
REMIND_USAGE = "使い方: remind on（この会話で受け取る）、remind off（やめる）、remind list（状況と予定）"
REMIND_TITLE = "締結式・イベントのリマインダー"


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
    """The `Sender` of bot/delivery.py for the "teams" platform."""

    def __init__(self, adapter: ChannelServiceAdapter, store: Store, *, app_id: str = "") -> None:
        self.adapter = adapter
        self.store = store
        self.app_id = app_id

    async def send(self, target: Target, message: ReminderMessage) -> None:
        reference = await asyncio.to_thread(self.store.conversation_reference, TEAMS, target.id)
        if reference is None:
            raise PermanentError("no conversation reference: the app was never installed or messaged here")
        activity = to_card_activity(to_reminder_card(message))
        try:
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
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return TransientError(f"connection error ({type(error).__name__})")
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


# --- text commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamsCommandRequest:
    """Who asked where: `target` is this conversation (a channel, not one of its threads)."""

    target: Target
    user_id: str
    user_name: str
    store: Store
    dispatcher: Dispatcher


async def remind_command(request: TeamsCommandRequest, args: str) -> Card:
    """`remind on|off|list` (list when no argument)."""
    action = args.strip().lower() or "list"
    if action == "on":
        return await remind_on(request)
    if action == "off":
        return await remind_off(request)
    if action == "list":
        return to_notice_card(await asyncio.to_thread(remind_list_text, request), title=REMIND_TITLE)
    return to_notice_card(REMIND_USAGE, title=REMIND_TITLE)


async def remind_on(request: TeamsCommandRequest) -> Card:
    added = await asyncio.to_thread(request.store.subscribe, request.target, request.user_id)
    if not added:
        return to_notice_card("この会話はすでにリマインダーを受け取る設定です。", title=REMIND_TITLE)
    log.info("reminders on: %s", request.target)
    who = request.user_name or "メンバー"
    return to_notice_card(f"{who} さんがこの会話で締結式・イベントのリマインダーを有効にしました。",
                          title=REMIND_TITLE)


async def remind_off(request: TeamsCommandRequest) -> Card:
    removed = await asyncio.to_thread(request.store.unsubscribe, request.target)
    if not removed:
        return to_notice_card("この会話はリマインダーを受け取る設定になっていません。", title=REMIND_TITLE)
    log.info("reminders off: %s", request.target)
    who = request.user_name or "メンバー"
    return to_notice_card(f"{who} さんがこの会話のリマインダーを停止しました。", title=REMIND_TITLE)


def remind_list_text(request: TeamsCommandRequest) -> str:
    """This conversation's subscription, its next reminders and its failed deliveries."""
    now = request.dispatcher.clock()
    subscription = request.store.subscription(request.target)
    lines = ["この会話のリマインダー:"]
    if subscription:
        lines.append(f"✅ 有効（{format_time(subscription.created_at)} に設定）")
    else:
        lines.append("❌ 無効（「remind on」で有効にできます）")
    upcoming = upcoming_reminders(request.dispatcher.kb.all_events(), now)[:LIST_LIMIT]
    lines.append("次のリマインダー:")
    lines += [f"・{format_time(r.due_at)} — {r.event.title}（{format_offset(r.offset)}）" for r in upcoming] or [
        "・なし（今後の締結式・イベントがありません）"
    ]
    failures = request.store.deliveries(target=request.target, statuses=("failed",))[-LIST_LIMIT:]
    if failures:
        lines.append("送信できなかったリマインダー:")
        lines += [f"・{format_time(row.due_at)} {row.key.event_id}: {row.last_error or ''}" for row in failures]
    return "\n".join(lines)


async def schedule_command(request: TeamsCommandRequest, args: str) -> Card:
    """`schedule`: upcoming events with their reminder times, or the last one held."""
    kb, now = request.dispatcher.kb, request.dispatcher.clock()
    return to_schedule_card(format_schedule(kb, now), kb, now)
