"""Adaptive Card (schema 1.5) rendering for Microsoft Teams: answers, help, the partner list,
the schedule, notices and ceremony reminders.

Every function is a pure function from bot values to card JSON (plain dicts), so the cards can be
checked against the Adaptive Card 1.5 JSON schema without a network. The content mirrors the
Slack rendering (handlers/slack/blocks.py): title, the question asked, notes, sections, the
ceremony status, choices, the source line and 👍 / 👎 under an answer.

Two safety rules hold for every function:
- Text never reaches a card unchanged: `to_card_text` turns the characters Teams' card markdown
  reacts to (`*`, `_`, `[`, `]`) into their full-width forms, so a question typed as
  `[here](https://…)` can never become a link in the bot's own card.
- Teams' limits are respected by truncating with "…" rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from bot.answering.answer import Answer, Section, to_text
from bot.commands.registry import (
    HelpView,
    Notice,
    PartnerRow,
    PartnersView,
    Reply,
    ReportView,
    ScheduleView,
    to_plain_line,
    to_status_mark,
)
from bot.knowledge.dates import format_when
from bot.language.messages import say
from bot.ops.insights import split_report
from bot.reminders.announcements import Announcement
from bot.reminders.delivery import ReminderMessage
from bot.reminders.due import format_offset
from bot.reminders.ical import CalendarLinks
from bot.reminders.schedule_view import format_countdown_from

Card = dict[str, Any]
Element = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
BOT_NAME = say("bot_name")

# Teams refuses a message over about 28 KB; these keep a card far below that.
MAX_TEXT_CHARS = 2000
MAX_BODY_ELEMENTS = 60
MAX_CHOICES = 6
MAX_FALLBACK_CHARS = 2000
ELLIPSIS = "…"

# The key every Action.Submit of ours carries in its data, and its values.
SUBMIT_KEY = "renkei"
CHOICE_ACTION = "choice"
FEEDBACK_ACTION = "feedback"
VOTED = say("voted")  # in Japanese; a card's own thank-you line follows the card's language

_MARKDOWN_TO_PLAIN = str.maketrans({"*": "＊", "_": "＿", "[": "［", "]": "］"})


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


# --- text and elements ---------------------------------------------------------------------------


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def to_card_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Text safe for a card: markdown's active characters made full-width, cut to `limit`."""
    return truncate(text.translate(_MARKDOWN_TO_PLAIN), limit) or " "


def to_text_block(text: str, *, weight: str | None = None, size: str | None = None, subtle: bool = False,
                  color: str | None = None, spacing: str | None = None, heading: bool = False) -> Element:
    block: Element = {"type": "TextBlock", "text": to_card_text(text), "wrap": True}
    if heading:
        block["style"] = "heading"
    optional = {"weight": weight, "size": size, "color": color, "spacing": spacing}
    block.update({key: value for key, value in optional.items() if value})
    if subtle:
        block["isSubtle"] = True
    return block


def to_paragraphs(text: str, **style: Any) -> list[Element]:
    """One TextBlock per line: how a line break renders in card markdown differs by client."""
    lines = [line for line in text.splitlines() if line.strip()]
    blocks = [to_text_block(line, **style) for line in lines]
    for block in blocks[1:]:
        block["spacing"] = "None"
    return blocks


def to_title(text: str) -> Element:
    return to_text_block(text or BOT_NAME, weight="Bolder", size="Medium", heading=True)


def to_small_note(text: str) -> Element:
    return to_text_block(text, size="Small", subtle=True)


def to_bullets(items: Iterable[str], language: str = "ja") -> list[Element]:
    blocks = [to_text_block(say("text_item", language, item=item), spacing="None") for item in items]
    if blocks:
        blocks[0].pop("spacing")
    return blocks


def to_fact_set(facts: Sequence[tuple[str, str]]) -> Element:
    return {"type": "FactSet",
            "facts": [{"title": to_card_text(title, 200), "value": to_card_text(value)} for title, value in facts]}


def to_submit(title: str, payload: SubmitPayload) -> Element:
    return {"type": "Action.Submit", "title": to_card_text(title, 80), "data": payload.to_data()}


def to_card(body: list[Element], actions: Sequence[Element] = (), *, fallback_text: str = "",
            language: str = "ja") -> Card:
    """A card; `lang` is the language of its own words (the documents' stay as written)."""
    card: Card = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA_URL, "version": CARD_VERSION, "lang": language,
                  "body": fit_elements(body, language=language)}
    if actions:
        card["actions"] = list(actions)
    if fallback_text:
        card["fallbackText"] = truncate(fallback_text, MAX_FALLBACK_CHARS)
    return card


