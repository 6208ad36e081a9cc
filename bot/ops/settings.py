"""All configuration, read once from the environment (and `.env`) into one typed value.

The core's `Settings` holds what the core needs; each platform contributes a *section* of its own
(a `SettingsSection`, defined with its adapter under `handlers/`), which the
composition root hands to `Settings.from_env` (`handlers/settings.py`). The core names no platform.
Every variable is documented in `.env.example`. Errors name the variable, never its value.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self, TypeVar

from bot.knowledge.yaml_reader import YamlLimits


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names the variable only."""


@dataclass(frozen=True)
class SettingsSection:
    """A platform's own variables, read and checked by its `from_env`. Every field hidden from
    repr() is a secret (logs redact it). Defaults mean "not configured": `Settings.section` returns
    them for a platform whose section was not read."""

    # Variables read by prefix rather than by name (an SDK's own): never warned about as unknown.
    variable_prefixes: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        raise NotImplementedError

    @property
    def enabled(self) -> bool:
        """Whether the platform runs."""
        return False

    def describe(self) -> str:
        """One part of the start's platforms line: on (how) or off (which variable is not set)."""
        raise NotImplementedError


SectionT = TypeVar("SectionT", bound=SettingsSection)


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
    # Reminders and the persistent store (issue 4).
    database_url: str = field(default="sqlite:///var/renkei.db", repr=False)
    scheduler_enabled: bool = True
    reminder_sweep_seconds: float = 60.0
    reminder_max_attempts: int = 5
    reminder_retry_seconds: float = 2.0
    reminder_grace_seconds: float = 120.0
    # The calendar feed (issue 19): the bot's public address, for links to /calendar/<id>.ics in
    # answers and announcements, and an optional token the feed then requires (?token=).
    public_base_url: str = ""
    calendar_token: str = field(default="", repr=False)
    # Each platform's section, in the order the composition root reads them.
    sections: tuple[SettingsSection, ...] = ()

    @property
    def kb_limits(self) -> YamlLimits:
        return YamlLimits(max_bytes=self.kb_max_bytes, max_depth=self.kb_max_depth, max_nodes=self.kb_max_nodes,
                          max_aliases=self.kb_max_aliases)

    @property
    def any_platform_enabled(self) -> bool:
        return any(section.enabled for section in self.sections)

    def section(self, kind: type[SectionT]) -> SectionT:
        """The platform's section; its defaults (the platform off) when it was not read."""
        found = next((section for section in self.sections if isinstance(section, kind)), None)
        return kind() if found is None else found

    def with_section(self, section: SettingsSection) -> Settings:
        """These settings with `section` in place of the one of its kind (added when missing)."""
        others = tuple(held for held in self.sections if type(held) is not type(section))
        if len(others) == len(self.sections):
            return replace(self, sections=(*others, section))
        return replace(self, sections=tuple(section if type(held) is type(section) else held for held in self.sections))

    def replace_in(self, kind: type[SectionT], **changes: Any) -> Settings:
        """These settings with some fields of one section changed (tests, command-line flags)."""
        return self.with_section(replace(self.section(kind), **changes))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 sections: Sequence[type[SettingsSection]] = ()) -> Settings:
        """The core's variables, then each platform's section from `sections` (their classes)."""
        env = os.environ if env is None else env
        settings = cls(
            data_path=read_text(env, "DATA_PATH", cls.data_path),
            log_level=read_text(env, "LOG_LEVEL", cls.log_level).upper(),
            log_format=read_choice(env, "LOG_FORMAT", cls.log_format, ("text", "json")),
            log_messages=read_flag(env, "LOG_MESSAGES", cls.log_messages),
            log_user_ids=read_flag(env, "LOG_USER_IDS", cls.log_user_ids),
            watch_data=read_flag(env, "WATCH_DATA", cls.watch_data),
            kb_max_bytes=read_count(env, "KB_MAX_BYTES", cls.kb_max_bytes),
            kb_max_depth=read_count(env, "KB_MAX_DEPTH", cls.kb_max_depth),
            kb_max_nodes=read_count(env, "KB_MAX_NODES", cls.kb_max_nodes),
            kb_max_aliases=read_integer(env, "KB_MAX_ALIASES", cls.kb_max_aliases),
            host=read_text(env, "HOST", cls.host),
            port=read_integer(env, "PORT", cls.port),
            shutdown_grace_seconds=read_positive(env, "SHUTDOWN_GRACE_SECONDS", cls.shutdown_grace_seconds),
            http_read_timeout_seconds=read_positive(env, "HTTP_READ_TIMEOUT_SECONDS", cls.http_read_timeout_seconds),
            database_url=read_text(env, "DATABASE_URL", cls.database_url),
            scheduler_enabled=read_flag(env, "SCHEDULER", cls.scheduler_enabled),
            reminder_sweep_seconds=read_positive(env, "REMINDER_SWEEP_SECONDS", cls.reminder_sweep_seconds),
            reminder_max_attempts=read_integer(env, "REMINDER_MAX_ATTEMPTS", cls.reminder_max_attempts),
            reminder_retry_seconds=read_positive(env, "REMINDER_RETRY_SECONDS", cls.reminder_retry_seconds),
            reminder_grace_seconds=read_positive(env, "REMINDER_GRACE_SECONDS", cls.reminder_grace_seconds),
            public_base_url=read_base_url(env, "PUBLIC_BASE_URL"),
            calendar_token=read_text(env, "CALENDAR_TOKEN", ""),
        )
        settings.check()
        return replace(settings, sections=tuple(kind.from_env(env) for kind in sections))

    def check(self) -> None:
        check_database_url(self.database_url)
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        if self.kb_max_aliases < 0:
            raise SettingsError("KB_MAX_ALIASES must be 0 or more")
        if self.reminder_max_attempts < 1:
            raise SettingsError("REMINDER_MAX_ATTEMPTS must be at least 1")


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


