"""What a Teams activity says: the user's words (mentions and markup removed), who sent it, the
conversation it belongs to (and the reference to reach it later), and what kind of conversation
that is."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from microsoft_agents.activity import Activity, ChannelAccount, DeliveryModes

from handlers.inbound import to_clean_text
from handlers.teams.reminders import TEAMS

PLATFORM = TEAMS
SHARED_CONVERSATION_TYPES = frozenset({"channel", "groupChat"})


# --- incoming text -------------------------------------------------------------------------------

# Linear on any input: no part can scan past the next "<" (a lazy `<at[^>]*>(.*?)</at>` took
# seconds on a message of a few thousand unclosed "<at>").
_MENTION = re.compile(r"<at(?:\s[^<>]*)?>([^<]*)</at>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]+>")
_SPACES = re.compile(r"\s+")


def to_question(text: str, bot_name: str | None = None) -> str:
    """The user's words from Teams message text: the bot's own `<at>…</at>` removed (the SDK
    removes it when the mention entity is there; this covers a message without one), other
    mentions kept as `@name`, markup dropped, entities decoded, controls and lone surrogates
    cleaned (handlers/inbound.py)."""

    def readable(match: re.Match[str]) -> str:
        name = match[1].strip()
        return " " if bot_name and name == bot_name else f"@{name}"

    plain = _TAG.sub(" ", _MENTION.sub(readable, text))
    return _SPACES.sub(" ", to_clean_text(html.unescape(plain))).strip()


def to_target_id(conversation_id: str) -> str:
    """A channel thread's id is the channel's id plus `;messageid=…`: reminders go to the channel."""
    return conversation_id.split(";messageid=", 1)[0]


def to_context_id(activity: Activity) -> str:
    """The dispatcher's conversation: the chat, or the channel thread, the activity belongs to."""
    return f"{PLATFORM}:{activity.conversation.id}"


def to_user_id(activity: Activity) -> str:
    sender = activity.from_property
    if sender is None:
        return ""
    return str(sender.aad_object_id or sender.id or "")


def to_user_name(activity: Activity) -> str:
    sender = activity.from_property
    return str(sender.name or "") if sender is not None else ""


def to_reference_data(activity: Activity) -> dict[str, object]:
    """What `send_proactive` needs later: service URL, conversation (the channel for a thread),
    bot, tenant; no activity id, so proactive posts start new messages."""
    reference = activity.get_conversation_reference()
    reference.activity_id = None
    reference.request_id = None
    reference.conversation.id = to_target_id(reference.conversation.id)
    return reference.model_dump(mode="json", by_alias=True, exclude_none=True)


def is_shared(activity: Activity) -> bool:
    """A channel or group chat: what the bot posts there, everyone sees."""
    conversation = activity.conversation
    if conversation is None:
        return False
    return conversation.conversation_type in SHARED_CONVERSATION_TYPES or bool(conversation.is_group)


def expects_replies(activity: Activity) -> bool:
    """`deliveryMode: expectReplies` (Microsoft 365 Copilot, skills, agent to agent): the replies
    go back in the HTTP response; there is no connector to send to or to edit a card through."""
    return activity.delivery_mode == DeliveryModes.expect_replies


def is_admin(activity: Activity, admin_ids: frozenset[str]) -> bool:
    sender = activity.from_property
    if sender is None:
        return False
    return any(user_id and user_id in admin_ids for user_id in (sender.aad_object_id, sender.id))


def is_bot_among(activity: Activity, members: Sequence[ChannelAccount] | None) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return bool(bot_id) and any(member.id == bot_id for member in members or ())
