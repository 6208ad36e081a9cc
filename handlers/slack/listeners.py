"""The Slack adapter: Bolt AsyncApp listeners that turn Slack events into dispatcher questions.

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
builds their `Request` and renders their `Reply`.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from functools import partial

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.dispatch import Asked, Dispatcher
from bot.commands.inbound import Inbound, InboundTurn, Said
from bot.commands.registry import Code, Commands, Line, Mention, Notice
from bot.language.messages import say
from bot.ops.feedback import FeedbackRecorder
from bot.ops.settings import Settings
from bot.reminders.calendar_files import CalendarFiles
from bot.reminders.ical import to_calendar_links
from bot.store.records import Target
from handlers.slack.blocks import (
    AnswerOptions,
    CalendarOptions,
    Message,
    to_answer_message,
    to_home_view,
    to_notice_message,
    to_reply_message,
)
from handlers.slack.dedup import (
    EventDeduplicator,
    claim_when_reachable,
    to_command_key,
)
from handlers.slack.incoming import (
    Body,
    is_from_bot,
    to_question,
    to_user_key,
)
from handlers.slack.locales import UserLocales
from handlers.slack.posting import SlackPoster
from handlers.slack.responses import send_response, to_error_code
from handlers.slack.tasks import BackgroundTasks, Work

log = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_COMMAND = "/renkei"
# What a user does so that the bot can post in a channel (after `remind on`).
def to_join_hint(language: str) -> Line:
    return (say("slack_join_before", language), Code("/invite @Renkei Bot"), say("slack_join_after", language))

THANKS = say("thanks")
CALENDAR_UPLOADED = say("calendar_uploaded")


# --- the listeners -------------------------------------------------------------------------------


class SlackBot:
    """The listeners of one Bolt app, bound to one dispatcher, command set, recorder and de-duplicator."""

    def __init__(self, dispatcher: Dispatcher, feedback: FeedbackRecorder, *, deduplicator: EventDeduplicator,
                 commands: Commands, command: str, admin_user_ids: frozenset[str] = frozenset(),
                 calendar: SlackCalendar | None = None) -> None:
        self.dispatcher = dispatcher
        self.calendar = calendar or SlackCalendar()
        self.feedback = feedback
        self.deduplicator = deduplicator
        self.commands = commands
        self.turn = InboundTurn(dispatcher, commands)
        self.command = command
        self.admin_user_ids = admin_user_ids
        self.tasks = BackgroundTasks()
        self.poster = SlackPoster()
        self.unstarted: dict[str, Body] = {}
        self.locales = UserLocales()

    async def drain(self) -> None:
        await self.tasks.drain()

    # Events --------------------------------------------------------------------------------------
    # Slack re-sends an event it thinks was not acknowledged (X-Slack-Retry-Num, and retry_attempt
    # in Socket Mode), possibly to another instance; its event_id stays the same. Every event is
    # acknowledged at once, and its event_id is claimed afterwards, off the acknowledgement's path
    # (the claim may be a database write shared by several instances): only the claimant answers.

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

    def spawn_event(self, body: Body, work: Work, name: str) -> None:
        """Answer an acknowledged event in the background; until its answer starts posting, it is
        `unstarted` (what a stop out of time saves for the next start)."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str):
            self.tasks.spawn(work, name)
            return
        self.unstarted[event_id] = body
        self.tasks.spawn(partial(self.tracked, event_id, work), name)

    async def tracked(self, event_id: str, work: Work) -> None:
        try:
            await work()
        finally:
            self.unstarted.pop(event_id, None)

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

    async def once(self, body: Body, work: Work) -> None:
        """Run `work` unless this event's id was already claimed (here or by another instance).
        The event is acknowledged: when the claim cannot reach the database, it waits (in memory,
        within the bound on answers waiting) and tries again until the database is back."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str):
            await work()
            return
        # A stop while the database is away cancels the claim; the work was never started.
        claimed = await claim_when_reachable(self.deduplicator, event_id)
        if not claimed:
            log.info("Slack event %s already taken; acknowledged without answering", event_id)
            return
        await work()

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

    # The slash command ---------------------------------------------------------------------------

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

    # Shared --------------------------------------------------------------------------------------

    async def reply(self, text: str, conversation_id: str, *, channel: str, user_id: str, share: bool,
                    received_at: float | None = None, client: AsyncWebClient | None = None) -> Outgoing:
        """The message for `text`: a command's reply (in the user's language, from their Slack locale)
        or an answer."""
        inbound = Inbound(
            text, conversation_id, PLATFORM, Mention(user_id), target=Target(PLATFORM, channel),
            is_admin=user_id in self.admin_user_ids, place="チャンネル", join_hint=to_join_hint,
            received_at=received_at,
        )

        async def language() -> str:
            return await self.locales.language(client, user_id) if client is not None else "ja"

        return self.to_outgoing(await self.turn.take(inbound, language=language), conversation_id, text, share)

    async def answer(self, question: str, conversation_id: str, *, user_id: str, share: bool) -> Message:
        """The engine's answer, or an apology when anything on the way failed."""
        return (await self.answer_turn(question, conversation_id, user_id=user_id, share=share)).message

    async def answer_turn(self, question: str, conversation_id: str, *, user_id: str, share: bool,
                          received_at: float | None = None) -> Outgoing:
        inbound = Inbound(question, conversation_id, PLATFORM, Mention(user_id), received_at=received_at)
        return self.to_outgoing(await self.turn.take(inbound, commands=False), conversation_id, question, share)

    def to_outgoing(self, said: Said, conversation_id: str, question: str, share: bool) -> Outgoing:
        """Slack's rendering of what the core said."""
        if said.reply is not None:
            visible = isinstance(said.reply, Notice) and said.reply.visible
            return Outgoing(to_reply_message(said.reply, self.command), visible)
        if said.asked is None:
            return Outgoing(to_notice_message(said.notice))
        options = AnswerOptions(question, conversation_id, share_button=share, calendar=self.calendar.options)
        return Outgoing(to_answer_message(said.asked.answer, options), asked=said.asked)

    def posted(self, out: Outgoing) -> None:
        """The reply is out: the dispatcher times the whole turn (arrival to posted)."""
        if out.asked is not None:
            self.dispatcher.replied(out.asked)


@dataclass(frozen=True)
class SlackCalendar:
    """「カレンダーに追加」 in Slack: how the button works, and the files it uploads."""

    options: CalendarOptions = field(default_factory=CalendarOptions)
    files: CalendarFiles | None = None


def to_slack_calendar(settings: Settings, files: CalendarFiles | None) -> SlackCalendar:
    links = to_calendar_links(settings.public_base_url, settings.calendar_token)
    return SlackCalendar(CalendarOptions(links, upload=files is not None), files)


@dataclass(frozen=True)
class Outgoing:
    """A reply on its way: the message, whether everyone in the channel should see it (a slash
    command's reply is otherwise shown to its caller only), and the answer it carries, if any."""

    message: Message
    visible: bool = False
    asked: Asked | None = None
