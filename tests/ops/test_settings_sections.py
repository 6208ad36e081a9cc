"""Platform-free settings: the core reads its own variables; each platform contributes a section
(handlers/slack/settings.py, handlers/teams/settings.py) that the composition root assembles."""

from __future__ import annotations

import pytest

from bot.ops.logs import to_secrets
from bot.ops.settings import Settings, SettingsError, known_variables
from handlers.settings import PLATFORM_SECTIONS, read_settings
from handlers.settings import known_variables as every_known_variable
from handlers.slack.settings import SlackSettings
from handlers.teams.settings import TeamsSettings
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_APP_TOKEN": "xapp-1-def", "REMINDER_CHANNELS": "C1"}


def test_the_core_reads_no_platform_variable() -> None:
    core = known_variables()
    assert "DATABASE_URL" in core and "PUBLIC_BASE_URL" in core
    assert not {name for name in core if name.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
    assert {"REMINDER_CHANNELS", "ADMIN_USER_IDS"}.isdisjoint(core)
    assert Settings.from_env(SLACK_ENV).sections == ()


def test_the_composition_root_knows_every_platform_variable() -> None:
    every = every_known_variable()
    assert known_variables() < every
    assert {"SLACK_BOT_TOKEN", "REMINDER_CHANNELS", "TEAMS_APP_VERSION",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"} <= every
    assert [type(section) for section in read_settings({}).sections] == list(PLATFORM_SECTIONS)


def test_each_platform_reads_its_own_section() -> None:
    settings = read_settings(SLACK_ENV)
    slack = settings.section(SlackSettings)
    assert (slack.bot_token, slack.socket_mode, slack.reminder_channels) == ("xoxb-1-abc", True, ("C1",))
    assert settings.any_platform_enabled and not settings.section(TeamsSettings).enabled


def test_a_section_not_read_is_its_platform_off() -> None:
    settings = Settings()
    assert settings.section(SlackSettings) == SlackSettings() and not settings.any_platform_enabled


def test_a_section_is_replaced_not_duplicated() -> None:
    settings = read_settings(SLACK_ENV).replace_in(SlackSettings, command="/renkei-dev")
    assert settings.section(SlackSettings).command == "/renkei-dev"
    assert [type(section) for section in settings.sections] == [SlackSettings, TeamsSettings]
    added = Settings().with_section(TeamsSettings(app_version="2.0.0"))
    assert added.section(TeamsSettings).app_version == "2.0.0" and len(added.sections) == 1


def test_a_section_error_names_the_variable_never_the_value() -> None:
    with pytest.raises(SettingsError) as raised:
        read_settings({"SLACK_TIMEOUT_SECONDS": "soon-ish"})
    assert str(raised.value) == "SLACK_TIMEOUT_SECONDS must be a number"


def test_the_secrets_of_every_section_are_redacted() -> None:
    settings = read_settings({**SLACK_ENV, "SLACK_SIGNING_SECRET": "sign-123",
                              "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "teams-secret-456"})
    secrets = to_secrets(settings)
    assert {"xoxb-1-abc", "xapp-1-def", "sign-123", "teams-secret-456"} <= set(secrets)
    assert not {"xoxb-1-abc", "sign-123", "teams-secret-456"} & set(repr(settings).split("'"))


def test_the_core_settings_module_names_no_platform() -> None:
    source = (ROOT / "bot" / "ops" / "settings.py").read_text(encoding="utf-8").lower()
    assert "slack" not in source and "teams" not in source
