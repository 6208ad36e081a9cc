"""Block Kit rendering of an answer for Slack: the `Answer` as a message, its buttons (choices,
👍 / 👎, share, calendar) and what they carry back when pressed, its context lines, and the
thank-you line a vote leaves. Built on blocks.py, so its two safety rules hold here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.answering.answer import Answer, Section, Source
from bot.language.messages import LANGUAGES, say
from bot.reminders.ical import CalendarLinks
from handlers.slack.blocks import (
    MAX_BUTTON_VALUE_CHARS,
    MAX_BUTTONS,
    MAX_FALLBACK_CHARS,
    MAX_FIELD_CHARS,
    MAX_FIELDS,
    MAX_MESSAGE_BLOCKS,
    Block,
    Message,
    escape_mrkdwn,
    fit_blocks,
    to_bullets,
    to_button,
    to_context,
    to_header,
    to_mrkdwn,
    to_section,
    truncate,
    unescape_mrkdwn,
)

# Items this short, and no more than MAX_FIELDS of them, read well as a two-column grid.
MAX_FIELD_ITEM_CHARS = 24

CHOICE_ACTION_PREFIX = "renkei_choice_"
FEEDBACK_UP_ACTION = "renkei_feedback_up"
FEEDBACK_DOWN_ACTION = "renkei_feedback_down"
SHARE_ACTION = "renkei_share"
FEEDBACK_BLOCK_ID = "renkei_feedback"
CHOICES_BLOCK_ID = "renkei_choices"
CALENDAR_ACTION_PREFIX = "renkei_calendar_"
CALENDAR_BLOCK_ID = "renkei_calendar"
CALENDAR_LABEL = say("calendar_add")
MAX_URL_CHARS = 3000

# The Japanese words, for tests and callers without an answer (each follows the answer's language).
SHARE_LABEL = say("share")
VOTED = say("voted")


@dataclass(frozen=True)
class ButtonPayload:
    """What an answer's buttons carry back to the app when pressed.

    The question is stored escaped so a payload never holds a raw `<!channel>`; `from_value`
    undoes the escaping exactly.
    """

    question: str
    conversation_id: str
    kind: str = ""
    topic_id: str | None = None
    language: str = "ja"  # of the answer the button is under: its thank-you line follows it

    def to_value(self) -> str:
        fixed: dict[str, str | None] = {"c": self.conversation_id, "k": self.kind, "t": self.topic_id}
        if self.language != "ja":  # Japanese buttons carry no language, as before there were others
            fixed["l"] = self.language
        room = MAX_BUTTON_VALUE_CHARS - len(json.dumps({**fixed, "q": ""}, ensure_ascii=False))
        question = truncate(escape_mrkdwn(self.question), room)
        return json.dumps({"q": question, **fixed}, ensure_ascii=False)

    @classmethod
    def from_value(cls, value: str) -> ButtonPayload:
        """Parse a button value; raise ValueError if it is not one of ours."""
        try:
            data = json.loads(value)
        except (json.JSONDecodeError, RecursionError):  # "[[[[…" nests past the parser's limit
            raise ValueError("not a Renkei Bot button value") from None
        if not isinstance(data, dict) or not isinstance(data.get("q"), str) or not isinstance(data.get("c"), str):
            raise ValueError("not a Renkei Bot button value")
        topic, language = data.get("t"), data.get("l")
        return cls(
            question=unescape_mrkdwn(data["q"]),
            conversation_id=data["c"],
            kind=str(data.get("k") or ""),
            topic_id=topic if isinstance(topic, str) else None,
            language=language if language in LANGUAGES else "ja",
        )


@dataclass(frozen=True)
class CalendarOptions:
    """How 「カレンダーに追加」 works here: a link to the event's .ics (PUBLIC_BASE_URL set), or a
    button whose press uploads the file to the conversation; neither: no button."""

    links: CalendarLinks | None = None
    upload: bool = False


@dataclass(frozen=True)
class AnswerOptions:
    """How an answer is shown: the question it answers and which buttons go under it."""

    question: str
    conversation_id: str
    share_button: bool = False
    feedback_buttons: bool = True
    calendar: CalendarOptions = field(default_factory=CalendarOptions)



def to_answer_message(answer: Answer, options: AnswerOptions) -> Message:
    """An engine answer as a Slack message: header, sections, status, source, buttons — the bot's
    own words in the answer's language."""
    language = answer.language
    head = [to_header(answer.title),
            to_context(say("asked_question", language, question=escape_mrkdwn(options.question)))]
    if answer.notes:
        head.append(to_context(*(say("text_note", language, note=escape_mrkdwn(note)) for note in answer.notes)))
    body = [block for section in answer.sections for block in to_section_blocks(section)]
    return Message(text=to_fallback_text(answer), blocks=fit_blocks(head, body, to_answer_tail(answer, options),
                                                                     MAX_MESSAGE_BLOCKS, language))


