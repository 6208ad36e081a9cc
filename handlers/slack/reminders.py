"""The Slack side of reminders: the reminder card and the sender (the `remind` and `schedule`
commands are bot/commands/registry.py's, as on every platform)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.dates import format_when
from bot.ops.settings import Settings
from bot.reminders.announcements import Announcement
from bot.reminders.delivery import (
    DeliveryError,
    PermanentError,
    RateLimited,
    ReminderMessage,
    TransientError,
    UnknownOutcome,
)
from bot.reminders.due import format_offset
from bot.reminders.schedule_view import format_countdown_from, format_time
from bot.store.records import Target
from handlers.slack.answer_blocks import (
    CHOICE_ACTION_PREFIX,
    CHOICES_BLOCK_ID,
    ButtonPayload,
    CalendarOptions,
    to_calendar_actions,
)
from handlers.slack.blocks import (
    MAX_FALLBACK_CHARS,
    MAX_FIELD_CHARS,
    Block,
    Message,
    escape_mrkdwn,
    to_button,
    to_context,
    to_header,
    to_mrkdwn,
    to_section,
    truncate,
)
from handlers.slack.posting import find_posted, to_metadata
from handlers.slack.settings import SlackSettings

log = logging.getLogger(__name__)

# Slack error codes that are worth another try; every other `ok: false` is permanent.
TRANSIENT_CODES = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "timeout"})
DEFAULT_RETRY_AFTER = 1.0
LIST_LIMIT = 5


# --- the reminder card -------------------------------------------------------------------------


def to_reminder_message(message: ReminderMessage) -> Message:
    """A reminder as a Block Kit card: what, when (weekday, countdown), where, who, source."""
    event = message.event
    countdown = format_countdown_from(event.starts_at, message.now)
    attendees = "\n".join(f"• {escape_mrkdwn(a.role)} {escape_mrkdwn(a.name)}".rstrip() for a in event.attendees)
    fields = [
        to_mrkdwn(f"*日時*\n{format_when(event)}\n（{countdown}）", MAX_FIELD_CHARS),
        to_mrkdwn(f"*場所*\n{escape_mrkdwn(event.place) or '未定'}", MAX_FIELD_CHARS),
    ]
    if attendees:
        fields.append(to_mrkdwn(f"*出席者*\n{attendees}", MAX_FIELD_CHARS))
    intro = f"*{escape_mrkdwn(event.title)}* まで{countdown}です。"
    notes = [f"🔔 {format_offset(message.offset)}のリマインダー"]
    if message.late:
        # Late: the bot was down at the due time, or the event was added after it.
        due_at = format_time(event.starts_at - message.offset)
        notes.append(f"⚠️ 予定の送信時刻（{due_at}）より遅れてお知らせしています。")
    blocks: list[Block] = [
        to_header(f"⏰ {event.title}"),
        {**to_section(intro), "fields": fields},
        to_context(*notes),
        to_context(f"📄 {escape_mrkdwn(message.source)}"),
    ]
    text = f"リマインダー: {event.title} — {format_when(event)}（{countdown}）"
    return Message(text=truncate(escape_mrkdwn(text), MAX_FALLBACK_CHARS), blocks=blocks)


# --- the new-memorandum announcement ----------------------------------------------------------


def to_announcement_message(announcement: Announcement, calendar: CalendarOptions) -> Message:
    """A new memorandum (or a correction): the partner, theme and main items, each ceremony's
    date, place and countdown, what changed, buttons for details and the calendar, the source."""
    lines = [f"*相手先*: {escape_mrkdwn('、'.join(announcement.partners))}"]
    lines += [f"*テーマ*: {escape_mrkdwn(theme)}" for theme in announcement.themes]
    blocks: list[Block] = [to_header(f"📣 {announcement.title}"), to_section("\n".join(lines))]
    if announcement.changes:
        blocks.append(to_section("*変更点*\n" + "\n".join(f"• {escape_mrkdwn(c)}" for c in announcement.changes)))
    if announcement.items:
        blocks.append(to_section("*主な内容*\n" + "\n".join(f"• {escape_mrkdwn(i)}" for i in announcement.items)))
    for ceremony in announcement.ceremonies:
        fields = [to_mrkdwn(f"*日時*\n{escape_mrkdwn(ceremony.when)}\n（{escape_mrkdwn(ceremony.countdown)}）",
                            MAX_FIELD_CHARS),
                  to_mrkdwn(f"*場所*\n{escape_mrkdwn(ceremony.place)}", MAX_FIELD_CHARS)]
        blocks.append({**to_section(f"🗓️ *{escape_mrkdwn(ceremony.title)}*"), "fields": fields})
    conversation = f"announcement:{announcement.key}"
    questions = [to_button(question, f"{CHOICE_ACTION_PREFIX}{index}", ButtonPayload(question, conversation).to_value())
                 for index, question in enumerate(announcement.questions)]
    if questions:
        blocks.append({"type": "actions", "block_id": CHOICES_BLOCK_ID, "elements": questions})
    calendar_actions = to_calendar_actions(announcement.calendar_event_ids, calendar)
    if calendar_actions:
        blocks.append(calendar_actions)
    blocks.append(to_context(f"📄 {escape_mrkdwn(announcement.source)}"))
    return Message(text=truncate(escape_mrkdwn(announcement.fallback_text), MAX_FALLBACK_CHARS), blocks=blocks)


# --- the sender --------------------------------------------------------------------------------


def build_reminder_client(settings: Settings) -> AsyncWebClient:
    # No slack_sdk retry handlers: bot/reminders/delivery.py owns retries, so every attempt is counted in
    # the ledger and none happens behind its back. slack_sdk opens a session per call with
    # SLACK_TIMEOUT_SECONDS (whole seconds, at least 1) as its total limit.
    slack = settings.section(SlackSettings)
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url,
                          timeout=max(int(slack.timeout_seconds), 1), retry_handlers=[])


class SlackReminderSender:
    """Posts reminder cards and announcements with chat.postMessage; failures become typed
    `DeliveryError`s."""

    def __init__(self, client: AsyncWebClient, calendar: CalendarOptions | None = None) -> None:
        self.client = client
        self.calendar = calendar or CalendarOptions()

    async def send(self, target: Target, message: ReminderMessage) -> None:
        await self.post(target, to_reminder_message(message), message.key)

    async def announce(self, target: Target, announcement: Announcement) -> None:
        await self.post(target, to_announcement_message(announcement, self.calendar), announcement.key)

    async def post(self, target: Target, card: Message, key: str) -> None:
        try:
            await self.client.chat_postMessage(
                channel=target.id, text=card.text, blocks=card.blocks, unfurl_links=False, unfurl_media=False,
                metadata=to_metadata(key) if key else None,
            )
        except SlackApiError as error:
            raise to_delivery_error(error) from None
        except aiohttp.ClientConnectorError as error:  # never sent: safe to try again
            raise TransientError(f"connection error ({type(error).__name__})") from None
        except (TimeoutError, aiohttp.ClientError) as error:
            await self.resolve(target, key, type(error).__name__)

    async def resolve(self, target: Target, key: str, reason: str) -> None:
        """After a timeout or a connection lost after sending: posted (found in the channel by its
        key) or `UnknownOutcome`, never a blind retry."""
        if key and await find_posted(self.client, target.id, key, None):
            log.info("reminder post to %s: %s, but the message is there", target.id, reason)
            return
        raise UnknownOutcome(f"{reason} after sending; not found in the channel's history")


def to_delivery_error(error: SlackApiError) -> DeliveryError:
    """Map a Slack Web API failure to a retry decision (never includes the token or URL)."""
    response = error.response
    status = int(response.status_code)
    data = response.data if isinstance(response.data, dict) else {}
    code = str(data.get("error") or "")
    if status == 429 or code == "ratelimited":
        return RateLimited(_retry_after(response.headers), code or "ratelimited")
    if status >= 500 or code in TRANSIENT_CODES:
        return TransientError(code or f"HTTP {status}")
    return PermanentError(code or f"HTTP {status}")


def _retry_after(headers: Mapping[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER
