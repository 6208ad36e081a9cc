"""The knowledge base: YAML in, a validated, typed model out.

A knowledge base is a list of documents (the bureau's announcements). Each document concerns one
or more partners (cities) and says, for each, some of: a theme, projects, the promotion paragraph
and its plans, cooperation items, a signing ceremony, and free sections of any shape. The
partners themselves (names, readings, aliases) are listed once, since a city can appear in
several documents over the years.

Validation collects every problem with its file, line and field (see bot.knowledge.yaml_reader), so a
maintainer can fix them all in one pass; `load_knowledge` raises `KnowledgeError` carrying them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.knowledge.yaml_reader import (
    DATE_FORM,
    DEFAULT_LIMITS,
    TIME_FORM,
    KnowledgeError,
    Node,
    Problem,
    Reader,
    YamlLimits,
    compose,
    join_path,
    parse_date,
    parse_offset,
    parse_time,
)

__all__ = ["JST", "KnowledgeBase", "KnowledgeError", "Problem", "load_knowledge", "parse_knowledge", "parse_offset"]

JST = ZoneInfo("Asia/Tokyo")
DEFAULT_OFFSETS = (timedelta(days=7), timedelta(days=1), timedelta(hours=1))


@dataclass(frozen=True)
class SourceRef:
    """Where a document or a section comes from; `secondary` for a report about it (news)."""

    file: str = ""
    url: str = ""
    publisher: str = ""
    date: date | None = None
    secondary: bool = False
    note: str = ""


@dataclass(frozen=True)
class Contact:
    organization: str
    department: str
    persons: tuple[str, ...]
    phone: str
    extension: str
    fax: str
    email: str


@dataclass(frozen=True)
class Person:
    """Someone the documents name: a role (旭川市長) and a name as written (西川将人 / 青山 剛)."""

    role: str
    name: str
    family: str = ""

    @property
    def family_name(self) -> str:
        return self.family or self.name.split()[0]

    @property
    def given_name(self) -> str:
        compact = self.name.replace(" ", "").replace("\u3000", "")
        return compact[len(self.family_name) :] if compact.startswith(self.family_name) else ""

    def to_text(self) -> str:
        return f"{self.role} {self.name}".strip()


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: date
    start: time
    end: time | None
    place: str
    attendees: tuple[Person, ...]
    partner_id: str | None
    reminder_offsets: tuple[timedelta, ...]
    address: str = ""
    document_id: str = ""
    held: bool = False

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=JST)

    @property
    def minutes(self) -> int | None:
        if self.end is None:
            return None
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class Project:
    title: str
    description: str


@dataclass(frozen=True)
class Plan:
    name: str
    period: str = ""
    note: str = ""
    section: str = ""

    def to_text(self) -> str:
        details = "、".join(x for x in (self.period, self.note) if x)
        return f"{self.name}（{details}）" if details else self.name


@dataclass(frozen=True)
class FreeSection:
    """A section of any shape: a label, words people use for it, paragraphs and/or items."""

    label: str
    synonyms: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    kind: str = ""
    source: SourceRef | None = None


@dataclass(frozen=True)
class Engagement:
    """What one document says about one partner."""

    partner_id: str
    document_id: str
    ordinal: int | None = None
    theme: str = ""
    projects: tuple[Project, ...] = ()
    promotion: str = ""
    plans: tuple[Plan, ...] = ()
    cooperation_items: tuple[str, ...] = ()
    ceremony: Event | None = None
    sections: tuple[FreeSection, ...] = ()


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    subtitle: str
    issuer: str
    date: date
    source: SourceRef
    contact: Contact | None
    lead: tuple[str, ...]
    purpose: tuple[int, ...]
    precedent: int | None
    sections: tuple[FreeSection, ...]
    engagements: tuple[Engagement, ...]

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def full_title(self) -> str:
        return f"{self.title} ～{self.subtitle}～" if self.subtitle else self.title

    def purpose_text(self) -> tuple[str, ...]:
        return tuple(self.lead[i - 1] for i in self.purpose if 0 < i <= len(self.lead))

    def precedent_text(self) -> str:
        index = self.precedent or 0
        return self.lead[index - 1] if 0 < index <= len(self.lead) else ""


@dataclass(frozen=True)
class Readings:
    hiragana: str
    katakana: str
    romaji: str


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    short_name: str
    readings: Readings
    aliases: tuple[str, ...]
    engagements: tuple[Engagement, ...] = ()

    def name_in(self, language: str) -> str:
        """「北見市」; in English with its romaji where the data has one, 「北見市 (Kitami)」: the name is
        the documents' and stays as they write it."""
        romaji = self.readings.romaji
        return f"{self.name} ({romaji.title()})" if language == "en" and romaji else self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every way of writing this partner that the bot recognises ("Kitami City" as English writes
        the city, so that its "City" is not read as asking about the partner cities)."""
        r = self.readings
        english = f"{r.romaji} city" if r.romaji else ""
        return tuple(
            n for n in (self.name, self.short_name, r.hiragana, r.katakana, r.romaji, english, *self.aliases) if n
        )

    @property
    def engagement(self) -> Engagement:
        """The latest document's view of this partner (most partners have one)."""
        return self.engagements[-1]

    @property
    def theme(self) -> str:
        return next((e.theme for e in reversed(self.engagements) if e.theme), "")

    @property
    def ceremony(self) -> Event | None:
        return next((e.ceremony for e in reversed(self.engagements) if e.ceremony), None)


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansion: str
    readings: tuple[str, ...]
    partner_id: str | None
    mentioned_in: str


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    synonyms: tuple[str, ...]
    facet_of: str | None = None
    label_en: str = ""

    def label_in(self, language: str) -> str:
        return self.label_en or self.label if language == "en" else self.label


