"""The records the store reads and writes, defined here so the store imports nothing above it.

The packages above use them under these names: the engine's `Conversation` (and the `Choice`s it
lists) with its expiry, the reminders' `Target` and `DeliveryKey`, the commands' `Subscriber` and
`FailedDelivery`, the feedback `Vote` and the report's `Interaction`; the announcements' ledger
rows, known documents and their snapshots, and what the commands show of them; the calendar's
event revisions. Plain values only: no logic
of the layers above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class Choice:
    """A suggestion the user can pick; `question` is what is asked when it is picked."""

    label: str
    question: str


@dataclass(frozen=True)
class Conversation:
    """What the engine remembers of a conversation between two questions: the partners and topic
    of the last answer, the ceremonies it was about (for 「その次は?」), the person it named (「その
    人」), the glossary term (「それ」), and what it listed or offered, in order (「2番目のやつ」)."""

    partner_ids: tuple[str, ...] = ()
    topic_id: str | None = None
    updated_at: datetime | None = None
    event_ids: tuple[str, ...] = ()
    person: str = ""
    terms: tuple[str, ...] = ()
    listed: tuple[Choice, ...] = ()
    kind: str = ""
    # The language of the last question ("ja" or "en"): a bare number picking a choice answers in it.
    language: str = "ja"

    def to_json(self) -> str:
        """A compact JSON form for the conversation store (updated_at is stored on its own)."""
        state = {
            "p": list(self.partner_ids), "t": self.topic_id, "e": list(self.event_ids), "n": self.person,
            "g": list(self.terms), "l": [[c.label, c.question] for c in self.listed], "k": self.kind,
            "a": self.language,
        }
        return json.dumps(state, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, updated_at: datetime | None) -> Conversation:
        try:
            state = json.loads(text)
            return cls(
                partner_ids=tuple(str(p) for p in state.get("p", [])),
                topic_id=state.get("t"),
                updated_at=updated_at,
                event_ids=tuple(str(e) for e in state.get("e", [])),
                person=str(state.get("n", "")),
                terms=tuple(str(g) for g in state.get("g", [])),
                listed=tuple(Choice(str(label), str(question)) for label, question in state.get("l", [])),
                kind=str(state.get("k", "")),
                language="en" if state.get("a") == "en" else "ja",
            )
        except (ValueError, TypeError, AttributeError):
            return cls(updated_at=updated_at)  # an unreadable context is forgotten, not fatal


DEFAULT_TTL = timedelta(minutes=30)


def is_expired(conversation: Conversation, now: datetime, ttl: timedelta = DEFAULT_TTL) -> bool:
    return conversation.updated_at is None or now - conversation.updated_at > ttl


@dataclass(frozen=True, order=True)
class Target:
    """Where a reminder goes: a Slack channel, later a Teams conversation."""

    platform: str
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"


class KeyedEvent(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...


class KeyedReminder(Protocol):
    """What a delivery key needs of a reminder (`bot.reminders.due.Reminder`)."""

    @property
    def event(self) -> KeyedEvent: ...

    @property
    def offset_seconds(self) -> int: ...


@dataclass(frozen=True, order=True)
class DeliveryKey:
    """One row of the delivery ledger; the store makes it unique."""

    event_id: str
    event_start: datetime
    offset_seconds: int
    platform: str
    target_id: str

    @classmethod
    def of(cls, reminder: KeyedReminder, target: Target) -> DeliveryKey:
        return cls(reminder.event.id, reminder.event.starts_at, reminder.offset_seconds, target.platform, target.id)

    @property
    def target(self) -> Target:
        return Target(self.platform, self.target_id)


@dataclass(frozen=True)
class Subscriber:
    """Who turned a conversation's reminders on, and when."""

    user_id: str
    since: datetime


@dataclass(frozen=True)
class FailedDelivery:
    event_id: str
    due_at: datetime
    error: str


@dataclass(frozen=True)
class Vote:
    """One press of 👍 or 👎 under an answer, with the question it was about."""

    platform: str
    conversation_id: str
    user_id: str
    question: str
    helpful: bool
    voted_at: datetime
    answer_kind: str = ""
    topic_id: str | None = None
    # Who voted on which answer, hashed (`to_voter_key`): a second vote with the same key is not
    # recorded. Empty: every vote counts.
    voter_key: str = ""


@dataclass(frozen=True)
class Interaction:
    question: str
    platform: str
    conversation_id: str
    kind: str
    title: str
    at: datetime
    choices: tuple[str, ...] = ()
    user_id: str = ""


# The ledger's rows of new-memorandum announcements: the event id is the document id with this prefix.
ANNOUNCEMENT_PREFIX = "announce:"


# A version whose facts an announcement already carried (its row written before posting).
INCLUDED = "included"


@dataclass(frozen=True)
class KnownDocument:
    document_id: str
    version: int
    baseline: bool
    first_seen_at: datetime


def is_announcement(event_id: str) -> bool:
    return event_id.startswith(ANNOUNCEMENT_PREFIX)


def to_document_id(event_id: str) -> str:
    return event_id.removeprefix(ANNOUNCEMENT_PREFIX)


@dataclass(frozen=True)
class DocumentSnapshot:
    document_id: str
    fingerprint: str
    facts: str  # JSON


@dataclass(frozen=True)
class EventRevision:
    """How many times an event's data has changed since it was first seen, and when last."""

    sequence: int
    modified_at: datetime


@dataclass(frozen=True)
class AnnouncementRecord:
    """One announcement of a new memorandum (or a correction) to one conversation."""

    title: str
    target: Target
    status: str  # sent, late, failed, unknown, claimed (being posted), pending (due, not yet claimed)
    at: datetime | None
    correction: bool = False


@dataclass(frozen=True)
class AnnouncementStatus:
    sent: tuple[AnnouncementRecord, ...] = ()
    pending: tuple[AnnouncementRecord, ...] = ()
