"""The Microsoft Teams adapter, on the Microsoft 365 Agents SDK: an `AgentApplication` whose
handlers turn Teams activities into dispatcher questions and Adaptive Cards.

What arrives (POST /api/messages)            → what the bot does
- message in a personal chat                 → answers with a card (context per chat)
- message in a group chat / channel that
  @mentions the bot (mention removed)        → answers in the chat / thread (context per thread)
- a command (`help`, `list`, `schedule`,
  `remind on|off|list`; `report` and `reload`
  for TEAMS_ADMIN_IDS)                       → its reply as a card (bot/commands/registry.py, as in Slack)
- Action.Submit of a choice button           → the answer: in a personal chat (or for a
                                               clarification) it replaces the card; in a channel
                                               or group chat it is a new reply in the thread
- Action.Submit of 👍 / 👎                   → `FeedbackRecorder.record(vote)` once per person
                                               and answer; the card's buttons become a thank-you
- adaptiveCard/action invoke (Action.Execute)→ 200 with a "not supported" message (cards use
                                               Action.Submit only; docs/teams.md says why)
- deliveryMode expectReplies (Copilot, skills)→ every reply in the HTTP body, nothing edited
- conversationUpdate (bot added)             → conversation reference stored, welcome (help) card
- installationUpdate add / remove            → reference stored / reminders for it turned off

Every message also refreshes the stored conversation reference, so reminders reach any
conversation the bot was installed in or messaged from (the Teams reminder sender).
"""

from __future__ import annotations

import contextlib
import logging
import time

import aiohttp
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext, TurnState

from bot.answering.dispatch import Asked, Dispatcher
from bot.commands.inbound import Inbound, InboundTurn, Said
from bot.commands.registry import Commands, Mention, SubscriptionBook
from bot.language.messages import language_of_locale, say
from bot.ops.feedback import FeedbackRecorder, to_voter_key
from bot.reminders.ical import CalendarLinks
from bot.store.records import Target, Vote
from handlers.teams.answer_cards import CHOICE_ACTION, CardOptions, SubmitPayload, to_answer_card, to_voted_card
from handlers.teams.card_actions import (
    ActionClaims,
    SentCards,
    may_replace,
    to_action_key,
    to_answer_id,
    to_not_supported_response,
)
from handlers.teams.cards import Card, to_card_activity
from handlers.teams.command_cards import to_help_card, to_notice_card, to_reply_card
from handlers.teams.connector import ConnectorReachability
from handlers.teams.incoming import (
    PLATFORM,
    expects_replies,
    is_admin,
    is_bot_among,
    to_context_id,
    to_question,
    to_reference_data,
    to_target_id,
    to_user_id,
    to_user_name,
)
from handlers.teams.reminders import ReferenceBook

log = logging.getLogger(__name__)

THANKS = say("thanks")

# No variable name in what users read: card text shows its underscores full-width.
PLACE = "会話"


# --- the handlers --------------------------------------------------------------------------------


