"""Slack's settings section: its tokens, its Web API and slash command, its reminder channels and
admins. The composition root reads it with the core's (`handlers/settings.py`); Slack's code takes
it from the settings with `settings.section(SlackSettings)`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

from bot.ops.settings import (
    SettingsError,
    SettingsSection,
    read_csv,
    read_positive,
    read_text,
    read_url,
)


@dataclass(frozen=True)
class SlackSettings(SettingsSection):
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    api_url: str = "https://slack.com/api/"
    # The Slack app (issue 3): the slash command's name, as in deploy/slack/manifest.yaml.
    command: str = "/renkei"
    # Faults (issue 12): every Web API request's limit (connect at most 5 s of it).
    timeout_seconds: float = 10.0
    # Channels that always get reminders and announcements, and who may run `reload` and `report`.
    reminder_channels: tuple[str, ...] = ()
    admin_user_ids: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        section = cls(
            bot_token=read_text(env, "SLACK_BOT_TOKEN", ""),
            app_token=read_text(env, "SLACK_APP_TOKEN", ""),
            signing_secret=read_text(env, "SLACK_SIGNING_SECRET", ""),
            api_url=read_url(env, "SLACK_API_URL", cls.api_url),
            command=read_text(env, "SLACK_COMMAND", cls.command),
            timeout_seconds=read_positive(env, "SLACK_TIMEOUT_SECONDS", cls.timeout_seconds),
            reminder_channels=read_csv(env, "REMINDER_CHANNELS"),
            admin_user_ids=read_csv(env, "ADMIN_USER_IDS"),
        )
        section.check()
        return section

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def mode(self) -> str:
        """off, socket or http (what /healthz says)."""
        if not self.enabled:
            return "off"
        return "socket" if self.socket_mode else "http"

    def describe(self) -> str:
        if not self.enabled:
            return "Slack off (SLACK_BOT_TOKEN not set)"
        mode = "Socket Mode: SLACK_APP_TOKEN set" if self.socket_mode else \
            "HTTP mode at /slack/events: SLACK_APP_TOKEN not set"
        return f"Slack on ({mode})"

    def check(self) -> None:
        self._check_tokens()
        if self.enabled and not self.socket_mode and not self.signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (HTTP mode)"
            )
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", self.command):
            raise SettingsError("SLACK_COMMAND must be a slash command such as /renkei (lower-case, no spaces)")

    def _check_tokens(self) -> None:
        """Each credential in its own variable: a token pasted into the wrong one would otherwise
        start the bot silently and fail on the first request."""
        for name, value, prefix, what in (
            ("SLACK_BOT_TOKEN", self.bot_token, "xoxb-", "the Bot User OAuth Token (OAuth & Permissions)"),
            ("SLACK_APP_TOKEN", self.app_token, "xapp-", "an app-level token (Basic Information)"),
        ):
            if value and not value.startswith(prefix):
                pasted = kind_of_token(value)
                found = f" (it holds {pasted})" if pasted else ""
                raise SettingsError(f"{name} must be {what} (it starts with {prefix}){found}")
        if kind_of_token(self.signing_secret):
            raise SettingsError("SLACK_SIGNING_SECRET must be the app's Signing Secret (Basic Information), "
                                f"not a token (it holds {kind_of_token(self.signing_secret)})")


_TOKEN_KINDS = (("xoxb-", "a bot token"), ("xapp-", "an app-level token"), ("xoxp-", "a user token"),
                ("xoxe", "a refresh token"), ("xoxa-", "an app token"))


def kind_of_token(value: str) -> str:
    """What kind of Slack token a value is, by its prefix ("" when it is none)."""
    return next((kind for prefix, kind in _TOKEN_KINDS if value.startswith(prefix)), "")
