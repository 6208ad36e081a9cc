"""The iCalendar files (bot/reminders/ical.py): parsed back with the library, and checked for what Google
Calendar and Outlook need — a TZID that resolves to a VTIMEZONE, no floating times, UIDs stable
after a reload, CRLF lines folded at 75 octets — and for what the feed may say."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from bot.knowledge.model import JST, KnowledgeBase, load_knowledge
from bot.reminders.ical import (
    ANNOUNCED_ONLY,
    CalendarLinks,
    UnknownEvent,
    build_calendar,
    last_modified,
    to_fingerprints,
    to_ics,
    to_uid,
)
from bot.store.records import EventRevision
from tests.memorandum_support import KUSHIRO_EVENT_ID, KUSHIRO_URL, Memorandum, load_memoranda

STARTS = datetime(2027, 2, 3, 10, 0, tzinfo=JST)


@pytest.fixture
def future_kb(tmp_path: Path) -> KnowledgeBase:
    return load_memoranda(tmp_path, [Memorandum(STARTS)])


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def test_every_event_of_the_knowledge_base_parses_back(future_kb: KnowledgeBase) -> None:
    calendar = parse(to_ics(future_kb, {}))
    events = vevents(calendar)
    assert {str(e["SUMMARY"]) for e in events} == {e.title for e in future_kb.all_events()}
    assert len({str(e["UID"]) for e in events}) == len(future_kb.all_events()) == 5
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]


def test_times_are_in_tokyo_with_a_timezone_that_resolves(future_kb: KnowledgeBase) -> None:
    calendar = parse(to_ics(future_kb, {}))
    timezones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert timezones == {"Asia/Tokyo"}
    for event in vevents(calendar):
        for name in ("DTSTART", "DTEND"):
            prop = event[name]
            assert prop.params["TZID"] in timezones  # not floating, not an unknown zone
            assert prop.dt.tzinfo is not None and prop.dt.utcoffset() == timedelta(hours=9)
    kushiro = next(e for e in vevents(calendar) if KUSHIRO_EVENT_ID in str(e["UID"]))
    assert kushiro["DTSTART"].dt == STARTS and kushiro["DTEND"].dt == STARTS + timedelta(minutes=30)


def test_the_event_says_what_the_document_says_and_no_more(future_kb: KnowledgeBase) -> None:
    event = vevents(parse(to_ics(future_kb, {}, KUSHIRO_EVENT_ID)))[0]
    assert str(event["SUMMARY"]) == "釧路市との覚書締結式"
    assert str(event["LOCATION"]) == "釧路市役所 3階 市長応接室（釧路市黒金町7丁目5番地）"
    description = str(event["DESCRIPTION"])
    assert "出席者: 釧路市長 釧路 太郎、北海道経済産業局長 安藤保彦" in description
    assert "発表: 釧路市と覚書を締結します ～港湾と水産の強みを活かした連携～（北海道経済産業局、2027年1月15日（金））" in description
    assert ANNOUNCED_ONLY in description
    assert str(event["URL"]) == KUSHIRO_URL


def test_no_end_time_in_the_data_gives_no_dtend(kb: KnowledgeBase) -> None:
    event = replace(kb.all_events()[0], end=None)
    changed = replace(kb, events=(replace(event, id="no-end"),))
    found = next(e for e in vevents(parse(to_ics(changed, {}, "no-end"))))
    assert "DTEND" not in found and "DURATION" not in found


def test_bundled_events_without_a_page_address_have_no_url(kb: KnowledgeBase) -> None:
    assert all("URL" not in event for event in vevents(parse(to_ics(kb, {}))))


def test_lines_end_in_crlf_and_are_folded_at_75_octets(future_kb: KnowledgeBase) -> None:
    data = to_ics(future_kb, {})
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the Japanese descriptions needed folding
    data.decode("utf-8")  # folding never splits a character


def test_uids_are_stable_across_reloads_and_come_from_the_ids(tmp_path: Path) -> None:
    first = load_memoranda(tmp_path, [Memorandum(STARTS)], "a.yaml")
    moved = load_memoranda(tmp_path, [Memorandum(STARTS + timedelta(days=1), place="釧路市役所 5階")], "b.yaml")
    uids = [sorted(str(e["UID"]) for e in vevents(parse(to_ics(k, {})))) for k in (first, moved)]
    assert uids[0] == uids[1]
    assert "hkd-2027-01-15.kushiro-ceremony@renkei-bot" in uids[0]
    assert to_uid(first.all_events()[0]) == "hkd-2019-12-17.asahikawa-ceremony@renkei-bot"


def test_sequence_and_last_modified_come_from_the_revision(future_kb: KnowledgeBase) -> None:
    modified = datetime(2027, 1, 20, 3, 4, 5, tzinfo=UTC)
    revisions = {KUSHIRO_EVENT_ID: EventRevision(2, modified)}
    event = vevents(parse(to_ics(future_kb, revisions, KUSHIRO_EVENT_ID)))[0]
    assert event["SEQUENCE"] == 2
    assert event["LAST-MODIFIED"].dt == modified and event["DTSTAMP"].dt == modified
    assert last_modified(future_kb, revisions, KUSHIRO_EVENT_ID) == modified


def test_an_unchanged_knowledge_base_gives_the_same_bytes(tmp_path: Path) -> None:
    first = load_memoranda(tmp_path, [Memorandum(STARTS)], "a.yaml")
    again = load_knowledge(tmp_path / "a.yaml")
    assert to_ics(first, {}) == to_ics(again, {})


def test_fingerprints_change_with_time_place_or_attendees_only_for_that_event(tmp_path: Path) -> None:
    base = to_fingerprints(load_memoranda(tmp_path, [Memorandum(STARTS)], "a.yaml"))
    moved = to_fingerprints(load_memoranda(tmp_path, [Memorandum(STARTS + timedelta(hours=2))], "b.yaml"))
    relocated = to_fingerprints(load_memoranda(tmp_path, [Memorandum(STARTS, place="別の会場")], "c.yaml"))
    rethemed = to_fingerprints(load_memoranda(tmp_path, [Memorandum(STARTS, theme="別のテーマ")], "d.yaml"))
    for changed in (moved, relocated):
        assert changed[KUSHIRO_EVENT_ID] != base[KUSHIRO_EVENT_ID]
        assert {k: v for k, v in changed.items() if k != KUSHIRO_EVENT_ID} == \
               {k: v for k, v in base.items() if k != KUSHIRO_EVENT_ID}
    assert rethemed == base  # the theme is not in the calendar


def test_one_event_or_an_unknown_id(future_kb: KnowledgeBase) -> None:
    assert len(vevents(build_calendar(future_kb, {}, {KUSHIRO_EVENT_ID}))) == 1
    with pytest.raises(UnknownEvent):
        to_ics(future_kb, {}, "no-such-event")


def test_links_carry_the_token_only_when_one_is_set() -> None:
    assert CalendarLinks("https://bot.example.jp").event_url("kushiro-ceremony") == \
        "https://bot.example.jp/calendar/kushiro-ceremony.ics"
    assert CalendarLinks("https://bot.example.jp", "a b&c").feed_url() == \
        "https://bot.example.jp/calendar.ics?token=a%20b%26c"


def test_the_console_shows_the_command_that_writes_the_file_for_a_ceremony_ahead(future_kb: KnowledgeBase) -> None:
    import io

    from bot.answering.dispatch import Dispatcher
    from bot.answering.engine import Engine
    from handlers.console import run_chat

    stdout = io.StringIO()
    dispatcher = Dispatcher(Engine(future_kb), clock=lambda: STARTS - timedelta(days=5))
    assert run_chat(dispatcher, io.StringIO("釧路の締結式はいつ?\n北見の締結式はいつ?\n"), stdout) == 0
    ahead, past = stdout.getvalue().split("あなた> ")[1:3]
    assert f"📅 カレンダーに追加: python app.py calendar --event {KUSHIRO_EVENT_ID} --output {KUSHIRO_EVENT_ID}.ics" in ahead
    assert "カレンダーに追加" not in past


def test_the_calendar_settings_name_the_variable_and_keep_the_token_secret() -> None:
    from bot.ops.logs import to_secrets
    from bot.ops.settings import Settings, SettingsError

    settings = Settings.from_env({"PUBLIC_BASE_URL": "https://bot.example.jp/", "CALENDAR_TOKEN": "s3cret-feed"})
    assert settings.public_base_url == "https://bot.example.jp"
    assert "s3cret-feed" not in repr(settings) and "s3cret-feed" in to_secrets(settings)
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL must be an http") as error:
        Settings.from_env({"PUBLIC_BASE_URL": "ftp://bot.example.jp?x=secret-ish"})
    assert "secret-ish" not in str(error.value)
