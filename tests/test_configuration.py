"""Configuration checked at start: variables the bot does not know, tokens in the wrong variable,
DATABASE_URL mistakes (one line each, never a traceback or the URL), which platforms run and why,
and a bot with nothing configured and nobody at a terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.ops.settings import SettingsError, describe_platforms
from bot.store.database import DatabaseUnavailable
from bot.store.store import Store
from handlers.settings import known_variables, read_settings, unknown_variable_warnings
from handlers.teams.settings import TeamsSettings
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def test_every_variable_the_bot_reads_is_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert known_variables() <= documented, sorted(known_variables() - documented)


@pytest.mark.parametrize(("name", "suggestion"), [
    ("SLACK_BOT_TOKN", "SLACK_BOT_TOKEN"),
    ("SLACK_SIGNIN_SECRET", "SLACK_SIGNING_SECRET"),
    ("DATABASE_URI", "DATABASE_URL"),
    ("TEAMS_ADMIN_ID", "TEAMS_ADMIN_IDS"),
    ("slack_bot_token", "SLACK_BOT_TOKEN"),
])
def test_an_unknown_variable_gets_the_closest_known_name(name: str, suggestion: str) -> None:
    assert unknown_variable_warnings([name]) == [f"{name} is not a variable the bot reads — did you mean {suggestion}?"]


def test_known_and_sdk_variables_are_not_warned_about() -> None:
    names = ["SLACK_BOT_TOKEN", "PORT", "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID", "AGENTAPPLICATION__X"]
    assert unknown_variable_warnings(names) == []
    assert unknown_variable_warnings(["EDITOR_THEME"]) == [
        "EDITOR_THEME is not a variable the bot reads (see .env.example for the bot's variables)"]


@pytest.mark.parametrize(("env", "message"), [
    ({"SLACK_BOT_TOKEN": "xapp-1-A1-123-abc", "SLACK_SIGNING_SECRET": "s"},
     "SLACK_BOT_TOKEN must be the Bot User OAuth Token (OAuth & Permissions) (it starts with xoxb-) "
     "(it holds an app-level token)"),
    ({"SLACK_BOT_TOKEN": "xoxp-1-user", "SLACK_SIGNING_SECRET": "s"},
     "SLACK_BOT_TOKEN must be the Bot User OAuth Token (OAuth & Permissions) (it starts with xoxb-) "
     "(it holds a user token)"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"},
     "SLACK_APP_TOKEN must be an app-level token (Basic Information) (it starts with xapp-) (it holds a bot token)"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "xoxb-2"},
     "SLACK_SIGNING_SECRET must be the app's Signing Secret (Basic Information), not a token (it holds a bot token)"),
])
def test_every_token_is_checked_for_its_kind(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        read_settings(env)
    assert str(raised.value) == message
    assert not any(value in str(raised.value) for value in env.values() if len(value) > 2)


@pytest.mark.parametrize(("url", "message"), [
    ("var/renkei.db", "DATABASE_URL must be a URL such as sqlite:///var/renkei.db or "
                      "postgresql+psycopg://user:password@host/renkei"),
    ("mysql://bot:pw@db/renkei", "DATABASE_URL: only SQLite and PostgreSQL are supported"),
    ("postgresql+psycopg2://bot:pw@db/renkei", "DATABASE_URL: the PostgreSQL driver installed is psycopg"),
    ("sqlite://var/renkei.db", "DATABASE_URL: a SQLite URL has three slashes"),
    ("postgresql+psycopg://db", "DATABASE_URL: a PostgreSQL URL names the server"),
])
def test_database_url_mistakes_are_one_line(url: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        read_settings({"DATABASE_URL": url})
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
    assert "pw@" not in str(raised.value)


@pytest.mark.parametrize("url", ["sqlite:///var/renkei.db", "sqlite://", "sqlite:////tmp/x.db",
                                 "postgresql://bot:pw@db/renkei", "postgres://bot:pw@db/renkei",
                                 "postgresql+psycopg://bot:pw@db:5432/renkei?options=-csearch_path%3Dx"])
def test_database_urls_the_store_opens_are_accepted(url: str) -> None:
    assert read_settings({"DATABASE_URL": url}).database_url == url


def test_a_sqlite_folder_that_cannot_be_made_is_one_line() -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        Store("sqlite:////proc/renkei-test/renkei.db")
    assert str(raised.value) == "DATABASE_URL: the SQLite file's folder cannot be created (No such file or directory)"


@pytest.mark.adapter
@pytest.mark.parametrize(("change", "reason"), [
    ({"password": "not-the-password-123"}, "the server refused the user name or password"),
    ({"port": 9}, "nothing listens at that host and port (is the server running?)"),
    ({"database": "renkei_does_not_exist"}, "the database named in it does not exist on the server"),
])
def test_postgresql_mistakes_are_one_line_without_the_password(change: dict[str, object], reason: str) -> None:
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set TEST_POSTGRES_URL (bash .ci/start-postgres) for the PostgreSQL cases")
    url = make_url(base).set(**change).render_as_string(hide_password=False)  # type: ignore[arg-type]
    with pytest.raises(DatabaseUnavailable) as raised:
        Store(url)
    assert str(raised.value) == f"DATABASE_URL: cannot open the database: {reason}"
    assert "not-the-password-123" not in str(raised.value)


@pytest.mark.parametrize(("env", "line"), [
    ({}, "platforms: Slack off (SLACK_BOT_TOKEN not set); Teams off "
         "(CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID not set, TEAMS_ANONYMOUS not true)"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "platforms: Slack on (Socket Mode: SLACK_APP_TOKEN "
                                                                 "set); Teams off"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "TEAMS_ANONYMOUS": "true"},
     "platforms: Slack on (HTTP mode at /slack/events: SLACK_APP_TOKEN not set); Teams on WITHOUT authentication"),
])
def test_the_platforms_line_says_what_is_on_and_why_the_rest_is_off(env: dict[str, str], line: str) -> None:
    assert describe_platforms(read_settings(env)).startswith(line)


def test_teams_app_version_is_a_setting() -> None:
    assert read_settings({"TEAMS_APP_VERSION": "1.2.3"}).section(TeamsSettings).app_version == "1.2.3"
    with pytest.raises(SettingsError, match=r"TEAMS_APP_VERSION must be a version such as 1\.0\.0"):
        read_settings({"TEAMS_APP_VERSION": "v2"})


# --- the process ------------------------------------------------------------------------------------


def run_app(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__", "DATABASE_", "DATA_"))}
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], env={**clean, **env}, cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


@pytest.mark.process
def test_a_misspelt_variable_in_env_is_named_with_its_closest_match(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKN=xoxb-1\nDATA_PATH={ROOT / 'data' / 'partnerships.yaml'}\n", encoding="utf-8")
    result = run_app("ask", "帯広のテーマ", env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == (f"warning: {tmp_path / '.env'}: SLACK_BOT_TOKN is not a variable the bot reads — "
                                     "did you mean SLACK_BOT_TOKEN?")
    assert "xoxb-1" not in result.stderr


@pytest.mark.process
def test_no_terminal_and_no_credentials_is_an_error_not_a_silent_exit(tmp_path: Path) -> None:
    result = run_app(env={"DATABASE_URL": f"sqlite:///{tmp_path}/r.db"})  # stdin: /dev/null, as under systemd
    assert result.returncode == 2
    assert result.stderr.startswith("nothing is configured: Slack off (SLACK_BOT_TOKEN not set); Teams off")
    assert "no terminal" not in result.stdout and "Renkei Bot —" not in result.stdout


@pytest.mark.process
def test_a_closed_stdin_is_the_same(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
    result = subprocess.run(["sh", "-c", 'exec 0<&-; exec "$0" "$1"', sys.executable, str(ROOT / "app.py")],
                            env={**env, "DATABASE_URL": f"sqlite:///{tmp_path}/r.db"}, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("nothing is configured"), result.stderr


@pytest.mark.process
@pytest.mark.parametrize(("url", "line"), [
    ("mysql://bot:secret-pw@db/renkei", "configuration error: DATABASE_URL: only SQLite and PostgreSQL are supported"),
    ("sqlite:////proc/renkei-test/renkei.db",
     "configuration error: DATABASE_URL: the SQLite file's folder cannot be created"),
])
def test_database_mistakes_at_the_command_line_are_one_line(url: str, line: str) -> None:
    result = run_app("report", env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith(line) and len(result.stderr.strip().splitlines()) == 1
    assert "secret-pw" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.process
def test_the_console_uses_the_configured_database_for_report_and_reload(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
    result = subprocess.run([sys.executable, str(ROOT / "app.py")], input="report\nreload\nexit\n",
                            env={**env, "DATABASE_URL": f"sqlite:///{tmp_path}/console.db"}, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "データベースが設定されていない" not in result.stdout and "再読み込みできません" not in result.stdout
    assert "## Clarifications" in result.stdout and "再読み込みしました" in result.stdout
    assert (tmp_path / "console.db").exists()


def test_the_teams_manifest_version_is_the_setting_or_the_flag(tmp_path: Path) -> None:
    from bot.knowledge.model import load_knowledge
    from handlers.teams.package import to_manifest
    from tests.conftest import DATA_PATH

    client_id = "00000000-0000-4000-8000-000000000001"
    settings = read_settings({"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": client_id,
                                  "TEAMS_APP_VERSION": "1.2.3"})
    assert to_manifest(settings, load_knowledge(DATA_PATH))["version"] == "1.2.3"
    result = run_app("teams-package", "--version", "2.0", "--output", str(tmp_path / "p.zip"),
                     env={"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": client_id})
    assert result.returncode == 2 and "--version must be a version such as 1.0.1" in result.stderr