class TeamsBot:
    """The route handlers of one AgentApplication, bound to what they use."""

    def __init__(self, dispatcher: Dispatcher, feedback: FeedbackRecorder, *, commands: Commands,
                 references: ReferenceBook, subscriptions: SubscriptionBook,
                 admin_ids: frozenset[str] = frozenset(), claims: ActionClaims | None = None,
                 calendar_links: CalendarLinks | None = None) -> None:
        self.dispatcher = dispatcher
        self.claims = claims
        self.calendar_links = calendar_links
        self.feedback = feedback
        self.references = references
        self.subscriptions = subscriptions
        self.commands = commands
        self.turn = InboundTurn(dispatcher, commands)
        self.admin_ids = admin_ids
        self.sent = SentCards()
        self.connector = ConnectorReachability()

    # Activities ----------------------------------------------------------------------------------

    async def on_message(self, context: TurnContext, state: TurnState) -> None:
        received_at = time.perf_counter()
        activity = context.activity
        await self.remember(activity)
        if activity.value is not None and not (activity.text or "").strip():
            await self.on_submit(context)
            return
        bot_name = activity.recipient.name if activity.recipient else None
        card, asked = await self.respond(to_question(activity.text or "", bot_name), activity, received_at)
        await self.send_card(context, card)
        if asked is not None:
            self.dispatcher.replied(asked)

    async def on_conversation_update(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if is_bot_among(activity, activity.members_added):
            await self.remember(activity)
            await self.send_card(context, to_help_card(self.commands.help_view(language_of_locale(activity.locale))))
        elif is_bot_among(activity, activity.members_removed):
            await self.forget(activity)

    async def on_installation_update(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if activity.action == "remove":
            await self.forget(activity)
        elif (activity.action or "").startswith("add"):
            await self.remember(activity)

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        # The SDK has logged the traceback; the user gets an apology, never the error text.
        log.error("Teams turn failed: %s", type(error).__name__)
        try:
            await self.send_card(context, to_notice_card(say("apology", language_of_locale(context.activity.locale))))
        except Exception as send_error:
            log.warning("could not send the apology to Teams: %s", type(send_error).__name__)

    # Card buttons --------------------------------------------------------------------------------

    async def on_submit(self, context: TurnContext) -> None:
        try:
            payload = SubmitPayload.from_value(context.activity.value)
        except ValueError:
            log.warning("ignoring a Teams card action that is not ours")
            return
        if not await self.is_first_delivery(context.activity):
            log.info("Teams card action already taken; not answered again")
            return
        if payload.action == CHOICE_ACTION:
            await self.answer_choice(context, payload)
        else:
            await self.acknowledge_vote(context, payload)

    async def is_first_delivery(self, activity: Activity) -> bool:
        """False for a card action delivered before (a replay). The answer is due in this request:
        when the database cannot be reached, the action is answered without its claim."""
        key = to_action_key(activity)
        if self.claims is None or key is None:
            return True
        try:
            return await self.claims.claim(key)
        except Exception as error:
            log.warning("cannot claim a Teams card action (%s); answering it unclaimed", type(error).__name__)
            return True

    async def on_card_action(self, context: TurnContext, state: TurnState) -> None:
        """Action.Execute (an `adaptiveCard/action` invoke): the bot's cards use Action.Submit only."""
        log.info("answered an Action.Execute invoke with 'not supported'")
        await context.send_activity(to_not_supported_response())

    async def answer_choice(self, context: TurnContext, payload: SubmitPayload) -> None:
        card = await self.to_answer(payload.question, context.activity)
        if may_replace(context.activity, payload):
            await self.replace_card(context, card)
        else:
            await self.send_card(context, card)

    async def acknowledge_vote(self, context: TurnContext, payload: SubmitPayload) -> None:
        """Record the vote (once per person and answer) and turn the card's 👍 / 👎 into a thank-you
        line; no new message, except in the reply body of an expectReplies caller."""
        activity = context.activity
        user_id = to_user_id(activity)
        await self.feedback.record(Vote(
            platform=PLATFORM, conversation_id=to_context_id(activity), user_id=user_id,
            question=payload.question, helpful=payload.helpful, voted_at=self.dispatcher.clock(),
            answer_kind=payload.kind, topic_id=payload.topic_id,
            voter_key=to_voter_key(PLATFORM, user_id, to_answer_id(activity, payload)),
        ))
        card = self.sent.get(activity.reply_to_id)
        if expects_replies(activity):
            thanks = say("thanks", language_of_locale(context.activity.locale))
            await self.send_card(context, to_voted_card(card) if card else to_notice_card(thanks))
        elif card is not None:
            await self.replace_card(context, to_voted_card(card))

    async def replace_card(self, context: TurnContext, card: Card) -> None:
        """Replace the card whose button was pressed (as Slack's chat.update); a new message when
        the original is unknown or can no longer be edited, and with expectReplies."""
        card_id = context.activity.reply_to_id
        if card_id and not expects_replies(context.activity):
            update = to_card_activity(card)
            update.id = card_id
            try:
                with self.watching(context):
                    await context.update_activity(update)
                self.sent.remember(card_id, card)
                return
            except aiohttp.ClientResponseError as error:
                log.warning("could not update the Teams card (HTTP %s); sending a new one", error.status)
        await self.send_card(context, card)

    # Replies -------------------------------------------------------------------------------------

    async def respond(self, text: str, activity: Activity, received_at: float | None = None,
                      ) -> tuple[Card, Asked | None]:
        """The card answering `text` — a command's reply (help when empty) or the engine's answer —
        and the answer it carries, if any, for timing the turn once it is posted."""
        inbound = Inbound(
            text, to_context_id(activity), PLATFORM, Mention(to_user_id(activity), to_user_name(activity)),
            target=Target(PLATFORM, to_target_id(activity.conversation.id)),
            is_admin=is_admin(activity, self.admin_ids), place=PLACE, received_at=received_at,
        )
        said = await self.turn.take(inbound, language=language_of_locale(activity.locale))
        return self.to_card(said, text)

    async def to_answer(self, question: str, activity: Activity) -> Card:
        return (await self.answer_turn(question, activity))[0]

    async def answer_turn(self, question: str, activity: Activity, received_at: float | None = None,
                          ) -> tuple[Card, Asked | None]:
        inbound = Inbound(question, to_context_id(activity), PLATFORM, Mention(to_user_id(activity)),
                          received_at=received_at)
        said = await self.turn.take(inbound, language=language_of_locale(activity.locale), commands=False)
        return self.to_card(said, question)

    def to_card(self, said: Said, question: str) -> tuple[Card, Asked | None]:
        """Teams' rendering of what the core said, and the answer it carries, for timing the turn."""
        if said.reply is not None:
            return to_reply_card(said.reply), None
        if said.asked is None:
            return to_notice_card(said.notice), None
        return to_answer_card(said.asked.answer, CardOptions(question, calendar_links=self.calendar_links)), said.asked

    async def send_card(self, context: TurnContext, card: Card) -> None:
        with self.watching(context):
            sent = await context.send_activity(to_card_activity(card))
        if sent is not None and sent.id and "actions" in card:
            self.sent.remember(sent.id, card)

    def watching(self, context: TurnContext) -> contextlib.AbstractContextManager[None]:
        """Whether the Bot Connector answers this send (an expectReplies caller gets the reply in
        the response body: nothing goes to the connector)."""
        activity = context.activity
        return self.connector.watching(None if expects_replies(activity) else activity.service_url)

    # Conversation references ---------------------------------------------------------------------

    async def remember(self, activity: Activity) -> None:
        if not activity.service_url or not activity.conversation:
            return
        target_id = to_target_id(activity.conversation.id)
        try:
            await self.references.remember(PLATFORM, target_id, to_reference_data(activity))
        except Exception as error:  # the database is away: the question is answered all the same
            log.warning("Teams conversation reference not saved (%s); the next message saves it",
                        type(error).__name__)

    async def forget(self, activity: Activity) -> None:
        target = Target(PLATFORM, to_target_id(activity.conversation.id))
        if await self.subscriptions.turn_off(target):
            log.info("the app was removed from %s: its reminders are off", target)
