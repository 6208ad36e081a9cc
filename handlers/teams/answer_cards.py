"""Adaptive Card rendering of an answer for Microsoft Teams: the `Answer` as a card, its buttons
(choices, 👍 / 👎, the calendar) and what they send back when pressed, and the thank-you line a
vote leaves. Built on cards.py, so its safety rules hold here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.answering.answer import Answer, Section, to_text
from bot.language.messages import say
from bot.reminders.ical import CalendarLinks
from handlers.teams.cards import (
    Card,
    Element,
    to_bullets,
    to_card,
    to_card_text,
    to_fact_set,
    to_paragraphs,
    to_small_note,
    to_text_block,
    to_title,
)

MAX_CHOICES = 6

# The key every Action.Submit of ours carries in its data, and its values.
SUBMIT_KEY = "renkei"
CHOICE_ACTION = "choice"
FEEDBACK_ACTION = "feedback"
VOTED = say("voted")  # in Japanese; a card's own thank-you line follows the card's language


@dataclass(frozen=True)
class SubmitPayload:
    """What a card button sends back when pressed (Teams merges `data` into activity.value)."""

    action: str
    question: str
    helpful: bool = False
    kind: str = ""
    topic_id: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {SUBMIT_KEY: self.action, "q": self.question}
        if self.action == FEEDBACK_ACTION:
            data.update({"helpful": self.helpful, "k": self.kind, "t": self.topic_id})
        elif self.kind:
            data["k"] = self.kind  # a clarification's choice: its card may be replaced by the answer
        return data

    @classmethod
    def from_value(cls, value: object) -> SubmitPayload:
        """Parse activity.value; raise ValueError if it is not one of our buttons."""
        if not isinstance(value, Mapping):
            raise ValueError("not a Renkei Bot card action")
        action, question = value.get(SUBMIT_KEY), value.get("q")
        if action not in (CHOICE_ACTION, FEEDBACK_ACTION) or not isinstance(question, str):
            raise ValueError("not a Renkei Bot card action")
        topic = value.get("t")
        return cls(
            action=action,
            question=question,
            helpful=value.get("helpful") is True,
            kind=str(value.get("k") or ""),
            topic_id=topic if isinstance(topic, str) else None,
        )


@dataclass(frozen=True)
class CardOptions:
    """How an answer is shown: the question it answers, and whether 👍 / 👎 go under it."""

    question: str
    feedback_buttons: bool = True
    calendar_links: CalendarLinks | None = None


def to_submit(title: str, payload: SubmitPayload) -> Element:
    return {"type": "Action.Submit", "title": to_card_text(title, 80), "data": payload.to_data()}


# --- answers -------------------------------------------------------------------------------------


def to_answer_card(answer: Answer, options: CardOptions) -> Card:
    """An engine answer: title, question, notes, sections, status, choices, source, 👍 / 👎 — the
    bot's own words in the answer's language."""
    language = answer.language
    body = [to_title(answer.title), to_small_note(say("asked_question", language, question=options.question))]
    body += [to_text_block(say("text_note", language, note=note), size="Small", color="Warning")
             for note in answer.notes]
    for section in answer.sections:
        body += to_section_elements(section, language)
    if answer.statuses:
        body.append(to_fact_set([(say("status_fact", language), status.label) for status in answer.statuses]))
    calendar = to_calendar_action_set(answer.calendar_event_ids, options.calendar_links, language)
    if calendar:
        body.append(calendar)
    if answer.suggestions:
        heading = say("clarify_heading" if answer.kind == "clarify" else "related_questions", language)
        body.append(to_text_block(heading, weight="Bolder", spacing="Medium"))
        body.append({"type": "ActionSet", "actions": [
            to_submit(choice.label, SubmitPayload(CHOICE_ACTION, choice.question, kind=answer.kind))
            for choice in answer.suggestions[:MAX_CHOICES]
        ]})
    if answer.source:
        body.append(to_small_note(f"📄 {answer.source.to_text(language)}"))
    return to_card(body, to_feedback_actions(answer, options), fallback_text=to_text(answer), language=language)


CALENDAR_LABEL = say("calendar_add")


def to_calendar_action_set(event_ids: Sequence[str], links: CalendarLinks | None,
                           language: str = "ja") -> Element | None:
    """「カレンダーに追加」: an Action.OpenUrl per event to its .ics (in the body, so a vote that
    removes the card's actions keeps them); none without PUBLIC_BASE_URL."""
    if links is None or not event_ids:
        return None
    actions = [{"type": "Action.OpenUrl", "title": say("calendar_add", language) if len(event_ids) == 1 else
                say("calendar_add_nth", language, number=str(index + 1)), "url": links.event_url(event_id)}
               for index, event_id in enumerate(event_ids)]
    return {"type": "ActionSet", "actions": actions}



def to_section_elements(section: Section, language: str = "ja") -> list[Element]:
    elements: list[Element] = []
    if section.label:
        elements.append(to_text_block(section.label, weight="Bolder", spacing="Medium"))
    if section.text:
        elements += to_paragraphs(section.text, spacing="Small")
    elements += to_bullets(section.items, language)
    return elements


def to_feedback_actions(answer: Answer, options: CardOptions) -> list[Element]:
    if not options.feedback_buttons or answer.kind == "clarify":
        return []
    vote = SubmitPayload(FEEDBACK_ACTION, options.question, kind=answer.kind, topic_id=answer.topic_id)
    return [
        to_submit(say("vote_up", answer.language), replace(vote, helpful=True)),
        to_submit(say("vote_down", answer.language), vote),
    ]


def to_voted_card(card: Card) -> Card:
    """The card a vote came from, its 👍 / 👎 replaced by a short thank-you line in the card's language."""
    voted = {key: value for key, value in card.items() if key != "actions"}
    voted["body"] = [*card.get("body", []), to_small_note(say("voted", str(card.get("lang") or "ja")))]
    return voted
