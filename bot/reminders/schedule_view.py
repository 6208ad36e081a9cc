"""The schedule as text: upcoming events with their reminder times, and the reminder plan.

Used by the console's `schedule`, `python app.py reminders` and (wrapped in Block Kit) by
`/renkei schedule`; nothing here knows about a platform. The schedule is in the reader's language
(the titles and places stay as the documents state them); the reminder plan, for operators, in Japanese.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.knowledge.dates import format_countdown, format_date, format_when
from bot.knowledge.model import JST, Event, KnowledgeBase
from bot.language.messages import say
from bot.reminders.due import PlannedReminder, Reminder, format_offset, last_held_event, reminders_for, upcoming_events
from bot.store.records import Target

NO_TARGETS = "送信先なし（REMINDER_CHANNELS を設定するか、チャンネルで /renkei remind on）"


def format_time(moment: datetime, language: str = "ja") -> str:
    """`2027年4月8日（木） 14:00` (English: `2027-04-08 (Thu) 14:00`) in JST, seconds shown only when
    there are some."""
    local = moment.astimezone(JST)
    clock = f"{local:%H:%M:%S}" if local.second else f"{local:%H:%M}"
    return f"{format_date(local.date(), language)} {clock}"


def format_countdown_from(start: datetime, now: datetime, language: str = "ja") -> str:
    """The countdown to the nearest minute, so a reminder fired a moment after 24 h says 「あと1日」."""
    remaining = round((start - now).total_seconds() / 60) * 60
    return format_countdown(start, start - timedelta(seconds=remaining), language)


OFFSET_UNITS = ((86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second"))


def format_offset_in(offset: timedelta, language: str = "ja") -> str:
    """How long before its event a reminder goes: 「1日12時間前」, "1 day 12 hours before"."""
    if language == "ja":
        return format_offset(offset)
    seconds, parts = int(offset.total_seconds()), []
    for size, unit in OFFSET_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(say(f"offset_{unit}" if count == 1 else f"offset_{unit}s", language, count=count))
    joined = say("offset_joiner", language).join(parts) or say("offset_seconds", language, count=0)
    return say("offset_before", language, offset=joined)


def format_reminder_times(event: Event, now: datetime, language: str = "ja") -> str:
    ahead = [r for r in reminders_for([event]) if r.due_at > now]
    if not ahead:
        return say("schedule_no_reminders", language)
    return say("section_separator", language).join(
        say("schedule_reminder_time", language, time=format_time(r.due_at, language),
            offset=format_offset_in(r.offset, language))
        for r in ahead
    )


def format_event_line(event: Event, now: datetime, language: str = "ja") -> str:
    countdown = format_countdown_from(event.starts_at, now, language)
    place = event.place or say("schedule_place_unknown", language)
    return "\n".join([
        say("schedule_event", language, title=event.title, when=format_when(event, language), countdown=countdown),
        say("schedule_place", language, place=place),
        say("schedule_reminders", language, times=format_reminder_times(event, now, language)),
    ])


def format_schedule(kb: KnowledgeBase, now: datetime, language: str = "ja") -> str:
    """Upcoming events with their reminder times; with none, says so and names the latest one past.

    The documents announce events as planned: one is said to have taken place only when the
    knowledge base records it (`held: true`)."""
    upcoming = upcoming_events(kb, now)
    if upcoming:
        lines = [say("schedule_upcoming", language, count=len(upcoming))]
        lines += [format_event_line(event, now, language) for event in upcoming]
        return "\n".join(lines)
    lines = [say("schedule_none", language)]
    last = last_held_event(kb, now)
    if last:
        key = "schedule_last_held" if last.held else "schedule_last_past"
        lines.append(say(key, language, title=last.title, when=format_when(last, language), place=last.place))
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
