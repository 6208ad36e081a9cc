"""The Slack side of reminders: the reminder card, the sender, and the `/renkei` subcommands
`remind on|off|list`, `schedule` and `reload`, registered into the Slack adapter's
`SubcommandRegistry` by `register_reminder_commands`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import (
    Clock,
    DeliveryError,
    PermanentError,
    RateLimited,
    ReminderMessage,
    TransientError,
    now_jst,
)
from bot.dispatch import Dispatcher
from bot.knowledge import KnowledgeBase
from bot.reload import KnowledgeReloader
from bot.reminder_service import SLACK, configured_targets
from bot.reminders import Target, format_offset, upcoming_reminders
from bot.schedule import format_countdown_from, format_schedule, format_time
from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.store import Store
from bot.timefmt import format_when
from handlers.slack import CommandReply, CommandRequest, SubcommandHandler, SubcommandRegistry, to_command_word
from handlers.slack_blocks import (
    MAX_FALLBACK_CHARS,
    MAX_FIELD_CHARS,
    Block,
    Message,
    escape_mrkdwn,
    to_context,
    to_header,
    to_mrkdwn,
    to_section,
    truncate,
)

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


# --- the sender --------------------------------------------------------------------------------


def build_reminder_client(settings: Settings) -> AsyncWebClient:
    # No slack_sdk retry handlers: bot/delivery.py owns retries, so every attempt is counted in
    # the ledger and none happens behind its back.
    return AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[],
    )


class SlackReminderSender:
    """Posts reminder cards with chat.postMessage; failures become typed `DeliveryError`s."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, target: Target, message: ReminderMessage) -> None:
        card = to_reminder_message(message)
        try:
            await self.client.chat_postMessage(
                channel=target.id, text=card.text, blocks=card.blocks, unfurl_links=False, unfurl_media=False,
            )
        except SlackApiError as error:
            raise to_delivery_error(error) from None
        except TimeoutError:
            raise TransientError("timeout") from None
        except aiohttp.ClientError as error:
            raise TransientError(f"connection error ({type(error).__name__})") from None


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


# --- slash subcommands -------------------------------------------------------------------------


@dataclass
class ReminderServices:
    """What the subcommands need; `scheduler` is None on an instance with SCHEDULER=off (and
    until the scheduler has started). `reloader` is the process's `KnowledgeReloader` when it
    has one (hot reload), so `/renkei reload` tells all of its listeners too."""

    settings: Settings
    store: Store
    dispatcher: Dispatcher
    scheduler: ReminderScheduler | None = None
    clock: Clock = field(default=now_jst)
    reloader: KnowledgeReloader | None = None

    @property
    def kb(self) -> KnowledgeBase:
        return self.dispatcher.kb

    def reschedule(self, kb: KnowledgeBase) -> str:
        """A `KnowledgeReloader` listener: move the reminder jobs to the new data."""
        if self.scheduler is None:
            return "この インスタンスではリマインダーを送りません（SCHEDULER=off）"
        return self.scheduler.reschedule(kb).to_text()

    def knowledge_reloader(self) -> KnowledgeReloader:
        if self.reloader is not None:
            return self.reloader
        return KnowledgeReloader(self.settings.data_path, self.dispatcher, listeners=[self.reschedule])


def to_reply(markdown: str, *, visible: bool = False) -> CommandReply:
    """A reply whose mrkdwn is already escaped where needed (it may hold our own `<@U…>`)."""
    return CommandReply(Message(text=truncate(markdown, MAX_FALLBACK_CHARS), blocks=[to_section(markdown)]), visible)


def channel_target(request: CommandRequest) -> Target:
    return Target(SLACK, request.channel_id)


async def remind_command(request: CommandRequest, services: ReminderServices) -> CommandReply:
    """`/renkei remind on|off|list`."""
    action = to_command_word(request.arguments)[0] or "list"
    if action == "on":
        return await asyncio.to_thread(remind_on, request, services)
    if action == "off":
        return await asyncio.to_thread(remind_off, request, services)
    if action == "list":
        return to_reply(await asyncio.to_thread(remind_list_text, request, services))
    command = escape_mrkdwn(request.command)
    return to_reply(f"使い方: `{command} remind on`（このチャンネルで受け取る）、`off`（やめる）、`list`（状況と予定）")


def remind_on(request: CommandRequest, services: ReminderServices) -> CommandReply:
    target = channel_target(request)
    if not services.store.subscribe(target, request.user_id, services.clock()):
        return to_reply("このチャンネルはすでにリマインダーを受け取る設定です。")
    log.info("reminders on: %s by %s", target, request.user_id)
    return to_reply(
        f"<@{escape_mrkdwn(request.user_id)}> さんがこのチャンネルで締結式・イベントのリマインダーを有効にしました。\n"
        "ボットがチャンネルにいない場合は `/invite @Renkei Bot` で招待してください。",
        visible=True,
    )


