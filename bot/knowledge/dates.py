"""Dates and times as Japanese readers expect them (2020年1月20日（月） 10:30～11:00)."""

from __future__ import annotations

import math
from datetime import date, datetime, time

from bot.knowledge.model import Event

WEEKDAYS = "月火水木金土日"


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def format_time(moment: time) -> str:
    """「9:30」「10:00」, as the documents write times."""
    return f"{moment.hour}:{moment.minute:02d}"


def format_time_range(event: Event) -> str:
    end = f"～{format_time(event.end)}" if event.end else "～"
    return f"{format_time(event.start)}{end}"


def format_when(event: Event) -> str:
    return f"{format_date(event.date)} {format_time_range(event)}"


def format_countdown(start: datetime, now: datetime) -> str:
    """「あと3日」「あと5時間」「あと10分」 until `start`; 「まもなく」 within the minute."""
    seconds = (start - now).total_seconds()
    if seconds >= 86_400:
        return f"あと{math.floor(seconds / 86_400)}日"
    if seconds >= 3_600:
        return f"あと{math.floor(seconds / 3_600)}時間"
    if seconds >= 60:
        return f"あと{math.floor(seconds / 60)}分"
    return "まもなく"
