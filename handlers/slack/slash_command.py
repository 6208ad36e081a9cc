"""The slash command (`/renkei …`): acknowledged at once, answered in the background with an
ephemeral reply via response_url (a share button under answers; a command's reply visible to the
channel when the command says so). The conversation context is kept per user and channel."""

from __future__ import annotations

import time
from functools import partial

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.dedup import to_command_key
from handlers.slack.incoming import Body, to_question, to_user_key
from handlers.slack.replies import PLATFORM, SlackReplies
from handlers.slack.responses import send_response


class SlashCommand(SlackReplies):
    """The slash command's listener, on the shared reply path."""

    async def on_command(self, ack: AsyncAck, body: Body, respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
        received_at = time.perf_counter()
        await ack()
        work = partial(self.answer_command, body, respond, context.team_id or "", received_at, client)
        saved = {"event_id": to_command_key(body), "type": "command", "team_id": context.team_id or "",
                 "command": dict(body)}
        self.spawn_event(saved, partial(self.once, saved, work), "slash command")

    async def answer_command(self, body: Body, respond: AsyncRespond, team_id: str, received_at: float,
                             client: AsyncWebClient | None = None) -> None:
        text = to_question(str(body.get("text", "")))
        user_id, channel_id = str(body.get("user_id", "")), str(body.get("channel_id", ""))
        conversation_id = f"{PLATFORM}:{team_id}:{channel_id}:{to_user_key(user_id)}"
        out = await self.reply(text, conversation_id, channel=channel_id, user_id=user_id, share=True,
                               received_at=received_at, client=client)
        self.unstarted.pop(to_command_key(body), None)
        self.tasks.leave_slot()
        if await send_response(respond, out.message, visible=out.visible):
            self.posted(out)
