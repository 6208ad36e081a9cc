"""The schedule as text: upcoming events with their reminder times, and the reminder plan.

Used by the console's `schedule`, `python app.py reminders` and (wrapped in Block Kit) by
`/renkei schedule`; nothing here knows about a platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.knowledge.dates import format_countdown, format_date, format_when
from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.reminders.due import PlannedReminder, Reminder, format_offset, last_held_event, reminders_for, upcoming_events
from bot.store.records import Target

NO_TARGETS = "送信先なし（REMINDER_CHANNELS を設定するか、チャンネルで /renkei remind on）"


def format_time(moment: datetime) -> str:
    """`2027年4月8日（木） 14:00` in JST, seconds shown only when there are some."""
    local = moment.astimezone(JST)
    clock = f"{local:%H:%M:%S}" if local.second else f"{local:%H:%M}"
    return f"{format_date(local.date())} {clock}"


def format_countdown_from(start: datetime, now: datetime) -> str:
    """The countdown to the nearest minute, so a reminder fired a moment after 24 h says 「あと1日」."""
    remaining = round((start - now).total_seconds() / 60) * 60
    return format_countdown(start, start - timedelta(seconds=remaining))


def format_reminder_times(event: Event, now: datetime) -> str:
    ahead = [r for r in reminders_for([event]) if r.due_at > now]
    if not ahead:
        return "なし（送信時刻はすべて過ぎています）"
    return "、".join(f"{format_time(r.due_at)}（{format_offset(r.offset)}）" for r in ahead)


def format_event_line(event: Event, now: datetime) -> str:
    return "\n".join([
        f"・{event.title} — {format_when(event)}（{format_countdown_from(event.starts_at, now)}）",
        f"　場所: {event.place or '未定'}",
        f"　リマインダー: {format_reminder_times(event, now)}",
    ])


def format_schedule(kb: KnowledgeBase, now: datetime) -> str:
    """Upcoming events with their reminder times; with none, says so and names the latest one past.

    The documents announce events as planned: one is said to have taken place only when the
    knowledge base records it (`held: true`)."""
    upcoming = upcoming_events(kb, now)
    if upcoming:
        lines = [f"今後の予定（{len(upcoming)}件）:"]
        lines += [format_event_line(event, now) for event in upcoming]
        return "\n".join(lines)
    lines = ["今後予定されている締結式・イベントはありません。"]
    last = last_held_event(kb, now)
    if last:
        done = "開催されました" if last.held else "その予定日を過ぎています"
        lines.append(f"いちばん最近の予定日は「{last.title}」（{format_when(last)}、{last.place}）で、{done}。")
    return "\n".join(lines)


def format_targets(targets: Sequence[Target]) -> str:
    return ", ".join(str(t) for t in targets) if targets else NO_TARGETS


def format_plan(plan: Sequence[PlannedReminder], now: datetime) -> str:
    """`python app.py reminders`: one line per reminder (JST time, event, offset, targets)."""
    header = f"予定されているリマインダー（{format_time(now)} JST 現在）"
    if not plan:
        return f"{header}: なし（今後の締結式・イベントがありません）"
    lines = [f"{header}: {len(plan)}件"]
    lines += [_plan_line(p.reminder, p.targets) for p in plan]
    return "\n".join(lines)


def _plan_line(reminder: Reminder, targets: Sequence[Target]) -> str:
    event = reminder.event
    return (
        f"{format_time(reminder.due_at)} JST  {event.title} [{event.id}]  {format_offset(reminder.offset)}"
        f"  → {format_targets(targets)}"
    )
