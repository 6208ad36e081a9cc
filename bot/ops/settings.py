"""All configuration, read once from the environment (and `.env`) into one typed value.

Every variable is documented in `.env.example`. Errors name the variable, never its value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.knowledge.yaml_reader import YamlLimits

TEAMS_CLIENT_ID_VARIABLE = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"
TEAMS_CLIENT_SECRET_VARIABLE = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"
# The prefixes of the variables the Microsoft 365 Agents SDK reads (load_configuration_from_env).
TEAMS_SDK_PREFIXES = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def is_guid(value: str) -> bool:
    return bool(_GUID.fullmatch(value))


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names the variable only."""


@dataclass(frozen=True)
class Settings:
    data_path: str = "data/partnerships.yaml"
    log_level: str = "INFO"
    # Operating the bot (issue 6).
    log_format: str = "text"
    log_messages: bool = False
    log_user_ids: bool = False
    watch_data: bool = True
    # Knowledge-base files (issue 12): rejected beyond these, before they are read at all.
    kb_max_bytes: int = YamlLimits.max_bytes
    kb_max_depth: int = YamlLimits.max_depth
    kb_max_nodes: int = YamlLimits.max_nodes
    kb_max_aliases: int = YamlLimits.max_aliases
    host: str = "0.0.0.0"
    port: int = 3000
    # SIGTERM: how long requests, answers and reminder posts in flight may take to finish.
    shutdown_grace_seconds: float = 10.0
    # How long a client may take to send a request's headers, or its body (slow clients, slowloris).
    http_read_timeout_seconds: float = 20.0
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    # The Slack app (issue 3): the slash command's name, as in deploy/slack/manifest.yaml.
    slack_command: str = "/renkei"
    # Faults (issue 12): every Web API request's limit (connect at most 5 s of it).
    slack_timeout_seconds: float = 10.0
    # Reminders and the persistent store (issue 4).
    database_url: str = field(default="sqlite:///var/renkei.db", repr=False)
    reminder_channels: tuple[str, ...] = ()
    admin_user_ids: tuple[str, ...] = ()
    scheduler_enabled: bool = True
    reminder_sweep_seconds: float = 60.0
    reminder_max_attempts: int = 5
    reminder_retry_seconds: float = 2.0
    reminder_grace_seconds: float = 120.0
    # Microsoft Teams (issue 5). The Agents SDK reads CONNECTIONS__*, CONNECTIONSMAP__* and
    # AGENTAPPLICATION__* itself (`teams_sdk_env` keeps them, read once like everything else);
    # the client id and secret are copied out to decide whether Teams runs and to redact logs.
    teams_client_id: str = ""
    teams_client_secret: str = field(default="", repr=False)
    teams_anonymous: bool = False
    teams_sdk_env: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    teams_app_id: str = ""
    teams_developer_name: str = "Renkei Bot"
    teams_website_url: str = "https://www.hkd.meti.go.jp/"
    teams_privacy_url: str = ""
    teams_terms_url: str = ""
    # Operating the bot (issue 6): who may run the Teams `report` command (Entra ID object ids or
    # Teams user ids).
    teams_admin_ids: tuple[str, ...] = ()
    # The calendar feed (issue 19): the bot's public address, for links to /calendar/<id>.ics in
    # answers and announcements, and an optional token the feed then requires (?token=).
    public_base_url: str = ""
    calendar_token: str = field(default="", repr=False)

    @property
    def kb_limits(self) -> YamlLimits:
        return YamlLimits(max_bytes=self.kb_max_bytes, max_depth=self.kb_max_depth, max_nodes=self.kb_max_nodes,
                          max_aliases=self.kb_max_aliases)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def teams_enabled(self) -> bool:
        """Teams starts with a client id, or without one only for local testing (TEAMS_ANONYMOUS)."""
        return bool(self.teams_client_id) or self.teams_anonymous

    @property
    def teams_anonymous_allowed(self) -> bool:
        """Unauthenticated requests are accepted only when asked for and no client id is set."""
        return self.teams_anonymous and not self.teams_client_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        settings = cls(
            data_path=_text(env, "DATA_PATH", cls.data_path),
            log_level=_text(env, "LOG_LEVEL", cls.log_level).upper(),
            log_format=_choice(env, "LOG_FORMAT", cls.log_format, ("text", "json")),
            log_messages=_flag(env, "LOG_MESSAGES", cls.log_messages),
            log_user_ids=_flag(env, "LOG_USER_IDS", cls.log_user_ids),
            watch_data=_flag(env, "WATCH_DATA", cls.watch_data),
            kb_max_bytes=_count(env, "KB_MAX_BYTES", cls.kb_max_bytes),
            kb_max_depth=_count(env, "KB_MAX_DEPTH", cls.kb_max_depth),
            kb_max_nodes=_count(env, "KB_MAX_NODES", cls.kb_max_nodes),
            kb_max_aliases=_integer(env, "KB_MAX_ALIASES", cls.kb_max_aliases),
            host=_text(env, "HOST", cls.host),
            port=_integer(env, "PORT", cls.port),
            shutdown_grace_seconds=_positive(env, "SHUTDOWN_GRACE_SECONDS", cls.shutdown_grace_seconds),
            http_read_timeout_seconds=_positive(env, "HTTP_READ_TIMEOUT_SECONDS", cls.http_read_timeout_seconds),
            slack_bot_token=_text(env, "SLACK_BOT_TOKEN", ""),
            slack_app_token=_text(env, "SLACK_APP_TOKEN", ""),
            slack_signing_secret=_text(env, "SLACK_SIGNING_SECRET", ""),
            slack_api_url=_url(env, "SLACK_API_URL", cls.slack_api_url),
            slack_command=_text(env, "SLACK_COMMAND", cls.slack_command),
            slack_timeout_seconds=_positive(env, "SLACK_TIMEOUT_SECONDS", cls.slack_timeout_seconds),
            database_url=_text(env, "DATABASE_URL", cls.database_url),
            reminder_channels=_csv(env, "REMINDER_CHANNELS"),
            admin_user_ids=_csv(env, "ADMIN_USER_IDS"),
            scheduler_enabled=_flag(env, "SCHEDULER", cls.scheduler_enabled),
            reminder_sweep_seconds=_positive(env, "REMINDER_SWEEP_SECONDS", cls.reminder_sweep_seconds),
            reminder_max_attempts=_integer(env, "REMINDER_MAX_ATTEMPTS", cls.reminder_max_attempts),
            reminder_retry_seconds=_positive(env, "REMINDER_RETRY_SECONDS", cls.reminder_retry_seconds),
            reminder_grace_seconds=_positive(env, "REMINDER_GRACE_SECONDS", cls.reminder_grace_seconds),
            teams_client_id=_text(env, TEAMS_CLIENT_ID_VARIABLE, ""),
            teams_client_secret=_text(env, TEAMS_CLIENT_SECRET_VARIABLE, ""),
            teams_anonymous=_flag(env, "TEAMS_ANONYMOUS", cls.teams_anonymous),
            teams_sdk_env=_sdk_env(env),
            teams_app_id=_text(env, "TEAMS_APP_ID", ""),
            teams_developer_name=_text(env, "TEAMS_DEVELOPER_NAME", cls.teams_developer_name),
            teams_website_url=_text(env, "TEAMS_WEBSITE_URL", cls.teams_website_url),
            teams_privacy_url=_text(env, "TEAMS_PRIVACY_URL", ""),
            teams_terms_url=_text(env, "TEAMS_TERMS_URL", ""),
            teams_admin_ids=_csv(env, "TEAMS_ADMIN_IDS"),
            public_base_url=_base_url(env, "PUBLIC_BASE_URL"),
            calendar_token=_text(env, "CALENDAR_TOKEN", ""),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.slack_enabled and not self.slack_socket_mode and not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (HTTP mode)"
            )
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)")
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", self.slack_command):
            raise SettingsError("SLACK_COMMAND must be a slash command such as /renkei (lower-case, no spaces)")
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        if self.kb_max_aliases < 0:
            raise SettingsError("KB_MAX_ALIASES must be 0 or more")
        if self.reminder_max_attempts < 1:
            raise SettingsError("REMINDER_MAX_ATTEMPTS must be at least 1")
        self._check_teams()

    def _check_teams(self) -> None:
        if self.teams_client_id and not is_guid(self.teams_client_id):
            raise SettingsError(f"{TEAMS_CLIENT_ID_VARIABLE} must be a GUID (the bot's Microsoft App ID)")
        if self.teams_app_id and not is_guid(self.teams_app_id):
            raise SettingsError("TEAMS_APP_ID must be a GUID")
        if not 0 < len(self.teams_developer_name) <= 32:
            raise SettingsError("TEAMS_DEVELOPER_NAME must be 1 to 32 characters")
        for name, url in (("TEAMS_WEBSITE_URL", self.teams_website_url), ("TEAMS_PRIVACY_URL", self.teams_privacy_url),
                          ("TEAMS_TERMS_URL", self.teams_terms_url)):
            if url and not url.startswith("https://"):
                raise SettingsError(f"{name} must start with https://")


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    value = _integer(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be at least 1")
    return value


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number") from None
    if not value > 0:
        raise SettingsError(f"{name} must be greater than 0")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _text(env, name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of: {', '.join(choices)}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false")


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = _text(env, name, default)
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must start with http:// or https://")
    return value if value.endswith("/") else value + "/"


def _base_url(env: Mapping[str, str], name: str) -> str:
    """An optional http(s) address without a trailing slash ("" when unset)."""
    value = _text(env, name, "")
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise SettingsError(f"{name} must be an http:// or https:// address without a query")
    return value.rstrip("/")


def _sdk_env(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((key, value) for key, value in env.items() if key.startswith(TEAMS_SDK_PREFIXES)))


def _csv(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())
