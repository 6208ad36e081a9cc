"""SIGTERM on a real bot process (`python app.py`, Slack HTTP mode, the fake Slack answering
slowly): work in flight finishes, nothing new is taken, no ledger row is left claimed. On a
SQLite file and on PostgreSQL (the `database_url` fixture; see tests/database_support.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.knowledge.model import JST
from bot.store.store import Store
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import CHANNEL, event_callback, mention
from tests.process_support import BOT_TOKEN, Bots, bot_env, post_signed_event, wait_until
from tests.reminder_support import event_entry, offset_until, whole_minute_after, write_knowledge

pytestmark = pytest.mark.process

SLOW_SLACK_SECONDS = 2.0
REMINDER_CHANNEL = "C0REMIND"


async def test_sigterm_finishes_the_reminder_post_and_the_request_in_flight_then_exits_0(
    slack: FakeSlack, tmp_path: Path, database_url: str,
) -> None:
    t0 = datetime.now(JST)
    start = whole_minute_after(t0, timedelta(seconds=30))
    offset = offset_until(start, t0 + timedelta(seconds=3))
    data = write_knowledge(tmp_path / "kb.yaml", [event_entry("ceremony", start, title="停止テスト", offsets=[offset])])
    # Every post takes 2 s, and so does auth.test, which Bolt calls while handling its first
    # request: that request is still in flight when SIGTERM comes.
    slack.delay("chat.postMessage", SLOW_SLACK_SECONDS)
    slack.delay("auth.test", SLOW_SLACK_SECONDS)
    bots = Bots(bot_env(slack, data, database_url, REMINDER_CHANNELS=REMINDER_CHANNEL, SHUTDOWN_GRACE_SECONDS="10"))
    try:
        bot = await bots.start()
        await slack.wait_for_arrival("chat.postMessage", timeout=15)  # the reminder, being posted
        request = asyncio.create_task(post_signed_event(bot.url, event_callback(mention("<@UBOT> 室蘭の締結式はいつ?"))))
        await slack.wait_for_arrival("auth.test")  # the request's handler is waiting for Slack
        assert slack.calls_to("chat.postMessage") == []  # both still under way
        bot.process.terminate()
        await wait_until(lambda: "reminder scheduler stopping" in bot.log, timeout=5)
        with pytest.raises(aiohttp.ClientConnectionError):  # no new requests once stopping
            await post_signed_event(bot.url, event_callback(mention("<@UBOT> 帯広の連携事項は?")))
        status, _ = await request
        exit_code = await bot.terminate()
    finally:
        await bots.stop_all()

    assert status == 200
    assert exit_code == 0, bot.log
    posts = slack.calls_to("chat.postMessage")
    assert sorted(post.body["channel"] for post in posts) == sorted([REMINDER_CHANNEL, CHANNEL]), posts
    answer = next(post for post in posts if post.body["channel"] == CHANNEL)
    assert "室蘭" in str(answer.body)  # the in-flight question was answered before the exit
    store = Store(database_url)
    rows = store.ledger.rows()
    store.close()
    assert [(row.key.target_id, row.status, row.attempts) for row in rows] == [(REMINDER_CHANNEL, "sent", 1)]
    for expected in ("SIGTERM received", "reminder scheduler stopped", "stopped", "database closed"):
        assert expected in bot.log, bot.log
    for unfinished in ("still in flight", "unfinished", "interrupted"):
        assert unfinished not in bot.log, bot.log
    assert BOT_TOKEN not in bot.log
