"""The knowledge base: YAML in, a validated, typed model out.

Validation collects every problem with its file, line and field
(`data/partnerships.yaml:42 partners[2].ceremony.start: not a time "10:70"`) so a maintainer
can fix them all in one pass; `load_knowledge` raises `KnowledgeError` carrying them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import yaml

JST = ZoneInfo("Asia/Tokyo")
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.field}: {self.message}"


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
class Document:
    title: str
    issuer: str
    date: date
    file: str
    summary: tuple[str, ...]
    contact: Contact


@dataclass(frozen=True)
class Attendee:
    role: str
    name: str


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: date
    start: time
    end: time | None
    place: str
    attendees: tuple[Attendee, ...]
    partner_id: str | None
    reminder_offsets: tuple[timedelta, ...]

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=JST)


@dataclass(frozen=True)
class Project:
    title: str
    description: str


@dataclass(frozen=True)
class Promotion:
    text: str
    plans: tuple[str, ...]


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
    theme: str
    projects: tuple[Project, ...]
    promotion: Promotion
    cooperation_items: tuple[str, ...]
    ceremony: Event

    @property
    def names(self) -> tuple[str, ...]:
        """Every way of writing this partner that the bot recognises."""
        r = self.readings
        return (self.name, self.short_name, r.hiragana, r.katakana, r.romaji, *self.aliases)


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


@dataclass(frozen=True)
class Vocabulary:
    all_partners: tuple[str, ...]
    neutral_places: tuple[str, ...]
    topics: tuple[Topic, ...]

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


@dataclass(frozen=True)
class KnowledgeBase:
    path: str
    document: Document
    partners: tuple[Partner, ...]
    events: tuple[Event, ...]
    glossary: tuple[GlossaryEntry, ...]
    vocabulary: Vocabulary
    reminder_offsets: tuple[timedelta, ...]
    _by_id: dict[str, Partner] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.id: p for p in self.partners})

    def partner(self, partner_id: str) -> Partner:
        return self._by_id[partner_id]

    def all_events(self) -> tuple[Event, ...]:
        """Every event with a start time: the partners' ceremonies and the extra events."""
        return tuple(p.ceremony for p in self.partners) + self.events

    def summary_line(self) -> str:
        return (
            f"{self.path}: valid — {len(self.partners)} partners, {len(self.all_events())} events, "
            f"{len(self.glossary)} glossary terms, {len(self.vocabulary.topics)} topics"
        )


# --- YAML with line numbers -------------------------------------------------------------------


class _Node:
    """A YAML value with the line it starts on (1-based), so problems can name it."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def _to_nodes(node: yaml.Node) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            key = str(yaml.safe_load(yaml.serialize(key_node)))
            mapping[key] = _to_nodes(value_node)
        return _Node(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_to_nodes(item) for item in node.value], line)
    try:
        return _Node(yaml.safe_load(yaml.serialize(node)), line)
    except ValueError:
        # A scalar YAML resolves to an impossible value (2020-02-31): keep its text so the
        # field's own check reports it with its name.
        return _Node(node.value, line)


class _Reader:
    """Walks the node tree, converting fields and recording problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: _Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, node.line, path, message))

    def mapping(self, node: _Node, path: str) -> dict[str, _Node]:
        if isinstance(node.value, dict):
            return node.value
        self.problem(node, path, f"expected a mapping, got {_describe(node.value)}")
        return {}

    def field(self, parent: _Node, key: str, path: str, *, required: bool = True) -> _Node | None:
        mapping = self.mapping(parent, path)
        child = mapping.get(key)
        if child is None and required:
            self.problem(parent, _join(path, key), "missing")
        return child

    def text(self, parent: _Node, key: str, path: str, *, required: bool = True) -> str:
        child = self.field(parent, key, path, required=required)
        if child is None:
            return ""
        value = child.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(child, _join(path, key), f"expected text, got {_describe(value)}")
            return ""
        return value.strip()

    def texts(self, parent: _Node, key: str, path: str, *, required: bool = False) -> tuple[str, ...]:
        items = self.items(parent, key, path, required=required)
        out: list[str] = []
        for index, item in enumerate(items):
            value = item.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                out.append(value.strip())
            else:
                self.problem(item, f"{_join(path, key)}[{index}]", f"expected text, got {_describe(value)}")
        return tuple(out)

    def items(self, parent: _Node, key: str, path: str, *, required: bool = True) -> list[_Node]:
        child = self.field(parent, key, path, required=required)
        if child is None or child.value is None:
            return []
        if not isinstance(child.value, list):
            self.problem(child, _join(path, key), f"expected a list, got {_describe(child.value)}")
            return []
        return child.value

    def convert(
        self,
        parent: _Node,
        key: str,
        path: str,
        parse: Callable[[Any], T],
        what: str,
        *,
        required: bool = True,
    ) -> T | None:
        child = self.field(parent, key, path, required=required)
        if child is None:
            return None
        try:
            return parse(child.value)
        except (TypeError, ValueError):
            self.problem(child, _join(path, key), f'not {what} "{child.value}"')
            return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return f'{type(value).__name__} "{value}"'


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def parse_time(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:30 as a sexagesimal integer (630).
        value = f"{value // 60}:{value % 60:02d}"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
    if not match:
        raise ValueError(value)
    return time(int(match[1]), int(match[2]))


_OFFSET = re.compile(r"(\d+)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_offset(value: Any) -> timedelta:
    """`7d`, `1h`, `30m`, `10s` (or combinations such as `1d12h`) as a duration before an event."""
    text = str(value).strip().lower()
    parts = _OFFSET.findall(text)
    if not parts or _OFFSET.sub("", text).strip():
        raise ValueError(value)
    return sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in parts), timedelta())


