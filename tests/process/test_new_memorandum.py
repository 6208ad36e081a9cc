"""Issue 19's "done when", end to end: two real bot processes (`python app.py`, Slack HTTP mode and
Teams) on one database, the fake Slack Web API and the fake Bot Connector. A maintainer adds a
memorandum to the data file and does nothing else: every subscribed conversation (a configured
Slack channel, one subscribed with `/renkei remind on`, a Teams channel subscribed with
`remind on`) gets one announcement; the new ceremony is in both instances' calendar feed; an
answer about it offers 「カレンダーに追加」; its reminder is posted once to each. Then the maintainer
corrects its time and place: one correction to each, saying what changed, and the reminder for
the new time. /metrics counts the announcements. Runs on a SQLite file and on PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import icalendar
import pytest

from bot.knowledge.dates import format_date, format_time
from bot.knowledge.model import JST
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.fake_slack import Call, FakeSlack
from tests.fakes.slack_app import event_callback, mention, slash_command, to_form
from tests.memorandum_support import KUSHIRO_EVENT_ID, Memorandum, write_memoranda
from tests.process_support import SIGNING_SECRET, BotProcess, Bots, bot_env, post_signed_event, wait_until
from tests.reminder_support import offset_until, whole_minute_after
from tests.teams_support import CHANNEL, Activities

pytestmark = pytest.mark.process

NEW = "新しい覚書: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"
PUBLIC = "https://renkei.example.jp"


async def post_json(url: str, body: object) -> int:
    async with aiohttp.ClientSession() as http, \
            http.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}) as response:
        await response.read()
        return response.status


async def post_command(bot: BotProcess, text: str, channel: str, response_url: str) -> int:
    from tests.fakes.slack_app import sign

    body = to_form(slash_command(text, response_url=response_url, channel=channel))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=SIGNING_SECRET)}
    async with aiohttp.ClientSession() as http, \
            http.post(f"{bot.url}/slack/events", data=body.encode(), headers=headers) as response:
        return response.status


async def get(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.read()


async def new_events_in_feed(bot: BotProcess, timeout: float = 10.0) -> list[icalendar.Event]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status, body = await get(f"{bot.url}/calendar.ics")
        assert status == 200
        events = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if KUSHIRO_EVENT_ID in str(e["UID"])]
        if events or asyncio.get_running_loop().time() > deadline:
            return events
        await asyncio.sleep(0.2)


def format_when_of(moment: datetime) -> str:
    """「2027年2月3日（水） 9:05～」, as a reminder states its event's time."""
    return f"{format_date(moment.date())} {format_time(moment.timetz())}～"  # with or without an end


def slack_posts(slack: FakeSlack, prefix: str) -> list[Call]:
    return [call for call in slack.calls_to("chat.postMessage") if str(call.body.get("text", "")).startswith(prefix)]


