"""Slack's incoming payloads read: the user's words from message text, who pressed a button, where to
reply (a DM, a thread), a button's payload."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping
from typing import Any

from handlers.inbound import to_clean_text
from handlers.slack.answer_blocks import ButtonPayload

log = logging.getLogger(__name__)

Body = Mapping[str, Any]


# --- incoming text -------------------------------------------------------------------------------

_SLACK_TOKEN = re.compile(r"<([^<>]*)>")
_SPACES = re.compile(r"\s+")


def to_question(text: str, bot_user_id: str | None = None) -> str:
    """The user's words from Slack message text: the bot's mention removed, other mentions and
    links made readable (`<@U1|sato>` → `@sato`, `<!channel>` → `@channel`), entities decoded,
    controls and lone surrogates cleaned (handlers/inbound.py)."""

    def readable(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith("@"):
            return " " if target[1:] == bot_user_id else "@" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or target

    plain = _SLACK_TOKEN.sub(readable, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACES.sub(" ", to_clean_text(plain)).strip()


# Per process: a user's key stays the same while the conversation context it indexes lives.
_USER_KEY_SECRET = secrets.token_bytes(16)


def to_user_key(user_id: str) -> str:
    """A stand-in for a user id inside a conversation id (a slash command's context is per user and
    channel). Conversation ids are logged and stored with unanswered questions, where a user id
    may appear only with LOG_USER_IDS=true (in a field of its own)."""
    return "u" + hmac.new(_USER_KEY_SECRET, user_id.encode(), hashlib.sha256).hexdigest()[:12]


def is_from_bot(event: Body) -> bool:
    return bool(event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message")


def to_button_payload(action: Body) -> ButtonPayload | None:
    try:
        return ButtonPayload.from_value(str(action.get("value", "")))
    except ValueError:
        log.warning("ignoring a button press with an unknown value (action %s)", action.get("action_id"))
        return None


def to_user_id(body: Body) -> str:
    """Who pressed a button (block_actions payloads carry the user as an object)."""
    return str((body.get("user") or {}).get("id", ""))


def is_direct_message(body: Body) -> bool:
    """A button pressed in a one-to-one DM (channel ids of DMs start with D; group DMs do not)."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    return str(channel).startswith("D")


def to_thread_ts(body: Body) -> str | None:
    """The thread of the message whose button was pressed (the message itself if it is a root)."""
    container, message = body.get("container") or {}, body.get("message") or {}
    thread_ts = container.get("thread_ts") or message.get("thread_ts") or container.get("message_ts")
    return str(thread_ts) if thread_ts else None


def to_answer_id(body: Body, payload: ButtonPayload) -> str:
    """The answer a vote is about: its message, else the question in its conversation."""
    container = body.get("container") or {}
    if container.get("message_ts"):
        return f"{container.get('channel_id', '')}|{container['message_ts']}"
    return f"{payload.conversation_id}|{payload.question}"
