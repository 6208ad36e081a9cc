"""Teams reminders: proactive posts through the stored conversation reference to the fake Bot
Connector, from the same real scheduler and exactly-once ledger as Slack."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.reminders.delivery import Deliverer, PermanentError, RateLimited, ReminderMessage, RetryPolicy, TransientError
from bot.reminders.due import Due, due_reminders, reminders_for
from bot.reminders.service import build_scheduler
from bot.store.records import Target
from handlers.slack.reminders import SlackReminderSender
from tests.fakes.fake_connector import SEND
from tests.fakes.fake_slack import FakeSlack
from tests.reminder_support import event_entry, load_with_events, offset_until, whole_minute_after
from tests.teams_support import CHANNEL, PERSONAL, TeamsRig, assert_valid_card, running_teams

pytestmark = pytest.mark.adapter

SCHEDULER_ENV = {"SCHEDULER": "on", "REMINDER_SWEEP_SECONDS": "0.5", "REMINDER_GRACE_SECONDS": "30"}


def now_jst() -> datetime:
    return datetime.now(JST)


def only_event(kb: KnowledgeBase, event_id: str) -> Event:
    return next(event for event in kb.all_events() if event.id == event_id)


async def test_a_reminder_reaches_a_teams_channel_and_a_slack_channel_once(tmp_path: Path) -> None:
    now = now_jst()
    start = whole_minute_after(now, timedelta(seconds=20))
    offset = offset_until(start, now + timedelta(seconds=3))
    kb = load_with_events(tmp_path, [event_entry("soon", start, title="旭川市との連携会議", offsets=[offset])])
    async with running_teams(tmp_path, kb=kb, env=SCHEDULER_ENV) as teams, FakeSlack() as slack:
        # Teams: the app is added to a team, then someone turns reminders on in a channel thread.
        assert await teams.post(teams.activities.conversation_update(conversation=CHANNEL)) == 202
        assert await teams.post(teams.activities.channel_mention("remind on")) == 202
        await teams.connector.wait_for(2)
        # Slack: a subscribed channel, in the same store.
        teams.store.subscriptions.subscribe(Target("slack", "C1"), "U1")
        slack_sender = SlackReminderSender(AsyncWebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[]))
        scheduler = build_scheduler(teams.settings, knowledge=lambda: teams.dispatcher.kb, store=teams.store,
                                    senders={"slack": slack_sender, "teams": teams.service.reminder_sender()})
        assert scheduler is not None
        scheduler.start()
        try:
            (slack_post,) = await slack.wait_for("chat.postMessage", 1, timeout=20)
            (teams_post,) = await teams.connector.wait_for(1, timeout=20, kind=SEND)
            await asyncio.sleep(1.5)  # the job has run and sweeps go on: nothing is posted twice
            assert await scheduler.run_due({"soon"}) == []
        finally:
            scheduler.shutdown()
        assert len(slack.calls_to("chat.postMessage")) == 1 and len(teams.connector.calls_of(SEND)) == 1
        rows = {(row.key.platform, row.key.target_id, row.status) for row in teams.store.ledger.rows(event_id="soon")}
    assert rows == {("slack", "C1", "sent"), ("teams", CHANNEL, "sent")}
    assert slack_post.body["channel"] == "C1" and "旭川市との連携会議" in slack_post.body["text"]
    # A new post in the channel (not a reply in the thread where `remind on` was typed).
    assert teams_post.conversation_id == CHANNEL and teams_post.path == f"/v3/conversations/{CHANNEL}/activities"
    assert "replyToId" not in teams_post.body and teams_post.authorization is None
    assert_valid_card(teams_post.card)
    text = teams_post.card_text
    assert text.splitlines()[0] == "⏰ 旭川市との連携会議"
    assert f"{start.hour}:{start.minute:02d}～" in text and "旭川市役所 3階 会議室" in text and "旭川市長 西川将人" in text
    assert "出典: 道内基礎自治体との連携の推進" in text


def reminder_message(kb: KnowledgeBase) -> ReminderMessage:
    ceremony = kb.partners[0].ceremony
    return ReminderMessage(ceremony, timedelta(days=1), False, ceremony.starts_at - timedelta(days=1), kb.document)


async def test_the_sender_maps_connector_failures_to_retry_decisions(tmp_path: Path, kb: KnowledgeBase) -> None:
    async with running_teams(tmp_path) as teams:
        assert await teams.post(teams.activities.installation_update("add")) == 202
        sender, target, message = teams.service.reminder_sender(), Target("teams", PERSONAL), reminder_message(kb)
        teams.connector.fail(500)
        with pytest.raises(TransientError, match="HTTP 500"):
            await sender.send(target, message)
        teams.connector.fail(429, retry_after=7)
        with pytest.raises(RateLimited) as limited:
            await sender.send(target, message)
        assert limited.value.retry_after == 7.0
        teams.connector.fail(404)
        with pytest.raises(PermanentError, match="HTTP 404"):
            await sender.send(target, message)
        with pytest.raises(PermanentError, match="no conversation reference"):
            await sender.send(Target("teams", "a:never-installed"), message)
        await sender.send(target, message)
        calls = teams.connector.calls_of(SEND)
    assert [call.status for call in calls] == [500, 429, 404, 201]
    assert all(call.conversation_id == PERSONAL for call in calls)
    assert calls[-1].card_text.splitlines()[0] == "⏰ 旭川市との覚書締結式"


def review_kb(tmp_path: Path) -> KnowledgeBase:
    """The bundled data with one future event, reminded an hour before."""
    start = datetime(2027, 4, 10, 14, 0, tzinfo=JST)
    return load_with_events(tmp_path, [event_entry("review", start, offsets=["1h"])])


def one_reminder(teams: TeamsRig, kb: KnowledgeBase, target: Target,
                 late: timedelta = timedelta(0)) -> tuple[list[Due], Deliverer]:
    """The review's one reminder due for `target`, and a deliverer whose clock is `late` after it."""
    (reminder,) = reminders_for([only_event(kb, "review")])
    dues = due_reminders([reminder.event], [target], set(), reminder.due_at)
    deliverer = Deliverer(teams.store.ledger, {"teams": teams.service.reminder_sender()},
                          policy=RetryPolicy(max_attempts=3, backoff_seconds=0.05),
                          clock=lambda: reminder.due_at + late)
    return dues, deliverer


