"""The ceremonies and events as iCalendar (RFC 5545), built with the `icalendar` library.

One VEVENT per event of the knowledge base, with:
- a UID that depends only on the document and event ids, so it is the same after a reload and on
  every instance (`<document>.<event>@renkei-bot`);
- DTSTART/DTEND in Asia/Tokyo with its VTIMEZONE (no floating times; no DTEND where the data
  gives no end time — the bot never invents one);
- SUMMARY, LOCATION (place and address), DESCRIPTION (attendees as the document lists them, the
  announcement's title and date, 「発表資料による予定」), URL where the document has its page's
  address;
- SEQUENCE and LAST-MODIFIED from the event's revision (bot/store/revisions.py), which change when
  its data does, so subscribed calendars update; DTSTAMP is LAST-MODIFIED, so an unchanged
  knowledge base gives byte-identical files (and a stable ETag).

The library writes CRLF line ends and folds lines at 75 octets. Nothing here reads a clock, a
database or the network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import quote

import icalendar

from bot.knowledge.dates import format_date
from bot.knowledge.model import JST, Document, Event, KnowledgeBase
from bot.store.records import EventRevision

PRODID = "-//METI Hokkaido Renkei Bot//Renkei Bot 1.0//JA"
UID_DOMAIN = "renkei-bot"
CALENDAR_NAME = "連携ボット: 覚書の締結式・イベント"
ANNOUNCED_ONLY = "発表資料による予定（開催を確認したものではありません）"
FEED_PATH = "/calendar.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"


class UnknownEvent(LookupError):
    """No event of the knowledge base has this id."""


def to_uid(event: Event) -> str:
    return f"{event.document_id or 'events'}.{event.id}@{UID_DOMAIN}"


def to_event_path(event_id: str) -> str:
    return f"/calendar/{quote(event_id, safe='')}.ics"


def to_location(event: Event) -> str:
    return f"{event.place}（{event.address}）" if event.address and event.place else event.place or event.address


def to_description(event: Event, document: Document) -> str:
    lines = []
    if event.attendees:
        lines.append("出席者: " + "、".join(person.to_text() for person in event.attendees))
    lines.append(f"発表: {document.full_title}（{document.issuer}、{format_date(document.date)}）")
    lines.append(ANNOUNCED_ONLY)
    return "\n".join(lines)


def to_event_content(event: Event, document: Document) -> dict[str, str]:
    """Everything a VEVENT says about the event except its revision: what its fingerprint covers."""
    return {
        "uid": to_uid(event), "summary": event.title, "start": event.starts_at.isoformat(),
        "end": to_end(event).isoformat() if event.end else "", "location": to_location(event),
        "description": to_description(event, document), "url": document.source.url,
    }


def to_fingerprint(event: Event, document: Document) -> str:
    content = json.dumps(to_event_content(event, document), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def to_fingerprints(kb: KnowledgeBase) -> dict[str, str]:
    """Every event's fingerprint, by event id: what the revision store compares."""
    return {event.id: to_fingerprint(event, kb.document_of(event)) for event in kb.all_events()}


def to_end(event: Event) -> datetime:
    assert event.end is not None
    return datetime.combine(event.date, event.end, tzinfo=JST)


def default_revision(document: Document) -> EventRevision:
    """An event the revision store has not seen (no store): as of its announcement's date."""
    return EventRevision(0, datetime.combine(document.date, time(0), tzinfo=JST))


def to_vevent(event: Event, document: Document, revision: EventRevision) -> icalendar.Event:
    vevent = icalendar.Event()
    modified = revision.modified_at.astimezone(UTC)
    vevent.add("uid", to_uid(event))
    vevent.add("dtstamp", modified)
    vevent.add("last-modified", modified)
    vevent.add("sequence", revision.sequence)
    vevent.add("dtstart", event.starts_at)
    if event.end is not None:
        vevent.add("dtend", to_end(event))
    vevent.add("summary", event.title)
    location = to_location(event)
    if location:
        vevent.add("location", location)
    vevent.add("description", to_description(event, document))
    if document.source.url:
        vevent.add("url", document.source.url)
    return vevent


def build_calendar(kb: KnowledgeBase, revisions: Mapping[str, EventRevision],
                   event_ids: Collection[str] | None = None) -> icalendar.Calendar:
    """The feed (every event, in time order) or the events named; VTIMEZONE added for Asia/Tokyo."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    events = sorted(kb.all_events(), key=lambda e: (e.starts_at, e.id))
    for event in events:
        if event_ids is not None and event.id not in event_ids:
            continue
        document = kb.document_of(event)
        calendar.add_component(to_vevent(event, document, revisions.get(event.id) or default_revision(document)))
    calendar.add_missing_timezones()
    return calendar


def to_ics(kb: KnowledgeBase, revisions: Mapping[str, EventRevision], event_id: str | None = None) -> bytes:
    """The feed, or one event's file; `UnknownEvent` for an id the knowledge base does not have."""
    if event_id is not None and not any(event.id == event_id for event in kb.all_events()):
        raise UnknownEvent(event_id)
    data: bytes = build_calendar(kb, revisions, None if event_id is None else {event_id}).to_ical()
    return data


def last_modified(kb: KnowledgeBase, revisions: Mapping[str, EventRevision], event_id: str | None = None) -> datetime:
    """The latest LAST-MODIFIED of the feed (or of one event): the HTTP Last-Modified."""
    moments = [
        (revisions.get(event.id) or default_revision(kb.document_of(event))).modified_at
        for event in kb.all_events() if event_id is None or event.id == event_id
    ]
    return max(moments, default=datetime(2000, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class CalendarLinks:
    """Where the feed is served (PUBLIC_BASE_URL), with CALENDAR_TOKEN when the feed requires it."""

    base_url: str
    token: str = ""

    def feed_url(self) -> str:
        return self._with_token(self.base_url + FEED_PATH)

    def event_url(self, event_id: str) -> str:
        return self._with_token(self.base_url + to_event_path(event_id))

    def _with_token(self, url: str) -> str:
        return f"{url}?token={quote(self.token, safe='')}" if self.token else url


def to_calendar_links(base_url: str, token: str = "") -> CalendarLinks | None:
    """The links for PUBLIC_BASE_URL and CALENDAR_TOKEN; None without a public address."""
    return CalendarLinks(base_url, token) if base_url else None


def to_calendar_command(event_id: str) -> str:
    """What the console shows: the command that writes the event's file."""
    return f"python app.py calendar --event {event_id} --output {event_id}.ics"
