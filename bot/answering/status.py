"""A ceremony's status as an answer shows it: held, past its date, or how long until it starts."""

from __future__ import annotations

from datetime import datetime

from bot.answering.answer import EventStatus
from bot.knowledge.dates import format_countdown, format_date
from bot.knowledge.model import Event


def to_status(event: Event, now: datetime) -> EventStatus:
    start = event.starts_at
    held = now >= start
    # The documents announce ceremonies as planned; only a recorded `held` says one took place.
    if held and event.held:
        label = f"{event.title}は{format_date(event.date)}に開催されました。"
    elif held:
        label = f"{event.title}は予定日（{format_date(event.date)}）を過ぎています。"
    else:
        label = f"{event.title}は開催予定です（{format_countdown(start, now)}）。"
    return EventStatus(event_id=event.id, start=start, held=held, label=label)
