"""Slack's buttons: a related question or a clarification's choice, 👍/👎, sharing an answer, and
「カレンダーに追加」. Each press is acknowledged at once, claimed once (its trigger_id and action
timestamp, as a slash command's), and handled in the background with the bot's shared parts."""

from __future__ import annotations

import logging
from functools import partial

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.language.messages import say
from bot.ops.feedback import to_voter_key
from bot.reminders.ical import UnknownEvent
from bot.store.records import Vote
from handlers.slack.answer_blocks import FEEDBACK_UP_ACTION, to_calendar_language
from handlers.slack.command_blocks import to_notice_message
from handlers.slack.dedup import (
    to_action_key,
)
from handlers.slack.incoming import (
    Body,
    is_direct_message,
    to_answer_id,
    to_button_payload,
    to_thread_ts,
    to_user_id,
)
from handlers.slack.listeners import PLATFORM, SlackBot
from handlers.slack.responses import acknowledge_in_place, post_message, send_response, to_error_code, update_message
from handlers.slack.tasks import Work

log = logging.getLogger(__name__)


class SlackButtons:
    """The button handlers of one `SlackBot`."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    # A signed block_actions request replayed (within the five minutes its signature is valid) is
    # acknowledged and not answered again: its trigger_id and action timestamp are claimed, as a
    # slash command's are.

    async def on_choice(self, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond,
                        client: AsyncWebClient) -> None:
        await ack()
        self.spawn_action(body, action, partial(self.answer_choice, body, action, respond, client), "choice button")

    async def on_feedback(self, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond,
                          client: AsyncWebClient) -> None:
        await ack()
        self.spawn_action(body, action, partial(self.record_feedback, body, action, respond, client), "feedback button")

    async def on_share(self, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond) -> None:
        await ack()
        self.spawn_action(body, action, partial(self.share_answer, body, action, respond), "share button")

    def spawn_action(self, body: Body, action: Body, work: Work, name: str) -> None:
        self.bot.tasks.spawn(partial(self.bot.once, {"event_id": to_action_key(body, action)}, work), name)

    async def on_calendar(self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        if "url" in action:
            return  # a link button: the user's browser fetches the file
        upload = partial(self.upload_calendar, body, str(action.get("value", "")), client,
                         to_calendar_language(str(action.get("block_id", ""))))
        self.bot.tasks.spawn(upload, "calendar upload")

    async def upload_calendar(self, body: Body, event_id: str, client: AsyncWebClient, language: str = "ja") -> None:
        """「カレンダーに追加」 without PUBLIC_BASE_URL: the event's .ics, uploaded to the conversation
        with a line in the language of the answer the button was under."""
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        if self.bot.calendar.files is None or not channel:
            return
        try:
            data = await self.bot.calendar.files.event_file(event_id)
        except UnknownEvent:
            log.warning("calendar button for an event the data no longer has")
            return
        try:
            await client.files_upload_v2(channel=channel, thread_ts=to_thread_ts(body), content=data,
                                         filename=f"{event_id}.ics", title=f"{event_id}.ics",
                                         initial_comment=say("calendar_uploaded", language))
        except SlackApiError as error:
            log.error("calendar file not uploaded: %s", to_error_code(error))
        except (TimeoutError, aiohttp.ClientError) as error:
            log.error("calendar file upload: %s", type(error).__name__)

    async def answer_choice(self, body: Body, action: Body, respond: AsyncRespond, client: AsyncWebClient) -> None:
        payload = to_button_payload(action)
        if payload is None:
            return
        container = body.get("container") or {}
        ephemeral = bool(container.get("is_ephemeral"))
        message = await self.bot.answer(payload.question, payload.conversation_id, user_id=to_user_id(body),
                                    share=ephemeral)
        self.bot.tasks.leave_slot()  # posting (which may hang) holds no answer slot
        if ephemeral or not container.get("message_ts"):
            await send_response(respond, message, replace_original=True)
        elif is_direct_message(body) or payload.kind == "clarify":
            await update_message(client, container, message)
        else:
            await post_message(client, str(container["channel_id"]), message, thread_ts=to_thread_ts(body))

    async def record_feedback(self, body: Body, action: Body, respond: AsyncRespond, client: AsyncWebClient) -> None:
        payload = to_button_payload(action)
        if payload is None:
            return
        user_id = to_user_id(body)
        await self.bot.feedback.record(Vote(
            platform=PLATFORM,
            conversation_id=payload.conversation_id,
            user_id=user_id,
            question=payload.question,
            helpful=action.get("action_id") == FEEDBACK_UP_ACTION,
            voted_at=self.bot.dispatcher.clock(),
            answer_kind=payload.kind,
            topic_id=payload.topic_id,
            voter_key=to_voter_key(PLATFORM, user_id, to_answer_id(body, payload)),
        ))
        self.bot.tasks.leave_slot()
        if not await acknowledge_in_place(client, body):
            await send_response(respond, to_notice_message(say("thanks", payload.language)), replace_original=False)

    async def share_answer(self, body: Body, action: Body, respond: AsyncRespond) -> None:
        payload = to_button_payload(action)
        if payload is None:
            return
        message = await self.bot.answer(payload.question, payload.conversation_id, user_id=to_user_id(body),
                                    share=False)
        self.bot.tasks.leave_slot()
        if await send_response(respond, message, visible=True, replace_original=False):
            await respond(delete_original=True)
