"""Real bot processes (`python app.py`) on one SQLite file, posting to the
fake Slack Web API: two schedulers at once, and a SIGKILL around a due time."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge import JST
from bot.reminders import format_offset
from bot.store import Store
from tests.conftest import ROOT
from tests.fakes.fake_slack import Call, FakeSlack
from tests.reminder_support import event_entry, offset_until, whole_minute_after, write_knowledge

READY = "reminder scheduler started"


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)


class Bots:
    """Starts bot processes with one environment and makes sure none outlives the test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started: list[BotProcess] = []
        self._readers: list[asyncio.Task[None]] = []

    async def start(self) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "app.py"), cwd=ROOT, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        bot = BotProcess(process)
        self.started.append(bot)
        self._readers.append(asyncio.create_task(self._read(bot)))
        await wait_until(lambda: READY in bot.log or process.returncode is not None, timeout=20)
        assert process.returncode is None and READY in bot.log, bot.log
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
                    await asyncio.wait_for(bot.process.wait(), 10)
                except TimeoutError:
                    bot.process.kill()
                    await bot.process.wait()
        for reader in self._readers:
            await reader


async def wait_until(ready: Callable[[], bool], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def sleep_until(moment: datetime) -> None:
    await asyncio.sleep(max((moment - datetime.now(JST)).total_seconds(), 0))


def reminder_label(call: Call) -> str:
    """Which reminder a posted card is: its 「🔔 …前のリマインダー」 note."""
    match = re.search(r"🔔 (.+?)のリマインダー", str(call.body["blocks"]))
    assert match, call.body
    return match[1]


def seconds(offset: str) -> int:
    return int(offset.removesuffix("s"))


@pytest.fixture()
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def bot_env(slack: FakeSlack, tmp_path: Path, data_path: Path, channels: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "REMINDER_", "DATABASE_"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-process-test",
        "SLACK_SIGNING_SECRET": "process-test-signing-secret",
        "SLACK_API_URL": slack.api_url,
        "HOST": "127.0.0.1",
        "PORT": "0",
        "DATA_PATH": str(data_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'renkei.db'}",
        "REMINDER_CHANNELS": channels,
        "SCHEDULER": "on",
        "REMINDER_SWEEP_SECONDS": "1",
        "REMINDER_GRACE_SECONDS": "2",
        "REMINDER_RETRY_SECONDS": "0.2",
        "LOG_LEVEL": "INFO",
    })
    return env


async def test_two_processes_on_one_database_post_each_reminder_once(slack: FakeSlack, tmp_path: Path) -> None:
    t0 = datetime.now(JST)
    start = whole_minute_after(t0, timedelta(seconds=25))
    offsets = [offset_until(start, t0 - timedelta(seconds=20)),  # already overdue: caught up, late
               offset_until(start, t0 + timedelta(seconds=5)),
               offset_until(start, t0 + timedelta(seconds=7))]
    data = write_knowledge(tmp_path / "kb.yaml", [event_entry("twice", start, title="二重起動テスト", offsets=offsets)])
    bots = Bots(bot_env(slack, tmp_path, data, "C1,C2"))
    try:
        await asyncio.gather(bots.start(), bots.start())
        posts = await slack.wait_for("chat.postMessage", 6, timeout=20)
        await asyncio.sleep(2.5)  # both keep sweeping every second
    finally:
        await bots.stop_all()
    all_posts = slack.calls_to("chat.postMessage")
    assert len(all_posts) == 6, [(p.body["channel"], reminder_label(p)) for p in all_posts]
    labels = {format_offset(timedelta(seconds=seconds(o))) for o in offsets}
    assert {(p.body["channel"], reminder_label(p)) for p in posts} == {(c, label) for c in ("C1", "C2") for label in labels}
    statuses = sorted(r.status for r in Store(f"sqlite:///{tmp_path / 'renkei.db'}").deliveries())
    assert statuses == ["late", "late", "sent", "sent", "sent", "sent"]
    assert all(READY in bot.log and "xoxb-process-test" not in bot.log for bot in bots.started)


async def test_sigkill_around_a_due_time_then_restart_posts_each_reminder_once(
    slack: FakeSlack, tmp_path: Path,
) -> None:
    t0 = datetime.now(JST)
    started = t0.replace(second=0, microsecond=0) - timedelta(minutes=1)  # began before any bot ran
    start = whole_minute_after(t0, timedelta(seconds=30))
    due = {"before": t0 + timedelta(seconds=5), "while_down": t0 + timedelta(seconds=9),
           "after": t0 + timedelta(seconds=18)}
    offsets = {name: offset_until(start, moment) for name, moment in due.items()}
    data = write_knowledge(tmp_path / "kb.yaml", [
        event_entry("ceremony", start, title="再起動テスト", offsets=list(offsets.values())),
        event_entry("started", started, title="開始済みの会議", offsets=["30s"]),
    ])
    bots = Bots(bot_env(slack, tmp_path, data, "C1"))
    try:
        first = await bots.start()
        await slack.wait_for("chat.postMessage", 1, timeout=15)
        await sleep_until(due["while_down"] - timedelta(seconds=1))
        first.process.kill()  # SIGKILL: no shutdown code runs
        assert await first.process.wait() == -9
        await sleep_until(due["while_down"] + timedelta(seconds=3))  # overdue by more than the grace
        await bots.start()
        await slack.wait_for("chat.postMessage", 3, timeout=20)
        await asyncio.sleep(2.5)  # more sweeps: nothing may be posted twice
    finally:
        await bots.stop_all()
    posts = slack.calls_to("chat.postMessage")
    labels = [reminder_label(p) for p in posts]
    expected = [format_offset(timedelta(seconds=seconds(offsets[name]))) for name in ("before", "while_down", "after")]
    assert labels == expected
    assert "遅れてお知らせ" in str(posts[1].body["blocks"])
    assert "遅れて" not in str(posts[0].body["blocks"]) + str(posts[2].body["blocks"])
    rows = {(r.key.event_id, r.key.offset_seconds): r.status
            for r in Store(f"sqlite:///{tmp_path / 'renkei.db'}").deliveries()}
    assert rows == {
        ("ceremony", seconds(offsets["before"])): "sent",
        ("ceremony", seconds(offsets["while_down"])): "late",
        ("ceremony", seconds(offsets["after"])): "sent",
        ("started", 30): "missed",  # due while no bot ran, and the event had started: not sent
    }
    assert any("reminder posted late" in line for line in bots.started[1].lines)  # by the restarted bot
    assert all("xoxb-process-test" not in bot.log for bot in bots.started)
