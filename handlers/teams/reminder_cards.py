"""Adaptive Card rendering of what the reminder sender posts to Microsoft Teams: a new memorandum
(or a correction) and a ceremony reminder. Built on cards.py, so its safety rules hold here.
"""

from __future__ import annotations

from bot.knowledge.dates import format_when
from bot.reminders.announcements import Announcement
from bot.reminders.delivery import ReminderMessage
from bot.reminders.due import format_offset
from bot.reminders.ical import CalendarLinks
from bot.reminders.schedule_view import format_countdown_from
from handlers.teams.answer_cards import CHOICE_ACTION, SubmitPayload, to_calendar_action_set, to_submit
from handlers.teams.cards import (
    Card,
    to_bullets,
    to_card,
    to_fact_set,
    to_small_note,
    to_text_block,
    to_title,
)


def to_announcement_card(announcement: Announcement, links: CalendarLinks | None) -> Card:
    """A new memorandum (or a correction): partner, theme, main items, ceremonies with their
    countdown, what changed, questions to ask, the calendar, the source."""
    body = [to_title(f"📣 {announcement.title}")]
    facts = [("相手先", "、".join(announcement.partners))]
    facts += [("テーマ", theme) for theme in announcement.themes]
    body.append(to_fact_set(facts))
    if announcement.changes:
        body.append(to_text_block("変更点", weight="Bolder", spacing="Medium"))
        body += to_bullets(announcement.changes)
    if announcement.items:
        body.append(to_text_block("主な内容", weight="Bolder", spacing="Medium"))
        body += to_bullets(announcement.items)
    for ceremony in announcement.ceremonies:
        body.append(to_text_block(f"🗓️ {ceremony.title}", weight="Bolder", spacing="Medium"))
        body.append(to_fact_set([("日時", f"{ceremony.when}（{ceremony.countdown}）"), ("場所", ceremony.place)]))
    if announcement.questions:
        body.append({"type": "ActionSet", "actions": [
            to_submit(question, SubmitPayload(CHOICE_ACTION, question)) for question in announcement.questions
        ]})
    calendar = to_calendar_action_set(announcement.calendar_event_ids, links)
    if calendar:
        body.append(calendar)
    body.append(to_small_note(f"📄 {announcement.source}"))
    return to_card(body, fallback_text=announcement.fallback_text)



def to_reminder_card(message: ReminderMessage) -> Card:
    """A ceremony reminder: what, when (weekday, countdown), where, who, and the source."""
    event = message.event
    countdown = format_countdown_from(event.starts_at, message.now)
    facts = [("日時", f"{format_when(event)}（{countdown}）"), ("場所", event.place or "未定")]
    attendees = "、".join(f"{a.role} {a.name}".strip() for a in event.attendees)
    if attendees:
        facts.append(("出席者", attendees))
    body = [
        to_title(f"⏰ {event.title}"),
        to_text_block(f"{event.title} まで{countdown}です。"),
        to_fact_set(facts),
        to_small_note(f"🔔 {format_offset(message.offset)}のリマインダー"),
    ]
    if message.late:
        body.append(to_text_block("⚠️ ボットの停止中に送信予定時刻を過ぎたため、遅れてお知らせしています。",
                                  size="Small", color="Warning"))
    body.append(to_small_note(f"📄 {message.source}"))
    return to_card(body, fallback_text=f"リマインダー: {event.title} — {format_when(event)}（{countdown}）")
