"""JWT validation on /api/messages and the Teams settings: with a client id, requests without a
valid token get 401 and no reply; anonymous access only with TEAMS_ANONYMOUS and no client id."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import KnowledgeBase
from bot.ops.settings import SettingsError
from bot.store.store import Store
from handlers.runtime import assemble, build_core, build_platforms
from handlers.settings import read_settings
from handlers.teams.service import build_teams_service
from handlers.teams.settings import TeamsSettings
from tests.teams_support import CLIENT_ID, PERSONAL, TENANT, running_teams, teams_settings

pytestmark = pytest.mark.adapter

SECRET = "s3cr3t-client-value-for-tests"
WITH_CLIENT_ID = {
    "TEAMS_ANONYMOUS": "false",
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": CLIENT_ID,
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": SECRET,
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": TENANT,
}
BAD_AUTHORIZATION = [None, "Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  two parts"]


@pytest.mark.parametrize("anonymous", ["false", "true"])
async def test_with_a_client_id_no_or_garbage_token_gets_401_and_no_reply(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, anonymous: str
) -> None:
    caplog.set_level(logging.INFO)
    async with running_teams(tmp_path, env={**WITH_CLIENT_ID, "TEAMS_ANONYMOUS": anonymous}) as teams:
        assert teams.service.app_id == CLIENT_ID
        assert teams.service.auth_configuration.ANONYMOUS_ALLOWED is False
        for authorization in BAD_AUTHORIZATION:
            activity = teams.activities.message("旭川市の締結式はいつ?")
            headers = {"Authorization": authorization} if authorization is not None else {}
            assert await teams.post(activity, headers=headers) == 401, authorization
        assert teams.connector.calls == []
        assert teams.store.references.load("teams", PERSONAL) is None
    assert SECRET not in caplog.text
    ignored = "anonymous access is ignored because a client id is configured" in caplog.text
    assert ignored is (anonymous == "true")


async def test_the_sdk_setting_for_anonymous_access_is_overridden_by_a_client_id(tmp_path: Path) -> None:
    env = {**WITH_CLIENT_ID, "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"}
    async with running_teams(tmp_path, env=env) as teams:
        assert teams.service.auth_configuration.ANONYMOUS_ALLOWED is False
        assert teams.service.auth_configuration.CLIENT_ID == CLIENT_ID
        assert await teams.post(teams.activities.message("list")) == 401
        assert teams.connector.calls == []


async def test_anonymous_mode_logs_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running_teams(tmp_path) as teams:
        assert teams.service.auth_configuration.ANONYMOUS_ALLOWED is True
        assert teams.service.app_id == ""
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("handlers.teams")]
    assert any("accepts requests without a token" in r.getMessage() for r in warnings)


async def test_without_teams_settings_nothing_is_mounted(tmp_path: Path, kb: KnowledgeBase) -> None:
    settings = teams_settings(tmp_path, {"TEAMS_ANONYMOUS": "false"})
    assert not settings.section(TeamsSettings).enabled
    store = Store(settings.database_url)
    dispatcher = Dispatcher(Engine(kb))
    with pytest.raises(ValueError, match="CLIENTID"):
        build_teams_service(settings, dispatcher, store)
    store.close()
    core = build_core(settings, kb)
    platforms = build_platforms(core)
    assert platforms == []
    runner = web.AppRunner(assemble(core, platforms).app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"
        async with aiohttp.ClientSession() as session, session.post(url, json={"type": "message"}) as response:
            assert response.status == 404
    finally:
        await runner.cleanup()
        core.store.close()


def test_teams_settings_switches() -> None:
    assert not read_settings({}).section(TeamsSettings).enabled
    anonymous = read_settings({"TEAMS_ANONYMOUS": "true"}).section(TeamsSettings)
    assert anonymous.enabled and anonymous.anonymous_allowed
    settings = read_settings({**WITH_CLIENT_ID, "TEAMS_ANONYMOUS": "true"})
    both = settings.section(TeamsSettings)
    assert both.enabled and not both.anonymous_allowed
    assert both.client_id == CLIENT_ID and both.client_secret == SECRET
    assert SECRET not in repr(settings)
    assert dict(both.sdk_env)["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID"] == TENANT


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", "not-a-guid-value", "must be a GUID"),
    ("TEAMS_APP_ID", "app-1234", "TEAMS_APP_ID must be a GUID"),
    ("TEAMS_ANONYMOUS", "maybe", "TEAMS_ANONYMOUS must be true or false"),
    ("TEAMS_PRIVACY_URL", "http://example.org/privacy", "TEAMS_PRIVACY_URL must start with https://"),
    ("TEAMS_DEVELOPER_NAME", "x" * 33, "TEAMS_DEVELOPER_NAME must be 1 to 32 characters"),
])
def test_bad_teams_settings_name_the_variable_not_the_value(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        read_settings({name: value})
    assert value not in str(raised.value)
