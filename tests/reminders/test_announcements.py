"""What to announce to whom, and what it says (bot/reminders/announcements.py): pure rules on plain data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.knowledge.model import JST
from bot.reminders.announcements import (
    AnnouncementDue,
    Listener,
    describe_changes,
    due_announcements,
    to_announcement,
    to_facts,
)
from bot.store.records import KnownDocument, Target
from tests.memorandum_support import KUSHIRO_DOCUMENT_ID, KUSHIRO_EVENT_ID, Memorandum, load_memoranda

SEEN = datetime(2027, 1, 15, 1, 0, tzinfo=UTC)
C1, C2, TEAMS = Target("slack", "C1"), Target("slack", "C2"), Target("teams", "19:conv")
DOC = KUSHIRO_DOCUMENT_ID


def known(version: int = 0, *, baseline: bool = False) -> dict[str, KnownDocument]:
    return {DOC: KnownDocument(DOC, version, baseline, SEEN)}


def test_a_new_document_goes_to_every_listener_once() -> None:
    listeners = [Listener(C1), Listener(C2, SEEN - timedelta(days=1)), Listener(TEAMS, SEEN)]
    due = due_announcements([DOC], known(), listeners, {})
    assert due == [AnnouncementDue(DOC, 0, target, "new") for target in (C1, C2, TEAMS)]
    assert {d.key.offset_seconds for d in due} == {0} and due[0].key.event_id == f"announce:{DOC}"


def test_the_first_starts_documents_and_removed_ones_are_not_announced() -> None:
    assert due_announcements([DOC], known(baseline=True), [Listener(C1)], {}) == []
    assert due_announcements([], known(), [Listener(C1)], {}) == []  # not in the data now
    assert due_announcements([DOC], {}, [Listener(C1)], {}) == []  # not recorded yet


def test_a_memorandum_is_news_for_a_week_then_no_longer_announced_to_those_not_told() -> None:
    listeners, week = [Listener(C1)], timedelta(days=7)
    assert len(due_announcements([DOC], known(), listeners, {}, now=SEEN + week)) == 1
    assert due_announcements([DOC], known(), listeners, {}, now=SEEN + week + timedelta(seconds=1)) == []
    told = {(DOC, C1): {0: "sent"}}  # a correction is still news to those told
    assert len(due_announcements([DOC], known(1), listeners, told, now=SEEN + 10 * week)) == 1


def test_a_conversation_that_subscribed_after_the_document_appeared_is_not_told() -> None:
    assert due_announcements([DOC], known(), [Listener(C1, SEEN + timedelta(minutes=1))], {}) == []


def test_any_row_means_never_again_whatever_became_of_it() -> None:
    for status in ("claimed", "sent", "late", "failed", "unknown", "missed"):
        assert due_announcements([DOC], known(), [Listener(C1)], {(DOC, C1): {0: status}}) == [], status


def test_a_claim_released_before_posting_leaves_the_announcement_due() -> None:
    # Claimed with version 2's facts (rows 1 and 2 `included`), then released at a stop.
    rows = {(DOC, C1): {1: "included", 2: "included"}}
    assert due_announcements([DOC], known(2), [Listener(C1)], rows) == [AnnouncementDue(DOC, 2, C1, "new")]


def test_a_correction_goes_once_to_the_conversations_that_were_told() -> None:
    rows = {(DOC, C1): {0: "sent"}, (DOC, C2): {0: "failed"}, (DOC, TEAMS): {0: "unknown"}}
    listeners = [Listener(C1), Listener(C2), Listener(TEAMS)]
    due = due_announcements([DOC], known(1), listeners, rows)
    assert due == [AnnouncementDue(DOC, 1, C1, "correction", 0), AnnouncementDue(DOC, 1, TEAMS, "correction", 0)]
    assert due[0].key.offset_seconds == 1
    told = {(DOC, C1): {0: "sent", 1: "sent"}}
    assert due_announcements([DOC], known(1), [Listener(C1)], told) == []


def test_a_correction_says_what_changed_since_what_this_conversation_was_told() -> None:
    # Told at version 0 and corrected at 1; now at 3: one correction, from 1.
    rows = {(DOC, C1): {0: "sent", 1: "sent"}}
    assert due_announcements([DOC], known(3), [Listener(C1)], rows) == [AnnouncementDue(DOC, 3, C1, "correction", 1)]
    # The announcement itself carried version 2 (written `included` before it was posted).
    included = {(DOC, C1): {0: "sent", 1: "included", 2: "included"}}
    assert due_announcements([DOC], known(2), [Listener(C1)], included) == []


def test_describe_changes_names_the_old_and_new_time_and_place(tmp_path: Path) -> None:
    starts = datetime(2027, 2, 3, 10, 0, tzinfo=JST)
    before = load_memoranda(tmp_path, [Memorandum(starts)], "a.yaml")
    after = load_memoranda(tmp_path, [Memorandum(starts + timedelta(days=1, hours=4), place="釧路市観光国際交流センター")],
                           "b.yaml")
    changes = describe_changes(to_facts(before, before.documents[-1]), to_facts(after, after.documents[-1]))
    assert changes == [
        "釧路市との覚書締結式の日時: 2027年2月3日（水） 10:00～10:30 → 2027年2月4日（木） 14:00～14:30",
        "釧路市との覚書締結式の場所: 釧路市役所 3階 市長応接室 → 釧路市観光国際交流センター",
    ]
    assert describe_changes(to_facts(before, before.documents[-1]), to_facts(before, before.documents[-1])) == \
        ["発表内容の記載が更新されました"]


def test_the_announcement_states_the_partner_theme_items_ceremony_and_source(tmp_path: Path) -> None:
    starts = datetime(2027, 2, 3, 10, 0, tzinfo=JST)
    kb = load_memoranda(tmp_path, [Memorandum(starts)])
    announcement = to_announcement(kb, kb.documents[-1], "new", starts - timedelta(days=3, hours=1))
    assert announcement.title == "新しい覚書: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"
    assert announcement.partners == ("釧路市",)
    assert announcement.themes == ("釧路市: 港湾物流と水産加工による稼げるまちの実現",)
    assert announcement.items == ("水産加工業の販路開拓への支援", "港湾物流の高度化に関する連携")
    [ceremony] = announcement.ceremonies
    assert (ceremony.when, ceremony.countdown) == ("2027年2月3日（水） 10:00～10:30", "あと3日")
    assert ceremony.place == "釧路市役所 3階 市長応接室（釧路市黒金町7丁目5番地）"
    assert announcement.calendar_event_ids == (KUSHIRO_EVENT_ID,)
    assert announcement.questions == ("釧路の締結式の詳細は?", "釧路の連携事項は?")
    assert announcement.source.startswith("出典: 釧路市と覚書を締結します")
    past = to_announcement(kb, kb.documents[-1], "correction", starts + timedelta(days=1))
    assert past.title.startswith("覚書の訂正: ") and past.calendar_event_ids == ()
