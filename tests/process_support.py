"""Real bot processes for tests: `python app.py` in Slack HTTP mode against the fake Slack.

    bots = Bots(bot_env(slack, data_path, database_url))
    try:
        bot = await bots.start()               # returns once it listens (and its scheduler runs)
        status, _ = await post_signed_event(bot.url, event_callback(mention("…")))
        assert await bot.terminate() == 0     # SIGTERM: finishes its work in flight, exits 0
    finally:
        await bots.stop_all()

Each process's stderr (its log) is collected in `BotProcess.lines`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.knowledge.model import JST
from tests.conftest import ROOT
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import sign

BOT_TOKEN = "xoxb-process-test"
SIGNING_SECRET = "process-test-signing-secret"
LISTENING = re.compile(r"listening on (http://\S+)")
SCHEDULER_STARTED = "reminder scheduler started"
# How long a terminated bot may take: its grace period plus starting and closing down.
EXIT_TIMEOUT = 20.0


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT, from its "listening on" log line (it runs with PORT=0)."""
        match = LISTENING.search(self.log)
        assert match, self.log
        return match[1]

    async def terminate(self, timeout: float = EXIT_TIMEOUT) -> int:
        """SIGTERM, then its exit code (AssertionError with the log if it does not exit in time)."""
        self.process.terminate()
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not exit within {timeout}s of SIGTERM:\n{self.log}") from None


class Bots:
    """Starts bot processes with one environment and makes sure none outlives the test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started: list[BotProcess] = []
        self._readers: list[asyncio.Task[None]] = []

    async def start(self, **env: str) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "app.py"), cwd=ROOT, env={**self.env, **env},
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        bot = BotProcess(process)
        self.started.append(bot)
        self._readers.append(asyncio.create_task(self._read(bot)))
        # The server listens last, after the scheduler (a cleanup_ctx of the app) has started.
        await wait_until(lambda: LISTENING.search(bot.log) is not None or process.returncode is not None, timeout=30)
        assert process.returncode is None and LISTENING.search(bot.log), bot.log
        return bot

    @staticmethod
    async def _read(bot: BotProcess) -> None:
        assert bot.process.stderr is not None
        async for raw in bot.process.stderr:
            bot.lines.append(raw.decode("utf-8", errors="replace").rstrip())

    async def stop_all(self) -> None:
        for bot in self.started:
            if bot.process.returncode is None:
                bot.process.terminate()
                try:
                    await asyncio.wait_for(bot.process.wait(), EXIT_TIMEOUT)
                except TimeoutError:
                    bot.process.kill()
                    await bot.process.wait()
        for reader in self._readers:
            await reader


def bot_env(slack: FakeSlack, data_path: Path, database_url: str, **overrides: str) -> dict[str, str]:
    """Slack HTTP mode on 127.0.0.1 (a free port), the fake Slack, the given data and database."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "REMINDER_", "DATABASE_", "CONNECTIONS__", "SHUTDOWN_"))}
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "HOST": "127.0.0.1",
        "PORT": "0",
        "DATA_PATH": str(data_path),
        "DATABASE_URL": database_url,
        "SCHEDULER": "on",
        "REMINDER_SWEEP_SECONDS": "1",
        "REMINDER_GRACE_SECONDS": "2",
        "REMINDER_RETRY_SECONDS": "0.2",
        "WATCH_DATA": "false",
        "LOG_LEVEL": "INFO",
        **overrides,
    })
    return env


async def post_signed_event(base_url: str, payload: Mapping[str, Any], *,
                            retry_num: int | None = None) -> tuple[int, str]:
    """POST an Events API payload to /slack/events, signed as Slack signs it."""
    body = json.dumps(payload, ensure_ascii=False)
    headers = {"Content-Type": "application/json", **sign(body, secret=SIGNING_SECRET)}
    if retry_num:
        headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
    async with aiohttp.ClientSession() as http, \
            http.post(f"{base_url}/slack/events", data=body.encode(), headers=headers) as response:
        return response.status, await response.text()


async def wait_until(ready: Callable[[], bool], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def sleep_until(moment: datetime) -> None:
    await asyncio.sleep(max((moment - datetime.now(JST)).total_seconds(), 0))
