"""Block Kit rendering of the commands' replies for Slack: notices, help, the partner list, the
schedule, the maintainers' report, and the App Home tab; and the one-paragraph notice (refusals,
errors, thanks). Built on blocks.py, so its two safety rules hold here.
"""

from __future__ import annotations

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
from bot.language.messages import say
from bot.ops.insights import split_report
from handlers.slack.blocks import (
    MAX_FALLBACK_CHARS,
    MAX_HOME_BLOCKS,
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT_CHARS,
    Block,
    Message,
    escape_mrkdwn,
    fit_blocks,
    to_bullets,
    to_context,
    to_header,
    to_section,
    truncate,
)


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
