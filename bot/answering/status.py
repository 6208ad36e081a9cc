"""A ceremony's status as an answer shows it: held, past its date, or how long until it starts."""

from __future__ import annotations

from datetime import datetime

from bot.answering.answer import EventStatus
from bot.knowledge.dates import format_countdown, format_date
from bot.knowledge.model import Event
from bot.language.messages import say


def to_status(event: Event, now: datetime, language: str = "ja", title: str = "") -> EventStatus:
    """`title` names the event in `language` (its own title by default)."""
    start = event.starts_at
    held = now >= start
    title = title or event.title
    day = format_date(event.date, language)
    # The documents announce ceremonies as planned; only a recorded `held` says one took place.
    if held and event.held:
        label = say("status_held", language, event=title, date=day)
    elif held:
        label = say("status_past", language, event=title, date=day)
    else:
        label = say("status_ahead", language, event=title, countdown=format_countdown(start, now, language))
    if language == "en":
        label = label[0].upper() + label[1:]
    return EventStatus(event_id=event.id, start=start, held=held, label=label)
