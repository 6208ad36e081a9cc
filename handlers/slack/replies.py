"""The shared reply path of Slack's listeners: what the core says to a message (one inbound turn,
bot/commands/inbound.py) rendered as a Slack message, and the bookkeeping every acknowledged event
shares — its id claimed once (here or by another instance), `unstarted` until its answer starts
posting (what a stop out of time saves), the dispatcher told when the reply is out.

`SlackReplies` holds what the listeners share; `SlashCommand` (handlers/slack/slash_command.py)
and `SlackBot` (the events, handlers/slack/listeners.py) build on it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial

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
from handlers.slack.answer_blocks import AnswerOptions, CalendarOptions, to_answer_message
from handlers.slack.blocks import Message
from handlers.slack.command_blocks import to_notice_message, to_reply_message
from handlers.slack.dedup import EventDeduplicator, claim_when_reachable
from handlers.slack.incoming import Body
from handlers.slack.locales import UserLocales
from handlers.slack.posting import SlackPoster
from handlers.slack.tasks import BackgroundTasks, Work

log = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_COMMAND = "/renkei"
THANKS = say("thanks")
CALENDAR_UPLOADED = say("calendar_uploaded")


def to_join_hint(language: str) -> Line:
    """What a user does so that the bot can post in a channel (after `remind on`), in `language`."""
    return (say("slack_join_before", language), Code("/invite @Renkei Bot"), say("slack_join_after", language))


class SlackReplies:
    """What the listeners of one Bolt app share: the dispatcher, command set, recorder and
    de-duplicator, the answers in flight, and the path from a message to its rendered reply."""

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

    # Acknowledged work ---------------------------------------------------------------------------
    # Slack re-sends an event it thinks was not acknowledged (X-Slack-Retry-Num, and retry_attempt
    # in Socket Mode), possibly to another instance; its event_id stays the same. Every event is
    # acknowledged at once, and its event_id is claimed afterwards, off the acknowledgement's path
    # (the claim may be a database write shared by several instances): only the claimant answers.

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

    # The reply ---------------------------------------------------------------------------------------

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
