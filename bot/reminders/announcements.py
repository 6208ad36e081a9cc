"""New memoranda, announced once: what to announce to whom, and what the announcement says.

Nothing here reads a clock, a database or the network (bot/reminders/announcer.py does), so every rule is
tested with plain data:

- A document the store has recorded (`KnownDocument`) is announced to every conversation that
  receives reminders, unless it was there at the very first start (`baseline`: installing the bot
  must not announce 2019's memoranda) or the conversation subscribed after the document appeared.
- The delivery ledger decides "once": an announcement is the ledger row
  (`announce:<document>`, version 0, platform, conversation); a correction is the row of the
  document's new version. A conversation that has any row for the document is never sent the
  announcement again, whatever became of it (an ambiguous post is `unknown`, never re-posted).
- A correction goes only to the conversations that were told (sent, late, or unknown: it may have
  arrived), once per version, and says what changed since what that conversation was told.
- A document removed from the data is not announced; added back, its rows are still there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot.knowledge.dates import format_countdown, format_date, format_when
from bot.knowledge.model import Document, Engagement, Event, KnowledgeBase
from bot.store.records import ANNOUNCEMENT_PREFIX, INCLUDED, DeliveryKey, DocumentSnapshot, KnownDocument, Target

# Announcement rows need an `event_start` in the ledger's key: one fixed moment, so they are never
# among the reminders' keys (which are read for events starting from a day ago).
ANNOUNCEMENT_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# What became of a post that may have reached the conversation: it was told.
TOLD = frozenset({"sent", "late", "unknown"})
# How long a new memorandum stays news to a conversation that has not been told yet.
NEWS_WINDOW = timedelta(days=7)

Kind = Literal["new", "correction"]


@dataclass(frozen=True)
class Listener:
    """A conversation that receives reminders and announcements; `since` is when it subscribed
    (None for REMINDER_CHANNELS, which always did)."""

    target: Target
    since: datetime | None = None


@dataclass(frozen=True)
class AnnouncementDue:
    document_id: str
    version: int  # the document's version the message describes
    target: Target
    kind: Kind
    told_version: int | None = None  # a correction: the version this conversation was last told

    @property
    def key(self) -> DeliveryKey:
        return announcement_key(self.document_id, 0 if self.kind == "new" else self.version, self.target)


def announcement_key(document_id: str, version: int, target: Target) -> DeliveryKey:
    return DeliveryKey(f"{ANNOUNCEMENT_PREFIX}{document_id}", ANNOUNCEMENT_EPOCH, version, target.platform, target.id)


# Ledger rows of announcements: (document id, conversation) → {version: status}.
AnnouncementRows = Mapping[tuple[str, Target], Mapping[int, str]]


def due_announcements(
    document_ids: Sequence[str],
    known: Mapping[str, KnownDocument],
    listeners: Sequence[Listener],
    rows: AnnouncementRows,
    *,
    now: datetime | None = None,
    window: timedelta = NEWS_WINDOW,
) -> list[AnnouncementDue]:
    """What to post now: the documents of the current data, each to each listener, per the rules
    above. With `now`, a document first seen more than `window` ago is no longer news: a
    conversation added to REMINDER_CHANNELS a year later is not sent a year of announcements."""
    due: list[AnnouncementDue] = []
    for document_id in document_ids:
        document = known.get(document_id)
        if document is None or document.baseline:
            continue
        fresh = now is None or now - document.first_seen_at <= window
        for listener in listeners:
            found = _decide(document, listener, rows.get((document_id, listener.target), {}), fresh)
            if found is not None:
                due.append(found)
    return due


def _decide(document: KnownDocument, listener: Listener, versions: Mapping[int, str],
            fresh: bool) -> AnnouncementDue | None:
    target = listener.target
    if 0 not in versions:  # (`included` rows alone: a claim released before posting, at a stop)
        if not fresh or (listener.since is not None and listener.since > document.first_seen_at):
            return None  # subscribed after the document appeared: not news to this conversation
        return AnnouncementDue(document.document_id, document.version, target, "new")
    if versions.get(0) not in TOLD or document.version in versions:
        return None
    told = max(v for v, status in versions.items() if status in TOLD or status == INCLUDED)
    if told >= document.version:
        return None
    return AnnouncementDue(document.document_id, document.version, target, "correction", told)


# --- what an announcement says ---------------------------------------------------------------


def document_events(kb: KnowledgeBase, document: Document) -> list[Event]:
    """The document's ceremonies and the extra events that cite it, in time order."""
    events = [e for e in kb.all_events() if e.document_id == document.id]
    return sorted(events, key=lambda e: (e.starts_at, e.id))


def to_facts(kb: KnowledgeBase, document: Document) -> dict[str, Any]:
    """What an announcement states, as plain values: kept per version to say what changed."""
    partners = [kb.partner(e.partner_id).name for e in document.engagements if _has_partner(kb, e.partner_id)]
    return {
        "title": document.full_title,
        "date": format_date(document.date),
        "partners": partners,
        "themes": {kb.partner(e.partner_id).name: e.theme for e in document.engagements
                   if e.theme and _has_partner(kb, e.partner_id)},
        "events": {
            event.id: {"title": event.title, "when": format_when(event), "place": event.place,
                       "address": event.address}
            for event in document_events(kb, document)
        },
    }


