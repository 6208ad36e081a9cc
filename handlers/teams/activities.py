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

Security: every request goes through the SDK's JWT check (`jwt_authorization_decorator`). Only
with TEAMS_ANONYMOUS=true and no client id does it let unauthenticated requests through (for the
Bot Framework Emulator and tests), and then only activities whose serviceUrl is on this machine
are processed, so nobody can make the bot post to another address.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import ipaddress
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    DeliveryModes,
    InvokeResponse,
    load_configuration_from_env,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ApplicationOptions,
    MemoryStorage,
    OutboundHostValidator,
    TurnContext,
    TurnState,
)
from yarl import URL

from bot.answering.dispatch import Asked, Dispatcher
from bot.commands.inbound import Inbound, InboundTurn, Said
from bot.commands.registry import Commands, Mention, Services, SubscriptionBook
from bot.language.messages import language_of_locale, say
from bot.ops.feedback import FeedbackRecorder, to_voter_key
from bot.ops.insights import StoreReport
from bot.ops.logs import quiet_library
from bot.ops.settings import Settings
from bot.reminders.ical import CalendarLinks, to_calendar_links
from bot.store.records import Target, Vote
from bot.store.store import Store
from handlers.inbound import to_clean_text
from handlers.teams.answer_cards import CHOICE_ACTION, CardOptions, SubmitPayload, to_answer_card, to_voted_card
from handlers.teams.cards import Card, to_card_activity
from handlers.teams.command_cards import to_help_card, to_notice_card, to_reply_card
from handlers.teams.connector import ConnectorReachability
from handlers.teams.reminders import TEAMS, ReferenceBook, TeamsReminderSender
from handlers.teams.settings import TeamsSettings

log = logging.getLogger(__name__)

PLATFORM = TEAMS
MESSAGES_PATH = "/api/messages"
# The SDK's JWT check reads its settings from this (string) key of the aiohttp application.
AUTH_CONFIGURATION_KEY = "agent_configuration"
THANKS = say("thanks")
CARD_ACTION_INVOKE = "adaptiveCard/action"
NOT_SUPPORTED = ("このボタンには対応していません。Renkei Bot のカードのボタンは Teams のチャットとチャネルで"
                 "お使いください。質問はメッセージで送ることもできます。")
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


def is_loopback_url(url: object) -> bool:
    try:
        host = URL(str(url)).host or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LoopbackServiceUrls(OutboundHostValidator):
    """The SDK's serviceUrl check, narrowed to this machine (anonymous mode only)."""

    def __init__(self) -> None:
        super().__init__(enabled=True, include_default_microsoft_hosts=False)

    def is_allowed(self, url: str | URL) -> bool:
        return is_loopback_url(url)


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


def may_replace(activity: Activity, payload: SubmitPayload) -> bool:
    """A choice's answer may replace its card in a one-to-one chat, and anywhere for a
    clarification (it asked only the one person); in a shared conversation an answer stays."""
    return not is_shared(activity) or payload.kind == "clarify"


