"""Where reminders and new memoranda go without anyone turning them on: each platform contributes its
configured conversations (Slack: REMINDER_CHANNELS; Teams: none, its conversations subscribe). The core
(`bot/reminders`) takes the result and names no platform."""

from __future__ import annotations

from bot.ops.settings import Settings
from bot.store.records import Target
from handlers.slack.targets import configured_slack_targets


def configured_targets(settings: Settings) -> tuple[Target, ...]:
    return configured_slack_targets(settings)
