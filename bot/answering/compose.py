"""Turning facts into the parts of an `Answer`: sections, citations, titles and short statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.answering.answer import Citation, Section, Source
from bot.answering.help import to_names
from bot.knowledge.dates import format_when
from bot.knowledge.facts import Fact
from bot.knowledge.model import Event, KnowledgeBase, Partner, Plan, SourceRef
from bot.language.messages import say, to_label


def to_secondary(ref: SourceRef | None, language: str = "ja") -> str:
    if ref is None or not ref.secondary:
        return ""
    when = ref.date.isoformat() if ref.date else ""
    publisher = ref.publisher or say("secondary_report", language)
    return say("section_separator", language).join(x for x in (publisher, when) if x)


class Composer:
    """Builds answer parts over one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def owner(self, fact: Fact, language: str = "ja") -> str:
        if fact.partner_id:
            return self.kb.partner(fact.partner_id).name_in(language)
        return self.kb.document_by_id(fact.document_id).issuer

    def place_of(self, fact: Fact, language: str = "ja") -> str:
        """「室蘭市 › 主な連携・協力事項」: whose and which section."""
        return f"{self.owner(fact, language)} › {to_label(fact.section, language)}"

    def cite(self, facts: Iterable[Fact], language: str = "ja") -> Source | None:
        citations: dict[tuple[str, str, str], Citation] = {}
        for fact in facts:
            document = self.kb.document_by_id(fact.document_id)
            where = self.place_of(fact, language) if fact.partner_id else to_label(fact.section, language)
            secondary = to_secondary(fact.source, language)
            key = (document.id, where, secondary)
            if key not in citations:
                citations[key] = Citation(document.full_title, document.date.isoformat(), where, secondary)
        merged = _merge_sections(list(citations.values()), language)
        return Source(tuple(merged)) if merged else None

    def cite_documents(self, document_ids: Iterable[str], section: str = "", language: str = "ja") -> Source:
        documents = [self.kb.document_by_id(d) for d in dict.fromkeys(document_ids)]
        section = to_label(section, language)
        return Source(tuple(Citation(d.full_title, d.date.isoformat(), section) for d in documents))

    def cite_events(self, events: Iterable[Event], language: str = "ja") -> Source:
        citations: dict[str, list[str]] = {}
        for event in events:
            document = self.kb.document_of(event)
            owner = self.kb.partner(event.partner_id).name_in(language) if event.partner_id else ""
            citations.setdefault(document.id, []).append(owner)
        joiner = ", " if language == "en" else "・"
        return Source(
            tuple(
                Citation(
                    self.kb.document_by_id(d).full_title,
                    self.kb.document_by_id(d).date.isoformat(),
                    joiner.join(o for o in owners if o) + " › " + to_label("覚書締結式", language),
                )
                for d, owners in citations.items()
            )
        )

    def event_title(self, event: Event, language: str = "ja") -> str:
        """「北見市との覚書締結式」 as the data titles it; "the signing ceremony with Kitami" in English."""
        if language != "en" or not event.partner_id:
            return event.title
        return say("ceremony_with", language, partner=self.kb.partner(event.partner_id).name_in(language))

    def fact_sections(
        self, facts: Sequence[Fact], *, with_owner: bool = True, language: str = "ja"
    ) -> tuple[Section, ...]:
        """One section per (owner, section, label) group, in the facts' order; a fact is shown once, and
        a heading is not repeated as its first item (a project's title)."""
        groups: dict[tuple[str | None, str, str, str], list[Fact]] = {}
        shown: set[tuple[str | None, str, str, str, str]] = set()
        for fact in facts:
            seen = (fact.partner_id, fact.document_id, fact.section, fact.label, fact.text)
            if seen not in shown:
                shown.add(seen)
                key = (fact.partner_id, fact.document_id, fact.section, _group_label(fact))
                groups.setdefault(key, []).append(fact)
        sections = []
        for (_, _, _, label), group in groups.items():
            if len(group) > 1:
                group = [f for f in group if f.text != label] or group
            first = group[0]
            shown_label = _label_in(first, label, language)
            heading = f"{self.owner(first, language)} › {shown_label}" if with_owner else shown_label
            if len(group) == 1 and not _is_listed(first):
                sections.append(Section(heading, text=to_item(first, language, listed=False)))
            else:
                sections.append(Section(heading, items=tuple(to_item(f, language) for f in group)))
        return tuple(sections)

    def event_owner(self, event: Event, language: str = "ja") -> str:
        """Whose ceremony: the partner's name (romaji added in English), or the event's own title."""
        return self.kb.partner(event.partner_id).name_in(language) if event.partner_id else event.title

    def event_line(self, event: Event, language: str = "ja") -> str:
        """「室蘭市: 2020年1月31日（金） 11:00～11:30 室蘭市役所 2階3号会議室」: the date, time and place
        as the documents write them, in every language."""
        return f"{self.event_owner(event, language)}: {format_when(event)} {event.place}"

    def names(self, partner_ids: Sequence[str], language: str = "ja") -> str:
        return to_names([self.kb.partner(pid) for pid in partner_ids], language=language)

    def partner(self, partner_id: str) -> Partner:
        return self.kb.partner(partner_id)


def _group_label(fact: Fact) -> str:
    if fact.topic in ("projects", "project_title"):
        return fact.label
    if fact.topic.startswith("contact"):
        return fact.section
    if fact.label.startswith("(") or fact.topic in ("ceremony_who", "plans", "cooperation"):
        return fact.section if fact.topic != "ceremony_who" else "締結式の出席者"
    if fact.topic in ("ceremony_when", "ceremony_where", "address"):
        return f"締結式の{fact.label}"
    return fact.label if fact.label != fact.section else fact.section


def _label_in(fact: Fact, label: str, language: str) -> str:
    """A group's label in `language`; a plan's period is labelled by the plan's name (「室蘭市総合計画の期間」)."""
    if fact.topic == "period" and isinstance(fact.value, Plan) and label == fact.label:
        return say("plan_period", language, plan=fact.value.name)
    return to_label(label, language)


def _is_listed(fact: Fact) -> bool:
    return fact.label.startswith("(") or fact.topic in ("ceremony_who", "plans")


def to_item(fact: Fact, language: str = "ja", *, listed: bool = True) -> str:
    """A fact as a list item (or, `listed=False`, as a section's text): its text as the documents
    write it (dates included), its label in `language`."""
    text = fact.text
    if not listed:
        return text
    if fact.label.startswith("("):
        return f"{fact.label} {text}"
    if fact.topic.startswith("contact"):
        separator = ": " if language == "en" else "："
        return f"{to_label(fact.label, language)}{separator}{text}"
    return text


def _merge_sections(citations: list[Citation], language: str = "ja") -> list[Citation]:
    """One citation per document and secondary source, listing the sections it was drawn from."""
    merged: dict[tuple[str, str, str], list[str]] = {}
    for c in citations:
        merged.setdefault((c.document, c.date, c.secondary), []).append(c.section)
    separator = say("section_separator", language)
    return [
        Citation(document, day, separator.join(dict.fromkeys(s for s in sections if s)), secondary)
        for (document, day, secondary), sections in merged.items()
    ]

