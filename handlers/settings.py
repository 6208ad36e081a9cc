"""The composition root's settings: the core's, with the section of every platform the bot can
run. `read_settings()` is the one typed entry (the core's `Settings.from_env` with these sections);
the unknown-variable warning and the platforms line know every platform's variables through it.

Adding a platform adds its section class to `PLATFORM_SECTIONS` (in the order of the start's
platforms line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.ops import settings as core
from bot.ops.settings import Settings, SettingsSection
from handlers.slack.settings import SlackSettings
from handlers.teams.settings import TeamsSettings

PLATFORM_SECTIONS: tuple[type[SettingsSection], ...] = (SlackSettings, TeamsSettings)


def read_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Every variable, read once from `env` (the process's environment by default) and checked."""
    return Settings.from_env(env, PLATFORM_SECTIONS)


def known_variables() -> frozenset[str]:
    """Every variable the bot reads by name (the Agents SDK's CONNECTIONS__… aside)."""
    return core.known_variables(PLATFORM_SECTIONS)


def unknown_variable_warnings(names: Iterable[str]) -> list[str]:
    return core.unknown_variable_warnings(names, PLATFORM_SECTIONS)