def to_answer_id(activity: Activity, payload: SubmitPayload) -> str:
    """The answer a vote is about: the card's message, else the question in this conversation."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    return f"{conversation_id}|{activity.reply_to_id or payload.question}"


def to_not_supported_response() -> Activity:
    """The invoke response to an Action.Execute: HTTP 200, a message the client shows."""
    body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": NOT_SUPPORTED}
    return Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))


class SentCards:
    """The cards this process sent lately, by activity id, so a vote can update its own card
    (Teams sends only the button's data back). Bounded; a card not here is left as it is."""

    def __init__(self, max_cards: int = 2_000) -> None:
        self.max_cards = max_cards
        self._cards: OrderedDict[str, Card] = OrderedDict()

    def remember(self, activity_id: str, card: Card) -> None:
        self._cards[activity_id] = card
        self._cards.move_to_end(activity_id)
        while len(self._cards) > self.max_cards:
            self._cards.popitem(last=False)

    def get(self, activity_id: str | None) -> Card | None:
        return self._cards.get(activity_id) if activity_id else None


# No variable name in what users read: card text shows its underscores full-width.
PLACE = "会話"


class ActionClaims(Protocol):
    """Which card actions were already taken on (the store's event claims, shared by instances)."""

    async def claim(self, event_id: str) -> bool: ...


def to_action_key(activity: Activity) -> str | None:
    """A card action's claim: the same Action.Submit activity delivered again (a replay) has the
    same conversation and activity id. None when the activity carries no id."""
    if not activity.id:
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    return "teams-action:" + hashlib.sha256(f"{conversation_id}\x1f{activity.id}".encode()).hexdigest()


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


def is_admin(activity: Activity, admin_ids: frozenset[str]) -> bool:
    sender = activity.from_property
    if sender is None:
        return False
    return any(user_id and user_id in admin_ids for user_id in (sender.aad_object_id, sender.id))


def is_bot_among(activity: Activity, members: Sequence[ChannelAccount] | None) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return bool(bot_id) and any(member.id == bot_id for member in members or ())


def register(app: AgentApplication[TurnState], bot: TeamsBot) -> None:
    """Attach the bot's handlers to `app` (a fresh app per test is fine)."""
    app.activity(ActivityTypes.message)(bot.on_message)
    app.activity(ActivityTypes.conversation_update)(bot.on_conversation_update)
    app.activity(ActivityTypes.installation_update)(bot.on_installation_update)
    app.invoke(CARD_ACTION_INVOKE)(bot.on_card_action)
    app.error(bot.on_error)


# --- wiring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamsService:
    """A ready Teams agent: the SDK application and adapter, and the JWT settings they check."""

    app: AgentApplication[TurnState]
    adapter: CloudAdapter
    bot: TeamsBot
    auth_configuration: AgentAuthConfiguration
    app_id: str

    def reminder_sender(self) -> TeamsReminderSender:
        """The reminder `Sender` for the "teams" platform, posting through this adapter."""
        return TeamsReminderSender(self.adapter, self.bot.references, app_id=self.app_id,
                                   calendar_links=self.bot.calendar_links, connector=self.bot.connector)


def build_connections(settings: Settings) -> tuple[MsalConnectionManager, AgentAuthConfiguration]:
    """The SDK's connection manager and the settings its JWT check uses.

    With a client id: the SDK's own CONNECTIONS__* configuration, anonymous access forced off.
    Without one (TEAMS_ANONYMOUS=true): an anonymous-only connection, and a warning.
    """
    teams = settings.section(TeamsSettings)
    if not teams.anonymous_allowed:
        connections = MsalConnectionManager(**load_configuration_from_env(dict(teams.sdk_env)))
        auth = connections.get_default_connection_configuration()
        if auth.ANONYMOUS_ALLOWED or teams.anonymous:
            log.warning("Teams: anonymous access is ignored because a client id is configured; "
                        "every request to %s must carry a valid token", MESSAGES_PATH)
        auth.ANONYMOUS_ALLOWED = False
        return connections, auth
    log.warning("Teams: TEAMS_ANONYMOUS=true and no client id: %s accepts requests without a token. "
                "For local testing only (Bot Framework Emulator); replies go only to a serviceUrl on this "
                "machine.", MESSAGES_PATH)
    # Anonymous mode has no app id by design: the SDK would say so on every request.
    quiet_library("microsoft_agents.hosting.core.connector.client.user_token_client", "App ID is not provided")
    auth = AgentAuthConfiguration(anonymous_allowed=True)
    return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth}), auth


def build_teams_service(settings: Settings, dispatcher: Dispatcher, store: Store, *,
                        feedback: FeedbackRecorder | None = None, commands: Commands | None = None) -> TeamsService:
    """The Teams agent for `settings`; raises ValueError when Teams is not configured."""
    teams = settings.section(TeamsSettings)
    if not teams.enabled:
        raise ValueError("Teams is not configured: set CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID "
                         "(or TEAMS_ANONYMOUS=true for local testing)")
    connections, auth = build_connections(settings)
    # With a client id, activities must name a Microsoft serviceUrl (the SDK's default list).
    validator = OutboundHostValidator(enabled=True) if teams.client_id else LoopbackServiceUrls()
    adapter = CloudAdapter(connection_manager=connections, host_validator=validator)
    adapter.on_turn_error = raise_turn_error
    app = AgentApplication[TurnState](
        ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False), connection_manager=connections,
    )
    if commands is None:
        commands = Commands(Services(knowledge=lambda: dispatcher.kb, subscriptions=store.subscriptions,
                                     deliveries=store.ledger, reports=StoreReport(store)))
    bot = TeamsBot(dispatcher, feedback or store.votes, commands=commands, references=store.references,
                   subscriptions=store.subscriptions, admin_ids=frozenset(teams.admin_ids),
                   claims=store.event_claims,
                   calendar_links=to_calendar_links(settings.public_base_url, settings.calendar_token))
    register(app, bot)
    return TeamsService(app=app, adapter=adapter, bot=bot, auth_configuration=auth,
                        app_id=teams.client_id)


async def raise_turn_error(context: TurnContext, error: Exception) -> None:
    # Replaces the SDK default, which posts the exception's text into the conversation.
    raise error