def _has_partner(kb: KnowledgeBase, partner_id: str) -> bool:
    return any(p.id == partner_id for p in kb.partners)


def to_fingerprint(facts: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def to_snapshots(kb: KnowledgeBase) -> list[DocumentSnapshot]:
    snapshots = []
    for document in kb.documents:
        facts = to_facts(kb, document)
        snapshots.append(DocumentSnapshot(document.id, to_fingerprint(facts),
                                          json.dumps(facts, ensure_ascii=False, sort_keys=True)))
    return snapshots


_EVENT_FIELDS = (("when", "日時"), ("place", "場所"), ("address", "住所"), ("title", "名称"))


def describe_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """「北見市との覚書締結式の日時: 2027年… → 2027年…」: each change, in words a reader checks."""
    changes = []
    if before.get("title") != after.get("title"):
        changes.append(f"発表の題名: {before.get('title')} → {after.get('title')}")
    old_events, new_events = before.get("events", {}), after.get("events", {})
    for event_id, new in new_events.items():
        old = old_events.get(event_id)
        if old is None:
            changes.append(f"{new['title']}を追加: {new['when']}、{new['place'] or '場所未定'}")
            continue
        for name, label in _EVENT_FIELDS:
            if old.get(name) != new.get(name):
                changes.append(f"{new['title']}の{label}: {_said(old.get(name))} → {_said(new.get(name))}")
    for event_id, old in old_events.items():
        if event_id not in new_events:
            changes.append(f"{old['title']}（{old['when']}）は記載がなくなりました")
    old_themes, new_themes = before.get("themes", {}), after.get("themes", {})
    for name in sorted(set(old_themes) | set(new_themes)):
        if old_themes.get(name) != new_themes.get(name):
            changes.append(f"{name}のテーマ: {_said(old_themes.get(name))} → {_said(new_themes.get(name))}")
    if before.get("partners") != after.get("partners"):
        changes.append(f"相手先: {'、'.join(before.get('partners', []))} → {'、'.join(after.get('partners', []))}")
    return changes or ["発表内容の記載が更新されました"]


def _said(value: object) -> str:
    return str(value) if value else "（記載なし）"


@dataclass(frozen=True)
class CeremonyLine:
    event_id: str
    title: str
    when: str
    place: str
    countdown: str
    upcoming: bool


@dataclass(frozen=True)
class Announcement:
    """A new memorandum (or a correction to one) as every platform shows it."""

    kind: Kind
    title: str
    partners: tuple[str, ...]
    themes: tuple[str, ...]
    items: tuple[str, ...]
    ceremonies: tuple[CeremonyLine, ...]
    changes: tuple[str, ...]
    questions: tuple[str, ...]
    source: str
    key: str = ""
    calendar_event_ids: tuple[str, ...] = field(default=())

    @property
    def fallback_text(self) -> str:
        return self.title


def to_announcement_title(kind: Kind, document: Document, partners: Sequence[str]) -> str:
    who = "・".join(partners) or document.title
    prefix = "新しい覚書" if kind == "new" else "覚書の訂正"
    return f"{prefix}: {document.issuer}と{who}（発表 {format_date(document.date)}）"


def to_announcement(kb: KnowledgeBase, document: Document, kind: Kind, now: datetime, *,
                    changes: Sequence[str] = (), key: str = "") -> Announcement:
    partners = [kb.partner(e.partner_id) for e in document.engagements if _has_partner(kb, e.partner_id)]
    names = tuple(p.name for p in partners)
    themes = tuple(f"{kb.partner(e.partner_id).name}: {e.theme}" for e in document.engagements
                   if e.theme and _has_partner(kb, e.partner_id))
    items = tuple(item for e in document.engagements for item in _main_items(e))
    ceremonies = tuple(
        CeremonyLine(event.id, event.title, format_when(event), _place_of(event),
                     format_countdown(event.starts_at, now) if now < event.starts_at else "予定日を過ぎています",
                     now < event.starts_at)
        for event in document_events(kb, document)
    )
    short = partners[0].short_name if partners else ""
    questions = tuple(q for q in (f"{short}の締結式の詳細は?", f"{short}の連携事項は?") if short)
    source = f"出典: {document.full_title}（{document.issuer}、{format_date(document.date)}）"
    return Announcement(kind, to_announcement_title(kind, document, names), names, themes, items, ceremonies,
                        tuple(changes), questions, source, key,
                        tuple(c.event_id for c in ceremonies if c.upcoming))


def _main_items(engagement: Engagement) -> tuple[str, ...]:
    if engagement.cooperation_items:
        return tuple(engagement.cooperation_items)
    return tuple(item for section in engagement.sections for item in section.items)[:5]


def _place_of(event: Event) -> str:
    if event.address and event.place:
        return f"{event.place}（{event.address}）"
    return event.place or event.address or "未定"


def to_announcement_key_text(due: AnnouncementDue) -> str:
    """The delivery's identity, attached to the post so an ambiguous send can be looked up."""
    key = due.key
    return f"announcement:{due.document_id}:{key.offset_seconds}:{key.platform}:{key.target_id}"
