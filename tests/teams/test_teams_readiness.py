"""/readyz follows the Bot Connector as it follows the Slack API: not ready from a send that could
not reach it until a check with back-off (or the next send) gets an answer again, with one error
line and no traceback of ours."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.knowledge.model import KnowledgeBase
from bot.reminders.delivery import ReminderMessage, TransientError
from bot.store.records import Target
from handlers.teams.connector import ConnectorReachability
from tests.teams_support import PERSONAL, Activities, TeamsRig, running_teams

pytestmark = pytest.mark.adapter

NOT_REACHABLE = "teams bot connector not reachable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def readiness(teams: TeamsRig) -> tuple[int, dict[str, object]]:
    async with teams.session.get(f"{teams.url}/readyz") as response:
        return response.status, await response.json()


async def wait_until_ready(teams: TeamsRig, timeout: float = 10.0) -> tuple[int, dict[str, object]]:
    async with asyncio.timeout(timeout):
        while (ready := await readiness(teams))[0] != 200:
            await asyncio.sleep(0.1)
    return ready


async def test_readyz_is_not_ready_while_the_bot_connector_cannot_be_reached(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    port = free_port()  # nothing listens there yet
    away = Activities(f"http://127.0.0.1:{port}/")
    async with running_teams(tmp_path) as teams:
        assert await readiness(teams) == (200, {"ready": True, "problems": []})  # nothing known yet
        assert await teams.post(away.message("帯広のテーマ")) == 202
        unreachable = await readiness(teams)
        assert await teams.post(away.message("室蘭のテーマ")) == 202  # still away: no second error line
        connector = web.AppRunner(web.Application())  # the Bot Connector is back: any HTTP answer will do
        await connector.setup()
        try:
            await web.TCPSite(connector, "127.0.0.1", port).start()
            ready = await wait_until_ready(teams)
        finally:
            await connector.cleanup()
        assert await teams.post(teams.activities.message("北見のテーマ")) == 202
        await teams.connector.wait_for(1)
        after_a_send = await readiness(teams)
    assert unreachable == (503, {"ready": False, "problems": [NOT_REACHABLE]})
    assert ready == (200, {"ready": True, "problems": []}) and after_a_send == ready
    ours = [r for r in caplog.records if r.name == "handlers.teams.connector"]
    errors = [r.getMessage() for r in ours if r.levelno == logging.ERROR]
    assert errors == [f"Teams Bot Connector not reachable at http://127.0.0.1:{port}/ (ClientConnectorError: "
                      f"Cannot connect to host 127.0.0.1:{port} ssl:default); checking again with back-off"]
    assert "Teams Bot Connector reachable again" in [r.getMessage() for r in ours]
    assert not any(r.exc_info for r in ours)


async def test_a_send_that_gets_an_http_error_counts_as_an_answer() -> None:
    connector = ConnectorReachability()
    with pytest.raises(OSError), connector.watching("http://127.0.0.1:9/"):
        raise ConnectionRefusedError
    assert connector.problems() == [NOT_REACHABLE]
    with pytest.raises(aiohttp.ClientResponseError), connector.watching("http://127.0.0.1:9/"):
        raise aiohttp.ClientResponseError(aiohttp.RequestInfo(URL("http://127.0.0.1:9/v3"), "POST", CIMultiDictProxy(
            CIMultiDict())), (), status=503)
    assert connector.reachable is True and connector.problems() == []
    await connector.stop()


async def test_a_reply_in_the_response_body_says_nothing_about_the_connector() -> None:
    connector = ConnectorReachability()
    with pytest.raises(TimeoutError), connector.watching(None):  # expectReplies: nothing went to it
        raise TimeoutError
    assert connector.reachable is None and connector.problems() == []


async def test_a_reminder_that_cannot_reach_the_bot_connector_makes_it_not_ready(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    away = Activities(f"http://127.0.0.1:{free_port()}/")
    async with running_teams(tmp_path) as teams:
        assert await teams.post(away.installation_update("add", conversation="a:away")) == 202
        assert await teams.post(teams.activities.installation_update("add")) == 202
        sender = teams.service.reminder_sender()
        ceremony = kb.partners[0].ceremony
        message = ReminderMessage(ceremony, timedelta(days=1), False, ceremony.starts_at - timedelta(days=1),
                                  kb.document)
        with pytest.raises(TransientError, match="connection error"):
            await sender.send(Target("teams", "a:away"), message)
        unreachable = await readiness(teams)
        await sender.send(Target("teams", PERSONAL), message)  # the Bot Connector answers again
        ready = await readiness(teams)
    assert unreachable == (503, {"ready": False, "problems": [NOT_REACHABLE]})
    assert ready == (200, {"ready": True, "problems": []})
