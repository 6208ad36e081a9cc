"""Block Kit rendering for Slack: answers, command replies (help, list, schedule, notices, the
report) and the App Home tab.

Everything here is a pure function from bot values to Slack JSON (plain dicts), so it can be
tested without a network and every payload can be checked against `slack_sdk.models.blocks`.

Two safety rules hold for every function:
- Text that may contain user input goes into mrkdwn only through `escape_mrkdwn`, and into
  plain_text only through `to_plain_text`, so `<!channel>` or `<@U123>` typed by a user never
  becomes a live mention.
- Slack's Block Kit limits are respected by truncating with "…" (`truncate`) rather than failing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.answering.answer import Answer, Section, Source
from bot.commands.registry import (
    Code,
    HelpView,
    Inline,
    Mention,
    Notice,
    Paragraph,
    PartnerRow,
    PartnersView,
    Reply,
    ReportView,
    ScheduleView,
    Typed,
    to_status_mark,
)
from bot.language.messages import LANGUAGES, say
from bot.ops.insights import split_report
from bot.reminders.ical import CalendarLinks

Block = dict[str, Any]

# Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_TEXT_CHARS = 3000
MAX_FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_HEADER_CHARS = 150
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_BUTTONS = 25
# The fallback `text` of a message is shown in notifications; keep it short.
MAX_FALLBACK_CHARS = 3000
# Items this short, and no more than MAX_FIELDS of them, read well as a two-column grid.
MAX_FIELD_ITEM_CHARS = 24
ELLIPSIS = "…"

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
BOT_NAME = say("bot_name")


@dataclass(frozen=True)
class Message:
    """A Slack message: the notification/fallback `text` and the Block Kit `blocks`."""

    text: str
    blocks: list[Block]


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


# --- text helpers --------------------------------------------------------------------------------


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's three control characters so user text renders literally in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_mrkdwn(text: str) -> str:
    """Undo `escape_mrkdwn` (and Slack's own escaping of incoming message text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain_text(text: str) -> str:
    # plain_text is never parsed for mentions, but whether Slack decodes entities there is not
    # documented; full-width brackets read the same and can never form a control sequence.
    return text.replace("<", "＜").replace(">", "＞")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when something was cut.

    Never cuts an entity of escaped text in half ("&am…" would leave a raw "&" in mrkdwn).
    """
    if len(text) <= limit:
        return text
    head = text[: max(limit - len(ELLIPSIS), 0)]
    ampersand = head.rfind("&", len(head) - len("&amp;") + 1)
    if ampersand != -1 and ";" not in head[ampersand:]:
        head = head[:ampersand]
    return head + ELLIPSIS


def to_mrkdwn(text: str, limit: int = MAX_TEXT_CHARS) -> Block:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def to_plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(to_plain_text(text), limit) or " ", "emoji": True}


def to_header(text: str) -> Block:
    return {"type": "header", "text": to_plain(text or BOT_NAME, MAX_HEADER_CHARS)}


def to_section(markdown: str) -> Block:
    return {"type": "section", "text": to_mrkdwn(markdown)}


def to_context(*markdown: str) -> Block:
    # Context blocks hold at most 10 elements; one element with line breaks is enough here.
    return {"type": "context", "elements": [to_mrkdwn("\n".join(markdown))]}


def to_button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {"type": "button", "text": to_plain(text, MAX_BUTTON_TEXT_CHARS), "action_id": action_id,
                     "value": truncate(value, MAX_BUTTON_VALUE_CHARS)}
    if style:
        button["style"] = style
    return button


def to_bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {escape_mrkdwn(item)}" for item in items)


def fit_blocks(head: list[Block], body: list[Block], tail: list[Block], limit: int,
               language: str = "ja") -> list[Block]:
    """head + body + tail within `limit` blocks, cutting the body and saying so."""
    if len(head) + len(body) + len(tail) <= limit:
        return head + body + tail
    room = max(limit - len(head) - len(tail) - 1, 0)
    return head + body[:room] + [to_context(say("cut_short", language))] + tail


# --- answers -------------------------------------------------------------------------------------


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


def to_notice_message(text: str) -> Message:
    """A one-paragraph message (refusals, errors, thanks)."""
    return Message(text=truncate(escape_mrkdwn(text), MAX_FALLBACK_CHARS), blocks=[to_section(escape_mrkdwn(text))])


# --- command replies ----------------------------------------------------------------------------


def to_reply_message(reply: Reply, command: str) -> Message:
    """A command's neutral reply (bot/commands/registry.py) as a Slack message; `command` is the slash
    command users type (`/renkei`), shown in front of the words a reply asks them to type."""
    if isinstance(reply, Notice):
        return to_notice_reply(reply, command)
    if isinstance(reply, HelpView):
        return to_help_message(reply, command)
    if isinstance(reply, ScheduleView):
        return to_schedule_message(reply)
    if isinstance(reply, ReportView):
        return to_report_message(reply.report, reply.language)
    return to_list_message(reply)


def to_inline_mrkdwn(part: Inline, command: str) -> str:
    if isinstance(part, Mention):
        return f"<@{escape_mrkdwn(part.user_id)}>"
    if isinstance(part, Typed):
        return f"`{escape_mrkdwn(command)} {escape_mrkdwn(part.words)}`"
    if isinstance(part, Code):
        return f"`{escape_mrkdwn(part.text)}`"
    return escape_mrkdwn(part)


def to_paragraph_mrkdwn(paragraph: Paragraph, command: str) -> str:
    lines = [f"*{escape_mrkdwn(paragraph.heading)}*"] if paragraph.heading else []
    bullet = "• " if paragraph.bulleted else ""
    lines += [bullet + "".join(to_inline_mrkdwn(part, command) for part in line) for line in paragraph.lines]
    return "\n".join(lines)


def to_notice_reply(notice: Notice, command: str) -> Message:
    """Notices are short: one section (its title is for platforms that show a card title)."""
    markdown = "\n".join(to_paragraph_mrkdwn(paragraph, command) for paragraph in notice.paragraphs)
    return Message(text=truncate(markdown, MAX_FALLBACK_CHARS), blocks=[to_section(markdown)])


def to_source_context(source: str, language: str = "ja") -> Block:
    return to_context(say("source_line", language, source=escape_mrkdwn(source)))


def to_help_message(view: HelpView, command: str) -> Message:
    """`/renkei help`: what the bot answers, examples, and every command (usage, description), in the
    view's language."""
    lang = view.language
    usage = [
        "• " + say("slack_usage_mention", lang, mention=f"@Renkei Bot {escape_mrkdwn(view.examples[0])}"),
        "• " + say("slack_usage_dm", lang),
        "• " + say("slack_usage_command", lang, command=escape_mrkdwn(command), share=say("share", lang)),
        *(f"• `{escape_mrkdwn(command)} {escape_mrkdwn(entry.synopsis)}`: {escape_mrkdwn(entry.description)}"
          for entry in view.commands),
    ]
    title = say("help_title", lang, bot=say("bot_name", lang))
    blocks = [
        to_header(title),
        to_section(escape_mrkdwn(view.intro)),
        to_section(f"*{say('help_topics', lang)}*\n" + to_bullets(view.topics)),
        to_section(f"*{say('help_examples', lang)}*\n" + to_bullets(view.examples)),
        to_section(f"*{say('help_usage', lang)}*\n" + "\n".join(usage)),
        to_source_context(view.source, lang),
    ]
    return Message(text=title, blocks=blocks[:MAX_MESSAGE_BLOCKS])


def to_partner_summary(partner: PartnerRow, language: str = "ja") -> str:
    return f"*{escape_mrkdwn(partner.name)}*\n" + say("list_theme", language, theme=escape_mrkdwn(partner.theme))


def to_list_message(view: PartnersView) -> Message:
    """`/renkei list`: the partners and their themes."""
    lang = view.language
    body = [to_section(to_partner_summary(partner, lang)) for partner in view.partners]
    head = [to_header(say("list_title", lang))]
    text = say("section_separator", lang).join(say("list_line", lang, name=p.name, theme=p.theme)
                                               for p in view.partners)
    return Message(text=truncate(escape_mrkdwn(text), MAX_FALLBACK_CHARS),
                   blocks=fit_blocks(head, body, [to_source_context(view.source, lang)], MAX_MESSAGE_BLOCKS, lang))


def to_ceremony_line(partner: PartnerRow, language: str = "ja") -> str:
    status = to_status_mark(partner.ceremony_status, language)
    return (f"🗓️ {escape_mrkdwn(partner.ceremony_title)}: {escape_mrkdwn(partner.ceremony_when)} "
            f"{escape_mrkdwn(partner.ceremony_place)} — {status}")


def to_schedule_message(view: ScheduleView) -> Message:
    """`/renkei schedule`: upcoming events with their reminder times, and every ceremony's status."""
    lang = view.language
    schedule = escape_mrkdwn(view.text)
    ceremonies = "\n".join(to_ceremony_line(partner, lang) for partner in view.partners.partners)
    body = [to_section(schedule), to_section(f"*{say('schedule_ceremonies', lang)}*\n{ceremonies}")]
    if view.announcements:
        body.append(to_section(f"*{say('announcements_heading', lang)}*\n{to_bullets(view.announcements)}"))
    return Message(text=truncate(schedule, MAX_FALLBACK_CHARS),
                   blocks=fit_blocks(body, [], [to_source_context(view.partners.source, lang)], MAX_MESSAGE_BLOCKS,
                                     lang))


def to_home_view(view: PartnersView, command: str) -> Block:
    """The App Home tab: partners, themes, ceremonies (held / upcoming) and how to ask."""
    lang = view.language
    head = [to_header(say("bot_name", lang)), to_section(escape_mrkdwn(view.intro)), {"type": "divider"}]
    body: list[Block] = []
    for partner in view.partners:
        body.append(to_section(to_partner_summary(partner, lang)))
        body.append(to_context(to_ceremony_line(partner, lang)))
    how = [
        f"*{say('home_how', lang)}*",
        "• " + say("home_messages_tab", lang),
        "• " + say("home_mention", lang),
        "• " + say("home_commands", lang, command=escape_mrkdwn(command)),
        f"*{say('help_examples', lang)}*",
        to_bullets(view.examples),
    ]
    tail = [{"type": "divider"}, to_section("\n".join(how)), to_source_context(view.source, lang)]
    return {"type": "home", "blocks": fit_blocks(head, body, tail, MAX_HOME_BLOCKS, lang)}


# --- the maintainers' report ---------------------------------------------------------------------

FULL_REPORT_COMMAND = "`python app.py report`"
FULL_REPORT_HINT = say("report_full", command=FULL_REPORT_COMMAND)


def to_report_message(report: str, language: str = "ja") -> Message:
    """The report quotes what people asked: every line escaped, cut to Slack's limits (3,000
    characters a section, 50 blocks), the `# title` as the header, each `## heading` a section."""
    title, lines = split_report(report)
    body = [to_section(chunk) for chunk in to_chunks(lines)]
    hint = say("report_full", language, command=FULL_REPORT_COMMAND)
    blocks = fit_blocks([to_header(title)], body, [to_context(hint)], MAX_MESSAGE_BLOCKS, language)
    return Message(text=truncate(escape_mrkdwn(title), MAX_FALLBACK_CHARS), blocks=blocks)


def to_chunks(lines: list[str], limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Escaped mrkdwn paragraphs of at most `limit` characters; a `## heading` starts a new one."""
    chunks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if any(line.strip() for line in current):
            chunks.append("\n".join(current).strip("\n"))
        current.clear()

    for line in lines:
        if line.startswith("## "):
            flush()
            text = f"*{escape_mrkdwn(line.removeprefix('## ').strip())}*"
        else:
            text = escape_mrkdwn(line)
        text = truncate(text, limit)
        if current and len("\n".join([*current, text])) > limit:
            flush()
        current.append(text)
    flush()
    return chunks
