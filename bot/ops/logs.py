"""Logging: one line per event, JSON when LOG_FORMAT=json, and never a secret.

Every record passes through `RedactSecrets`, which masks Slack tokens, bearer tokens and the
configured secret values wherever they appear (message, arguments, exception text), so a token
can reach the log neither by accident nor through a library's error message.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime

from bot.ops.settings import Settings, SettingsSection

_TOKEN_PATTERNS = re.compile(
    r"xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9._-]+"
)
MASK = "[redacted]"
# Extra fields that handlers may attach (`log.info(..., extra={"conversation_id": ...})`).
CONTEXT_FIELDS = ("conversation_id", "platform", "event_id", "kind", "topic", "user_id", "question")


# What every LogRecord has; anything else on a record came as an `extra` field.
_STANDARD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactSecrets(logging.Filter):
    """Masks tokens and the configured secrets in every part of a record: the message and its
    arguments, the exception and stack text, and every `extra` field (nested values too)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_PATTERNS.sub(MASK, text)

    def redact_value(self, value: object) -> object:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self.redact_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.redact_value(item) for item in value]
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for name in to_extra_fields(record):
            setattr(record, name, self.redact_value(getattr(record, name)))
        return True


def to_extra_fields(record: logging.LogRecord) -> list[str]:
    return [name for name in vars(record) if name not in _STANDARD_FIELDS and not name.startswith("_")]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in CONTEXT_FIELDS if hasattr(record, name)})
        entry.update({name: getattr(record, name) for name in to_extra_fields(record) if name not in entry})
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once for the process (idempotent: replaces earlier handlers)."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every job run at INFO (one line a minute for the sweep): WARNING unless
    # LOG_LEVEL=DEBUG asks for everything.
    logging.getLogger("apscheduler").setLevel(level if level == "DEBUG" else "WARNING")


class DropMessages(logging.Filter):
    """Drops a library's records that start with one of `starts`: warnings that say nothing to an
    operator on every start or every request (they would teach people to ignore warnings)."""

    def __init__(self, *starts: str) -> None:
        super().__init__()
        self.starts = starts

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.starts)


def quiet_library(name: str, *starts: str) -> None:
    """Drop those records of the logger `name` (once per logger and message)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, DropMessages) and f.starts == starts for f in logger.filters):
        logger.addFilter(DropMessages(*starts))


def to_secrets(settings: Settings) -> list[str]:
    # Every setting hidden from repr() is a credential (tokens, signing secret, database URL, …),
    # in the core's settings and in each platform's section.
    parts: tuple[Settings | SettingsSection, ...] = (settings, *settings.sections)
    values = (getattr(part, item.name) for part in parts for item in fields(part) if not item.repr)
    return [value for value in values if isinstance(value, str) and value]


def install_secret_filter(settings: Settings) -> RedactSecrets:
    """Make every root log handler redact tokens and the configured secrets, setting logging up at
    LOG_LEVEL first if nothing has. Returns the filter (tests remove it again)."""
    root = logging.getLogger()
    if not root.handlers:
        setup_logging(settings.log_level, secrets=to_secrets(settings))
    secret_filter = RedactSecrets(to_secrets(settings))
    for handler in root.handlers:
        handler.addFilter(secret_filter)
    return secret_filter


def remove_secret_filter(secret_filter: RedactSecrets) -> None:
    for handler in logging.getLogger().handlers:
        handler.removeFilter(secret_filter)
