"""Starting and running, on the real `python app.py`: the platforms line, quiet logs, a Slack API that
cannot be reached (HTTP mode and Socket Mode), and /readyz while it cannot or after a rejected reload."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import DATA_PATH
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import event_callback, mention
from tests.process_support import Bots, bot_env, post_signed_event, wait_until
from tests.teams_support import running_teams

pytestmark = pytest.mark.process


def closed_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


async def readiness(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/readyz") as response:
        return response.status, await response.json()


def copy_of_data(tmp_path: Path) -> Path:
    path = tmp_path / "kb.yaml"
    path.write_text(DATA_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    return path


async def test_a_normal_start_says_which_platforms_run_and_nothing_a_library_repeats(
        slack: FakeSlack, tmp_path: Path) -> None:
    bots = Bots(bot_env(slack, copy_of_data(tmp_path), f"sqlite:///{tmp_path}/r.db"))
    try:
        bot = await bots.start()
        status, _ = await post_signed_event(bot.url, event_callback(mention("<@UBOT> 帯広のテーマ")))
        await slack.wait_for_arrival("chat.postMessage")
        await asyncio.sleep(1.5)  # the reminder sweep has run (REMINDER_SWEEP_SECONDS=1)
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    assert status == 200
    assert ("platforms: Slack on (HTTP mode at /slack/events: SLACK_APP_TOKEN not set); Teams off "
            "(CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID not set, TEAMS_ANONYMOUS not true)") in bot.log
    assert "will be unused" not in bot.log  # Bolt's warning on every start
    assert "apscheduler" not in bot.log  # its INFO lines, every job run (LOG_LEVEL=DEBUG shows them)
    assert "WARNING" not in bot.log and "Traceback" not in bot.log, bot.log


async def test_slack_api_unreachable_in_http_mode_acknowledges_with_one_error_line(
        slack: FakeSlack, tmp_path: Path) -> None:
    env = bot_env(slack, copy_of_data(tmp_path), f"sqlite:///{tmp_path}/r.db", SLACK_API_URL=closed_url(),
                  SLACK_TIMEOUT_SECONDS="2")
    bots = Bots(env)
    try:
        bot = await bots.start()
        assert (await readiness(bot.url))[0] == 200  # nothing known yet
        status, _ = await post_signed_event(bot.url, event_callback(mention("<@UBOT> 帯広のテーマ")))
        ready_status, ready = await readiness(bot.url)
        await wait_until(lambda: "Slack API still not reachable (check 1" in bot.log, timeout=15)
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    assert status == 200  # acknowledged: a 500 would only make Slack send it again
    errors = [line for line in bot.lines if " ERROR " in line]
    assert len(errors) == 1, bot.log
    assert "Slack API not reachable at SLACK_API_URL (ClientConnectorError: Cannot connect to host" in errors[0]
    assert errors[0].endswith("an event arrived; not answered")
    assert "Traceback" not in bot.log
    assert ready_status == 503 and "slack api not reachable" in ready["problems"]  # type: ignore[operator]


async def test_socket_mode_unreachable_logs_one_line_per_attempt_with_back_off(
        slack: FakeSlack, tmp_path: Path) -> None:
    env = bot_env(slack, copy_of_data(tmp_path), f"sqlite:///{tmp_path}/r.db", SLACK_API_URL=closed_url(),
                  SLACK_APP_TOKEN="xapp-1-A1-1-test", SLACK_TIMEOUT_SECONDS="2")
    bots = Bots(env)
    try:
        bot = await bots.start()
        await wait_until(lambda: "(attempt 3:" in bot.log, timeout=30)
        ready_status, ready = await readiness(bot.url)
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    attempts = [line for line in bot.lines if "Slack Socket Mode: cannot open a connection" in line]
    assert [line.split("retrying in ")[1] for line in attempts[:3]] == ["1 s", "2 s", "4 s"]
    assert "Traceback" not in bot.log and "Failed to connect" not in bot.log
    assert ready_status == 503 and "slack socket mode is not connected" in ready["problems"]  # type: ignore[operator]


async def test_readyz_is_not_ready_after_a_rejected_reload_until_the_file_is_fixed(
        slack: FakeSlack, tmp_path: Path) -> None:
    data = copy_of_data(tmp_path)
    good = data.read_text(encoding="utf-8")
    bots = Bots(bot_env(slack, data, f"sqlite:///{tmp_path}/r.db", WATCH_DATA="true"))
    try:
        bot = await bots.start()
        assert (await readiness(bot.url))[0] == 200
        data.write_text(good.replace('start: "11:00"', 'start: "11:70"', 1), encoding="utf-8")
        await wait_until(lambda: "knowledge reload rejected" in bot.log, timeout=15)
        rejected = await readiness(bot.url)
        data.write_text(good, encoding="utf-8")
        await wait_until(lambda: "knowledge reloaded" in bot.log, timeout=15)
        fixed = await readiness(bot.url)
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    assert rejected[0] == 503
    assert rejected[1]["problems"] == [f"the last reload was rejected (1 problem(s) in {data})"]
    assert fixed[0] == 200


@pytest.mark.adapter
async def test_teams_anonymous_mode_does_not_warn_about_the_app_id_on_every_request(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_teams(tmp_path) as teams:
        for question in ("旭川市の締結式はいつ?", "帯広のテーマ"):
            assert await teams.post(teams.activities.message(question)) == 202
        await teams.connector.wait_for(2)
    assert not [r for r in caplog.records if "App ID is not provided" in r.getMessage()]
