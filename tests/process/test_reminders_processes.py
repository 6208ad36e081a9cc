"""Real bot processes (`python app.py`) on one database, posting to the fake Slack Web API: two
schedulers at once, and a SIGKILL around a due time. Each runs on a SQLite file and on PostgreSQL
(the `database_url` fixture; TEST_POSTGRES_URL, see tests/database_support.py)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge.model import JST
from bot.reminders.due import format_offset
from bot.store.ledger import LedgerRow
from bot.store.store import Store
from tests.fakes.fake_slack import Call, FakeSlack
from tests.process_support import BOT_TOKEN, SCHEDULER_STARTED, Bots, bot_env, sleep_until
from tests.reminder_support import event_entry, offset_until, whole_minute_after, write_knowledge

pytestmark = pytest.mark.process


def reminder_label(call: Call) -> str:
    """Which reminder a posted card is: its 「🔔 …前のリマインダー」 note."""
    match = re.search(r"🔔 (.+?)のリマインダー", str(call.body["blocks"]))
    assert match, call.body
    return match[1]


def seconds(offset: str) -> int:
    return int(offset.removesuffix("s"))


async def test_two_processes_on_one_database_post_each_reminder_once(
    slack: FakeSlack, tmp_path: Path, database_url: str,
) -> None:
    t0 = datetime.now(JST)
    # The two reminders to send on time fall due 15 s after t0: both processes are up by then, even
    # on a machine loaded by the rest of the suite running in parallel.
    start = whole_minute_after(t0, timedelta(seconds=25))
    offsets = [offset_until(start, t0 - timedelta(seconds=20)),  # already overdue: caught up, late
               offset_until(start, t0 + timedelta(seconds=15)),
               offset_until(start, t0 + timedelta(seconds=17))]
    data = write_knowledge(tmp_path / "kb.yaml", [event_entry("twice", start, title="二重起動テスト", offsets=offsets)])
    bots = Bots(bot_env(slack, data, database_url, REMINDER_CHANNELS="C1,C2"))
    try:
        await asyncio.gather(bots.start(), bots.start())
        posts = await slack.wait_for("chat.postMessage", 6, timeout=40)
        await asyncio.sleep(2.5)  # both keep sweeping every second
    finally:
        await bots.stop_all()
    all_posts = slack.calls_to("chat.postMessage")
    assert len(all_posts) == 6, [(p.body["channel"], reminder_label(p)) for p in all_posts]
    labels = {format_offset(timedelta(seconds=seconds(o))) for o in offsets}
    assert {(p.body["channel"], reminder_label(p)) for p in posts} == {(c, label) for c in ("C1", "C2") for label in labels}
    statuses = sorted(r.status for r in read_ledger(database_url))
    assert statuses == ["late", "late", "sent", "sent", "sent", "sent"]
    assert all(SCHEDULER_STARTED in bot.log and BOT_TOKEN not in bot.log for bot in bots.started)


async def test_sigkill_around_a_due_time_then_restart_posts_each_reminder_once(
    slack: FakeSlack, tmp_path: Path, database_url: str,
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
    bots = Bots(bot_env(slack, data, database_url, REMINDER_CHANNELS="C1"))
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
    rows = {(r.key.event_id, r.key.offset_seconds): r.status for r in read_ledger(database_url)}
    assert rows == {
        ("ceremony", seconds(offsets["before"])): "sent",
        ("ceremony", seconds(offsets["while_down"])): "late",
        ("ceremony", seconds(offsets["after"])): "sent",
        ("started", 30): "missed",  # due while no bot ran, and the event had started: not sent
    }
    assert any("reminder posted late" in line for line in bots.started[1].lines)  # by the restarted bot
    assert all(BOT_TOKEN not in bot.log for bot in bots.started)


def read_ledger(database_url: str) -> list[LedgerRow]:
    store = Store(database_url)
    try:
        return store.ledger.rows()
    finally:
        store.close()