@dataclass(frozen=True)
class Vocabulary:
    all_partners: tuple[str, ...]
    neutral_places: tuple[str, ...]
    topics: tuple[Topic, ...]
    neutral_words: tuple[str, ...] = ()
    # English words and phrases mapped to the Japanese the documents use (curling hall → カーリングホール).
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


@dataclass(frozen=True)
class KnowledgeBase:
    path: str
    documents: tuple[Document, ...]
    partners: tuple[Partner, ...]
    events: tuple[Event, ...]
    glossary: tuple[GlossaryEntry, ...]
    vocabulary: Vocabulary
    reminder_offsets: tuple[timedelta, ...]
    _by_id: dict[str, Partner] = field(default_factory=dict, compare=False, repr=False)
    _documents_by_id: dict[str, Document] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.id: p for p in self.partners})
        self._documents_by_id.update({d.id: d for d in self.documents})

    def partner(self, partner_id: str) -> Partner:
        return self._by_id[partner_id]

    def document_by_id(self, document_id: str) -> Document:
        return self._documents_by_id[document_id]

    @property
    def document(self) -> Document:
        """The programme's first announcement: what the bot introduces itself with."""
        return self.documents[0]

    @property
    def latest_document(self) -> Document:
        return self.documents[-1]

    def document_of(self, event: Event) -> Document:
        """The document an event is cited from (the first one when it names none)."""
        return self._documents_by_id.get(event.document_id, self.documents[0])

    def engagements(self) -> tuple[Engagement, ...]:
        return tuple(e for d in self.documents for e in d.engagements)

    def ceremonies(self) -> tuple[Event, ...]:
        return tuple(e.ceremony for e in self.engagements() if e.ceremony)

    def all_events(self) -> tuple[Event, ...]:
        """Every event with a start time: the partners' ceremonies and the extra events."""
        return self.ceremonies() + self.events

    def summary_line(self) -> str:
        return (
            f"{self.path}: valid — {len(self.documents)} documents, {len(self.partners)} partners, "
            f"{len(self.all_events())} events, {len(self.glossary)} glossary terms, "
            f"{len(self.vocabulary.topics)} topics"
        )


# --- building the model -----------------------------------------------------------------------

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _source(r: Reader, node: Node | None, path: str) -> SourceRef:
    if node is None:
        return SourceRef()
    r.only(node, path, ("file", "url", "publisher", "date", "secondary", "note"))
    secondary = r.field(node, "secondary", path, required=False)
    if secondary is not None and not isinstance(secondary.value, bool):
        r.problem(secondary, join_path(path, "secondary"), "expected true or false")
    return SourceRef(
        file=r.text(node, "file", path, required=False),
        url=r.text(node, "url", path, required=False),
        publisher=r.text(node, "publisher", path, required=False),
        date=r.convert(node, "date", path, parse_date, "a date", required=False, expected=DATE_FORM),
        secondary=secondary is not None and secondary.value is True,
        note=r.text(node, "note", path, required=False),
    )


