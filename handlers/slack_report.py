"""`/renkei report` (ADMIN_USER_IDS only): what `python app.py report` prints, as Block Kit.

The report (bot/insights.py `build_report`) quotes what people asked, so every line is escaped
for mrkdwn, and it is cut to Slack's limits (3,000 characters a section, 50 blocks a message)
with a pointer to the full report on the command line. Registered into the Slack adapter's
`SubcommandRegistry` by `register_report_command`; `report_extension(store)` does that for the
app built by `handlers.web.build_web_app` (handlers/runtime.py attaches it).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.insights import build_report, split_report
from bot.store import Store
from handlers.slack import CommandReply, CommandRequest, SubcommandRegistry
from handlers.slack_blocks import (
    MAX_FALLBACK_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT_CHARS,
    Message,
    escape_mrkdwn,
    fit_blocks,
    to_context,
    to_header,
    to_section,
    truncate,
)
from handlers.web import SETTINGS_KEY, SLACK_KEY, WebExtension

log = logging.getLogger(__name__)

REPORT_COMMAND = "report"
REPORT_DESCRIPTION = "答えられなかった質問・聞き返し・フィードバックの集計（管理者のみ）"
ADMINS_ONLY = "この操作は管理者（ADMIN_USER_IDS）のみ実行できます。"
FULL_REPORT_HINT = "全体はサーバーで `python app.py report` を実行すると表示されます。"


def to_report_message(report: str) -> Message:
    """The report's `# title` as the header, each `## heading` and its lines as sections."""
    title, lines = split_report(report)
    body = [to_section(chunk) for chunk in to_chunks(lines)]
    blocks = fit_blocks([to_header(title)], body, [to_context(FULL_REPORT_HINT)], MAX_MESSAGE_BLOCKS)
    return Message(text=truncate(escape_mrkdwn(title), MAX_FALLBACK_CHARS), blocks=blocks)


def to_chunks(lines: list[str], limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Escaped mrkdwn paragraphs of at most `limit` characters; a `## heading` starts a new one."""
    chunks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if any(line.strip() for line in current):
            chunks.append("\n".join(current).strip("\n"))
        current.clear()

    for line in lines:
        if line.startswith("## "):
            flush()
            text = f"*{escape_mrkdwn(line.removeprefix('## ').strip())}*"
        else:
            text = escape_mrkdwn(line)
        text = truncate(text, limit)
        if current and len("\n".join([*current, text])) > limit:
            flush()
        current.append(text)
    flush()
    return chunks


async def report_command(request: CommandRequest, store: Store, admin_user_ids: tuple[str, ...]) -> CommandReply:
    if request.user_id not in admin_user_ids:
        return CommandReply.from_text(ADMINS_ONLY)
    log.info("report requested by an admin", extra={"conversation_id": request.conversation_id})
    report = await asyncio.to_thread(lambda: build_report(store.interactions(), store.votes()))
    return CommandReply(to_report_message(report))


def register_report_command(registry: SubcommandRegistry, store: Store, admin_user_ids: tuple[str, ...]) -> None:
    """Add `/renkei report` to a Slack app's subcommand registry."""

    async def run(request: CommandRequest) -> CommandReply:
        return await report_command(request, store, admin_user_ids)

    registry.register(REPORT_COMMAND, run, description=REPORT_DESCRIPTION, aliases=("レポート",), replace=True)


def report_extension(store: Store) -> WebExtension:
    """A handlers.web extension: `/renkei report` on this app's Slack adapter (if Slack runs)."""

    def attach(web_app: web.Application) -> None:
        slack = web_app.get(SLACK_KEY)
        if slack is None:
            return
        register_report_command(slack.bot.subcommands, store, web_app[SETTINGS_KEY].admin_user_ids)

    return attach