# --- building the model -----------------------------------------------------------------------


def _contact(r: _Reader, node: _Node, path: str) -> Contact:
    return Contact(
        organization=r.text(node, "organization", path),
        department=r.text(node, "department", path),
        persons=r.texts(node, "persons", path, required=True),
        phone=r.text(node, "phone", path),
        extension=r.text(node, "extension", path, required=False),
        fax=r.text(node, "fax", path, required=False),
        email=r.text(node, "email", path),
    )


def _document(r: _Reader, node: _Node) -> Document:
    path = "document"
    contact = r.field(node, "contact", path)
    return Document(
        title=r.text(node, "title", path),
        issuer=r.text(node, "issuer", path),
        date=r.convert(node, "date", path, parse_date, "a date") or date.min,
        file=r.text(node, "file", path),
        summary=r.texts(node, "summary", path),
        contact=_contact(r, contact, f"{path}.contact") if contact else _EMPTY_CONTACT,
    )


_EMPTY_CONTACT = Contact("", "", (), "", "", "", "")


def _offsets(r: _Reader, node: _Node, key: str, path: str, *, required: bool) -> tuple[timedelta, ...]:
    out = []
    for index, item in enumerate(r.items(node, key, path, required=required)):
        try:
            out.append(parse_offset(item.value))
        except ValueError:
            r.problem(item, f"{_join(path, key)}[{index}]", f'not an offset such as 7d, 1h, 30m "{item.value}"')
    return tuple(out)


def _event(
    r: _Reader,
    node: _Node,
    path: str,
    *,
    event_id: str,
    partner_id: str | None,
    default_offsets: tuple[timedelta, ...],
) -> Event:
    attendees = []
    for index, item in enumerate(r.items(node, "attendees", path, required=False)):
        item_path = f"{path}.attendees[{index}]"
        attendees.append(Attendee(r.text(item, "role", item_path), r.text(item, "name", item_path)))
    start = r.convert(node, "start", path, parse_time, "a time")
    end = r.convert(node, "end", path, parse_time, "a time", required=False)
    if start and end and end <= start:
        r.problem(r.mapping(node, path)["end"], f"{path}.end", f"ends at {end:%H:%M}, before it starts")
    offsets = _offsets(r, node, "reminder_offsets", path, required=False)
    return Event(
        id=event_id,
        title=r.text(node, "title", path),
        date=r.convert(node, "date", path, parse_date, "a date") or date.min,
        start=start or time(0, 0),
        end=end,
        place=r.text(node, "place", path),
        attendees=tuple(attendees),
        partner_id=partner_id,
        reminder_offsets=offsets or default_offsets,
    )


def _partner(r: _Reader, node: _Node, path: str, default_offsets: tuple[timedelta, ...]) -> Partner:
    partner_id = r.text(node, "id", path)
    readings = r.field(node, "readings", path)
    promotion = r.field(node, "promotion", path)
    ceremony = r.field(node, "ceremony", path)
    projects = [
        Project(r.text(item, "title", f"{path}.projects[{i}]"), r.text(item, "description", f"{path}.projects[{i}]"))
        for i, item in enumerate(r.items(node, "projects", path))
    ]
    return Partner(
        id=partner_id,
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
        theme=r.text(node, "theme", path),
        projects=tuple(projects),
        promotion=Promotion(
            text=r.text(promotion, "text", f"{path}.promotion"),
            plans=r.texts(promotion, "plans", f"{path}.promotion"),
        )
        if promotion
        else Promotion("", ()),
        cooperation_items=r.texts(node, "cooperation_items", path, required=True),
        ceremony=_event(
            r,
            ceremony,
            f"{path}.ceremony",
            event_id=f"{partner_id}-ceremony",
            partner_id=partner_id,
            default_offsets=default_offsets,
        )
        if ceremony
        else _event(r, _Node({}, node.line), f"{path}.ceremony", event_id="", partner_id=None, default_offsets=()),
    )


def _glossary(r: _Reader, node: _Node, path: str) -> GlossaryEntry:
    return GlossaryEntry(
        term=r.text(node, "term", path),
        expansion=r.text(node, "expansion", path),
        readings=r.texts(node, "readings", path),
        partner_id=r.text(node, "partner", path, required=False) or None,
        mentioned_in=r.text(node, "mentioned_in", path, required=False),
    )