def _contact(r: Reader, node: Node, path: str) -> Contact:
    r.only(node, path, ("organization", "department", "persons", "phone", "extension", "fax", "email"))
    return Contact(
        organization=r.text(node, "organization", path),
        department=r.text(node, "department", path, required=False),
        persons=r.texts(node, "persons", path),
        phone=r.text(node, "phone", path, required=False),
        extension=r.text(node, "extension", path, required=False),
        fax=r.text(node, "fax", path, required=False),
        email=r.text(node, "email", path, required=False),
    )


def _offsets(r: Reader, node: Node, key: str, path: str, *, required: bool) -> tuple[timedelta, ...]:
    out = []
    for index, item in enumerate(r.items(node, key, path, required=required)):
        try:
            out.append(parse_offset(item.value))
        except ValueError:
            r.problem(item, f"{join_path(path, key)}[{index}]", f'not an offset such as 7d, 1h, 30m "{item.value}"')
    return tuple(out)


def _person(r: Reader, node: Node, path: str) -> Person:
    r.only(node, path, ("role", "name", "family"))
    person = Person(
        r.text(node, "role", path), r.text(node, "name", path), r.text(node, "family", path, required=False)
    )
    compact = person.name.replace(" ", "")
    if person.family and not compact.startswith(person.family):
        r.problem(r.mapping(node, path)["family"], f"{path}.family", f'"{person.family}" does not start the name')
    return person


_EVENT_KEYS = ("title", "date", "start", "end", "place", "address", "attendees", "reminder_offsets", "held")


@dataclass(frozen=True)
class _EventOwner:
    event_id: str
    partner_id: str | None
    document_id: str
    default_offsets: tuple[timedelta, ...]


def _event(r: Reader, node: Node, path: str, owner: _EventOwner) -> Event:
    attendees = tuple(
        _person(r, item, f"{path}.attendees[{i}]")
        for i, item in enumerate(r.items(node, "attendees", path, required=False))
    )
    start = r.convert(node, "start", path, parse_time, "a time", expected=TIME_FORM)
    end = r.convert(node, "end", path, parse_time, "a time", required=False, expected=TIME_FORM)
    if start and end and end <= start:
        r.problem(r.mapping(node, path)["end"], f"{path}.end", f"ends at {end:%H:%M}, before it starts")
    held = r.field(node, "held", path, required=False)
    if held is not None and not isinstance(held.value, bool):
        r.problem(held, f"{path}.held", "expected true or false (true only when a source says it took place)")
    return Event(
        id=owner.event_id,
        title=r.text(node, "title", path),
        date=r.convert(node, "date", path, parse_date, "a date", expected=DATE_FORM) or date.min,
        start=start or time(0, 0),
        end=end,
        place=r.text(node, "place", path),
        attendees=attendees,
        partner_id=owner.partner_id,
        reminder_offsets=_offsets(r, node, "reminder_offsets", path, required=False) or owner.default_offsets,
        address=r.text(node, "address", path, required=False),
        document_id=owner.document_id,
        held=held is not None and held.value is True,
    )


def _free_section(r: Reader, node: Node, path: str) -> FreeSection:
    r.only(node, path, ("label", "synonyms", "text", "items", "kind", "source"))
    section = FreeSection(
        label=r.text(node, "label", path),
        synonyms=r.texts(node, "synonyms", path),
        text=r.texts(node, "text", path),
        items=r.texts(node, "items", path),
        kind=r.text(node, "kind", path, required=False),
        source=_source(r, r.field(node, "source", path, required=False), f"{path}.source")
        if r.field(node, "source", path, required=False)
        else None,
    )
    if not section.text and not section.items:
        r.problem(node, path, "a section needs text or items")
    if section.kind not in ("", "purpose"):
        r.problem(node, f"{path}.kind", f'unknown kind "{section.kind}" (expected purpose or nothing)')
    return section


def _sections(r: Reader, node: Node, path: str) -> tuple[FreeSection, ...]:
    return tuple(
        _free_section(r, item, f"{path}.sections[{i}]")
        for i, item in enumerate(r.items(node, "sections", path, required=False))
    )


