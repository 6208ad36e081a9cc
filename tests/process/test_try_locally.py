"""The README's "Try it without a workspace" and docs/teams.md's curl example, run as written:
the real bot, scripts/try_locally.py as the fake Slack Web API (and as the fake Bot Connector)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import ROOT
from tests.process_support import Bots

pytestmark = pytest.mark.process

SCRIPT = ROOT / "scripts" / "try_locally.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__", "DATABASE_", "REMINDER_"))}
    return {**env, "HOST": "127.0.0.1", "PORT": "0", "DATABASE_URL": f"sqlite:///{tmp_path}/try.db",
            "WATCH_DATA": "false", "SCHEDULER": "off", **extra}


async def run_script(*args: str, timeout: float = 60) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(sys.executable, str(SCRIPT), *args, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def readme_command(pattern: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(pattern, readme)
    assert match, f"the README no longer shows {pattern!r}"
    return match[0]


async def test_slack_without_a_workspace(tmp_path: Path) -> None:
    # The variables the README sets for terminal 1, on a free port for the fake Web API.
    api_port = free_port()
    settings = dict(re.findall(r"(SLACK_\w+)=(\S+)", readme_command(r"SLACK_BOT_TOKEN=[\s\S]+?app\.py")))
    assert set(settings) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"}
    settings["SLACK_API_URL"] = settings["SLACK_API_URL"].replace(":3001/", f":{api_port}/")
    bots = Bots(base_env(tmp_path, **settings))
    try:
        bot = await bots.start()
        code, out, err = await run_script("slack", "室蘭の締結式はいつ?", "--bot", bot.url, "--api-port", str(api_port))
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    assert code == 0, err
    assert "/slack/events answered HTTP 200" in err
    assert "2020年1月31日" in out and "11:00～11:30" in out


async def test_teams_with_curl_as_the_docs_write_it(tmp_path: Path) -> None:
    teams_doc = (ROOT / "docs" / "teams.md").read_text(encoding="utf-8")
    curl = teams_doc.split("<!-- teams curl:", 1)[1]
    activity = json.loads(re.search(r"-d '(\{[\s\S]*?\})'", curl)[1])  # type: ignore[index]
    connector_port = free_port()
    activity["serviceUrl"] = activity["serviceUrl"].replace(":3002/", f":{connector_port}/")
    bots = Bots(base_env(tmp_path, TEAMS_ANONYMOUS="true"))
    try:
        bot = await bots.start()
        connector = asyncio.create_task(run_script("connector", "--port", str(connector_port), "--once"))
        await asyncio.sleep(1.5)  # the connector listens
        async with aiohttp.ClientSession() as http, \
                http.post(f"{bot.url}/api/messages", json=activity) as response:
            status = response.status
        code, out, err = await connector
        assert await bot.terminate() == 0
    finally:
        await bots.stop_all()
    assert status in (200, 202), bot.log
    assert code == 0, err
    assert "プロモーション活動" in out  # the answer card, as the connector received it
    assert "App ID is not provided" not in bot.log
