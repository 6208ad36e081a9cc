"""Actions offered under an answer, added once after the engine answers (the dispatcher calls
`add_actions`), so no answerer needs to know about them.

「カレンダーに追加」: an answer about a ceremony or event that has not started yet offers its
calendar file (a link to /calendar/<id>.ics, an upload, or the command that writes it, as the
platform can). An event already past gets none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.answering.answer import Answer

MAX_CALENDAR_ACTIONS = 3


def add_actions(answer: Answer, now: datetime) -> Answer:
    upcoming = tuple(dict.fromkeys(s.event_id for s in answer.statuses if not s.held and s.start > now))
    if not upcoming or answer.kind != "answer":
        return answer
    return replace(answer, calendar_event_ids=upcoming[:MAX_CALENDAR_ACTIONS])
