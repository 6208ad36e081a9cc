"""All configuration, read once from the environment (and `.env`) into one typed value.

Every variable is documented in `.env.example`. Errors name the variable, never its value.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.knowledge.yaml_reader import YamlLimits

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
    # The Teams app package's version (Teams asks for a higher one on every update of an uploaded app).
    teams_app_version: str = "1.0.0"
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
            teams_app_version=_text(env, "TEAMS_APP_VERSION", cls.teams_app_version),
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
        self._check_tokens()
        check_database_url(self.database_url)
        if self.slack_enabled and not self.slack_socket_mode and not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (HTTP mode)"
            )
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", self.slack_command):
            raise SettingsError("SLACK_COMMAND must be a slash command such as /renkei (lower-case, no spaces)")
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        if self.kb_max_aliases < 0:
            raise SettingsError("KB_MAX_ALIASES must be 0 or more")
        if self.reminder_max_attempts < 1:
            raise SettingsError("REMINDER_MAX_ATTEMPTS must be at least 1")
        self._check_teams()

    def _check_tokens(self) -> None:
        """Each Slack credential in its own variable: a token pasted into the wrong one would
        otherwise start the bot silently and fail on the first request."""
        for name, value, prefix, what in _SLACK_TOKENS:
            if value(self) and not value(self).startswith(prefix):
                pasted = _kind_of_token(value(self))
                found = f" (it holds {pasted})" if pasted else ""
                raise SettingsError(f"{name} must be {what} (it starts with {prefix}){found}")
        if _kind_of_token(self.slack_signing_secret):
            raise SettingsError("SLACK_SIGNING_SECRET must be the app's Signing Secret (Basic Information), "
                                f"not a token (it holds {_kind_of_token(self.slack_signing_secret)})")

    def _check_teams(self) -> None:
        if self.teams_client_id and not is_guid(self.teams_client_id):
            raise SettingsError(f"{TEAMS_CLIENT_ID_VARIABLE} must be a GUID (the bot's Microsoft App ID)")
        if self.teams_app_id and not is_guid(self.teams_app_id):
            raise SettingsError("TEAMS_APP_ID must be a GUID")
        if not is_app_version(self.teams_app_version):
            raise SettingsError("TEAMS_APP_VERSION must be a version such as 1.0.0 (three numbers, each below 1000)")
        if not 0 < len(self.teams_developer_name) <= 32:
            raise SettingsError("TEAMS_DEVELOPER_NAME must be 1 to 32 characters")
        for name, url in (("TEAMS_WEBSITE_URL", self.teams_website_url), ("TEAMS_PRIVACY_URL", self.teams_privacy_url),
                          ("TEAMS_TERMS_URL", self.teams_terms_url)):
            if url and not url.startswith("https://"):
                raise SettingsError(f"{name} must start with https://")


_SLACK_TOKENS: tuple[tuple[str, Callable[[Settings], str], str, str], ...] = (
    ("SLACK_BOT_TOKEN", lambda s: s.slack_bot_token, "xoxb-", "the Bot User OAuth Token (OAuth & Permissions)"),
    ("SLACK_APP_TOKEN", lambda s: s.slack_app_token, "xapp-", "an app-level token (Basic Information)"),
)
_TOKEN_KINDS = (("xoxb-", "a bot token"), ("xapp-", "an app-level token"), ("xoxp-", "a user token"),
                ("xoxe", "a refresh token"), ("xoxa-", "an app token"))


def _kind_of_token(value: str) -> str:
    """What kind of Slack token a value is, by its prefix ("" when it is none)."""
    return next((kind for prefix, kind in _TOKEN_KINDS if value.startswith(prefix)), "")


_DATABASE_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)")
_DATABASE_EXAMPLES = "sqlite:///var/renkei.db or postgresql+psycopg://user:password@host/renkei"


def check_database_url(url: str) -> None:
    """A URL the store can open: SQLite, or PostgreSQL through psycopg (the driver installed)."""
    match = _DATABASE_URL.fullmatch(url)
    if match is None:
        raise SettingsError(f"DATABASE_URL must be a URL such as {_DATABASE_EXAMPLES}")
    backend, _, driver = match["scheme"].lower().partition("+")
    if backend == "sqlite":
        if driver and driver != "pysqlite":
            raise SettingsError("DATABASE_URL: SQLite needs no driver name (sqlite:///path/to/file.db)")
        if match["rest"] and not match["rest"].startswith("/"):
            raise SettingsError("DATABASE_URL: a SQLite URL has three slashes before a relative path "
                                "(sqlite:///var/renkei.db) and four before an absolute one")
        return
    if backend in ("postgresql", "postgres"):
        if driver and driver != "psycopg":
            raise SettingsError("DATABASE_URL: the PostgreSQL driver installed is psycopg (version 3): "
                                "write postgresql+psycopg://…")
        if "@" not in match["rest"] and not match["rest"].startswith("/"):
            raise SettingsError("DATABASE_URL: a PostgreSQL URL names the server: postgresql+psycopg://user:password@host/db")
        return
    raise SettingsError(f"DATABASE_URL: only SQLite and PostgreSQL are supported, e.g. {_DATABASE_EXAMPLES}")


class _Reading(Mapping[str, str]):
    """An environment that remembers which names were asked for: the bot's variables."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.names.add(name)
        raise KeyError(name)

    def get(self, name: str, default: object = None) -> Any:
        self.names.add(name)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def known_variables() -> frozenset[str]:
    """Every variable Settings.from_env reads (the Agents SDK's CONNECTIONS__… aside)."""
    reading = _Reading()
    Settings.from_env(reading)
    return frozenset(reading.names)


def unknown_variable_warnings(names: Iterable[str]) -> list[str]:
    """A line for each name the bot does not read, with the closest one it does: a misspelt
    variable would otherwise be ignored without a word."""
    known = known_variables()
    warnings = []
    for name in names:
        if name in known or name.startswith(TEAMS_SDK_PREFIXES):
            continue
        close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.75)
        hint = f" — did you mean {close[0]}?" if close else " (see .env.example for the bot's variables)"
        warnings.append(f"{name} is not a variable the bot reads{hint}")
    return warnings


def describe_platforms(settings: Settings) -> str:
    """Which platforms run and why the others do not, by variable (never a value)."""
    if settings.slack_enabled:
        mode = "Socket Mode: SLACK_APP_TOKEN set" if settings.slack_socket_mode else \
            "HTTP mode at /slack/events: SLACK_APP_TOKEN not set"
        slack = f"Slack on ({mode})"
    else:
        slack = "Slack off (SLACK_BOT_TOKEN not set)"
    if settings.teams_client_id:
        teams = "Teams on (client id set)"
    elif settings.teams_anonymous:
        teams = "Teams on WITHOUT authentication (TEAMS_ANONYMOUS=true, local testing only)"
    else:
        teams = f"Teams off ({TEAMS_CLIENT_ID_VARIABLE} not set, TEAMS_ANONYMOUS not true)"
    return f"platforms: {slack}; {teams}"


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