async def test_a_transient_failure_is_retried_and_the_reminder_posted_once(tmp_path: Path) -> None:
    kb = review_kb(tmp_path)
    async with running_teams(tmp_path, kb=kb) as teams:
        assert await teams.post(teams.activities.installation_update("add")) == 202
        target = Target("teams", PERSONAL)
        dues, deliverer = one_reminder(teams, kb, target, late=timedelta(seconds=1))
        teams.connector.fail(503)
        assert await deliverer.deliver_all(dues, kb.document_of) == ["sent"]
        assert await deliverer.deliver_all(dues, kb.document_of) == ["skipped"]  # the ledger has it
        statuses = [call.status for call in teams.connector.calls_of(SEND)]
        (row,) = teams.store.ledger.rows(target=target)
    assert statuses == [503, 201]
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "HTTP 503")


async def test_a_conversation_without_reference_is_marked_failed_not_retried(tmp_path: Path) -> None:
    kb = review_kb(tmp_path)
    async with running_teams(tmp_path, kb=kb) as teams:
        target = Target("teams", "19:unknown@thread.tacv2")
        dues, deliverer = one_reminder(teams, kb, target)
        assert await deliverer.deliver_all(dues, kb.document_of) == ["failed"]
        (row,) = teams.store.ledger.rows(target=target)
        assert teams.connector.calls == []
    assert row.status == "failed" and row.attempts == 1 and "no conversation reference" in (row.last_error or "")


async def test_a_post_whose_answer_is_lost_is_unknown_and_never_posted_again(tmp_path: Path) -> None:
    kb = review_kb(tmp_path)
    async with running_teams(tmp_path, kb=kb) as teams:
        assert await teams.post(teams.activities.installation_update("add")) == 202
        target = Target("teams", PERSONAL)
        dues, deliverer = one_reminder(teams, kb, target, late=timedelta(seconds=1))
        teams.connector.drop()
        assert await deliverer.deliver_all(dues, kb.document_of) == ["unknown"]
        assert await deliverer.deliver_all(dues, kb.document_of) == ["skipped"]
        sends = teams.connector.calls_of(SEND)
        (row,) = teams.store.ledger.rows(target=target)
    assert len(sends) == 1
    assert (row.status, row.attempts) == ("unknown", 1)