def _vocabulary(r: _Reader, node: _Node) -> Vocabulary:
    path = "vocabulary"
    topics = []
    for index, item in enumerate(r.items(node, "topics", path)):
        item_path = f"{path}.topics[{index}]"
        topics.append(
            Topic(
                id=r.text(item, "id", item_path),
                label=r.text(item, "label", item_path),
                synonyms=r.texts(item, "synonyms", item_path, required=True),
                facet_of=r.text(item, "facet_of", item_path, required=False) or None,
            )
        )
    return Vocabulary(
        all_partners=r.texts(node, "all_partners", path),
        neutral_places=r.texts(node, "neutral_places", path),
        topics=tuple(topics),
    )


_REQUIRED_TOPICS = (
    "cooperation",
    "projects",
    "theme",
    "plans",
    "ceremony",
    "ceremony_when",
    "ceremony_where",
    "ceremony_who",
    "contact",
    "announcement",
    "partners",
)


def _check_references(r: _Reader, root: _Node, kb_parts: dict[str, Any]) -> None:
    partners: list[Partner] = kb_parts["partners"]
    partner_nodes = r.items(root, "partners", "")
    seen: dict[str, int] = {}
    for index, (partner, item) in enumerate(zip(partners, partner_nodes, strict=False)):
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", partner.id or "-"):
            r.problem(item, f"partners[{index}].id", f'use lower-case letters, digits, - or _ "{partner.id}"')
        if partner.id in seen:
            r.problem(item, f"partners[{index}].id", f'"{partner.id}" is already used by partners[{seen[partner.id]}]')
        seen[partner.id] = index
    event_ids = {e.id for e in (p.ceremony for p in partners)}
    for index, (event, item) in enumerate(
        zip(kb_parts["events"], r.items(root, "events", "", required=False), strict=False)
    ):
        if event.partner_id and event.partner_id not in seen:
            r.problem(item, f"events[{index}].partner", f'no partner has id "{event.partner_id}"')
        if event.id in event_ids:
            r.problem(item, f"events[{index}].id", f'"{event.id}" is used twice')
        event_ids.add(event.id)
    vocab_node = r.field(root, "vocabulary", "")
    topic_ids = {t.id for t in kb_parts["vocabulary"].topics}
    for missing in _REQUIRED_TOPICS:
        if missing not in topic_ids and vocab_node is not None:
            r.problem(vocab_node, "vocabulary.topics", f'topic "{missing}" is missing')


def _extra_event(r: _Reader, node: _Node, path: str, default_offsets: tuple[timedelta, ...]) -> Event:
    event_id = r.text(node, "id", path)
    partner_id = r.text(node, "partner", path, required=False) or None
    return _event(r, node, path, event_id=event_id, partner_id=partner_id, default_offsets=default_offsets)


def parse_knowledge(text: str, file: str) -> KnowledgeBase:
    """Parse and validate YAML text; raise KnowledgeError listing every problem."""
    try:
        composed = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        raise KnowledgeError([Problem(file, line, "(yaml)", f"not valid YAML: {reason}")]) from None
    if composed is None:
        raise KnowledgeError([Problem(file, 1, "(root)", "the file is empty")])
    root = _to_nodes(composed)
    r = _Reader(file)
    r.mapping(root, "(root)")
    if r.problems:
        raise KnowledgeError(r.problems)
    reminders = r.field(root, "reminders", "", required=False)
    offsets = _offsets(r, reminders, "offsets", "reminders", required=True) if reminders else ()
    default_offsets = offsets or (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
    document = r.field(root, "document", "")
    vocabulary = r.field(root, "vocabulary", "")
    parts: dict[str, Any] = {
        "document": _document(r, document) if document else None,
        "partners": [
            _partner(r, item, f"partners[{i}]", default_offsets) for i, item in enumerate(r.items(root, "partners", ""))
        ],
        "events": [
            _extra_event(r, item, f"events[{i}]", default_offsets)
            for i, item in enumerate(r.items(root, "events", "", required=False))
        ],
        "glossary": [
            _glossary(r, item, f"glossary[{i}]") for i, item in enumerate(r.items(root, "glossary", "", required=False))
        ],
        "vocabulary": _vocabulary(r, vocabulary) if vocabulary else Vocabulary((), (), ()),
    }
    if not parts["partners"] and not r.problems:
        r.problem(root, "partners", "at least one partner is needed")
    _check_references(r, root, parts)
    if r.problems:
        raise KnowledgeError(r.problems)
    return KnowledgeBase(
        path=file,
        document=parts["document"],
        partners=tuple(parts["partners"]),
        events=tuple(parts["events"]),
        glossary=tuple(parts["glossary"]),
        vocabulary=parts["vocabulary"],
        reminder_offsets=default_offsets,
    )


def load_knowledge(path: str | Path) -> KnowledgeBase:
    """Read and validate a knowledge-base file; raise KnowledgeError naming file, line and field."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError([Problem(file, 0, "(file)", "no such file")]) from None
    except UnicodeDecodeError as error:
        raise KnowledgeError([Problem(file, 0, "(file)", f"not UTF-8 text ({error.reason})")]) from None
    return parse_knowledge(text, file)
