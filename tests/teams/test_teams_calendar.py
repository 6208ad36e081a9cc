"""「カレンダーに追加」 and new-memorandum announcements in Teams, through the real Agents SDK
endpoint and the fake Bot Connector: an Action.OpenUrl to the event's .ics when PUBLIC_BASE_URL is
set (none without it, none for a ceremony past), and the announcement card posted proactively.
Every card validates against the Adaptive Card 1.5 schema."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.model import JST
from bot.reminders.announcements import to_announcement
from bot.store.records import Target
from tests.fakes.fake_connector import SEND
from tests.memorandum_support import KUSHIRO_EVENT_ID, Memorandum, load_memoranda
from tests.teams_support import CHANNEL, assert_valid_card, running_teams

pytestmark = pytest.mark.adapter

STARTS = datetime(2027, 2, 3, 10, 0, tzinfo=JST)  # ahead of the real clock these tests run on
BASE_URL = "https://renkei.example.jp"


def open_urls(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "Action.OpenUrl":
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card)
    return found


@pytest.mark.parametrize("base_url", [BASE_URL, ""])
async def test_an_answer_about_a_ceremony_ahead_offers_its_calendar_file(tmp_path: Path, base_url: str) -> None:
    kb = load_memoranda(tmp_path, [Memorandum(STARTS)])
    async with running_teams(tmp_path, kb=kb, env={"PUBLIC_BASE_URL": base_url}) as teams:
        assert await teams.post(teams.activities.message("釧路の締結式はいつ?")) == 202
        assert await teams.post(teams.activities.message("北見の締結式はいつ?")) == 202
        ahead, past = await teams.connector.wait_for(2)
    for call in (ahead, past):
        assert_valid_card(call.card)
    assert open_urls(past.card) == []
    if base_url:
        [action] = open_urls(ahead.card)
        assert action["title"] == "📅 カレンダーに追加"
        assert action["url"] == f"{BASE_URL}/calendar/{KUSHIRO_EVENT_ID}.ics"
    else:
        assert open_urls(ahead.card) == []


async def test_an_announcement_reaches_a_teams_channel_as_a_valid_card(tmp_path: Path) -> None:
    kb = load_memoranda(tmp_path, [Memorandum(STARTS)])
    async with running_teams(tmp_path, kb=kb, env={"PUBLIC_BASE_URL": BASE_URL, "CALENDAR_TOKEN": "t0k"}) as teams:
        assert await teams.post(teams.activities.conversation_update(conversation=CHANNEL)) == 202
        await teams.connector.wait_for(1)
        now = STARTS - timedelta(days=2)
        correction = to_announcement(kb, kb.documents[-1], "correction", now,
                                     changes=["釧路市との覚書締結式の場所: A → B"])
        await teams.service.reminder_sender().announce(Target("teams", CHANNEL), correction)
        [post] = [call for call in await teams.connector.wait_for(2, kind=None) if call.kind == SEND][-1:]
    assert_valid_card(post.card)
    text = post.card_text
    assert text.splitlines()[0] == "📣 覚書の訂正: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"
    for expected in ("変更点", "釧路市との覚書締結式の場所: A → B", "2027年2月3日（水） 10:00～10:30（あと2日）",
                     "港湾物流と水産加工", "釧路の締結式の詳細は?", "出典: 釧路市と覚書を締結します"):
        assert expected in text, expected
    [action] = open_urls(post.card)
    assert action["url"] == f"{BASE_URL}/calendar/{KUSHIRO_EVENT_ID}.ics?token=t0k"


def test_the_schedule_card_lists_announcements_and_validates(tmp_path: Path) -> None:
    from bot.commands.registry import to_schedule_view
    from bot.store.records import AnnouncementRecord, AnnouncementStatus
    from handlers.teams.command_cards import to_schedule_card

    kb = load_memoranda(tmp_path, [Memorandum(STARTS)])
    status = AnnouncementStatus(
        sent=(AnnouncementRecord("釧路市と覚書を締結します", Target("teams", CHANNEL), "sent", STARTS - timedelta(days=9)),),
        pending=(AnnouncementRecord("釧路市と覚書を締結します", Target("slack", "C9"), "pending", None, True),))
    card = to_schedule_card(to_schedule_view(kb, STARTS - timedelta(days=10), status))
    assert_valid_card(card)
    text = str(card)
    assert "新しい覚書のお知らせ" in text and "✅ 送信済み 2027年1月25日（月） 10:00 — 釧路市と覚書を締結します" in text
    assert "⏳ 送信待ち — 釧路市と覚書を締結します（訂正） → slack:C9" in text
