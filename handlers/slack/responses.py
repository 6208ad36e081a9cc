"""Replies on their way to Slack: updating a message in place, posting, and answering through a
slash command's or button's response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.answer_blocks import to_voted_blocks
from handlers.slack.blocks import Message
from handlers.slack.incoming import Body, is_direct_message
from handlers.slack.posting import send_webhook

log = logging.getLogger(__name__)


async def update_message(client: AsyncWebClient, container: Body, message: Message) -> bool:
    """chat.update of the message whose button was pressed; False (and a log line) when refused."""
    try:
        await client.chat_update(
            channel=container["channel_id"], ts=container["message_ts"], text=message.text, blocks=message.blocks
        )
    except SlackApiError as error:
        log.error("chat.update failed: %s", to_error_code(error))
        return False
    return True


async def acknowledge_in_place(client: AsyncWebClient, body: Body) -> bool:
    """In a DM, turn the voted message's 👍 / 👎 into a thank-you line; False elsewhere (a channel
    keeps its buttons for everyone else) or when the message cannot be edited."""
    container, voted = body.get("container") or {}, body.get("message") or {}
    if not is_direct_message(body) or container.get("is_ephemeral") or not voted.get("blocks"):
        return False
    message = Message(text=str(voted.get("text") or ""), blocks=to_voted_blocks(voted["blocks"]))
    return await update_message(client, container, message)


def to_error_code(error: SlackApiError) -> str:
    # Only Slack's short error code: the full response could echo request data.
    return str(error.response.get("error", "unknown_error"))


async def post_message(client: AsyncWebClient, channel: str, message: Message, *, thread_ts: str | None) -> bool:
    """chat.postMessage; False (and a log line) when Slack refused it."""
    try:
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as error:
        log.error("chat.postMessage to %s failed: %s", channel, to_error_code(error))
        return False
    return True


async def send_response(
    respond: AsyncRespond, message: Message, *, visible: bool = False, replace_original: bool | None = None
) -> bool:
    """Post through response_url once (no retry of a post that may have been sent); False (and a
    log line) when Slack refused it or the outcome is unknown."""
    fields: dict[str, Any] = {
        "text": message.text,
        "blocks": message.blocks,
        "response_type": "in_channel" if visible else "ephemeral",
    }
    if replace_original is not None:
        fields["replace_original"] = replace_original
    response = await send_webhook(respond, fields)
    if response is None:
        return False
    if response.status_code != 200:
        log.error("response_url post failed with HTTP %s", response.status_code)
        return False
    return True
