"""Dates and times as readers expect them: 「2020年1月20日（月） 10:30～11:00」 in Japanese,
"2020-01-20 (Mon) 10:30–11:00" in English (ISO dates: one form every reader can read)."""

from __future__ import annotations

import math
from datetime import date, datetime, time

from bot.knowledge.model import Event
from bot.language.messages import say

WEEKDAYS = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_date(day: date, language: str = "ja") -> str:
    if language == "en":
        return f"{day.isoformat()} ({WEEKDAYS_EN[day.weekday()]})"
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def format_time(moment: time) -> str:
    """「9:30」「10:00」, as the documents write times."""
    return f"{moment.hour}:{moment.minute:02d}"


def format_time_range(event: Event, language: str = "ja") -> str:
    dash = "–" if language == "en" else "～"
    end = f"{dash}{format_time(event.end)}" if event.end else dash
    return f"{format_time(event.start)}{end}"


def format_when(event: Event, language: str = "ja") -> str:
    return f"{format_date(event.date, language)} {format_time_range(event, language)}"


def format_countdown(start: datetime, now: datetime, language: str = "ja") -> str:
    """「あと3日」「あと5時間」「あと10分」 until `start`; 「まもなく」 within the minute."""
    seconds = (start - now).total_seconds()
    for unit, key in ((86_400, "countdown_days"), (3_600, "countdown_hours"), (60, "countdown_minutes")):
        if seconds >= unit:
            return say(key, language, count=math.floor(seconds / unit))
    return say("countdown_now", language)
