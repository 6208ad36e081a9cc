"""The wiring of the Agents SDK: the `AgentApplication` and `CloudAdapter` the Teams bot runs in,
its connections and JWT settings, and the routes of its handlers (handlers/teams/activities.py).

Security: every request goes through the SDK's JWT check (`jwt_authorization_decorator`). Only
with TEAMS_ANONYMOUS=true and no client id does it let unauthenticated requests through (for the
Bot Framework Emulator and tests), and then only activities whose serviceUrl is on this machine
are processed, so nobody can make the bot post to another address.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass

from microsoft_agents.activity import ActivityTypes, load_configuration_from_env
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

from bot.answering.dispatch import Dispatcher
from bot.commands.registry import Commands, Services
from bot.ops.feedback import FeedbackRecorder
from bot.ops.insights import StoreReport
from bot.ops.logs import quiet_library
from bot.ops.settings import Settings
from bot.reminders.ical import to_calendar_links
from bot.store.store import Store
from handlers.teams.activities import TeamsBot
from handlers.teams.reminders import TeamsReminderSender
from handlers.teams.settings import TeamsSettings

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
# The SDK's JWT check reads its settings from this (string) key of the aiohttp application.
AUTH_CONFIGURATION_KEY = "agent_configuration"
CARD_ACTION_INVOKE = "adaptiveCard/action"


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