async def test_a_memorandum_added_as_data_is_announced_once_in_the_calendar_offered_and_reminded(
        slack: FakeSlack, tmp_path: Path, database_url: str) -> None:
    t0 = datetime.now(JST)
    data = write_memoranda(tmp_path / "kb.yaml")  # the bundled memoranda only
    async with FakeConnector() as connector:
        env = bot_env(slack, data, database_url, REMINDER_CHANNELS="C1", WATCH_DATA="true", TEAMS_ANONYMOUS="true",
                      PUBLIC_BASE_URL=PUBLIC)
        bots = Bots(env)
        teams = Activities(connector.service_url)
        try:
            first, second = await asyncio.gather(bots.start(), bots.start())
            await asyncio.sleep(1.5)  # both have swept: the first start records, announces nothing
            assert slack.calls_to("chat.postMessage") == [] and connector.calls == []
            # Subscriptions: a Slack channel by slash command, a Teams channel after the app is added.
            assert await post_command(first, "remind on", "C2", slack.response_url("c2")) == 200
            assert await post_json(f"{second.url}/api/messages", teams.conversation_update(conversation=CHANNEL)) == 202
            assert await post_json(f"{second.url}/api/messages", teams.channel_mention("remind on")) == 202
            await slack.wait_for("response_url", 1, timeout=10)
            await connector.wait_for(1, timeout=10)
            before = len(connector.calls)

            # The maintainer adds the memorandum: its ceremony in a minute or two, a reminder soon.
            now = datetime.now(JST)
            start = whole_minute_after(now, timedelta(seconds=60))
            reminder = offset_until(start, now + timedelta(seconds=12))
            write_memoranda(data, [Memorandum(start, offsets=(reminder,))])

            await slack.wait_until(lambda: len(slack_posts(slack, "新しい覚書")) >= 2, timeout=20)
            await wait_until(lambda: any(NEW in c.card_text for c in connector.calls[before:] if c.cards), timeout=20)
            # The calendar feed of either instance has the new ceremony (once its watcher has reloaded).
            for bot in (first, second):
                assert [e["DTSTART"].dt for e in await new_events_in_feed(bot)] == [start]
            # An answer about it offers the calendar.
            status, _ = await post_signed_event(first.url, event_callback(mention("<@UBOT> 釧路の締結式はいつ?",
                                                                                   channel="C3")))
            assert status == 200
            await slack.wait_until(lambda: any(c.body.get("channel") == "C3"
                                               for c in slack.calls_to("chat.postMessage")), timeout=10)
            # Its reminder follows: once to each conversation.
            await slack.wait_until(lambda: len(slack_posts(slack, "リマインダー")) >= 2, timeout=30)
            await wait_until(lambda: any("⏰ 釧路市との覚書締結式" in c.card_text
                                         for c in connector.calls[before:] if c.cards), timeout=20)
            await asyncio.sleep(2.5)  # more sweeps on both: nothing is posted twice

            # The maintainer corrects the time and place: one correction to each, and the reminder follows.
            now = datetime.now(JST)
            moved = whole_minute_after(now, timedelta(seconds=60)) + timedelta(minutes=2)
            reminder = offset_until(moved, now + timedelta(seconds=10))
            write_memoranda(data, [Memorandum(moved, place="釧路市観光国際交流センター", offsets=(reminder,))])
            await slack.wait_until(lambda: len(slack_posts(slack, "覚書の訂正")) >= 2, timeout=20)
            await slack.wait_until(lambda: len(slack_posts(slack, "リマインダー")) >= 4, timeout=30)
            await wait_until(lambda: sum("⏰ 釧路市との覚書締結式" in c.card_text
                                         for c in connector.calls[before:] if c.cards) >= 2, timeout=20)
            await asyncio.sleep(2.5)
            _, metrics = await get(f"{second.url}/metrics")
        finally:
            await bots.stop_all()
        teams_cards = [c.card_text for c in connector.calls[before:] if c.cards]
    announced = slack_posts(slack, "新しい覚書")
    assert sorted(c.body["channel"] for c in announced) == ["C1", "C2"]
    assert all(c.body["text"] == NEW for c in announced)
    assert sum(NEW in text for text in teams_cards) == 1
    corrections = slack_posts(slack, "覚書の訂正")
    assert sorted(c.body["channel"] for c in corrections) == ["C1", "C2"]
    assert sum("覚書の訂正" in text for text in teams_cards) == 1
    blocks = str(corrections[0].body["blocks"])
    assert f"{start.month}月{start.day}日" in blocks and "→" in blocks and "釧路市観光国際交流センター" in blocks
    reminders = slack_posts(slack, "リマインダー")
    assert sorted(c.body["channel"] for c in reminders) == ["C1", "C1", "C2", "C2"]
    assert sorted(format_when_of(moved) in c.body["text"] for c in reminders) == [False, False, True, True]
    assert sum("⏰ 釧路市との覚書締結式" in text for text in teams_cards) == 2
    [answer] = [c for c in slack.calls_to("chat.postMessage") if c.body.get("channel") == "C3"]
    calendar = [e for b in answer.body["blocks"] if b.get("block_id") == "renkei_calendar" for e in b["elements"]]
    assert [button["url"] for button in calendar] == [f"{PUBLIC}/calendar/{KUSHIRO_EVENT_ID}.ics"]
    assert 'renkei_announcements{status="sent"} 6.0' in metrics.decode()  # 3 announcements, 3 corrections
    assert any("first start: 2 document(s) recorded as known" in b.log for b in bots.started)
    assert datetime.now(JST) - t0 < timedelta(minutes=3)