def to_answer_tail(answer: Answer, options: AnswerOptions) -> list[Block]:
    tail: list[Block] = []
    language = answer.language
    if answer.statuses:
        tail.append(to_context(*(f"🗓️ {escape_mrkdwn(status.label)}" for status in answer.statuses)))
    if answer.suggestions:
        heading = say("clarify_heading" if answer.kind == "clarify" else "related_questions", language)
        tail.append(to_context(heading))
        tail.append(to_choice_buttons(answer, options.conversation_id))
    if answer.source:
        tail.append(to_context(to_source_text(answer.source, language)))
    calendar = to_calendar_actions(answer.calendar_event_ids, options.calendar, language)
    if calendar:
        tail.append(calendar)
    buttons = to_answer_buttons(answer, options)
    if buttons:
        tail.append({"type": "actions", "block_id": FEEDBACK_BLOCK_ID, "elements": buttons})
    return tail


def to_calendar_actions(event_ids: Sequence[str], options: CalendarOptions, language: str = "ja") -> Block | None:
    """「カレンダーに追加」 for each event: a link button, or a button that uploads the file. The block's
    id carries a language other than Japanese, for the words of the file uploaded on a press."""
    if not event_ids or (options.links is None and not options.upload):
        return None
    buttons = []
    for index, event_id in enumerate(event_ids[:MAX_BUTTONS]):
        label = (say("calendar_add", language) if len(event_ids) == 1
                 else say("calendar_add_nth", language, number=str(index + 1)))
        button = to_button(label, f"{CALENDAR_ACTION_PREFIX}{index}", event_id)
        if options.links is not None:
            button["url"] = truncate(options.links.event_url(event_id), MAX_URL_CHARS)
        buttons.append(button)
    return {"type": "actions", "block_id": to_calendar_block_id(language), "elements": buttons}


def to_calendar_block_id(language: str) -> str:
    return CALENDAR_BLOCK_ID if language == "ja" else f"{CALENDAR_BLOCK_ID}_{language}"


def to_calendar_language(block_id: str) -> str:
    """The language of the answer a calendar button was under, from its block's id."""
    language = block_id.removeprefix(f"{CALENDAR_BLOCK_ID}_")
    return language if language in LANGUAGES else "ja"


def to_section_blocks(section: Section) -> list[Block]:
    label = f"*{escape_mrkdwn(section.label)}*" if section.label else ""
    use_fields = 2 <= len(section.items) <= MAX_FIELDS and all(
        len(item) <= MAX_FIELD_ITEM_CHARS for item in section.items
    )
    lines = [part for part in (label, escape_mrkdwn(section.text)) if part]
    if section.items and not use_fields:
        lines.append(to_bullets(section.items))
    block = to_section("\n".join(lines))
    if use_fields:
        block["fields"] = [to_mrkdwn(f"• {escape_mrkdwn(item)}", MAX_FIELD_CHARS) for item in section.items]
    return [block]


def to_choice_buttons(answer: Answer, conversation_id: str) -> Block:
    buttons = [
        to_button(choice.label, f"{CHOICE_ACTION_PREFIX}{index}",
                  ButtonPayload(choice.question, conversation_id, to_choice_kind(answer),
                                language=answer.language).to_value())
        for index, choice in enumerate(answer.suggestions[:MAX_BUTTONS])
    ]
    return {"type": "actions", "block_id": CHOICES_BLOCK_ID, "elements": buttons}


def to_choice_kind(answer: Answer) -> str:
    """A clarification's choices say so: their answer may replace the question (it asked one person)."""
    return answer.kind if answer.kind == "clarify" else ""


def to_voted_blocks(blocks: Sequence[Block]) -> list[Block]:
    """A message's blocks with its 👍 / 👎 turned into a thank-you line, in the answer's language."""
    return [to_context(say("voted", to_buttons_language(block))) if block.get("block_id") == FEEDBACK_BLOCK_ID
            else dict(block) for block in blocks]


def to_buttons_language(block: Block) -> str:
    """The language an actions block's buttons carry (Japanese when they carry none)."""
    for element in block.get("elements") or []:
        try:
            return ButtonPayload.from_value(str(element.get("value", ""))).language
        except ValueError:
            continue
    return "ja"


def to_answer_buttons(answer: Answer, options: AnswerOptions) -> list[Block]:
    language = answer.language
    payload = ButtonPayload(options.question, options.conversation_id, answer.kind, answer.topic_id,
                            language).to_value()
    buttons: list[Block] = []
    if options.feedback_buttons and answer.kind != "clarify":
        buttons.append(to_button(say("vote_up", language), FEEDBACK_UP_ACTION, payload))
        buttons.append(to_button(say("vote_down", language), FEEDBACK_DOWN_ACTION, payload))
    if options.share_button:
        buttons.append(to_button(say("share", language), SHARE_ACTION, payload, style="primary"))
    return buttons


def to_source_text(source: Source, language: str = "ja") -> str:
    return f"📄 {escape_mrkdwn(source.to_text(language))}"


def to_fallback_text(answer: Answer) -> str:
    """The notification text: the title and the first section, escaped."""
    first = answer.sections[0] if answer.sections else None
    parts = [answer.title]
    if first is not None:
        parts.append(first.text or say("section_separator", answer.language).join(first.items))
    return truncate(escape_mrkdwn("\n".join(part for part in parts if part)), MAX_FALLBACK_CHARS)

