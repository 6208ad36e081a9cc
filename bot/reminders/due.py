"""What is due: pure planning of reminders from events, targets, the delivery ledger and `now`.

Nothing here reads a clock, a database or the network, so every rule is tested with plain data:

- Each event gets one reminder per offset (its own `reminder_offsets`, or the knowledge base's
  default, already resolved by `bot.knowledge.model`), at `starts_at - offset`, for every target.
- A reminder is due once `now` reaches its time and the ledger holds no row for it.
- On time: sent normally (`send`). Overdue by more than `grace` while the event has not started
  (the bot was down, or the event was added late): the latest overdue reminder goes out once
  (`late`); earlier overdue ones are recorded `missed`, so a restart never floods a channel.
- The event has started: nothing is sent; unsent reminders are recorded `missed`, but only for
  events that started within `missed_window`, so long-past events never fill the ledger.
- A removed event is simply absent from `events`, so it has no reminders.

The ledger key includes the event's start: when a maintainer moves an event, its reminders are
due again for the new time (the moved event is announced), while an unchanged event is never
reminded twice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.knowledge.model import Event, KnowledgeBase
from bot.store.records import DeliveryKey, Target

Action = Literal["send", "late", "missed"]

DEFAULT_GRACE = timedelta(minutes=2)
DEFAULT_MISSED_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Reminder:
    event: Event
    offset: timedelta

    @property
    def due_at(self) -> datetime:
        return self.event.starts_at - self.offset

    @property
    def offset_seconds(self) -> int:
        return int(self.offset.total_seconds())

    @property
    def job_id(self) -> str:
        """Stable across reloads, so a moved event moves its job instead of adding one."""
        return f"reminder:{self.event.id}:{self.offset_seconds}"


@dataclass(frozen=True)
class Due:
    reminder: Reminder
    target: Target
    action: Action
    reason: str = ""

    @property
    def key(self) -> DeliveryKey:
        return DeliveryKey.of(self.reminder, self.target)


@dataclass(frozen=True)
class PlannedReminder:
    reminder: Reminder
    targets: tuple[Target, ...]


def reminders_for(events: Iterable[Event]) -> list[Reminder]:
    """Every reminder of the events, earliest first; zero offsets (at the start) are dropped."""
    reminders = [
        Reminder(event, offset)
        for event in events
        for offset in sorted(set(event.reminder_offsets), reverse=True)
        if offset > timedelta(0)
    ]
    return sorted(reminders, key=lambda r: (r.due_at, r.event.id))


def is_started(event: Event, now: datetime) -> bool:
    return now >= event.starts_at


def due_reminders(
    events: Iterable[Event],
    targets: Sequence[Target],
    ledger: Collection[DeliveryKey],
    now: datetime,
    *,
    grace: timedelta = DEFAULT_GRACE,
    missed_window: timedelta = DEFAULT_MISSED_WINDOW,
) -> list[Due]:
    """What to do now: one `Due` per reminder and target that is due and not in the ledger."""
    due: list[Due] = []
    for event in events:
        reminders = reminders_for([event])
        for target in targets:
            overdue = [r for r in reminders if r.due_at <= now and DeliveryKey.of(r, target) not in ledger]
            if overdue:
                due.extend(_decide(event, overdue, target, now, grace, missed_window))
    return due


def _decide(
    event: Event, overdue: list[Reminder], target: Target, now: datetime, grace: timedelta, missed_window: timedelta,
) -> list[Due]:
    if is_started(event, now):
        if now - event.starts_at > missed_window:
            return []
        return [Due(r, target, "missed", "the event had started before the reminder was sent") for r in overdue]
    *earlier, latest = overdue
    superseded = f"superseded by the {format_offset_code(latest.offset)} reminder"
    action: Action = "send" if now - latest.due_at <= grace else "late"
    return [Due(r, target, "missed", superseded) for r in earlier] + [Due(latest, target, action)]


def upcoming_reminders(events: Iterable[Event], now: datetime) -> list[Reminder]:
    """Reminders still ahead of `now`, for events that have not started: what the scheduler holds."""
    return [r for r in reminders_for(events) if r.due_at > now and not is_started(r.event, now)]


def plan_reminders(kb: KnowledgeBase, now: datetime, targets: Sequence[Target] = ()) -> list[PlannedReminder]:
    """The reminders that will be sent, in time order (for `python app.py reminders`)."""
    return [PlannedReminder(r, tuple(targets)) for r in upcoming_reminders(kb.all_events(), now)]


def upcoming_events(kb: KnowledgeBase, now: datetime) -> list[Event]:
    return sorted((e for e in kb.all_events() if not is_started(e, now)), key=lambda e: e.starts_at)


def last_held_event(kb: KnowledgeBase, now: datetime) -> Event | None:
    held = [e for e in kb.all_events() if is_started(e, now)]
    return max(held, key=lambda e: e.starts_at) if held else None


_SIZES = (86_400, 3_600, 60, 1)


def _split(offset: timedelta, units: tuple[str, ...]) -> str:
    seconds = int(offset.total_seconds())
    parts = []
    for size, unit in zip(_SIZES, units, strict=True):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or f"0{units[-1]}"


def format_offset(offset: timedelta) -> str:
    """`7日前`, `1時間前`, `1日12時間前`, `10秒前`: how a reader sees an offset."""
    return _split(offset, ("日", "時間", "分", "秒")) + "前"


def format_offset_code(offset: timedelta) -> str:
    """`7d`, `1h`, `1d12h`, `10s`: the YAML notation, for logs and the ledger."""
    return _split(offset, ("d", "h", "m", "s"))
