"""Slack's part of where reminders and announcements go unasked: REMINDER_CHANNELS are Slack channels."""

from __future__ import annotations

from bot.ops.settings import Settings
from bot.store.records import Target
from handlers.slack.settings import SlackSettings

PLATFORM = "slack"


def configured_slack_targets(settings: Settings) -> tuple[Target, ...]:
    return tuple(Target(PLATFORM, channel) for channel in settings.section(SlackSettings).reminder_channels)
