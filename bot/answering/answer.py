"""The platform-neutral reply of the engine, and its plain-text rendering.

Adapters turn an `Answer` into Block Kit, an Adaptive Card or console text; nothing here knows
about any platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.language.messages import Language, say
from bot.store.records import Choice, Conversation

# answer: facts from the documents; clarify: the bot asks back; fallback: not in the documents;
# smalltalk / help: a greeting, thanks, or how to use the bot.
Kind = Literal["answer", "clarify", "fallback", "smalltalk", "help"]


@dataclass(frozen=True)
class Section:
    """One labelled part of an answer: a paragraph, a list, or both."""

    label: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """One document an answer draws on, the section, and the report it came through if secondary."""

    document: str
    date: str
    section: str = ""
    secondary: str = ""

    def to_text(self, language: str = "ja") -> str:
        parts = [self.document, self.date]
        if self.section:
            parts.append(self.section)
        text = " / ".join(parts)
        return text + say("secondary_source", language, report=self.secondary) if self.secondary else text


@dataclass(frozen=True)
class Source:
    """Where an answer's facts come from: every document it draws on, in order."""

    citations: tuple[Citation, ...]

    def to_text(self, language: str = "ja") -> str:
        citations = say("source_separator", language).join(c.to_text(language) for c in self.citations)
        return say("source", language) + citations

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(c.section for c in self.citations)


@dataclass(frozen=True)
class EventStatus:
    """Whether a ceremony or event is upcoming or already held, relative to the asking time."""

    event_id: str
    start: datetime
    held: bool
    label: str


@dataclass(frozen=True)
class Answer:
    kind: Kind
    confidence: float
    title: str
    sections: tuple[Section, ...] = ()
    source: Source | None = None
    suggestions: tuple[Choice, ...] = ()
    statuses: tuple[EventStatus, ...] = ()
    notes: tuple[str, ...] = ()
    topic_id: str | None = None
    partner_ids: tuple[str, ...] = ()
    conversation: Conversation = field(default_factory=Conversation)
    # Actions offered under the answer (bot/answering/actions.py): the events still ahead that it is
    # about, each with 「カレンダーに追加」.
    calendar_event_ids: tuple[str, ...] = ()
    # The language of the bot's own words in it (the question's); the facts stay as written.
    language: Language = "ja"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (used by `ask --json` and the logs)."""
        return {
            "kind": self.kind,
            "confidence": round(self.confidence, 3),
            "title": self.title,
            "text": to_text(self),
            "topic": self.topic_id,
            "partners": list(self.partner_ids),
            "sections": [{"label": s.label, "text": s.text, "items": list(s.items)} for s in self.sections],
            "notes": list(self.notes),
            "suggestions": [{"label": c.label, "question": c.question} for c in self.suggestions],
            "source": self.source.to_text(self.language) if self.source else None,
            "status": [s.label for s in self.statuses],
            "calendar": list(self.calendar_event_ids),
            "language": self.language,
        }


def body_of(answer: Answer) -> str:
    """What the answer says: title, notes and sections (not the choices, not the source line)."""
    parts = [answer.title, *answer.notes]
    for section in answer.sections:
        parts += [section.label, section.text, *section.items]
    return "\n".join(p for p in parts if p)


def to_text(answer: Answer, *, numbered_choices: bool = False) -> str:
    """Render an answer as readable plain text, every section and choice included."""
    language = answer.language
    lines = [answer.title]
    lines.extend(say("text_note", language, note=note) for note in answer.notes)
    for section in answer.sections:
        lines.append("")
        lines.append(say("text_label", language, label=section.label) if section.label else "")
        if section.text:
            lines.append(section.text)
        lines.extend(say("text_item", language, item=item) for item in section.items)
    lines.extend(f"● {status.label}" for status in answer.statuses)
    if answer.suggestions:
        lines.append("")
        lines.append(say("choices" if answer.kind == "clarify" else "related_questions", language))
        for index, choice in enumerate(answer.suggestions, start=1):
            marker = f"{index}." if numbered_choices else "-"
            lines.append(f"  {marker} {choice.label}")
    if answer.source:
        lines.append("")
        lines.append(answer.source.to_text(language))
    return "\n".join(line for line in _drop_blank_labels(lines))


def _drop_blank_labels(lines: list[str]) -> list[str]:
    # A section without a label leaves an empty placeholder line; keep a single blank instead.
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out