def to_card_activity(card: Card) -> Activity:
    """A message activity carrying one card; `summary` is what notifications show."""
    activity = Activity(type=ActivityTypes.message, attachments=[Attachment(content_type=CARD_CONTENT_TYPE,
                                                                            content=card)])
    summary = truncate(str(card.get("fallbackText", "")).split("\n")[0], 200)
    if summary:
        activity.summary = summary
    return activity


def fit_elements(body: list[Element], limit: int = MAX_BODY_ELEMENTS, *, language: str = "ja") -> list[Element]:
    """At most `limit` elements, keeping the last (source) one and saying something was cut."""
    if len(body) <= limit:
        return body
    return [*body[: limit - 2], to_small_note(say("cut_short", language)), body[-1]]


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


def to_announcement_card(announcement: Announcement, links: CalendarLinks | None) -> Card:
    """A new memorandum (or a correction): partner, theme, main items, ceremonies with their
    countdown, what changed, questions to ask, the calendar, the source."""
    body = [to_title(f"📣 {announcement.title}")]
    facts = [("相手先", "、".join(announcement.partners))]
    facts += [("テーマ", theme) for theme in announcement.themes]
    body.append(to_fact_set(facts))
    if announcement.changes:
        body.append(to_text_block("変更点", weight="Bolder", spacing="Medium"))
        body += to_bullets(announcement.changes)
    if announcement.items:
        body.append(to_text_block("主な内容", weight="Bolder", spacing="Medium"))
        body += to_bullets(announcement.items)
    for ceremony in announcement.ceremonies:
        body.append(to_text_block(f"🗓️ {ceremony.title}", weight="Bolder", spacing="Medium"))
        body.append(to_fact_set([("日時", f"{ceremony.when}（{ceremony.countdown}）"), ("場所", ceremony.place)]))
    if announcement.questions:
        body.append({"type": "ActionSet", "actions": [
            to_submit(question, SubmitPayload(CHOICE_ACTION, question)) for question in announcement.questions
        ]})
    calendar = to_calendar_action_set(announcement.calendar_event_ids, links)
    if calendar:
        body.append(calendar)
    body.append(to_small_note(f"📄 {announcement.source}"))
    return to_card(body, fallback_text=announcement.fallback_text)


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


def to_notice_card(text: str, *, title: str = "") -> Card:
    """A short message (thanks, refusals, errors, command replies), one block per line."""
    body = ([to_title(title)] if title else []) + to_paragraphs(text)
    return to_card(body or [to_text_block(" ")], fallback_text=text)


# --- help, list, schedule ------------------------------------------------------------------------


def to_reply_card(reply: Reply) -> Card:
    """A command's neutral reply (bot/commands/registry.py) as a card."""
    if isinstance(reply, Notice):
        return to_notice_reply_card(reply)
    if isinstance(reply, HelpView):
        return to_help_card(reply)
    if isinstance(reply, ScheduleView):
        return to_schedule_card(reply)
    if isinstance(reply, ReportView):
        return to_report_card(reply.report, reply.language)
    return to_list_card(reply)


def to_notice_reply_card(notice: Notice) -> Card:
    """A command's notice: its title, then each paragraph's heading and lines, one block each."""
    lang = notice.language
    body = [to_title(notice.title)] if notice.title else []
    plain: list[str] = []
    for paragraph in notice.paragraphs:
        lines = [to_plain_line(line, unnamed=say("unnamed_member", lang)) for line in paragraph.lines]
        if paragraph.heading:
            body.append(to_text_block(paragraph.heading, weight="Bolder", spacing="Medium"))
        body += (to_bullets(lines, lang) if paragraph.bulleted
                 else [block for line in lines for block in to_paragraphs(line)])
        plain += [paragraph.heading, *lines]
    return to_card(body or [to_text_block(" ")], fallback_text="\n".join(line for line in plain if line),
                   language=lang)


def to_document_source(source: str, language: str = "ja") -> str:
    return say("source_line", language, source=source)


def to_help_card(view: HelpView) -> Card:
    """`help`: what the bot answers, examples, how to ask, and every text command, in the view's language."""
    lang = view.language
    usage = [
        say("teams_usage_personal", lang),
        say("teams_usage_channel", lang, example=view.examples[0]),
        *(f"{entry.synopsis}: {entry.description}" for entry in view.commands),
    ]
    title = say("help_title", lang, bot=say("bot_name", lang))
    body = [
        to_title(title),
        to_text_block(view.intro),
        to_text_block(say("help_topics", lang), weight="Bolder", spacing="Medium"), *to_bullets(view.topics, lang),
        to_text_block(say("help_examples", lang), weight="Bolder", spacing="Medium"),
        *to_bullets(view.examples, lang),
        to_text_block(say("help_usage", lang), weight="Bolder", spacing="Medium"), *to_bullets(usage, lang),
        to_small_note(to_document_source(view.source, lang)),
    ]
    return to_card(body, fallback_text=title, language=lang)


