"""All configuration, read once from the environment (and `.env`) into one typed value.

Every variable is documented in `.env.example`. Errors name the variable, never its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names the variable only."""


@dataclass(frozen=True)
class Settings:
    data_path: str = "data/partnerships.yaml"
    log_level: str = "INFO"
    host: str = "0.0.0.0"
    port: int = 3000
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        settings = cls(
            data_path=_text(env, "DATA_PATH", cls.data_path),
            log_level=_text(env, "LOG_LEVEL", cls.log_level).upper(),
            host=_text(env, "HOST", cls.host),
            port=_integer(env, "PORT", cls.port),
            slack_bot_token=_text(env, "SLACK_BOT_TOKEN", ""),
            slack_app_token=_text(env, "SLACK_APP_TOKEN", ""),
            slack_signing_secret=_text(env, "SLACK_SIGNING_SECRET", ""),
            slack_api_url=_url(env, "SLACK_API_URL", cls.slack_api_url),
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


def _csv(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())