def _plan(r: Reader, node: Node, path: str) -> Plan:
    r.only(node, path, ("name", "period", "note", "section"))
    return Plan(
        name=r.text(node, "name", path),
        period=r.text(node, "period", path, required=False),
        note=r.text(node, "note", path, required=False),
        section=r.text(node, "section", path, required=False),
    )


_ENGAGEMENT_KEYS = (
    "partner",
    "ordinal",
    "theme",
    "projects",
    "promotion",
    "plans",
    "cooperation_items",
    "ceremony",
    "sections",
)


def _engagement(
    r: Reader, node: Node, path: str, document_id: str, offsets: tuple[timedelta, ...], taken: set[str]
) -> Engagement:
    r.only(node, path, _ENGAGEMENT_KEYS)
    partner_id = r.text(node, "partner", path)
    ceremony = r.field(node, "ceremony", path, required=False)
    if ceremony is not None:
        r.only(ceremony, f"{path}.ceremony", _EVENT_KEYS)
    projects = []
    for i, item in enumerate(r.items(node, "projects", path, required=False)):
        r.only(item, f"{path}.projects[{i}]", ("title", "description"))
        projects.append(
            Project(
                r.text(item, "title", f"{path}.projects[{i}]"), r.text(item, "description", f"{path}.projects[{i}]")
            )
        )
    ordinal = r.convert(node, "ordinal", path, _to_ordinal, "a whole number ≥ 1", required=False)
    # Stable ids for the reminder ledger: a partner's first ceremony is `<partner>-ceremony`.
    event_id = (
        f"{partner_id}-ceremony" if f"{partner_id}-ceremony" not in taken else f"{partner_id}-{document_id}-ceremony"
    )
    if ceremony is not None:
        taken.add(event_id)
    owner = _EventOwner(event_id, partner_id, document_id, offsets)
    return Engagement(
        partner_id=partner_id,
        document_id=document_id,
        ordinal=ordinal,
        theme=r.text(node, "theme", path, required=False),
        projects=tuple(projects),
        promotion=r.text(node, "promotion", path, required=False),
        plans=tuple(
            _plan(r, item, f"{path}.plans[{i}]") for i, item in enumerate(r.items(node, "plans", path, required=False))
        ),
        cooperation_items=r.texts(node, "cooperation_items", path),
        ceremony=_event(r, ceremony, f"{path}.ceremony", owner) if ceremony is not None else None,
        sections=_sections(r, node, path),
    )