def to_list_card(view: PartnersView) -> Card:
    """`list`: the partners and their themes."""
    lang = view.language
    body = [
        to_title(say("list_title", lang)),
        to_fact_set([(partner.name, partner.theme) for partner in view.partners]),
        to_small_note(to_document_source(view.source, lang)),
    ]
    fallback = say("section_separator", lang).join(say("list_line", lang, name=p.name, theme=p.theme)
                                                   for p in view.partners)
    return to_card(body, fallback_text=fallback, language=lang)


def to_ceremony_facts(partners: Sequence[PartnerRow], language: str = "ja") -> list[tuple[str, str]]:
    facts = []
    for partner in partners:
        status = to_status_mark(partner.ceremony_status, language)
        facts.append((partner.name, f"{partner.ceremony_when} {partner.ceremony_place} — {status}"))
    return facts


def to_schedule_card(view: ScheduleView) -> Card:
    """`schedule`: upcoming events with their reminder times, and every ceremony's status."""
    lang = view.language
    body = [
        to_title(say("schedule_title", lang)),
        *to_paragraphs(view.text),
        to_text_block(say("schedule_ceremonies", lang), weight="Bolder", spacing="Medium"),
        to_fact_set(to_ceremony_facts(view.partners.partners, lang)),
    ]
    if view.announcements:
        body.append(to_text_block(say("announcements_heading", lang), weight="Bolder", spacing="Medium"))
        body += to_bullets(view.announcements, lang)
    body.append(to_small_note(to_document_source(view.partners.source, lang)))
    return to_card(body, fallback_text=view.text, language=lang)


# --- the maintainer's report ---------------------------------------------------------------------

# Report text per card: the SDK sends JSON with every non-ASCII character escaped (6 bytes each),
# and Teams refuses a message over about 28 KB.
MAX_REPORT_CHARS = 3000
MAX_REPORT_LINE_CHARS = 300
FULL_REPORT_COMMAND = "python app.py report"
FULL_REPORT_HINT = say("report_full", command=FULL_REPORT_COMMAND)


def to_report_card(report: str, language: str = "ja") -> Card:
    """`report` (admins only): what `python app.py report` prints, one block a line, cut to size."""
    title, lines = split_report(report)
    body, budget = [to_title(title)], MAX_REPORT_CHARS
    for line in (line for line in lines if line.strip()):
        if line.startswith("## "):
            element = to_text_block(line.removeprefix("## "), weight="Bolder", spacing="Medium")
        else:
            element = to_text_block(truncate(line, MAX_REPORT_LINE_CHARS), spacing="None")
        budget -= len(element["text"])
        if budget < 0 or len(body) >= MAX_BODY_ELEMENTS - 2:
            body.append(to_small_note(say("cut_short", language)))
            break
        body.append(element)
    body.append(to_small_note(say("report_full", language, command=FULL_REPORT_COMMAND)))
    return to_card(body, fallback_text=title, language=language)


# --- reminders -----------------------------------------------------------------------------------


def to_reminder_card(message: ReminderMessage) -> Card:
    """A ceremony reminder: what, when (weekday, countdown), where, who, and the source."""
    event = message.event
    countdown = format_countdown_from(event.starts_at, message.now)
    facts = [("日時", f"{format_when(event)}（{countdown}）"), ("場所", event.place or "未定")]
    attendees = "、".join(f"{a.role} {a.name}".strip() for a in event.attendees)
    if attendees:
        facts.append(("出席者", attendees))
    body = [
        to_title(f"⏰ {event.title}"),
        to_text_block(f"{event.title} まで{countdown}です。"),
        to_fact_set(facts),
        to_small_note(f"🔔 {format_offset(message.offset)}のリマインダー"),
    ]
    if message.late:
        body.append(to_text_block("⚠️ ボットの停止中に送信予定時刻を過ぎたため、遅れてお知らせしています。",
                                  size="Small", color="Warning"))
    body.append(to_small_note(f"📄 {message.source}"))
    return to_card(body, fallback_text=f"リマインダー: {event.title} — {format_when(event)}（{countdown}）")
