"""The real AsyncIOScheduler on the test's loop, posting to the fake Slack Web API over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.model import JST, KnowledgeBase
from bot.ops.settings import Settings
from bot.reminders.delivery import Deliverer, RetryPolicy
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.service import build_scheduler
from bot.store.records import Target
from bot.store.store import Store
from handlers.slack.reminders import SlackReminderSender
from tests.fakes.fake_slack import FakeSlack
from tests.reminder_support import event_entry, load_with_events, offset_until, whole_minute_after

pytestmark = pytest.mark.adapter

C1 = Target("slack", "C1")


def now_jst() -> datetime:
    return datetime.now(JST)


@dataclass
class Rig:
    slack: FakeSlack
    store: Store
    tmp_path: Path
    kb: KnowledgeBase | None = None
    scheduler: ReminderScheduler | None = None

    def start(self, kb: KnowledgeBase, targets: Sequence[Target] = (C1,), *, sweep_seconds: float = 0.5
              ) -> ReminderScheduler:
        self.kb = kb
        client = AsyncWebClient(token="xoxb-test", base_url=self.slack.api_url, retry_handlers=[])
        deliverer = Deliverer(self.store.ledger, {"slack": SlackReminderSender(client)},
                              policy=RetryPolicy(max_attempts=3, backoff_seconds=0.1))
        self.scheduler = ReminderScheduler(
            knowledge=lambda: self.current_kb, targets=lambda: list(targets), ledger=self.store.ledger,
            deliverer=deliverer, sweep_seconds=sweep_seconds, grace=timedelta(seconds=30),
        )
        self.scheduler.start()
        return self.scheduler

    @property
    def current_kb(self) -> KnowledgeBase:
        assert self.kb is not None
        return self.kb

    def load(self, name: str, events: list[dict[str, Any]]) -> KnowledgeBase:
        folder = self.tmp_path / name
        folder.mkdir()
        return load_with_events(folder, events)


@pytest.fixture()
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with FakeSlack() as slack:
        rig = Rig(slack, Store(f"sqlite:///{tmp_path / 'renkei.db'}"), tmp_path)
        yield rig
        if rig.scheduler:
            rig.scheduler.shutdown()


def card_texts(call_body: dict[str, Any]) -> str:
    return str(call_body["blocks"]) + str(call_body["text"])


async def test_a_reminder_a_few_seconds_ahead_arrives_once(rig: Rig) -> None:
    now = now_jst()
    start = whole_minute_after(now, timedelta(seconds=20))
    offset = offset_until(start, now + timedelta(seconds=2))
    kb = rig.load("kb", [event_entry("soon", start, title="旭川市との連携会議", offsets=[offset])])
    scheduler = rig.start(kb)
    assert list(scheduler.scheduled()) == [f"reminder:soon:{offset[:-1]}"]
    (post,) = await rig.slack.wait_for("chat.postMessage", 1, timeout=10)
    # Running the job again and more sweeps (every 0.5 s) must not post it again.
    assert await scheduler.run_due({"soon"}) == []
    await asyncio.sleep(1.5)
    assert len(rig.slack.calls_to("chat.postMessage")) == 1
    assert post.body["channel"] == "C1" and post.token == "xoxb-test"
    assert "旭川市との連携会議" in card_texts(post.body) and f"{start.hour}:{start.minute:02d}～" in post.body["text"]
    (row,) = rig.store.ledger.rows(event_id="soon")
    assert row.status == "sent" and row.sent_at is not None and row.sent_at >= row.due_at
    assert scheduler.scheduled() == {}  # the date job ran and is gone


async def test_a_reload_moves_adds_and_removes_jobs(rig: Rig) -> None:
    first = datetime(2027, 4, 10, 14, 0, tzinfo=JST)
    kb1 = rig.load("kb1", [event_entry("a", first), event_entry("b", first + timedelta(days=1))])
    scheduler = rig.start(kb1)
    assert sorted(scheduler.scheduled()) == sorted(
        f"reminder:{event}:{seconds}" for event in "ab" for seconds in (7 * 86400, 86400, 3600)
    )
    kb2 = rig.load("kb2", [event_entry("a", first + timedelta(hours=2)), event_entry("c", first + timedelta(days=2))])
    change = scheduler.reschedule(kb2)
    assert change.moved == ("reminder:a:3600", "reminder:a:604800", "reminder:a:86400")
    assert change.removed == ("reminder:b:3600", "reminder:b:604800", "reminder:b:86400")
    assert change.added == ("reminder:c:3600", "reminder:c:604800", "reminder:c:86400")
    jobs = scheduler.scheduled()
    assert jobs["reminder:a:86400"] == datetime(2027, 4, 9, 16, 0, tzinfo=JST)
    assert jobs["reminder:c:3600"] == datetime(2027, 4, 12, 13, 0, tzinfo=JST)
    assert len(jobs) == 6
    again = scheduler.reschedule(kb2)
    assert (again.added, again.moved, again.removed, len(again.kept)) == ((), (), (), 6)
    assert "追加 0、時刻変更 0、削除 0" in again.to_text()


async def test_a_moved_event_fires_at_its_new_time(rig: Rig) -> None:
    scheduler = rig.start(rig.load("far", [event_entry("moving", datetime(2027, 4, 10, 14, 0, tzinfo=JST))]))
    now = now_jst()
    start = whole_minute_after(now, timedelta(seconds=20))
    near = rig.load("near", [event_entry("moving", start, offsets=[offset_until(start, now + timedelta(seconds=1.5))])])
    rig.kb = near  # what dispatcher.replace_knowledge does on /renkei reload
    change = scheduler.reschedule(near)
    assert len(change.added) == 1 and len(change.removed) == 3
    await rig.slack.wait_for("chat.postMessage", 1, timeout=10)
    await asyncio.sleep(1.0)
    assert len(rig.slack.calls_to("chat.postMessage")) == 1
    assert [r.status for r in rig.store.ledger.rows(event_id="moving")] == ["sent"]


async def test_catch_up_at_start_sends_late_once_and_records_missed(rig: Rig) -> None:
    now = now_jst()
    upcoming = whole_minute_after(now, timedelta(hours=2))  # 7d and 1d are past, 1h is ahead
    started = now.replace(second=0, microsecond=0) - timedelta(minutes=10)  # began while we were down
    rig.start(rig.load("kb", [event_entry("upcoming", upcoming, title="旭川市との連携会議"),
                               event_entry("started", started)]))
    (post,) = await rig.slack.wait_for("chat.postMessage", 1, timeout=10)
    await asyncio.sleep(1.0)  # more sweeps
    assert len(rig.slack.calls_to("chat.postMessage")) == 1
    assert "遅れてお知らせ" in card_texts(post.body) and "旭川市との連携会議" in post.body["text"]
    statuses = {(r.key.event_id, r.key.offset_seconds): r.status for r in rig.store.ledger.rows()}
    assert statuses == {
        ("upcoming", 7 * 86400): "missed", ("upcoming", 86400): "late",
        ("started", 7 * 86400): "missed", ("started", 86400): "missed", ("started", 3600): "missed",
    }


async def test_two_schedulers_on_one_database_post_once(rig: Rig) -> None:
    now = now_jst()
    start = whole_minute_after(now, timedelta(seconds=20))
    kb = rig.load("kb", [event_entry("both", start, offsets=[offset_until(start, now + timedelta(seconds=1.5))])])
    rig.start(kb, targets=[C1, Target("slack", "C2")])
    other = Rig(rig.slack, Store(rig.store.db.engine.url.render_as_string(hide_password=False)), rig.tmp_path)
    second = other.start(kb, targets=[C1, Target("slack", "C2")])
    try:
        posts = await rig.slack.wait_for("chat.postMessage", 2, timeout=10)
        await asyncio.sleep(1.0)
    finally:
        second.shutdown()
    assert len(rig.slack.calls_to("chat.postMessage")) == 2
    assert sorted(p.body["channel"] for p in posts) == ["C1", "C2"]


def test_scheduler_off_builds_nothing(tmp_path: Path, kb: KnowledgeBase) -> None:
    store = Store(f"sqlite:///{tmp_path / 'renkei.db'}")
    settings = Settings.from_env({"SCHEDULER": "off"})
    assert build_scheduler(settings, knowledge=lambda: kb, store=store, senders={}) is None
    assert build_scheduler(Settings.from_env({"SCHEDULER": "on"}), knowledge=lambda: kb, store=store,
                           senders={}) is not None