def _to_ordinal(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(value)
    return value


def _to_lead_index(value: object) -> int:
    return _to_ordinal(value)


_DOCUMENT_KEYS = (
    "id",
    "title",
    "subtitle",
    "issuer",
    "date",
    "source",
    "contact",
    "lead",
    "purpose",
    "precedent",
    "sections",
    "partners",
)


def _document(r: Reader, node: Node, path: str, offsets: tuple[timedelta, ...], taken: set[str]) -> Document:
    r.only(node, path, _DOCUMENT_KEYS)
    document_id = r.text(node, "id", path)
    contact = r.field(node, "contact", path, required=False)
    lead = r.texts(node, "lead", path)
    purpose = []
    for i, item in enumerate(r.items(node, "purpose", path, required=False)):
        if isinstance(item.value, int) and not isinstance(item.value, bool) and 0 < item.value <= len(lead):
            purpose.append(item.value)
        else:
            r.problem(
                item, f"{path}.purpose[{i}]", f"not the number of a lead paragraph (1–{len(lead)}): {item.value!r}"
            )
    precedent = r.convert(node, "precedent", path, _to_lead_index, "the number of a lead paragraph", required=False)
    if precedent and precedent > len(lead):
        r.problem(node, f"{path}.precedent", f"there are only {len(lead)} lead paragraphs")
    return Document(
        id=document_id,
        title=r.text(node, "title", path),
        subtitle=r.text(node, "subtitle", path, required=False),
        issuer=r.text(node, "issuer", path),
        date=r.convert(node, "date", path, parse_date, "a date", expected=DATE_FORM) or date.min,
        source=_source(r, r.field(node, "source", path), f"{path}.source"),
        contact=_contact(r, contact, f"{path}.contact") if contact is not None else None,
        lead=lead,
        purpose=tuple(purpose),
        precedent=precedent,
        sections=_sections(r, node, path),
        engagements=tuple(
            _engagement(r, item, f"{path}.partners[{i}]", document_id, offsets, taken)
            for i, item in enumerate(r.items(node, "partners", path))
        ),
    )


def _partner(r: Reader, node: Node, path: str) -> Partner:
    r.only(node, path, ("id", "name", "short_name", "readings", "aliases"))
    readings = r.field(node, "readings", path)
    if readings is not None:
        r.only(readings, f"{path}.readings", ("hiragana", "katakana", "romaji"))
    return Partner(
        id=r.text(node, "id", path),
        name=r.text(node, "name", path),
        short_name=r.text(node, "short_name", path),
        readings=Readings(
            hiragana=r.text(readings, "hiragana", f"{path}.readings"),
            katakana=r.text(readings, "katakana", f"{path}.readings"),
            romaji=r.text(readings, "romaji", f"{path}.readings").lower(),
        )
        if readings
        else Readings("", "", ""),
        aliases=r.texts(node, "aliases", path),
    )


def _glossary(r: Reader, node: Node, path: str) -> GlossaryEntry:
    r.only(node, path, ("term", "expansion", "readings", "partner", "mentioned_in"))
    return GlossaryEntry(
        term=r.text(node, "term", path),
        expansion=r.text(node, "expansion", path),
        readings=r.texts(node, "readings", path),
        partner_id=r.text(node, "partner", path, required=False) or None,
        mentioned_in=r.text(node, "mentioned_in", path, required=False),
    )


def _vocabulary(r: Reader, node: Node) -> Vocabulary:
    path = "vocabulary"
    r.only(node, path, ("all_partners", "neutral_places", "neutral_words", "topics", "translations"))
    topics = []
    for index, item in enumerate(r.items(node, "topics", path)):
        item_path = f"{path}.topics[{index}]"
        r.only(item, item_path, ("id", "label", "label_en", "synonyms", "facet_of"))
        topics.append(
            Topic(
                id=r.text(item, "id", item_path),
                label=r.text(item, "label", item_path),
                synonyms=r.texts(item, "synonyms", item_path, required=True),
                facet_of=r.text(item, "facet_of", item_path, required=False) or None,
                label_en=r.text(item, "label_en", item_path, required=False),
            )
        )
    return Vocabulary(
        all_partners=r.texts(node, "all_partners", path),
        neutral_places=r.texts(node, "neutral_places", path),
        topics=tuple(topics),
        neutral_words=r.texts(node, "neutral_words", path),
        translations=_translations(r, node, path),
    )


def _translations(r: Reader, node: Node, path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    translations = []
    for index, item in enumerate(r.items(node, "translations", path, required=False)):
        item_path = f"{path}.translations[{index}]"
        r.only(item, item_path, ("en", "ja"))
        translations.append((r.text(item, "en", item_path).lower(), r.texts(item, "ja", item_path, required=True)))
    return tuple(translations)


REQUIRED_TOPICS = (
    "cooperation",
    "projects",
    "theme",
    "plans",
    "promotion",
    "period",
    "ceremony",
    "ceremony_when",
    "ceremony_where",
    "address",
    "ceremony_who",
    "contact",
    "contact_phone",
    "contact_extension",
    "contact_fax",
    "contact_email",
    "contact_person",
    "contact_department",
    "announcement",
    "announcement_date",
    "announcement_issuer",
    "announcement_title",
    "announcement_subtitle",
    "purpose",
    "precedent",
    "partners",
)


def _extra_event(r: Reader, node: Node, path: str, offsets: tuple[timedelta, ...]) -> Event:
    r.only(node, path, ("id", "partner", "document", *_EVENT_KEYS))
    owner = _EventOwner(
        event_id=r.text(node, "id", path),
        partner_id=r.text(node, "partner", path, required=False) or None,
        document_id=r.text(node, "document", path, required=False),
        default_offsets=offsets,
    )
    return _event(r, node, path, owner)


@dataclass
class _Parts:
    documents: list[Document]
    partners: list[Partner]
    events: list[Event]
    glossary: list[GlossaryEntry]
    vocabulary: Vocabulary


def _check_ids(r: Reader, nodes: list[Node], ids: list[str], path: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for index, (value, node) in enumerate(zip(ids, nodes, strict=False)):
        if not value:
            continue  # missing: already named while reading
        if not _ID.fullmatch(value):
            r.problem(node, f"{path}[{index}].id", f'use lower-case letters, digits, - or _ "{value}"')
        elif value in seen:
            r.problem(node, f"{path}[{index}].id", f'"{value}" is already used by {path}[{seen[value]}]')
        seen.setdefault(value, index)
    return seen


def _check_references(walk: Reader, r: Reader, root: Node, parts: _Parts) -> None:
    """Ids and what refers to them. `walk` only finds the nodes (its own problems were already
    reported by `r` while reading); what is wrong here goes to `r`. An id that is missing or
    wrong was named while reading and is not named again."""
    partner_ids = _check_ids(r, walk.items(root, "partners", ""), [p.id for p in parts.partners], "partners")
    document_nodes = walk.items(root, "documents", "")
    document_ids = _check_ids(r, document_nodes, [d.id for d in parts.documents], "documents")
    vocab_node = walk.field(root, "vocabulary", "")
    for d_index, (document, d_node) in enumerate(zip(parts.documents, document_nodes, strict=False)):
        engagement_nodes = walk.items(d_node, "partners", "")
        seen: set[str] = set()
        for e_index, (engagement, e_node) in enumerate(zip(document.engagements, engagement_nodes, strict=False)):
            where = f"documents[{d_index}].partners[{e_index}].partner"
            if not engagement.partner_id:
                continue
            if engagement.partner_id not in partner_ids:
                r.problem(e_node, where, f'no partner has id "{engagement.partner_id}" (add it to partners)')
            if engagement.partner_id in seen:
                r.problem(e_node, where, f'"{engagement.partner_id}" appears twice in this document')
            seen.add(engagement.partner_id)
    event_ids = {c.id for d in parts.documents for e in d.engagements if (c := e.ceremony)}
    for index, (event, item) in enumerate(
        zip(parts.events, walk.items(root, "events", "", required=False), strict=False)
    ):
        if event.partner_id and event.partner_id not in partner_ids:
            r.problem(item, f"events[{index}].partner", f'no partner has id "{event.partner_id}"')
        if event.document_id and event.document_id not in document_ids:
            r.problem(item, f"events[{index}].document", f'no document has id "{event.document_id}"')
        if event.id in event_ids:
            r.problem(item, f"events[{index}].id", f'"{event.id}" is used twice')
        event_ids.add(event.id)
    for index, (entry, item) in enumerate(
        zip(parts.glossary, walk.items(root, "glossary", "", required=False), strict=False)
    ):
        if entry.partner_id and entry.partner_id not in partner_ids:
            r.problem(item, f"glossary[{index}].partner", f'no partner has id "{entry.partner_id}"')
    topic_ids = {t.id for t in parts.vocabulary.topics}
    for missing in REQUIRED_TOPICS:
        if missing not in topic_ids and vocab_node is not None:
            r.problem(vocab_node, "vocabulary.topics", f'topic "{missing}" is missing')


PLACEHOLDER = "TODO"
_PLACEHOLDER = re.compile(rf"(?<![A-Za-z0-9]){PLACEHOLDER}(?![A-Za-z0-9])")


def find_placeholders(root: Node, file: str) -> list[Problem]:
    """Every value still `TODO` (what `app.py draft` writes where the source does not say): the bot
    would otherwise answer 「発表者は「TODO」です」."""
    problems: list[Problem] = []
    pending: list[tuple[Node, str]] = [(root, "")]
    while pending:
        node, path = pending.pop()
        if isinstance(node.value, dict):
            pending += [(child, join_path(path, key)) for key, child in reversed(node.value.items())]
        elif isinstance(node.value, list):
            pending += [(child, f"{path}[{i}]") for i, child in reversed(list(enumerate(node.value)))]
        elif isinstance(node.value, str) and _PLACEHOLDER.search(node.value):
            problems.append(Problem(file, node.line, path or "(root)",
                                    "still TODO from `app.py draft`: fill it in from the source, or delete the field"))
    return problems


def with_placeholders(problems: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """All problems in file order, once each; a field that is still TODO is named for that alone
    (not also as "not a date" or "no partner has id")."""
    todo = {p.field for p in placeholders}
    kept = [p for p in problems if p.field not in todo]
    return sorted(dict.fromkeys([*kept, *placeholders]), key=lambda p: p.line)


def _with_engagements(partners: list[Partner], documents: list[Document]) -> tuple[Partner, ...]:
    """Partners in the order documents first name them, each with its engagements in date order."""
    by_partner: dict[str, list[Engagement]] = {p.id: [] for p in partners}
    for document in documents:
        for engagement in document.engagements:
            by_partner.setdefault(engagement.partner_id, []).append(engagement)
    order = {pid: i for i, pid in enumerate(dict.fromkeys(e.partner_id for d in documents for e in d.engagements))}
    enriched = [Partner(p.id, p.name, p.short_name, p.readings, p.aliases, tuple(by_partner[p.id])) for p in partners]
    return tuple(sorted((p for p in enriched if p.engagements), key=lambda p: order[p.id]))


def parse_knowledge(text: str, file: str, limits: YamlLimits = DEFAULT_LIMITS) -> KnowledgeBase:
    """Parse and validate YAML text; raise KnowledgeError listing every problem."""
    root = compose(text, file, limits)
    r = Reader(file)
    r.mapping(root, "(root)")
    if r.problems:
        raise KnowledgeError(r.problems)
    r.only(root, "", ("version", "reminders", "partners", "documents", "events", "glossary", "vocabulary"))
    reminders = r.field(root, "reminders", "", required=False)
    offsets = (_offsets(r, reminders, "offsets", "reminders", required=True) if reminders else ()) or DEFAULT_OFFSETS
    vocabulary = r.field(root, "vocabulary", "")
    taken: set[str] = set()
    parts = _Parts(
        documents=[
            _document(r, item, f"documents[{i}]", offsets, taken)
            for i, item in enumerate(r.items(root, "documents", ""))
        ],
        partners=[_partner(r, item, f"partners[{i}]") for i, item in enumerate(r.items(root, "partners", ""))],
        events=[
            _extra_event(r, item, f"events[{i}]", offsets)
            for i, item in enumerate(r.items(root, "events", "", required=False))
        ],
        glossary=[
            _glossary(r, item, f"glossary[{i}]") for i, item in enumerate(r.items(root, "glossary", "", required=False))
        ],
        vocabulary=_vocabulary(r, vocabulary) if vocabulary else Vocabulary((), (), ()),
    )
    if not parts.documents and not r.problems:
        r.problem(root, "documents", "at least one document is needed")
    # References are checked even when fields are wrong, so one run names every problem.
    _check_references(Reader(file), r, root, parts)
    problems = with_placeholders(r.problems, find_placeholders(root, file))
    if problems:
        raise KnowledgeError(problems)
    documents = sorted(parts.documents, key=lambda d: d.date)
    return KnowledgeBase(
        path=file,
        documents=tuple(documents),
        partners=_with_engagements(parts.partners, documents),
        events=tuple(parts.events),
        glossary=tuple(parts.glossary),
        vocabulary=parts.vocabulary,
        reminder_offsets=offsets,
    )


NO_SUCH_FILE = "no such file"
A_FOLDER = "is a folder, not a file"


def load_knowledge(path: str | Path, limits: YamlLimits = DEFAULT_LIMITS) -> KnowledgeBase:
    """Read and validate a knowledge-base file; raise KnowledgeError naming file, line and field."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > limits.max_bytes:
            too_large = f"too large: {size:,} bytes (limit {limits.max_bytes:,})"
            raise KnowledgeError([Problem(file, 0, "(file)", too_large)])
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError([Problem(file, 0, "(file)", NO_SUCH_FILE)]) from None
    except IsADirectoryError:
        raise KnowledgeError([Problem(file, 0, "(file)", A_FOLDER)]) from None
    except PermissionError:
        raise KnowledgeError([Problem(file, 0, "(file)", "cannot be read (permission denied)")]) from None
    except UnicodeDecodeError as error:
        raise KnowledgeError([Problem(file, 0, "(file)", f"not UTF-8 text ({error.reason})")]) from None
    return parse_knowledge(text, file, limits)
