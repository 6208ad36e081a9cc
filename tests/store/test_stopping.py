"""Stopping reminders cleanly (the pieces SIGTERM uses, tests/test_shutdown.py runs the whole
process): no claim is started, held or abandoned by a stopping deliverer or scheduler. A real
store (SQLite file) and the real AsyncIOScheduler; the sender is a scripted one that can block."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.reminders.delivery import Deliverer, ReminderMessage, RetryPolicy, TransientError
from bot.reminders.due import Due, Reminder
from bot.reminders.scheduler import ReminderScheduler
from bot.store.records import Target
from bot.store.store import Store
from tests.process_support import wait_until
from tests.reminder_support import event_entry, load_with_events, offset_until, whole_minute_after

pytestmark = pytest.mark.adapter

C1 = Target("slack", "C1")


class BlockingSender:
    """Fails the first `failures` attempts; otherwise waits for `release` (never, unless set)."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.posted: list[Target] = []

    async def send(self, target: Target, message: ReminderMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("HTTP 503")
        self.entered.set()
        await self.release.wait()
        self.posted.append(target)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'renkei.db'}")


@pytest.fixture()
def kb(tmp_path: Path) -> KnowledgeBase:
    now = datetime.now(JST)
    start = whole_minute_after(now, timedelta(minutes=2))
    return load_with_events(tmp_path, [event_entry("soon", start, offsets=[offset_until(start, now)])])


@pytest.fixture()
def due(kb: KnowledgeBase) -> Due:
    event: Event = next(e for e in kb.all_events() if e.id == "soon")
    return Due(Reminder(event, event.reminder_offsets[0]), C1, "send")


def make_deliverer(store: Store, sender: BlockingSender, sleep_forever: bool = False) -> Deliverer:
    async def never_returns(_seconds: float) -> None:
        await asyncio.Event().wait()

    policy = RetryPolicy(max_attempts=3, backoff_seconds=60)
    return Deliverer(store.ledger, {"slack": sender}, policy=policy, sleep=never_returns if sleep_forever else asyncio.sleep)


async def test_a_stopped_deliverer_claims_nothing(store: Store, kb: KnowledgeBase, due: Due) -> None:
    deliverer = make_deliverer(store, BlockingSender())
    deliverer.stop()
    assert await deliverer.deliver(due, kb.document) == "skipped"
    assert store.ledger.rows() == []


async def test_stopping_during_a_retry_wait_releases_the_claim(store: Store, kb: KnowledgeBase, due: Due) -> None:
    sender = BlockingSender(failures=1)
    deliverer = make_deliverer(store, sender, sleep_forever=True)
    delivering = asyncio.create_task(deliverer.deliver(due, kb.document))
    await wait_for_status(store, "claimed", attempts=1)  # the first attempt failed; waiting to retry
    deliverer.stop()
    assert await delivering == "skipped"
    assert store.ledger.rows() == []  # due again for another instance or the next start
    assert store.ledger.claim(due.key, due.reminder.due_at) is True


async def test_a_post_cancelled_half_way_is_marked_failed_not_left_claimed(
    store: Store, kb: KnowledgeBase, due: Due,
) -> None:
    sender = BlockingSender()
    delivering = asyncio.create_task(make_deliverer(store, sender).deliver(due, kb.document))
    await sender.entered.wait()
    delivering.cancel()
    with pytest.raises(asyncio.CancelledError):
        await delivering
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None and "interrupted by shutdown" in row.last_error


@pytest.fixture()
async def scheduler(store: Store, kb: KnowledgeBase) -> AsyncIterator[tuple[ReminderScheduler, BlockingSender]]:
    sender = BlockingSender()
    scheduler = ReminderScheduler(knowledge=lambda: kb, targets=lambda: [C1], ledger=store.ledger,
                                  deliverer=make_deliverer(store, sender), sweep_seconds=60)
    scheduler.start()  # the reminder is due now: the start-up sweep posts it
    yield scheduler, sender
    scheduler.shutdown()


async def test_stop_waits_for_the_post_in_flight_and_it_is_marked_sent(
    scheduler: tuple[ReminderScheduler, BlockingSender], store: Store,
) -> None:
    reminders, sender = scheduler
    await sender.entered.wait()
    stopping = asyncio.create_task(reminders.stop(timeout=30))
    await wait_until(lambda: reminders.is_stopping, timeout=5)  # begun while the post is under way
    assert not stopping.done()
    sender.release.set()
    assert await stopping is True
    assert sender.posted == [C1]
    assert [row.status for row in store.ledger.rows()] == ["sent"]


async def test_stop_past_its_timeout_cancels_the_post_and_marks_it_failed(
    scheduler: tuple[ReminderScheduler, BlockingSender], store: Store,
) -> None:
    reminders, sender = scheduler
    await sender.entered.wait()
    assert await reminders.stop(timeout=0.05) is False
    assert sender.posted == []
    assert [(row.status, row.attempts) for row in store.ledger.rows()] == [("failed", 1)]


async def wait_for_status(store: Store, status: str, *, attempts: int) -> None:
    await wait_until(lambda: [(r.status, r.attempts) for r in store.ledger.rows()] == [(status, attempts)], timeout=5)
