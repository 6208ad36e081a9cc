"""Delivery: claim → post → mark, with the retry rules; against a scripted sender and against the
fake Slack Web API over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.reminders.delivery import (
    Deliverer,
    DeliveryError,
    PermanentError,
    RateLimited,
    ReminderMessage,
    RetryPolicy,
    Sender,
    TransientError,
)
from bot.reminders.due import Action, Due, Reminder
from bot.store.records import Target
from bot.store.store import Store
from handlers.slack.reminders import SlackReminderSender
from tests.fakes.fake_slack import FakeSlack
from tests.outage_support import DatabaseOutage, database_outage
from tests.reminder_support import event_entry, load_with_events

pytestmark = pytest.mark.adapter

C1 = Target("slack", "C1")
START = datetime(2027, 4, 10, 14, 0, tzinfo=JST)


class ScriptedSender:
    """Raises the scripted errors in turn, then succeeds; records every attempt."""

    def __init__(self, *errors: DeliveryError) -> None:
        self.errors: Iterator[DeliveryError] = iter(errors)
        self.attempts: list[tuple[Target, ReminderMessage]] = []

    async def send(self, target: Target, message: ReminderMessage) -> None:
        self.attempts.append((target, message))
        error = next(self.errors, None)
        if error is not None:
            raise error


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def kb(tmp_path: Path) -> KnowledgeBase:
    return load_with_events(tmp_path, [event_entry("review", START, title="旭川市との連携会議")])


@pytest.fixture()
def event(kb: KnowledgeBase) -> Event:
    return next(e for e in kb.all_events() if e.id == "review")


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'renkei.db'}")


def one_day(event: Event, action: Action = "send") -> Due:
    return Due(Reminder(event, timedelta(days=1)), C1, action)


def make_deliverer(store: Store, sender: Sender, waits: list[float], *, now: datetime | None = None,
                   attempts: int = 4) -> Deliverer:
    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)

    policy = RetryPolicy(max_attempts=attempts, backoff_seconds=0.5)
    return Deliverer(store.ledger, {"slack": sender}, policy=policy, clock=Clock(now or START - timedelta(days=1)),
                     sleep=record_sleep)


async def test_a_post_is_marked_sent(store: Store, kb: KnowledgeBase, event: Event) -> None:
    sender, waits = ScriptedSender(), list[float]()
    outcome = await make_deliverer(store, sender, waits).deliver(one_day(event), kb.document)
    assert outcome == "sent" and waits == []
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    target, message = sender.attempts[0]
    assert target == C1 and message.event == event and message.late is False
    assert message.source.startswith("出典: 道内基礎自治体との連携の推進")


async def test_a_late_reminder_is_marked_late(store: Store, kb: KnowledgeBase, event: Event) -> None:
    sender = ScriptedSender()
    assert await make_deliverer(store, sender, []).deliver(one_day(event, "late"), kb.document) == "late"
    assert store.ledger.rows()[0].status == "late"
    assert sender.attempts[0][1].late is True


async def test_429_waits_retry_after_then_5xx_backs_off_then_posts_once(
    store: Store, kb: KnowledgeBase, event: Event,
) -> None:
    sender, waits = ScriptedSender(RateLimited(7.0), TransientError("HTTP 500")), list[float]()
    assert await make_deliverer(store, sender, waits).deliver(one_day(event), kb.document) == "sent"
    assert waits == [7.0, 1.0]  # Retry-After, then the second backoff step (0.5 × 2)
    assert len(sender.attempts) == 3
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "HTTP 500")


async def test_permanent_errors_are_not_retried_and_are_logged(
    store: Store, kb: KnowledgeBase, event: Event, caplog: pytest.LogCaptureFixture,
) -> None:
    sender, waits = ScriptedSender(PermanentError("channel_not_found")), list[float]()
    with caplog.at_level(logging.ERROR, logger="bot.reminders.delivery"):
        assert await make_deliverer(store, sender, waits).deliver(one_day(event), kb.document) == "failed"
    assert len(sender.attempts) == 1 and waits == []
    (row,) = store.ledger.rows()
    assert (row.status, row.last_error) == ("failed", "channel_not_found")
    assert "channel_not_found (not retried)" in caplog.text


async def test_a_post_that_keeps_failing_is_marked_failed(store: Store, kb: KnowledgeBase, event: Event) -> None:
    sender = ScriptedSender(*(TransientError("timeout") for _ in range(10)))
    waits: list[float] = []
    assert await make_deliverer(store, sender, waits, attempts=3).deliver(one_day(event), kb.document) == "failed"
    assert len(sender.attempts) == 3 and waits == [0.5, 1.0]
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "gave up after 3 attempts: timeout"


async def test_a_reminder_claimed_elsewhere_is_not_posted(store: Store, kb: KnowledgeBase, event: Event) -> None:
    due = one_day(event)
    assert store.ledger.claim(due.key, due.reminder.due_at)  # another process got there first
    sender = ScriptedSender()
    assert await make_deliverer(store, sender, []).deliver(due, kb.document) == "skipped"
    assert sender.attempts == []


async def test_missed_reminders_are_recorded_once(store: Store, kb: KnowledgeBase, event: Event) -> None:
    due = Due(Reminder(event, timedelta(days=1)), C1, "missed", "the event had started")
    deliverer = make_deliverer(store, ScriptedSender(), [])
    assert await deliverer.deliver(due, kb.document) == "missed"
    assert await deliverer.deliver(due, kb.document) == "skipped"
    assert [(r.status, r.last_error) for r in store.ledger.rows()] == [("missed", "the event had started")]


async def test_retries_stop_when_the_event_starts(store: Store, kb: KnowledgeBase, event: Event) -> None:
    clock = Clock(START - timedelta(seconds=3))
    sender = ScriptedSender(RateLimited(5.0))

    async def sleep_past_the_start(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)

    deliverer = Deliverer(store.ledger, {"slack": sender}, clock=clock, sleep=sleep_past_the_start)
    assert await deliverer.deliver(Due(Reminder(event, timedelta(hours=1)), C1, "late"), kb.document) == "missed"
    assert len(sender.attempts) == 1
    assert store.ledger.rows()[0].status == "missed"


async def test_targets_without_a_sender_are_left_for_another_process(
    store: Store, kb: KnowledgeBase, event: Event,
) -> None:
    due = Due(Reminder(event, timedelta(days=1)), Target("teams", "19:abc"), "send")
    assert await make_deliverer(store, ScriptedSender(), []).deliver(due, kb.document) == "skipped"
    assert store.ledger.rows() == []


async def test_a_long_retry_after_is_capped(store: Store, kb: KnowledgeBase, event: Event) -> None:
    waits: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)

    policy = RetryPolicy(max_attempts=2, max_retry_after_seconds=30.0)
    deliverer = Deliverer(store.ledger, {"slack": ScriptedSender(RateLimited(3600.0))}, policy=policy,
                          clock=Clock(START - timedelta(days=1)), sleep=record_sleep)
    assert await deliverer.deliver(one_day(event), kb.document) == "sent"
    assert waits == [30.0]


# --- against the fake Slack Web API ------------------------------------------------------------


def slack_deliverer(store: Store, api_url: str, waits: list[float], *, timeout: int = 10) -> Deliverer:
    client = AsyncWebClient(token="xoxb-test", base_url=api_url, timeout=timeout, retry_handlers=[])

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    return Deliverer(store.ledger, {"slack": SlackReminderSender(client)},
                     policy=RetryPolicy(max_attempts=4, backoff_seconds=0.2),
                     clock=Clock(START - timedelta(days=1)), sleep=sleep)


async def test_fake_slack_429_then_500_then_ok_posts_once_after_the_wait(
    store: Store, kb: KnowledgeBase, event: Event,
) -> None:
    async with FakeSlack() as slack:
        slack.fail("chat.postMessage", 429, retry_after=1)
        slack.fail("chat.postMessage", 500)
        waits: list[float] = []
        loop = asyncio.get_running_loop()
        delivery = asyncio.create_task(slack_deliverer(store, slack.api_url, waits).deliver(one_day(event), kb.document))
        await slack.wait_for("chat.postMessage", 1)
        rate_limited_at = loop.time()
        await slack.wait_for("chat.postMessage", 2)
        retried_at = loop.time()
        assert await delivery == "sent"
        calls = slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 500, 200]
    assert retried_at - rate_limited_at >= 0.9  # waited for Retry-After: 1 before trying again
    assert waits == [1.0, 0.4]
    assert all(c.body["channel"] == "C1" and c.token == "xoxb-test" for c in calls)
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts) == ("sent", 3)


@pytest.mark.parametrize("code", ["channel_not_found", "not_in_channel"])
async def test_fake_slack_permanent_errors_fail_at_once(
    store: Store, kb: KnowledgeBase, event: Event, code: str,
) -> None:
    async with FakeSlack() as slack:
        slack.fail("chat.postMessage", 200, error=code)
        waits: list[float] = []
        assert await slack_deliverer(store, slack.api_url, waits).deliver(one_day(event), kb.document) == "failed"
        assert len(slack.calls_to("chat.postMessage")) == 1 and waits == []
    (row,) = store.ledger.rows()
    assert (row.status, row.last_error) == ("failed", code)


@pytest.mark.parametrize("fault", ["drop", "hang"])
async def test_a_post_slack_received_is_never_posted_again(store: Store, kb: KnowledgeBase, event: Event,
                                                           fault: str) -> None:
    """The connection dropped after sending, or the reply came after the client's timeout: the
    post is looked for in the channel by its key (message metadata) and found."""
    async with FakeSlack() as slack:
        getattr(slack, fault)("chat.postMessage")
        waits: list[float] = []
        assert await slack_deliverer(store, slack.api_url, waits, timeout=1).deliver(one_day(event),
                                                                                     kb.document) == "sent"
        assert len(slack.messages) == 1 and waits == []
        assert len(slack.calls_to("conversations.history")) == 1
        slack.release()
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts) == ("sent", 1)


async def test_an_ambiguous_post_without_the_history_scope_is_unknown_and_not_retried(
    store: Store, kb: KnowledgeBase, event: Event,
) -> None:
    async with FakeSlack() as slack:
        slack.fail("conversations.history", 200, error="missing_scope", times=None)
        slack.drop("chat.postMessage")
        waits: list[float] = []
        assert await slack_deliverer(store, slack.api_url, waits).deliver(one_day(event), kb.document) == "unknown"
        assert len(slack.calls_to("chat.postMessage")) == 1 and waits == []
    (row,) = store.ledger.rows()
    assert (row.status, row.attempts) == ("unknown", 1)
    assert store.ledger.counts() == {"unknown": 1}
    [shown] = await store.ledger.failed_deliveries(row.key.target, 5)
    assert "送信結果不明" in shown.error


# --- a database outage (issue 20, item 2) --------------------------------------------------------


class SenderDuringOutage:
    """Posts fine, but the database goes away while the post is under way (and comes back later)."""

    def __init__(self, outage: DatabaseOutage, seconds: float) -> None:
        self.outage, self.seconds = outage, seconds
        self.posts = 0

    async def send(self, target: Target, message: ReminderMessage) -> None:
        self.posts += 1
        self.outage.down()
        asyncio.get_running_loop().call_later(self.seconds, self.outage.up)


async def test_a_reminder_posted_during_an_outage_is_recorded_sent_once_the_database_is_back(
        database_url: str, kb: KnowledgeBase, event: Event) -> None:
    with database_outage(database_url) as outage:
        store = Store(outage.url)
        outage.attach(store.db)
        sender = SenderDuringOutage(outage, seconds=1.5)
        outcome = await make_deliverer(store, sender, []).deliver(one_day(event), kb.document)
        assert outcome == "sent" and sender.posts == 1
        (row,) = store.ledger.rows()
        assert row.status == "sent"  # not left `claimed` for the stale-claim sweep to fail
        assert store.ledger.recover_stale_claims(datetime.now(JST) + timedelta(days=1)) == (0, 0)
        store.close()
