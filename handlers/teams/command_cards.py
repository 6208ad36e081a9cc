"""Adaptive Card rendering of the commands' replies for Microsoft Teams: notices, help, the
partner list, the schedule and the maintainer's report; and the short notice card (thanks,
refusals, errors). Built on cards.py, so its safety rules hold here.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from bot.language.messages import say
from bot.ops.insights import split_report
from handlers.teams.cards import (
    MAX_BODY_ELEMENTS,
    Card,
    to_bullets,
    to_card,
    to_fact_set,
    to_paragraphs,
    to_small_note,
    to_text_block,
    to_title,
    truncate,
)


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

