"""The knowledge base compiled into fact units, and a search over them.

Every field, item, project title and description, sentence, ceremony field, attendee, contact
field and plan becomes one `Fact` that keeps its document, partner, topic and structured value.
The engine answers with the fact that was asked, then just enough context (partner, section).

The search scores facts by character bigrams (Japanese has no word boundaries) weighted by IDF:
a fact's score is the share of the question's weighted features it contains. Candidates come
from an inverted index over the rarer features, so the cost follows the question, not the data.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from bot.knowledge.dates import format_date, format_when
from bot.knowledge.model import Document, Engagement, Event, FreeSection, KnowledgeBase, Plan, SourceRef
from bot.language.text import bigrams, clean, has_kanji, latin_words, reading_of, romaji_to_katakana, to_key

_SENTENCE_END = re.compile(r"(?<=[。．！？])(?!\s*\(…\))")


@dataclass(frozen=True)
class Fact:
    document_id: str
    partner_id: str | None
    topic: str
    section: str
    label: str
    text: str
    index: int = 0
    value: object = None
    source: SourceRef | None = None
    event: Event | None = None


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def section_topic(label: str) -> str:
    return f"section:{label}"


def _document_facts(d: Document) -> Iterator[Fact]:
    def fact(topic: str, section: str, label: str, text: str, index: int = 0, value: object = None) -> Fact:
        return Fact(d.id, None, topic, section, label, text, index, value)

    yield fact("announcement_title", "発表", "タイトル", d.title)
    if d.subtitle:
        yield fact("announcement_subtitle", "発表", "サブタイトル", d.subtitle)
    yield fact("announcement_date", "発表", "発表日", format_date(d.date), value=d.date)
    yield fact("announcement_issuer", "発表", "発表者", d.issuer)
    for number, paragraph in enumerate(d.lead, start=1):
        topic = "purpose" if number in d.purpose else "precedent" if number == d.precedent else "announcement"
        for sentence in split_sentences(paragraph):
            yield fact(topic, "発表の概要", "発表の概要", sentence, number)
    if d.contact:
        c = d.contact
        persons = "、".join(c.persons)
        fields = (
            ("contact_department", "担当部署", f"{c.organization} {c.department}".strip()),
            ("contact_person", "担当者", f"{persons}（{c.department}）" if persons else ""),
            ("contact_phone", "電話", c.phone + (f"（内線{c.extension}）" if c.extension else "")),
            ("contact_extension", "内線", c.extension),
            ("contact_fax", "FAX", c.fax),
            ("contact_email", "E-mail", c.email),
        )
        for topic, label, text in fields:
            if text:
                yield fact(topic, "お問い合わせ先", label, text)
    for section in d.sections:
        yield from _free_section_facts(section, d.id, None)


def _free_section_facts(section: FreeSection, document_id: str, partner_id: str | None) -> Iterator[Fact]:
    topic = "purpose" if section.kind == "purpose" else section_topic(section.label)
    for number, paragraph in enumerate(section.text, start=1):
        for sentence in split_sentences(paragraph):
            yield Fact(
                document_id, partner_id, topic, section.label, section.label, sentence, number, None, section.source
            )
    for number, item in enumerate(section.items, start=1):
        yield Fact(document_id, partner_id, topic, section.label, f"({number})", item, number, None, section.source)


def _ceremony_facts(e: Engagement, event: Event) -> Iterator[Fact]:
    def fact(topic: str, label: str, text: str, index: int = 0, value: object = event) -> Fact:
        return Fact(e.document_id, e.partner_id, topic, "覚書締結式", label, text, index, value, None, event)

    yield fact("ceremony_when", "日時", format_when(event))
    yield fact("ceremony_where", "場所", event.place)
    if event.address:
        yield fact("address", "住所", event.address)
    for number, person in enumerate(event.attendees, start=1):
        yield fact("ceremony_who", "出席者", person.to_text(), number, person)


def _plan_facts(e: Engagement, plan: Plan, number: int) -> Iterator[Fact]:
    section = plan.section or "プロジェクトの推進"
    yield Fact(e.document_id, e.partner_id, "plans", section, "関連する計画", plan.to_text(), number, plan)
    if plan.period:
        yield Fact(e.document_id, e.partner_id, "period", section, f"{plan.name}の期間", plan.period, number, plan)


def _engagement_facts(e: Engagement) -> Iterator[Fact]:
    def fact(topic: str, section: str, label: str, text: str, index: int = 0, value: object = None) -> Fact:
        return Fact(e.document_id, e.partner_id, topic, section, label, text, index, value)

    if e.theme:
        yield fact("theme", "テーマ", "テーマ", e.theme)
    for number, project in enumerate(e.projects, start=1):
        yield fact("project_title", "連携して行う主なプロジェクト", project.title, project.title, number, project)
        yield fact("projects", "連携して行う主なプロジェクト", project.title, project.description, number, project)
    for sentence in split_sentences(e.promotion):
        yield fact("promotion", "プロジェクトの推進", "プロジェクトの推進", sentence)
    for number, plan in enumerate(e.plans, start=1):
        yield from _plan_facts(e, plan, number)
    for number, item in enumerate(e.cooperation_items, start=1):
        yield fact("cooperation", "主な連携・協力事項", f"({number})", item, number)
    if e.ceremony:
        yield from _ceremony_facts(e, e.ceremony)
    for section in e.sections:
        yield from _free_section_facts(section, e.document_id, e.partner_id)


def compile_facts(kb: KnowledgeBase) -> list[Fact]:
    facts: list[Fact] = []
    for document in kb.documents:
        facts += _document_facts(document)
        for engagement in document.engagements:
            facts += _engagement_facts(engagement)
    for term in kb.glossary:
        facts.append(
            Fact(
                kb.documents[0].id,
                term.partner_id,
                "glossary",
                "用語",
                term.term,
                f"{term.term}（{term.expansion}）",
                0,
                term,
            )
        )
    for event in kb.events:
        facts.append(
            Fact(
                event.document_id or kb.documents[0].id,
                event.partner_id,
                "event",
                event.title,
                "日時",
                f"{format_when(event)} {event.place}",
                0,
                event,
                None,
                event,
            )
        )
    return facts


# --- search -------------------------------------------------------------------------------------

CONFIDENT = 0.6
_MIN_WEIGHT = 2.0  # below this the question says too little to point at one fact
_CANDIDATE_FEATURES = 10


@dataclass(frozen=True)
class Hit:
    """A fact found for a question: `score` is the share of the question's weighted features it
    holds; `coverage` the share of those the knowledge base knows at all; `matched` their weight."""

    fact: Fact
    score: float
    coverage: float = 1.0
    matched: float = 0.0


class Names:
    """Partner names to blank out of a text, found by lookup at each position (one pass, whatever
    the number of names: 3,000 partners made a replace per name per fact the bulk of a build)."""

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.names = frozenset(n for n in names if len(n) >= 2)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)
        self.prefixes = frozenset(n[:2] for n in self.names)

    def blank(self, text: str) -> str:
        """The text with every name (leftmost, longest first) replaced by 「・」."""
        pieces, last = [], 0
        for index in range(len(text) - 1):
            if index < last or text[index : index + 2] not in self.prefixes:
                continue
            length = next((n for n in self.lengths if text[index : index + n] in self.names), 0)
            if length:
                pieces += [text[last:index], "・"]
                last = index + length
        return "".join(pieces) + text[last:] if pieces else text


def to_features(text: str, pieces: list[str] | None = None) -> set[str]:
    """A fact's features: key bigrams, single kanji, latin words and reading bigrams (r:).

    Partner names are left out of the readings: a question names its partner separately, and
    室蘭地域 read as ムロランチイキ must not answer 「ランチ」: `pieces` are the text between names
    (`Names.blank`)."""
    key = to_key(text)
    words = {f"w:{w}" for w in latin_words(text)}
    # Single kanji too, for one-character words (食, 農) that a question may name on their own.
    kanji = {char for char in key if has_kanji(char)}
    parts = pieces if pieces is not None else text.split("・")
    readings = {f"r:{b}" for part in parts for b in bigrams(reading_of(part))}
    return bigrams(key) | words | kanji | readings


def to_query_features(segment: str) -> set[str]:
    """A question segment's features: by its key when it has kanji, else by its reading, so that
    こうくううちゅう and koukuu uchuu meet 航空宇宙, and English words stay words."""
    key = to_key(segment)
    if not key:
        return set()
    if key.isascii():
        features: set[str] = set()
        for word in re.findall(r"[a-z0-9]+", key):
            kana = romaji_to_katakana(word)
            features |= {f"r:{b}" for b in bigrams(kana)} if len(kana) >= 3 else {f"w:{w}" for w in latin_words(word)}
        return features
    if has_kanji(key):
        # Okurigana change with the form (活かす / 活かした): the kanji stem is what to look for.
        stem = to_key(re.sub(r"[\u3041-\u3096]+$", "", clean(segment))) or key
        return bigrams(stem) | ({stem} if len(stem) == 1 else set())
    return {f"r:{b}" for b in bigrams(key)}


class FactIndex:
    def __init__(self, facts: list[Fact], names: tuple[str, ...] = ()) -> None:
        self.facts = facts
        blanked = Names(names)
        # The pieces between partner names, read once here and reused for the known readings.
        self.pieces = [blanked.blank(f"{f.label} {f.text}").split("・") for f in facts]
        self.features = [
            to_features(f"{f.label} {f.text}", pieces) for f, pieces in zip(facts, self.pieces, strict=True)
        ]
        postings: dict[str, list[int]] = defaultdict(list)
        for index, features in enumerate(self.features):
            for feature in features:
                postings[feature].append(index)
        self.postings = dict(postings)
        total = len(facts)
        self.idf = {f: math.log(1 + total / len(ids)) for f, ids in postings.items()}
        self.unknown_idf = math.log(1 + total)

    def weights(self, query: set[str]) -> dict[str, float]:
        return {f: self.idf.get(f, self.unknown_idf) for f in query}

    def search(self, query: set[str], *, partner_ids: tuple[str, ...] = (), limit: int = 5) -> list[Hit]:
        """The facts that best contain the question's features, best first."""
        weights = self.weights(query)
        total = sum(weights.values())
        if total < _MIN_WEIGHT:
            return []
        known = sorted((f for f in query if f in self.postings), key=lambda f: len(self.postings[f]))
        known_total = sum(weights[f] for f in known) or 1.0
        candidates = {i for f in known[:_CANDIDATE_FEATURES] for i in self.postings[f]}
        scored = []
        for index in candidates:
            if partner_ids and self.facts[index].partner_id not in partner_ids:
                continue
            matched = sum(w for f, w in weights.items() if f in self.features[index])
            scored.append((-matched, index))
        scored.sort()
        return [
            Hit(self.facts[index], -negative / total, -negative / known_total, -negative)
            for negative, index in scored[:limit]
        ]
