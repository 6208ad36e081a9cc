"""Teams' settings section: the bot's Microsoft App ID and secret (as the Agents SDK names them),
anonymous local testing, the app package's fields and the Teams admins. The composition root reads
it with the core's (`handlers/settings.py`); Teams' code takes it with
`settings.section(TeamsSettings)`. Importing this loads no SDK."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Self

from bot.ops.settings import SettingsError, SettingsSection, read_csv, read_flag, read_prefixed, read_text

TEAMS_CLIENT_ID_VARIABLE = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"
TEAMS_CLIENT_SECRET_VARIABLE = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"
# The prefixes of the variables the Microsoft 365 Agents SDK reads (load_configuration_from_env).
TEAMS_SDK_PREFIXES = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def is_guid(value: str) -> bool:
    return bool(_GUID.fullmatch(value))


def is_app_version(value: str) -> bool:
    """The Teams manifest's `version`: MAJOR.MINOR.PATCH (the schema allows at most three digits each)."""
    return bool(re.fullmatch(r"(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})", value))


@dataclass(frozen=True)
class TeamsSettings(SettingsSection):
    # The Agents SDK reads CONNECTIONS__*, CONNECTIONSMAP__* and AGENTAPPLICATION__* itself
    # (`sdk_env` keeps them, read once like everything else); the client id and secret are copied
    # out to decide whether Teams runs and to redact logs.
    variable_prefixes: ClassVar[tuple[str, ...]] = TEAMS_SDK_PREFIXES

    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    anonymous: bool = False
    sdk_env: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    app_id: str = ""
    # The Teams app package's version (Teams asks for a higher one on every update of an uploaded app).
    app_version: str = "1.0.0"
    developer_name: str = "Renkei Bot"
    website_url: str = "https://www.hkd.meti.go.jp/"
    privacy_url: str = ""
    terms_url: str = ""
    # Operating the bot (issue 6): who may run the Teams `report` command (Entra ID object ids or
    # Teams user ids).
    admin_ids: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        section = cls(
            client_id=read_text(env, TEAMS_CLIENT_ID_VARIABLE, ""),
            client_secret=read_text(env, TEAMS_CLIENT_SECRET_VARIABLE, ""),
            anonymous=read_flag(env, "TEAMS_ANONYMOUS", cls.anonymous),
            sdk_env=read_prefixed(env, TEAMS_SDK_PREFIXES),
            app_id=read_text(env, "TEAMS_APP_ID", ""),
            app_version=read_text(env, "TEAMS_APP_VERSION", cls.app_version),
            developer_name=read_text(env, "TEAMS_DEVELOPER_NAME", cls.developer_name),
            website_url=read_text(env, "TEAMS_WEBSITE_URL", cls.website_url),
            privacy_url=read_text(env, "TEAMS_PRIVACY_URL", ""),
            terms_url=read_text(env, "TEAMS_TERMS_URL", ""),
            admin_ids=read_csv(env, "TEAMS_ADMIN_IDS"),
        )
        section.check()
        return section

    @property
    def enabled(self) -> bool:
        """Teams starts with a client id, or without one only for local testing (TEAMS_ANONYMOUS)."""
        return bool(self.client_id) or self.anonymous

    @property
    def anonymous_allowed(self) -> bool:
        """Unauthenticated requests are accepted only when asked for and no client id is set."""
        return self.anonymous and not self.client_id

    def describe(self) -> str:
        if self.client_id:
            return "Teams on (client id set)"
        if self.anonymous:
            return "Teams on WITHOUT authentication (TEAMS_ANONYMOUS=true, local testing only)"
        return f"Teams off ({TEAMS_CLIENT_ID_VARIABLE} not set, TEAMS_ANONYMOUS not true)"

    def check(self) -> None:
        if self.client_id and not is_guid(self.client_id):
            raise SettingsError(f"{TEAMS_CLIENT_ID_VARIABLE} must be a GUID (the bot's Microsoft App ID)")
        if self.app_id and not is_guid(self.app_id):
            raise SettingsError("TEAMS_APP_ID must be a GUID")
        if not is_app_version(self.app_version):
            raise SettingsError("TEAMS_APP_VERSION must be a version such as 1.0.0 (three numbers, each below 1000)")
        if not 0 < len(self.developer_name) <= 32:
            raise SettingsError("TEAMS_DEVELOPER_NAME must be 1 to 32 characters")
        for name, url in (("TEAMS_WEBSITE_URL", self.website_url), ("TEAMS_PRIVACY_URL", self.privacy_url),
                          ("TEAMS_TERMS_URL", self.terms_url)):
            if url and not url.startswith("https://"):
                raise SettingsError(f"{name} must start with https://")
