"""Turning facts into the parts of an `Answer`: sections, citations, titles and short statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.answering.answer import Citation, Section, Source
from bot.answering.help import to_names
from bot.knowledge.dates import format_when
from bot.knowledge.facts import Fact
from bot.knowledge.model import Event, KnowledgeBase, Partner, SourceRef


def to_secondary(ref: SourceRef | None) -> str:
    if ref is None or not ref.secondary:
        return ""
    when = ref.date.isoformat() if ref.date else ""
    return "、".join(x for x in (ref.publisher or "報道", when) if x)


class Composer:
    """Builds answer parts over one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def owner(self, fact: Fact) -> str:
        if fact.partner_id:
            return self.kb.partner(fact.partner_id).name
        return self.kb.document_by_id(fact.document_id).issuer

    def place_of(self, fact: Fact) -> str:
        """「室蘭市 › 主な連携・協力事項」: whose and which section."""
        return f"{self.owner(fact)} › {fact.section}"

    def cite(self, facts: Iterable[Fact]) -> Source | None:
        citations: dict[tuple[str, str, str], Citation] = {}
        for fact in facts:
            document = self.kb.document_by_id(fact.document_id)
            where = f"{self.kb.partner(fact.partner_id).name} › {fact.section}" if fact.partner_id else fact.section
            secondary = to_secondary(fact.source)
            key = (document.id, where, secondary)
            if key not in citations:
                citations[key] = Citation(document.full_title, document.date.isoformat(), where, secondary)
        merged = _merge_sections(list(citations.values()))
        return Source(tuple(merged)) if merged else None

    def cite_documents(self, document_ids: Iterable[str], section: str = "") -> Source:
        documents = [self.kb.document_by_id(d) for d in dict.fromkeys(document_ids)]
        return Source(tuple(Citation(d.full_title, d.date.isoformat(), section) for d in documents))

    def cite_events(self, events: Iterable[Event]) -> Source:
        citations: dict[str, list[str]] = {}
        for event in events:
            document = self.kb.document_of(event)
            owner = self.kb.partner(event.partner_id).name if event.partner_id else ""
            citations.setdefault(document.id, []).append(owner)
        return Source(
            tuple(
                Citation(
                    self.kb.document_by_id(d).full_title,
                    self.kb.document_by_id(d).date.isoformat(),
                    "・".join(o for o in owners if o) + " › 覚書締結式",
                )
                for d, owners in citations.items()
            )
        )

    def fact_sections(self, facts: Sequence[Fact], *, with_owner: bool = True) -> tuple[Section, ...]:
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
            heading = f"{self.owner(first)} › {label}" if with_owner else label
            if len(group) == 1 and not _is_listed(first):
                sections.append(Section(heading, text=first.text))
            else:
                sections.append(Section(heading, items=tuple(to_item(f) for f in group)))
        return tuple(sections)

    def event_line(self, event: Event) -> str:
        owner = self.kb.partner(event.partner_id).name if event.partner_id else event.title
        return f"{owner}: {format_when(event)} {event.place}"

    def names(self, partner_ids: Sequence[str]) -> str:
        return to_names([self.kb.partner(pid) for pid in partner_ids])

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


def _is_listed(fact: Fact) -> bool:
    return fact.label.startswith("(") or fact.topic in ("ceremony_who", "plans")


def to_item(fact: Fact) -> str:
    if fact.label.startswith("("):
        return f"{fact.label} {fact.text}"
    if fact.topic.startswith("contact"):
        return f"{fact.label}：{fact.text}"
    return fact.text


def _merge_sections(citations: list[Citation]) -> list[Citation]:
    """One citation per document and secondary source, listing the sections it was drawn from."""
    merged: dict[tuple[str, str, str], list[str]] = {}
    for c in citations:
        merged.setdefault((c.document, c.date, c.secondary), []).append(c.section)
    return [
        Citation(document, day, "、".join(dict.fromkeys(s for s in sections if s)), secondary)
        for (document, day, secondary), sections in merged.items()
    ]

