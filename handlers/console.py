"""The console chat (no credentials needed): a line typed in, the same inbound turn as Slack and
Teams, the reply or the answer written out as text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from bot.answering.answer import Answer, to_text
from bot.answering.dispatch import Dispatcher
from bot.answering.help import to_intro
from bot.commands.inbound import Inbound, InboundTurn
from bot.commands.registry import (
    Commands,
    HelpView,
    Invocation,
    Mention,
    Notice,
    Reply,
    ReportView,
    Request,
    ScheduleView,
    Services,
    to_plain_line,
)
from bot.language.messages import say
from bot.reminders.ical import to_calendar_command
from handlers.terminal import StreamLines, TerminalLines, is_terminal, to_writer

if TYPE_CHECKING:
    pass

CONSOLE_CONVERSATION = "console"
PROMPT = "あなた> "
EXIT_WORDS = {"exit", "quit", "bye", "終了", "おわり"}


def to_console_text(answer: Answer) -> str:
    """An answer for the terminal: choices numbered so the user can pick one by typing it; an event
    still ahead with the command that writes its calendar file."""
    calendar = [say("console_calendar", answer.language, command=to_calendar_command(event_id))
                for event_id in answer.calendar_event_ids]
    return "\n".join([to_text(answer, numbered_choices=True), *calendar])


# The console's own words, besides the commands every platform has (bot/language/messages.py).
CONSOLE_USAGE = say("console_usage")


def to_reply_text(reply: Reply) -> str:
    """A command's neutral reply (bot/commands/registry.py) as terminal text."""
    if isinstance(reply, Notice):
        return to_notice_text(reply)
    if isinstance(reply, HelpView):
        lang = reply.language
        comma = "、" if lang == "ja" else ", "
        commands = comma.join(f"{entry.synopsis}（{entry.description}）" if lang == "ja"
                              else f"{entry.synopsis} ({entry.description})" for entry in reply.commands)
        examples = [f"  {example}" for example in reply.examples]
        return "\n".join([reply.intro, f"{say('help_examples', lang)}:", *examples,
                          f"{say('help_commands', lang)}: {commands}{comma}{say('console_usage', lang)}"])
    if isinstance(reply, ScheduleView):
        lang = reply.language
        announced = [f"{say('announcements_heading', lang)}:",
                     *(say("text_item", lang, item=line) for line in reply.announcements)]
        return "\n".join([reply.text, *(announced if reply.announcements else [])])
    if isinstance(reply, ReportView):
        return reply.report
    return "\n".join([*(f"{p.name}: {p.theme}" for p in reply.partners),
                      say("source", reply.language) + reply.source])


def to_notice_text(notice: Notice) -> str:
    lang = notice.language
    lines = [notice.title] if notice.title else []
    for paragraph in notice.paragraphs:
        lines += [f"{paragraph.heading}:"] if paragraph.heading else []
        unnamed = say("console_you", lang)
        lines += [say("text_item", lang, item=to_plain_line(line, unnamed=unnamed)) if paragraph.bulleted
                  else to_plain_line(line, unnamed=unnamed) for line in paragraph.lines]
    return "\n".join(lines)


async def run_command(commands: Commands, invocation: Invocation, now: datetime) -> str:
    """A command typed at the terminal, as text. The person there runs the process (an admin) and
    has nowhere to receive reminders."""
    request = Request(platform=CONSOLE_CONVERSATION, target=None, user=Mention(""), is_admin=True, now=now,
                      arguments=invocation.arguments, conversation_id=CONSOLE_CONVERSATION)
    return to_reply_text(await commands.run(invocation, request))


def run_chat(dispatcher: Dispatcher, stdin: TextIO, stdout: TextIO, commands: Commands | None = None) -> int:
    """An interactive chat like Hubot's shell: type a question, get the answer as text.

    At a terminal: line editing and history (readline; the history is kept in HISTORY_FILE in the
    user's home), Ctrl-C cancels the line (or the answer being made) and shows a new prompt, a
    second Ctrl-C in a row or Ctrl-D ends the chat with exit status 0 — never a traceback."""
    commands = commands or Commands(Services(knowledge=lambda: dispatcher.kb))
    lines = TerminalLines(stdout) if is_terminal(stdin) else StreamLines(stdin, stdout)
    session = ChatSession(dispatcher, commands, to_writer(stdout))
    session.write(f"Renkei Bot — {to_intro(dispatcher.kb)}\n{say('console_greeting')}\n")
    try:
        return chat_lines(session, lines)
    except KeyboardInterrupt:  # Ctrl-C again while the last one was being answered
        session.write(f"\n{say('console_bye')}\n")
        return 0


def chat_lines(session: ChatSession, lines: StreamLines | TerminalLines) -> int:
    interrupted = False
    # One loop for the whole chat, running only while an answer is made: reading the terminal
    # happens outside it, where Ctrl-C is an ordinary KeyboardInterrupt.
    with asyncio.Runner() as runner, lines:
        while True:
            try:
                line = lines.read(PROMPT)
            except KeyboardInterrupt:
                if interrupted:
                    session.write(f"\n{say('console_bye')}\n")
                    return 0
                interrupted = True
                session.write(f"\n{say('console_ctrl_c_again')}\n")
                continue
            interrupted = False
            if line is None:
                session.write("\n")
                return 0
            try:
                if not runner.run(session.take(line)):
                    return 0
            except KeyboardInterrupt:
                session.write(f"\n{say('console_interrupted')}\n\n")


class ChatSession:
    """What the chat remembers between lines: the choices of the last answer."""

    def __init__(self, dispatcher: Dispatcher, commands: Commands, write: Callable[[str], None]) -> None:
        self.turn, self.write = InboundTurn(dispatcher, commands), write
        self.choices: Sequence[str] = ()
        # The terminal gives no locale: commands speak the language of the last question answered.
        self.language = "ja"

    async def take(self, line: str) -> bool:
        """Answer one line; False when it asks to end the chat. The same inbound turn as Slack and
        Teams; the person at the terminal runs the process (an admin) and has nowhere to receive
        reminders."""
        text = line.strip()
        if text.lower() in EXIT_WORDS:
            self.write(say("console_bye") + "\n")
            return False
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(self.choices):
            text = self.choices[int(text) - 1]
            self.write(f"（{text}）\n")
        inbound = Inbound(text, CONSOLE_CONVERSATION, CONSOLE_CONVERSATION, Mention(""), is_admin=True)
        said = await self.turn.take(inbound, language=self.language)
        if said.reply is not None:
            self.write(to_reply_text(said.reply) + "\n\n")
        elif said.asked is not None:
            self.choices = [c.question for c in said.asked.answer.suggestions]
            self.language = said.asked.answer.language
            self.write(to_console_text(said.asked.answer) + "\n\n")
        else:
            self.write(said.notice + "\n\n")
        return True
