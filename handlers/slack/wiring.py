"""The Slack plug-in's wiring: the Bolt app with its listeners registered, the Web API client, the
service the composition root starts."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.dispatch import Dispatcher
from bot.commands.registry import Commands, Services
from bot.ops.feedback import FeedbackRecorder, InMemoryFeedbackRecorder
from bot.ops.logs import quiet_library
from bot.ops.settings import Settings
from bot.reminders.calendar_files import CalendarFiles
from handlers.slack.answer_blocks import (
    CALENDAR_ACTION_PREFIX,
    CHOICE_ACTION_PREFIX,
    FEEDBACK_DOWN_ACTION,
    FEEDBACK_UP_ACTION,
    SHARE_ACTION,
)
from handlers.slack.buttons import SlackButtons
from handlers.slack.client import RateLimitRetryExceptPosts, to_retry_handlers
from handlers.slack.dedup import EventDeduplicator, InMemoryEventDeduplicator
from handlers.slack.listeners import SlackBot
from handlers.slack.replies import DEFAULT_COMMAND, SlackCalendar, to_slack_calendar
from handlers.slack.settings import SlackSettings
from handlers.slack.tasks import MAX_ANSWERS_WAITING, BackgroundTasks

log = logging.getLogger(__name__)


# --- wiring --------------------------------------------------------------------------------------


def register(
    app: AsyncApp,
    dispatcher: Dispatcher,
    feedback: FeedbackRecorder,
    *,
    deduplicator: EventDeduplicator | None = None,
    commands: Commands | None = None,
    command: str = DEFAULT_COMMAND,
    admin_user_ids: frozenset[str] = frozenset(),
    calendar: SlackCalendar | None = None,
) -> SlackBot:
    """Attach Renkei Bot's listeners to `app`; returns them bound. Without `commands`, the ones
    needing a database or a reloader say they are unavailable."""
    commands = commands or Commands(Services(knowledge=lambda: dispatcher.kb))
    bot = SlackBot(
        dispatcher,
        feedback,
        deduplicator=deduplicator or InMemoryEventDeduplicator(),
        commands=commands,
        command=command,
        admin_user_ids=admin_user_ids,
        calendar=calendar,
    )
    app.middleware(to_busy_guard(bot.tasks))
    app.event("app_mention")(bot.on_mention)
    app.event("message")(bot.on_message)
    app.event("app_home_opened")(bot.on_home_opened)
    app.command(command)(bot.on_command)
    buttons = SlackButtons(bot)
    app.action(re.compile(rf"^{CHOICE_ACTION_PREFIX}\d+$"))(buttons.on_choice)
    app.action(FEEDBACK_UP_ACTION)(buttons.on_feedback)
    app.action(FEEDBACK_DOWN_ACTION)(buttons.on_feedback)
    app.action(SHARE_ACTION)(buttons.on_share)
    app.action(re.compile(rf"^{CALENDAR_ACTION_PREFIX}\d+$"))(buttons.on_calendar)
    return bot


def to_busy_guard(tasks: BackgroundTasks) -> Callable[..., Awaitable[BoltResponse | None]]:
    """At most MAX_ANSWERS_WAITING answers wait, in HTTP mode and Socket Mode alike: beyond that a
    request is not acknowledged (503; in Socket Mode no ack is sent), so Slack sends it again later."""

    async def refuse_when_busy(next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        if len(tasks) >= MAX_ANSWERS_WAITING:
            log.warning("too many answers waiting (%d): not acknowledged, Slack sends it again", len(tasks))
            return BoltResponse(status=503, body="busy")
        await next()
        return None

    return refuse_when_busy


def build_web_client(
    settings: Settings, *, session: aiohttp.ClientSession | None = None, retry_rate_limits: bool = True
) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL with the bot token (GovSlack, and the tests' fake).

    Code with its own retry policy (reminder delivery) passes `retry_rate_limits=False`.
    """
    slack = settings.section(SlackSettings)
    handlers = to_retry_handlers()
    if retry_rate_limits:
        handlers.append(RateLimitRetryExceptPosts(max_retry_count=1))
    return AsyncWebClient(
        token=slack.bot_token or None,
        base_url=slack.api_url,
        timeout=int(slack.timeout_seconds) or 1,
        session=session,
        retry_handlers=handlers,
        logger=to_library_logger("web_api", settings),
    )


def to_library_logger(name: str, settings: Settings) -> logging.Logger:
    # slack_sdk and Bolt build their debug strings (whole request bodies) whenever their logger's
    # own level is unset; an explicit LOG_LEVEL keeps that work off the hot path.
    logger = logging.getLogger(f"{__name__}.{name}")
    logger.setLevel(settings.log_level)
    # Bolt reads SLACK_BOT_TOKEN itself and warns that the client we give it wins (it holds the same token).
    quiet_library(logger.name, "As you gave `client` as well, `token` will be unused")
    return logger


@dataclass(frozen=True)
class SlackService:
    """A ready Bolt app and its bound listeners."""

    app: AsyncApp
    bot: SlackBot

    @property
    def client(self) -> AsyncWebClient:
        return self.app.client


def build_slack_app(
    settings: Settings,
    dispatcher: Dispatcher,
    *,
    feedback: FeedbackRecorder | None = None,
    deduplicator: EventDeduplicator | None = None,
    commands: Commands | None = None,
    session: aiohttp.ClientSession | None = None,
    calendar: CalendarFiles | None = None,
) -> SlackService:
    """The Bolt AsyncApp for `settings` (signature checks on, every Web API call on SLACK_API_URL)."""
    slack = settings.section(SlackSettings)
    app = AsyncApp(
        name="renkei-bot",
        logger=to_library_logger("bolt", settings),
        client=build_web_client(settings, session=session),
        signing_secret=slack.signing_secret,
        process_before_response=True,
    )
    bot = register(
        app,
        dispatcher,
        feedback or InMemoryFeedbackRecorder(),
        deduplicator=deduplicator,
        commands=commands,
        command=slack.command,
        admin_user_ids=frozenset(slack.admin_user_ids),
        calendar=to_slack_calendar(settings, calendar),
    )
    return SlackService(app, bot)
