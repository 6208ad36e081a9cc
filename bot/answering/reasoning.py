"""Order, filter, count and check, computed from the structured values (never from text guesses)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.knowledge.model import Event
from bot.language.question import Conditions, Direction
from bot.language.text import bigrams, to_key

_FLOOR = re.compile(r"(\d{1,2})階")


def floor_of(event: Event) -> int | None:
    match = _FLOOR.search(event.place)
    return int(match[1]) if match else None


def failed_conditions(event: Event, conditions: Conditions) -> list[str]:
    """The names of the conditions the event does not meet (empty: it meets them all)."""
    failed = []
    if conditions.months and event.date.month not in conditions.months:
        failed.append("month")
    if conditions.weekdays and event.date.weekday() not in conditions.weekdays:
        failed.append("weekday")
    if conditions.half_day == "am" and event.start.hour >= 12:
        failed.append("half_day")
    if conditions.half_day == "pm" and event.start.hour < 12:
        failed.append("half_day")
    if conditions.floors and floor_of(event) not in conditions.floors:
        failed.append("floor")
    if conditions.hours and event.start.hour not in conditions.hours:
        failed.append("hour")
    if conditions.years and event.date.year not in conditions.years:
        failed.append("year")
    if conditions.starts and (event.start.hour, event.start.minute) not in conditions.starts:
        failed.append("start")
    if conditions.ends and (event.end is None or (event.end.hour, event.end.minute) not in conditions.ends):
        failed.append("end")
    if conditions.minutes and event.minutes not in conditions.minutes:
        failed.append("minutes")
    start = (event.start.hour, event.start.minute)
    if conditions.starts_before and not start < conditions.starts_before:
        failed.append("start")
    if conditions.starts_after and not start >= conditions.starts_after:
        failed.append("start")
    return failed


def meets(event: Event, conditions: Conditions) -> bool:
    return not failed_conditions(event, conditions)


def sort_key(event: Event, by: str) -> tuple[object, ...]:
    if by == "start":
        return (event.start, event.date)
    if by == "end":
        return (event.end or event.start, event.date)
    if by == "duration":
        return (event.minutes or 0, event.date)
    return (event.date, event.start)


def pick_in_order(
    events: Sequence[Event], direction: Direction, by: str, reference: Event | None = None
) -> Event | None:
    """The first or last event, or the one just after or before `reference`, in order of `by`."""
    ordered = sorted(events, key=lambda e: sort_key(e, by))
    if not ordered:
        return None
    if direction == "first":
        return ordered[0]
    if direction == "last":
        return ordered[-1]
    if reference is None:
        return None
    keys = [sort_key(e, by) for e in ordered]
    mine = sort_key(reference, by)
    if direction == "next":
        later = [e for e, k in zip(ordered, keys, strict=True) if k > mine]
        return later[0] if later else None
    earlier = [e for e, k in zip(ordered, keys, strict=True) if k < mine]
    return earlier[-1] if earlier else None


def similarity(a: str, b: str) -> float:
    """Dice similarity of the character bigrams of two phrases (1.0: the same wording)."""
    x, y = bigrams(to_key(a)), bigrams(to_key(b))
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def common_items(lists: Sequence[Sequence[str]], threshold: float = 0.45) -> list[tuple[str, ...]]:
    """Items that every list has in the same or nearly the same wording, one tuple per match."""
    if len(lists) < 2:
        return []
    found = []
    for item in lists[0]:
        matches = [item]
        for other in lists[1:]:
            best = max(other, key=lambda candidate: similarity(item, candidate), default="")
            if not best or similarity(item, best) < threshold:
                break
            matches.append(best)
        else:
            found.append(tuple(matches))
    return found
