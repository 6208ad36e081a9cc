"""Pure tests of "what is due": events, targets, a ledger and a `now` in; actions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.reminders.due import (
    Due,
    Reminder,
    due_reminders,
    format_offset,
    format_offset_code,
    plan_reminders,
    reminders_for,
    upcoming_reminders,
)
from bot.reminders.schedule_view import format_countdown_from, format_plan, format_schedule
from bot.reminders.service import reminders_report
from bot.store.records import DeliveryKey, Target
from bot.store.store import Store
from handlers.settings import read_settings
from handlers.targets import configured_targets
from tests.conftest import NOW
from tests.reminder_support import event_entry, load_with_events

pytestmark = pytest.mark.unit

C1 = Target("slack", "C1")
C2 = Target("slack", "C2")
REVIEW_START = datetime(2027, 4, 10, 14, 0, tzinfo=JST)
MIDNIGHT_START = datetime(2027, 4, 10, 0, 0, tzinfo=JST)


@pytest.fixture()
def review_kb(tmp_path: Path) -> KnowledgeBase:
    """The bundled data plus one future event with the default offsets (7d, 1d, 1h)."""
    return load_with_events(tmp_path, [event_entry("asahikawa-review", REVIEW_START, title="旭川市との連携会議")])


def review(kb: KnowledgeBase) -> Event:
    return next(e for e in kb.all_events() if e.id == "asahikawa-review")


def summary(dues: list[Due]) -> list[tuple[str, str, str, str]]:
    return [(d.reminder.event.id, format_offset_code(d.reminder.offset), d.target.id, d.action) for d in dues]


def test_bundled_ceremonies_are_past_and_get_no_reminders(kb: KnowledgeBase) -> None:
    assert all(e.starts_at < NOW for e in kb.all_events())
    assert due_reminders(kb.all_events(), [C1], set(), NOW) == []
    assert plan_reminders(kb, NOW, [C1]) == []


def test_default_offsets_are_7d_1d_1h(review_kb: KnowledgeBase) -> None:
    due_times = [r.due_at for r in reminders_for([review(review_kb)])]
    assert due_times == [
        datetime(2027, 4, 3, 14, 0, tzinfo=JST),
        datetime(2027, 4, 9, 14, 0, tzinfo=JST),
        datetime(2027, 4, 10, 13, 0, tzinfo=JST),
    ]


def test_offsets_come_from_data_globally_and_per_event(tmp_path: Path) -> None:
    kb = load_with_events(tmp_path, [
        event_entry("own", REVIEW_START, offsets=["2d", "90m", "30s"]),
        event_entry("default", REVIEW_START + timedelta(days=1)),
    ], default_offsets=["3d", "12h"])
    by_event = {e.id: [format_offset_code(r.offset) for r in reminders_for([e])] for e in kb.all_events()}
    assert by_event["own"] == ["2d", "1h30m", "30s"]
    assert by_event["default"] == ["3d", "12h"]


def test_nothing_is_due_before_its_time_and_on_time_it_is_sent(review_kb: KnowledgeBase) -> None:
    event = review(review_kb)
    one_day = datetime(2027, 4, 9, 14, 0, tzinfo=JST)
    seven_days_sent = {DeliveryKey.of(Reminder(event, timedelta(days=7)), C1)}
    assert due_reminders([event], [C1], seven_days_sent, one_day - timedelta(seconds=1)) == []
    assert summary(due_reminders([event], [C1], seven_days_sent, one_day)) == [("asahikawa-review", "1d", "C1", "send")]
    # A moment later (the scheduler wakes up a little after the due time) it is still on time.
    assert summary(due_reminders([event], [C1], seven_days_sent, one_day + timedelta(seconds=90))) == [
        ("asahikawa-review", "1d", "C1", "send"),
    ]


def test_a_reminder_in_the_ledger_is_never_due_again(review_kb: KnowledgeBase) -> None:
    event = review(review_kb)
    now = datetime(2027, 4, 9, 14, 0, 5, tzinfo=JST)
    ledger = {DeliveryKey.of(r, C1) for r in reminders_for([event]) if r.due_at <= now}
    assert due_reminders([event], [C1], ledger, now) == []


def test_each_target_gets_its_own_reminder(review_kb: KnowledgeBase) -> None:
    event = review(review_kb)
    now = datetime(2027, 4, 3, 14, 0, tzinfo=JST)
    ledger = {DeliveryKey.of(Reminder(event, timedelta(days=7)), C1)}
    assert summary(due_reminders([event], [C1, C2], ledger, now)) == [("asahikawa-review", "7d", "C2", "send")]


def test_midnight_event_reminders_fall_on_the_previous_day(tmp_path: Path) -> None:
    kb = load_with_events(tmp_path, [event_entry("midnight", MIDNIGHT_START)])
    event = next(e for e in kb.all_events() if e.id == "midnight")
    assert [r.due_at for r in reminders_for([event])] == [
        datetime(2027, 4, 3, 0, 0, tzinfo=JST),
        datetime(2027, 4, 9, 0, 0, tzinfo=JST),
        datetime(2027, 4, 9, 23, 0, tzinfo=JST),
    ]
    ledger = {DeliveryKey.of(Reminder(event, timedelta(days=d)), C1) for d in (7, 1)}
    assert due_reminders([event], [C1], ledger, datetime(2027, 4, 9, 22, 59, 59, tzinfo=JST)) == []
    assert summary(due_reminders([event], [C1], ledger, datetime(2027, 4, 9, 23, 0, tzinfo=JST))) == [
        ("midnight", "1h", "C1", "send"),
    ]
    # At midnight the event has started: an unsent 1-hour reminder is recorded missed, not sent.
    assert summary(due_reminders([event], [C1], ledger, MIDNIGHT_START)) == [("midnight", "1h", "C1", "missed")]


def test_jst_has_no_daylight_saving_and_now_may_come_in_utc(tmp_path: Path) -> None:
    # 2027-03-14 is when the US moves its clocks; Japan does not, so 7 days before is 168 hours.
    start = datetime(2027, 3, 14, 2, 30, tzinfo=JST)
    kb = load_with_events(tmp_path, [event_entry("dst", start)])
    event = next(e for e in kb.all_events() if e.id == "dst")
    seven = reminders_for([event])[0]
    assert seven.due_at == datetime(2027, 3, 7, 2, 30, tzinfo=JST)
    assert seven.due_at.utcoffset() == timedelta(hours=9)
    assert event.starts_at - seven.due_at == timedelta(hours=168)
    # The same instant expressed in UTC (17:30 the day before) is due.
    utc_now = datetime(2027, 3, 6, 17, 30, tzinfo=UTC)
    assert summary(due_reminders([event], [C1], set(), utc_now)) == [("dst", "7d", "C1", "send")]
    assert due_reminders([event], [C1], set(), utc_now - timedelta(microseconds=1)) == []


def test_offsets_already_past_when_an_event_is_added_send_only_the_latest_late(tmp_path: Path) -> None:
    now = datetime(2027, 4, 9, 20, 0, tzinfo=JST)  # 18 h before: the 7d and 1d times are past
    kb = load_with_events(tmp_path, [event_entry("soon", REVIEW_START)])
    event = next(e for e in kb.all_events() if e.id == "soon")
    dues = due_reminders([event], [C1], set(), now)
    assert summary(dues) == [("soon", "7d", "C1", "missed"), ("soon", "1d", "C1", "late")]
    assert dues[0].reason == "superseded by the 1d reminder"
    # The 1-hour reminder is still ahead, so the scheduler holds it.
    assert [format_offset_code(r.offset) for r in upcoming_reminders([event], now)] == ["1h"]


def test_bot_down_at_due_time_and_event_not_started_sends_once_late(review_kb: KnowledgeBase) -> None:
    event = review(review_kb)
    ledger = {DeliveryKey.of(Reminder(event, timedelta(days=7)), C1)}
    back_up = datetime(2027, 4, 10, 9, 0, tzinfo=JST)  # 1d was due yesterday 14:00
    dues = due_reminders([event], [C1], ledger, back_up)
    assert summary(dues) == [("asahikawa-review", "1d", "C1", "late")]
    assert due_reminders([event], [C1], ledger | {dues[0].key}, back_up) == []


def test_bot_down_until_the_event_started_records_missed(review_kb: KnowledgeBase) -> None:
    event = review(review_kb)
    ledger = {DeliveryKey.of(Reminder(event, timedelta(days=7)), C1)}
    after_start = REVIEW_START + timedelta(minutes=5)
    dues = due_reminders([event], [C1], ledger, after_start)
    assert summary(dues) == [("asahikawa-review", "1d", "C1", "missed"), ("asahikawa-review", "1h", "C1", "missed")]
    assert all("started" in d.reason for d in dues)
    # Long after the event nothing is recorded at all: past events get no reminders.
    assert due_reminders([event], [C1], ledger, REVIEW_START + timedelta(days=2)) == []


def test_a_removed_event_loses_its_reminders(review_kb: KnowledgeBase, kb: KnowledgeBase) -> None:
    now = datetime(2027, 4, 3, 14, 0, tzinfo=JST)
    assert [p.reminder.event.id for p in plan_reminders(review_kb, now, [C1])] == ["asahikawa-review"] * 2
    assert due_reminders(review_kb.all_events(), [C1], set(), now) != []
    # The bundled file is the same data without the event.
    assert due_reminders(kb.all_events(), [C1], set(), now) == []
    assert plan_reminders(kb, now, [C1]) == []


def test_a_moved_event_is_reminded_again_for_its_new_time(tmp_path: Path, review_kb: KnowledgeBase) -> None:
    old = review(review_kb)
    (tmp_path / "moved").mkdir()
    moved_kb = load_with_events(tmp_path / "moved", [event_entry("asahikawa-review", REVIEW_START + timedelta(days=3))])
    moved = review(moved_kb)
    old_ledger = {DeliveryKey.of(r, C1) for r in reminders_for([old])}
    now = moved.starts_at - timedelta(days=7)
    assert summary(due_reminders([moved], [C1], old_ledger, now)) == [("asahikawa-review", "7d", "C1", "send")]


def test_zero_offsets_are_ignored(tmp_path: Path) -> None:
    kb = load_with_events(tmp_path, [event_entry("zero", REVIEW_START, offsets=["0s", "1h"])])
    event = next(e for e in kb.all_events() if e.id == "zero")
    assert [format_offset_code(r.offset) for r in reminders_for([event])] == ["1h"]


def test_no_targets_means_nothing_due(review_kb: KnowledgeBase) -> None:
    assert due_reminders([review(review_kb)], [], set(), REVIEW_START - timedelta(hours=1)) == []


def test_offset_labels() -> None:
    assert format_offset(timedelta(days=7)) == "7日前"
    assert format_offset(timedelta(days=1, hours=12)) == "1日12時間前"
    assert format_offset(timedelta(seconds=10)) == "10秒前"
    assert format_offset_code(timedelta(hours=1, minutes=30)) == "1h30m"


def test_countdown_reads_whole_units_a_moment_after_the_due_time() -> None:
    assert format_countdown_from(REVIEW_START, REVIEW_START - timedelta(days=1) + timedelta(seconds=2)) == "あと1日"
    assert format_countdown_from(REVIEW_START, REVIEW_START - timedelta(hours=1) + timedelta(seconds=2)) == "あと1時間"
    assert format_countdown_from(REVIEW_START, REVIEW_START - timedelta(days=7)) == "あと7日"


def test_schedule_with_the_bundled_data_names_the_latest_date_past(kb: KnowledgeBase) -> None:
    text = format_schedule(kb, NOW)
    assert text.splitlines()[0] == "今後予定されている締結式・イベントはありません。"
    assert "北見市との覚書締結式" in text and "2021年3月25日（木）" in text and "その予定日を過ぎています" in text
    assert "開催され" not in text and "帯広市との覚書締結式" not in text  # the documents announce; they do not report


def test_schedule_lists_a_future_event_with_its_reminder_times(review_kb: KnowledgeBase) -> None:
    now = datetime(2027, 4, 5, 9, 0, tzinfo=JST)
    text = format_schedule(review_kb, now)
    assert text.startswith("今後の予定（1件）:")
    assert "旭川市との連携会議 — 2027年4月10日（土） 14:00～" in text
    # The 7-day reminder is already past; the two ahead are listed with their JST times.
    assert "2027年4月9日（金） 14:00（1日前）、2027年4月10日（土） 13:00（1時間前）" in text
    assert "2027年4月3日" not in text


def test_plan_lists_event_offset_jst_time_and_targets(review_kb: KnowledgeBase) -> None:
    now = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    lines = format_plan(plan_reminders(review_kb, now, [C1, C2]), now).splitlines()
    assert lines[0].endswith(": 3件")
    assert lines[1] == "2027年4月3日（土） 14:00 JST  旭川市との連携会議 [asahikawa-review]  7日前  → slack:C1, slack:C2"
    assert lines[3].startswith("2027年4月10日（土） 13:00 JST")
    assert "送信先なし" in format_plan(plan_reminders(review_kb, now, []), now)


def test_reminders_report_names_configured_and_subscribed_targets(review_kb: KnowledgeBase, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'renkei.db'}")
    store.subscriptions.subscribe(C2, "U1")
    store.subscriptions.subscribe(C1, "U2")  # also configured: listed once
    settings = read_settings({"REMINDER_CHANNELS": "C1"})
    now = datetime(2027, 4, 9, 20, 0, tzinfo=JST)
    report = reminders_report(configured_targets(settings), review_kb, now, store)
    assert report.splitlines()[1:] == [
        "2027年4月10日（土） 13:00 JST  旭川市との連携会議 [asahikawa-review]  1時間前  → slack:C1, slack:C2",
    ]
    assert "2027年4月9日（金） 20:00 JST 現在" in report
    assert reminders_report(configured_targets(settings), review_kb, now).endswith("→ slack:C1")


def test_each_reminder_cites_its_own_memorandum(kb: KnowledgeBase) -> None:
    """A reminder names the document its event comes from, not the programme's first one."""
    from bot.reminders.delivery import ReminderMessage

    kitami, muroran = kb.partner("kitami").ceremony, kb.partner("muroran").ceremony
    assert kitami is not None and muroran is not None
    kitami_message = ReminderMessage(kitami, timedelta(days=1), False, NOW, kb.document_of(kitami))
    muroran_message = ReminderMessage(muroran, timedelta(days=1), False, NOW, kb.document_of(muroran))
    assert "北見市と北海道経済産業局が" in kitami_message.source and "2021年3月23日" in kitami_message.source
    assert "道内基礎自治体との連携の推進" in muroran_message.source