def remind_off(request: CommandRequest, services: ReminderServices) -> CommandReply:
    target = channel_target(request)
    configured = target in configured_targets(services.settings)
    if not services.store.unsubscribe(target):
        if configured:
            return to_reply("このチャンネルは REMINDER_CHANNELS で設定されています。停止は管理者に依頼してください。")
        return to_reply("このチャンネルはリマインダーを受け取る設定になっていません。")
    log.info("reminders off: %s by %s", target, request.user_id)
    text = f"<@{escape_mrkdwn(request.user_id)}> さんがこのチャンネルのリマインダーを停止しました。"
    if configured:
        text += "\n（REMINDER_CHANNELS に含まれているため、設定を変えるまでは引き続き届きます。）"
    return to_reply(text, visible=True)


def remind_list_text(request: CommandRequest, services: ReminderServices) -> str:
    """This channel's subscription, its next reminders and its failed deliveries (mrkdwn)."""
    target = channel_target(request)
    now = services.clock()
    subscription = services.store.subscription(target)
    configured = target in configured_targets(services.settings)
    lines = ["*このチャンネルのリマインダー*"]
    if subscription:
        who, when = escape_mrkdwn(subscription.user_id), format_time(subscription.created_at)
        lines.append(f"✅ 有効（<@{who}> さんが {when} に設定）")
    if configured:
        lines.append("✅ 有効（REMINDER_CHANNELS で設定）")
    if not subscription and not configured:
        lines.append(f"❌ 無効（`{escape_mrkdwn(request.command)} remind on` で有効にできます）")
    upcoming = upcoming_reminders(services.kb.all_events(), now)[:LIST_LIMIT]
    lines.append("*次のリマインダー*")
    lines += [
        f"• {format_time(r.due_at)} — {escape_mrkdwn(r.event.title)}（{format_offset(r.offset)}）" for r in upcoming
    ] or ["• なし（今後の締結式・イベントがありません）"]
    failures = services.store.deliveries(target=target, statuses=("failed",))[-LIST_LIMIT:]
    if failures:
        lines.append("*送信できなかったリマインダー*")
        lines += [
            f"• {format_time(row.due_at)} {escape_mrkdwn(row.key.event_id)}: `{escape_mrkdwn(row.last_error or '')}`"
            for row in failures
        ]
    return "\n".join(lines)


async def schedule_command(request: CommandRequest, services: ReminderServices) -> CommandReply:
    """`/renkei schedule`: upcoming events with their reminder times, or the last one held."""
    return to_reply(escape_mrkdwn(format_schedule(services.kb, services.clock())))


async def reload_command(request: CommandRequest, services: ReminderServices) -> CommandReply:
    """`/renkei reload` (ADMIN_USER_IDS only): reload the YAML and reschedule the reminders."""
    if request.user_id not in services.settings.admin_user_ids:
        return to_reply("この操作は管理者（ADMIN_USER_IDS）のみ実行できます。")
    log.info("knowledge reload requested by %s", request.user_id)
    result = await services.knowledge_reloader().reload_async()
    if not result.ok:
        problems = "\n".join(f"• {escape_mrkdwn(problem)}" for problem in result.problems[:10])
        return to_reply(f"読み込めませんでした。以前の内容のまま動いています。\n{problems}")
    notes = "\n".join(escape_mrkdwn(note) for note in result.notes if note)
    return to_reply(f"再読み込みしました: {escape_mrkdwn(result.summary)}\n{notes}".strip())


ReminderHandler = Callable[[CommandRequest, ReminderServices], Awaitable[CommandReply]]

# name → (handler, usage, description)
REMINDER_SUBCOMMANDS: dict[str, tuple[ReminderHandler, str, str]] = {
    "remind": (remind_command, "on|off|list", "このチャンネルで締結式・イベントのリマインダーを受け取る／やめる／状況"),
    "schedule": (schedule_command, "", "今後の締結式・イベントとリマインダーの予定"),
    "reload": (reload_command, "", "知識ベース（YAML）を再読み込みしてリマインダーを組み直す（管理者のみ）"),
}


def register_reminder_commands(registry: SubcommandRegistry, services: ReminderServices) -> None:
    """Add `/renkei remind|schedule|reload` to the Slack adapter's subcommand registry."""
    for name, (handler, usage, description) in REMINDER_SUBCOMMANDS.items():
        registry.register(name, _bind(handler, services), description=description, usage=usage, replace=True)


def _bind(handler: ReminderHandler, services: ReminderServices) -> SubcommandHandler:
    async def run(request: CommandRequest) -> CommandReply:
        return await handler(request, services)

    return run
