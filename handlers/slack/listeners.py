"""The Slack adapter's listeners: Bolt AsyncApp events turned into the core's inbound turn.

Every listener acknowledges at once (Slack's 3-second rule) and answers in a background task:
the app runs with `process_before_response=True`, so a listener's body *is* the acknowledgement
and all it does is `spawn` the answering coroutine. `SlackBot.drain()` waits for the answers in
flight (used on shutdown and by tests).

What arrives              → where the answer goes (conversation context kept per …)
- `app_mention`           → the message's thread (per thread)
- `message` in a DM       → the DM, in the thread if the user wrote in one (per DM / thread)
- `/renkei …`             → ephemeral via response_url, with a share button (per user and channel)
- choice button           → in a DM, an ephemeral answer, or for a clarification: replaces the
                            message (chat.update / response_url); in a channel or group DM: a
                            new reply in the thread, the original left as it was
- 👍 / 👎 button          → `FeedbackRecorder.record(vote)` once per person and answer; in a DM
                            the buttons become a thank-you line, elsewhere an ephemeral thank-you
- share button            → the same answer posted visibly via response_url
- `app_home_opened`       → `views.publish` of the App Home tab

Commands (`/renkei help`, or `help` in a mention or DM) are bot/commands/registry.py's: this adapter only
builds their `Request` and renders their `Reply`. Here: the events; the slash command is in
handlers/slack/slash_command.py, the reply path they share in handlers/slack/replies.py, the
buttons in handlers/slack/buttons.py.
"""

from __future__ import annotations

import logging
import secrets
import time
from functools import partial

from slack_bolt.async_app import AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.command_blocks import to_home_view
from handlers.slack.incoming import Body, is_from_bot, to_question
from handlers.slack.replies import (
    CALENDAR_UPLOADED,
    DEFAULT_COMMAND,
    PLATFORM,
    THANKS,
    Outgoing,
    SlackCalendar,
    to_slack_calendar,
)
from handlers.slack.responses import to_error_code
from handlers.slack.slash_command import SlashCommand
from handlers.slack.tasks import Work

log = logging.getLogger(__name__)

# What the buttons and tests import from here, where it used to be defined (handlers/slack/replies.py).
__all__ = ["CALENDAR_UPLOADED", "DEFAULT_COMMAND", "PLATFORM", "THANKS", "SlackBot", "SlackCalendar",
           "to_slack_calendar"]


class SlackBot(SlashCommand):
    """The listeners of one Bolt app: the events here, the slash command and the shared reply path
    from the classes it builds on."""

    # Events --------------------------------------------------------------------------------------

    async def on_mention(self, event: Body, body: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if is_from_bot(event):
            return
        work = partial(self.answer_mention, event, context.team_id or "", context.bot_user_id, client,
                       time.perf_counter(), key=str(body.get("event_id") or event.get("ts")))
        self.spawn_event(body, partial(self.once, body, work), "mention")

    async def on_message(self, event: Body, body: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or is_from_bot(event):
            return
        work = partial(self.answer_direct_message, event, context.team_id or "", client, time.perf_counter(),
                       key=str(body.get("event_id") or event.get("ts")))
        self.spawn_event(body, partial(self.once, body, work), "direct message")

    async def on_home_opened(self, event: Body, body: Body, client: AsyncWebClient) -> None:
        if event.get("tab") == "home" and event.get("user"):
            home = partial(self.publish_home, str(event["user"]), client)
            self.tasks.spawn(partial(self.once, body, home), "App Home")

    async def replay(self, body: Body, client: AsyncWebClient) -> None:
        """Answer an event or slash command saved by an earlier stop (its id claimed now, so a late
        retry of it from Slack is dropped)."""
        event, event_id = body.get("event") or {}, str(body.get("event_id", ""))
        team_id = str(body.get("team_id", ""))
        bot_user_id = next((str(a.get("user_id")) for a in body.get("authorizations") or [] if a.get("is_bot")), None)
        await self.deduplicator.claim(event_id)
        if body.get("type") == "command" and isinstance(body.get("command"), dict):
            respond = AsyncRespond(response_url=str(body["command"].get("response_url", "")))
            work: Work = partial(self.answer_command, body["command"], respond, team_id, time.perf_counter(), client)
        elif event.get("type") == "app_mention":
            work = partial(self.answer_mention, event, team_id, bot_user_id, client, time.perf_counter(), key=event_id)
        elif event.get("type") == "message":
            work = partial(self.answer_direct_message, event, team_id, client, time.perf_counter(), key=event_id)
        else:
            return
        self.spawn_event(body, work, "saved question")

    async def answer_mention(self, event: Body, team_id: str, bot_user_id: str | None, client: AsyncWebClient,
                             received_at: float, key: str = "") -> None:
        channel = str(event["channel"])
        thread_ts = str(event.get("thread_ts") or event["ts"])
        question = to_question(str(event.get("text", "")), bot_user_id)
        out = await self.reply(question, f"{PLATFORM}:{team_id}:{channel}:{thread_ts}", channel=channel,
                               user_id=str(event.get("user", "")), share=False, received_at=received_at,
                               client=client)
        await self.post_answer(client, channel, out, thread_ts=thread_ts, key=key)

    async def answer_direct_message(self, event: Body, team_id: str, client: AsyncWebClient,
                                    received_at: float, key: str = "") -> None:
        channel = str(event["channel"])
        thread_ts = event.get("thread_ts")
        conversation_id = f"{PLATFORM}:{team_id}:{channel}" + (f":{thread_ts}" if thread_ts else "")
        out = await self.reply(to_question(str(event.get("text", ""))), conversation_id, channel=channel,
                               user_id=str(event.get("user", "")), share=False, received_at=received_at,
                               client=client)
        await self.post_answer(client, channel, out, thread_ts=str(thread_ts) if thread_ts else None, key=key)

    async def post_answer(self, client: AsyncWebClient, channel: str, out: Outgoing, *, thread_ts: str | None,
                          key: str) -> None:
        """Post outside the answer slot, at most once (handlers/slack/posting.py)."""
        self.unstarted.pop(key, None)
        self.tasks.leave_slot()
        outcome = await self.poster.post(client, channel, key or secrets.token_hex(8), thread_ts=thread_ts,
                                         text=out.message.text, blocks=out.message.blocks, unfurl_links=False,
                                         unfurl_media=False)
        if outcome == "posted":
            self.posted(out)

    async def publish_home(self, user_id: str, client: AsyncWebClient) -> None:
        language = await self.locales.language(client, user_id)  # the tab speaks its reader's language
        view = to_home_view(self.commands.home_view(self.dispatcher.clock(), language), self.command)
        self.tasks.leave_slot()
        try:
            await client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            log.error("views.publish failed: %s", to_error_code(error))
