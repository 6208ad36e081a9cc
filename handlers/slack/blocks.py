"""Block Kit building blocks for Slack, shared by the answer and command renderings
(answer_blocks.py, command_blocks.py) and the reminder sender: Slack's limits, the `Message`, the
escaping of user text, and the small block builders.

Everything here is a pure function from bot values to Slack JSON (plain dicts), so it can be
tested without a network and every payload can be checked against `slack_sdk.models.blocks`.

Two safety rules hold for every rendering built on these:
- Text that may contain user input goes into mrkdwn only through `escape_mrkdwn`, and into
  plain_text only through `to_plain_text`, so `<!channel>` or `<@U123>` typed by a user never
  becomes a live mention.
- Slack's Block Kit limits are respected by truncating with "…" (`truncate`) rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.language.messages import say

Block = dict[str, Any]

# Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_TEXT_CHARS = 3000
MAX_FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_HEADER_CHARS = 150
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_BUTTONS = 25
# The fallback `text` of a message is shown in notifications; keep it short.
MAX_FALLBACK_CHARS = 3000
ELLIPSIS = "…"

BOT_NAME = say("bot_name")


@dataclass(frozen=True)
class Message:
    """A Slack message: the notification/fallback `text` and the Block Kit `blocks`."""

    text: str
    blocks: list[Block]


# --- text helpers --------------------------------------------------------------------------------


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's three control characters so user text renders literally in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_mrkdwn(text: str) -> str:
    """Undo `escape_mrkdwn` (and Slack's own escaping of incoming message text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain_text(text: str) -> str:
    # plain_text is never parsed for mentions, but whether Slack decodes entities there is not
    # documented; full-width brackets read the same and can never form a control sequence.
    return text.replace("<", "＜").replace(">", "＞")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when something was cut.

    Never cuts an entity of escaped text in half ("&am…" would leave a raw "&" in mrkdwn).
    """
    if len(text) <= limit:
        return text
    head = text[: max(limit - len(ELLIPSIS), 0)]
    ampersand = head.rfind("&", len(head) - len("&amp;") + 1)
    if ampersand != -1 and ";" not in head[ampersand:]:
        head = head[:ampersand]
    return head + ELLIPSIS


def to_mrkdwn(text: str, limit: int = MAX_TEXT_CHARS) -> Block:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def to_plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(to_plain_text(text), limit) or " ", "emoji": True}


def to_header(text: str) -> Block:
    return {"type": "header", "text": to_plain(text or BOT_NAME, MAX_HEADER_CHARS)}


def to_section(markdown: str) -> Block:
    return {"type": "section", "text": to_mrkdwn(markdown)}


def to_context(*markdown: str) -> Block:
    # Context blocks hold at most 10 elements; one element with line breaks is enough here.
    return {"type": "context", "elements": [to_mrkdwn("\n".join(markdown))]}


def to_button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {"type": "button", "text": to_plain(text, MAX_BUTTON_TEXT_CHARS), "action_id": action_id,
                     "value": truncate(value, MAX_BUTTON_VALUE_CHARS)}
    if style:
        button["style"] = style
    return button


def to_bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {escape_mrkdwn(item)}" for item in items)


def fit_blocks(head: list[Block], body: list[Block], tail: list[Block], limit: int,
               language: str = "ja") -> list[Block]:
    """head + body + tail within `limit` blocks, cutting the body and saying so."""
    if len(head) + len(body) + len(tail) <= limit:
        return head + body + tail
    room = max(limit - len(head) - len(tail) - 1, 0)
    return head + body[:room] + [to_context(say("cut_short", language))] + tail