def known_variables(sections: Sequence[type[SettingsSection]] = ()) -> frozenset[str]:
    """Every variable Settings.from_env reads with these sections (those read by prefix aside)."""
    reading = _Reading()
    Settings.from_env(reading, sections)
    return frozenset(reading.names)


def unknown_variable_warnings(names: Iterable[str], sections: Sequence[type[SettingsSection]] = ()) -> list[str]:
    """A line for each name the bot does not read, with the closest one it does: a misspelt
    variable would otherwise be ignored without a word."""
    known = known_variables(sections)
    prefixes = tuple(prefix for kind in sections for prefix in kind.variable_prefixes)
    warnings = []
    for name in names:
        if name in known or (prefixes and name.startswith(prefixes)):
            continue
        close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.75)
        hint = f" — did you mean {close[0]}?" if close else " (see .env.example for the bot's variables)"
        warnings.append(f"{name} is not a variable the bot reads{hint}")
    return warnings


def describe_platforms(settings: Settings) -> str:
    """Which platforms run and why the others do not, by variable (never a value)."""
    return "platforms: " + "; ".join(section.describe() for section in settings.sections)


# --- reading one variable: each names the variable in its error, never the value -----------------


def read_prefixed(env: Mapping[str, str], prefixes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Every variable starting with one of `prefixes` (an SDK reads them itself), sorted."""
    return tuple(sorted((key, value) for key, value in env.items() if key.startswith(prefixes)))


def read_text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def read_integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None


def read_count(env: Mapping[str, str], name: str, default: int) -> int:
    value = read_integer(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be at least 1")
    return value


def read_positive(env: Mapping[str, str], name: str, default: float) -> float:
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


def read_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = read_text(env, name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of: {', '.join(choices)}")
    return value


def read_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false")


def read_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = read_text(env, name, default)
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must start with http:// or https://")
    return value if value.endswith("/") else value + "/"


def read_base_url(env: Mapping[str, str], name: str) -> str:
    """An optional http(s) address without a trailing slash ("" when unset)."""
    value = read_text(env, name, "")
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise SettingsError(f"{name} must be an http:// or https:// address without a query")
    return value.rstrip("/")


def read_csv(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())
