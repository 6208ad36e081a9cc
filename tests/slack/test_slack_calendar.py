"""「カレンダーに追加」 and new-memorandum announcements in Slack, over signed HTTP on the real Bolt
app and the fake Slack Web API: a link button to the event's .ics with PUBLIC_BASE_URL, else a
button that uploads the file to the conversation; none for a ceremony past; the announcement card
(posted with its delivery key, found again after a dropped connection instead of re-posted)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.commands.registry import Commands, Services
from bot.knowledge.model import JST, KnowledgeBase
from bot.ops.settings import Settings
from bot.reminders.announcements import to_announcement
from bot.reminders.calendar_files import CalendarFiles
from bot.store.records import Target
from bot.store.store import Store
from handlers.server import build_server
from handlers.slack.answer_blocks import CALENDAR_BLOCK_ID, CalendarOptions
from handlers.slack.listeners import to_slack_calendar
from handlers.slack.platform import SlackPlatform
from handlers.slack.posting import to_delivery_key
from handlers.slack.reminders import SlackReminderSender, build_reminder_client
from tests.fakes.fake_slack import Call, FakeSlack
from tests.fakes.slack_app import (
    CHANNEL,
    RunningApp,
    assert_round_trips,
    block_action,
    event_callback,
    make_settings,
    mention,
    running_server,
)
from tests.memorandum_support import KUSHIRO_EVENT_ID, Memorandum, load_memoranda

pytestmark = pytest.mark.adapter

STARTS = datetime(2027, 2, 3, 10, 0, tzinfo=JST)
NOW = STARTS - timedelta(days=10)
BASE_URL = "https://renkei.example.jp"


@pytest.fixture(scope="module")
def future_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_memoranda(tmp_path_factory.mktemp("kb"), [Memorandum(STARTS)])


@pytest.fixture(scope="module")
def engine(future_kb: KnowledgeBase) -> Engine:
    return Engine(future_kb)


@asynccontextmanager
async def running(slack: FakeSlack, engine: Engine, tmp_path: Path, **overrides: Any) -> AsyncIterator[RunningApp]:
    settings = make_settings(slack, **overrides)
    dispatcher = Dispatcher(engine, clock=lambda: NOW)
    store = Store(f"sqlite:///{tmp_path / 'renkei.db'}")
    platform = SlackPlatform(settings, dispatcher, commands=Commands(Services(knowledge=lambda: dispatcher.kb)),
                             calendar=CalendarFiles(lambda: dispatcher.kb, store.revisions))
    try:
        async with running_server(build_server([platform]), platform) as app:
            yield app
    finally:
        store.close()


async def ask(app: RunningApp, slack: FakeSlack, question: str) -> Call:
    await app.post_event(event_callback(mention(f"<@UBOT> {question}", ts="1700000000.000900")))
    await app.settle()
    return slack.calls_to("chat.postMessage")[-1]


def calendar_buttons(call: Call) -> list[dict[str, Any]]:
    blocks = [b for b in call.body["blocks"] if b.get("block_id") == CALENDAR_BLOCK_ID]
    return [element for block in blocks for element in block["elements"]]


async def test_with_a_public_address_the_button_links_to_the_events_file(
        slack: FakeSlack, engine: Engine, tmp_path: Path) -> None:
    async with running(slack, engine, tmp_path, public_base_url=BASE_URL, calendar_token="t0k") as app:
        answer = await ask(app, slack, "釧路の締結式はいつ?")
        past = await ask(app, slack, "北見の締結式はいつ?")
    [button] = calendar_buttons(answer)
    assert button["text"]["text"] == "📅 カレンダーに追加"
    assert button["url"] == f"{BASE_URL}/calendar/{KUSHIRO_EVENT_ID}.ics?token=t0k"
    assert calendar_buttons(past) == []  # a ceremony past offers no calendar


async def test_without_one_pressing_the_button_uploads_the_file_to_the_thread(
        slack: FakeSlack, engine: Engine, tmp_path: Path) -> None:
    async with running(slack, engine, tmp_path) as app:
        answer = await ask(app, slack, "釧路の締結式の場所は?")
        [button] = calendar_buttons(answer)
        assert "url" not in button and button["value"] == KUSHIRO_EVENT_ID
        await app.post_action(block_action(button["action_id"], button["value"], response_url=slack.response_url(),
                                           thread_ts="1700000000.000900"))
        await app.settle()
    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.body["channel_id"] == CHANNEL and complete.body["thread_ts"] == "1700000000.000900"
    [(file_id, data)] = slack.uploads.items()
    assert complete.body["files"][0]["id"] == file_id
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert event["DTSTART"].dt == STARTS and str(event["SUMMARY"]) == "釧路市との覚書締結式"


async def test_the_announcement_card_posts_with_its_key_and_round_trips(slack: FakeSlack,
                                                                        future_kb: KnowledgeBase) -> None:
    settings = make_settings(slack)
    links = to_slack_calendar(Settings(public_base_url=BASE_URL), None).options
    sender = SlackReminderSender(build_reminder_client(settings), links)
    announcement = to_announcement(future_kb, future_kb.documents[-1], "new", NOW, key="announcement:k1")
    await sender.announce(Target("slack", "C42"), announcement)
    [post] = slack.calls_to("chat.postMessage")
    assert post.body["channel"] == "C42"
    assert to_delivery_key(post.body) == "announcement:k1"
    assert post.body["text"] == "新しい覚書: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"
    assert_round_trips(post.body["blocks"])
    text = str(post.body["blocks"])
    for expected in ("港湾物流と水産加工", "水産加工業の販路開拓への支援", "2027年2月3日（水） 10:00～10:30", "あと10日",
                     "釧路市黒金町7丁目5番地", "出典: 釧路市と覚書を締結します", "釧路の締結式の詳細は?"):
        assert expected in text, expected
    [button] = calendar_buttons(post)
    assert button["url"] == f"{BASE_URL}/calendar/{KUSHIRO_EVENT_ID}.ics"


async def test_an_announcement_whose_connection_drops_after_sending_is_found_not_reposted(
        slack: FakeSlack, future_kb: KnowledgeBase) -> None:
    sender = SlackReminderSender(build_reminder_client(make_settings(slack)), CalendarOptions())
    announcement = to_announcement(future_kb, future_kb.documents[-1], "new", NOW, key="announcement:k2")
    slack.drop("chat.postMessage")
    await sender.announce(Target("slack", "C42"), announcement)  # no error: it is in the channel
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("conversations.history")


def test_the_schedule_message_lists_announcements_and_round_trips(future_kb: KnowledgeBase) -> None:
    from bot.commands.registry import to_schedule_view
    from bot.store.records import AnnouncementRecord, AnnouncementStatus
    from handlers.slack.command_blocks import to_schedule_message

    status = AnnouncementStatus(sent=(AnnouncementRecord("<!channel> 釧路", Target("slack", "C1"), "unknown", NOW),))
    message = to_schedule_message(to_schedule_view(future_kb, NOW, status))
    assert_round_trips(message.blocks)
    text = str(message.blocks)
    assert "*新しい覚書のお知らせ*" in text and "❔ 送信結果不明" in text
    assert "&lt;!channel&gt; 釧路" in text and "<!channel>" not in text
