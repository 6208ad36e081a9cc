"""The command line: the console chat (no credentials needed) and the ask/check/eval commands."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotenv import dotenv_values, find_dotenv, load_dotenv

from bot.answering.answer import Answer, to_text
from bot.answering.batch import answer_lines
from bot.answering.dispatch import Dispatcher, now_jst
from bot.answering.engine import Engine
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
    to_commands_table,
    to_plain_line,
)
from bot.knowledge.model import A_FOLDER, NO_SUCH_FILE, KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.yaml_reader import YamlLimits
from bot.language.messages import say
from bot.ops.business_register import compare_registers
from bot.ops.evaluation import Case, EvalFileError, format_summary, load_eval_set, run_eval_set, summarize
from bot.ops.settings import Settings, SettingsError, describe_platforms
from bot.reminders.ical import to_calendar_command
from handlers.settings import read_settings, unknown_variable_warnings
from handlers.teams.settings import TeamsSettings, is_app_version

if TYPE_CHECKING:
    from bot.store.store import Store

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
    session = ChatSession(dispatcher, commands, _writer(stdout))
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


def is_terminal(stdin: TextIO) -> bool:
    """Whether stdin is this process's own terminal (readline works only on sys.stdin)."""
    try:
        return stdin is sys.stdin and stdin.isatty()
    except (ValueError, AttributeError):
        return False


# Where the console keeps what was typed, between runs (in the user's home; never the answers).
HISTORY_FILE = "~/.renkei_bot_history"
HISTORY_LENGTH = 1000


class StreamLines:
    """Lines from a pipe or a file, the prompt written before each (as at a terminal)."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.write = stdin, _writer(stdout)

    def __enter__(self) -> StreamLines:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def read(self, prompt: str) -> str | None:
        self.write(prompt)
        line = self.stdin.readline()
        return line if line else None


class TerminalLines:
    """Lines typed at the terminal through readline: editing, and the history of earlier runs."""

    def __init__(self, stdout: TextIO) -> None:
        self.history = Path(HISTORY_FILE).expanduser()
        self.stdout = stdout

    def __enter__(self) -> TerminalLines:
        try:
            import readline
        except ImportError:  # Python built without it: plain input() still works
            return self
        readline.set_history_length(HISTORY_LENGTH)
        with contextlib.suppress(OSError):
            readline.read_history_file(self.history)
        return self

    def __exit__(self, *_: object) -> None:
        try:
            import readline
        except ImportError:
            return
        with contextlib.suppress(OSError):
            readline.write_history_file(self.history)

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:  # Ctrl-D
            return None


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


def _writer(stream: TextIO) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def _load(path: str, stderr: TextIO, limits: YamlLimits, *, from_setting: bool = True) -> KnowledgeBase | None:
    try:
        return load_knowledge(path, limits)
    except KnowledgeError as error:
        if from_setting and (explained := explain_data_path(path, error)):
            print(explained, file=stderr)
            return None
        for problem in error.problems:
            print(problem, file=stderr)
        print(f"{path}: {len(error.problems)} problem(s)", file=stderr)
        return None


def explain_data_path(path: str, error: KnowledgeError) -> str | None:
    """DATA_PATH that is not a file, said in terms of the setting: which variable, relative to what."""
    first = error.problems[0] if error.problems else None
    if first is None or first.field != "(file)" or first.message not in (NO_SUCH_FILE, A_FOLDER):
        return None
    where = "" if Path(path).is_absolute() else f" (relative to the working directory {Path.cwd()})"
    return (f"configuration error: DATA_PATH={path}{where}: {first.message} — set DATA_PATH in .env or the "
            f"environment to the knowledge-base file, e.g. DATA_PATH=data/partnerships.yaml")


def cmd_ask(args: argparse.Namespace, kb: KnowledgeBase, stdin: TextIO, stdout: TextIO) -> int:
    engine = Engine(kb)
    if args.json:
        lines = stdin if args.question == "-" else iter([args.question])
        for record in answer_lines(engine, lines, now_jst):
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            stdout.flush()
        return 0
    questions = (line.rstrip("\n") for line in stdin) if args.question == "-" else iter([args.question])
    for question in questions:
        stdout.write(to_text(engine.answer(question, context=None, now=now_jst())) + "\n")
        stdout.flush()
    return 0


def cmd_eval(args: argparse.Namespace, kb: KnowledgeBase, stdout: TextIO, stderr: TextIO) -> int:
    """Run question files (cases and conversations); print failures, then the summary."""
    try:
        sets = [load_eval_set(path) for path in args.files]
    except EvalFileError as error:
        print(error, file=stderr)
        return 2
    engine = Engine(kb)
    outcomes = [o for eval_set in sets for o in run_eval_set(engine, eval_set, now_jst())]
    for outcome in outcomes:
        if not outcome.passed:
            asked = " → ".join(outcome.conversation.turns) if outcome.conversation else outcome.case.question
            print(f"FAIL {asked!r}: {'; '.join(outcome.problems)}", file=stdout)
            print(f"     got {outcome.answer.kind}: {outcome.answer.title}", file=stdout)
    summary = summarize(outcomes)
    for line in format_summary(summary):
        print(line, file=stdout)
    print_registers(engine, [c for eval_set in sets for c in eval_set.cases], stdout)
    passed = sum(o.passed for o in outcomes)
    print(f"accuracy {passed}/{len(outcomes)}", file=stdout)
    return 0 if passed == len(outcomes) else 1


def print_registers(engine: Engine, cases: list[Case], stdout: TextIO) -> None:
    """The single-fact cases asked plainly beside the same questions written as at work."""
    plain, business = compare_registers(engine, cases, now_jst())
    if not plain:
        return
    for outcome in business:
        if not outcome.passed:
            print(f"FAIL (business) {outcome.case.question!r}: {'; '.join(outcome.problems)}", file=stdout)
    line = " · ".join(
        f"{name} {sum(o.passed for o in rows)}/{len(rows)} ({100 * sum(o.passed for o in rows) / len(rows):.1f}%)"
        for name, rows in (("plain", plain), ("business register", business))
    )
    print(f"one-fact questions: {line}", file=stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Renkei Bot (連携ボット)")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="answer one question and exit")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines with '-')")
    ask.add_argument("question", help="the question, or - to read one question a line from stdin")
    check = sub.add_parser("check", help="validate a knowledge-base file")
    check.add_argument("file", nargs="?", help="default: DATA_PATH")
    evaluate = sub.add_parser("eval", help="run a question file and print the accuracy")
    evaluate.add_argument("files", nargs="+", metavar="FILE")
    sub.add_parser("chat", help="the console chat, even when credentials are configured")
    sub.add_parser("schedule", help="upcoming ceremonies and events, or the last one held")
    sub.add_parser("reminders", help="the planned reminders (event, offset, time in JST, targets); sends nothing")
    sub.add_parser("report", help="the most frequent unanswered questions, clarifications and feedback")
    draft = sub.add_parser(
        "draft", help="print a knowledge-base entry drafted from an announcement (.md, text, .html or .pdf)")
    draft.add_argument("source")
    sub.add_parser("commands", help="every command as the Markdown table of the README")
    calendar = sub.add_parser(
        "calendar", help="write the ceremonies and events as iCalendar (.ics), as /calendar.ics serves them")
    calendar.add_argument("--event", metavar="ID", help="one event only (its id, as in `python app.py reminders`)")
    calendar.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    package = sub.add_parser("teams-package", help="write the Teams app package (zip)")
    package.add_argument("--output", default="build/renkei-bot-teams.zip")
    package.add_argument("--version", dest="app_version", metavar="X.Y.Z",
                         help="the app's version (default: TEAMS_APP_VERSION, else 1.0.0); raise it for every update")
    return parser


def main(
    argv: Sequence[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    tolerate_bad_bytes(stdin, stdout)
    env_file = find_dotenv(usecwd=True) or find_dotenv()  # the working directory's, else the checkout's
    load_dotenv(env_file, override=False)
    for warning in unknown_variable_warnings(dotenv_values(env_file) if env_file else {}):
        print(f"warning: {env_file}: {warning}", file=stderr)
    args = build_parser().parse_args(list(argv))
    if args.command == "commands":
        stdout.write(to_commands_table())
        return 0
    try:
        settings = read_settings()
    except SettingsError as error:
        print(f"configuration error: {error}", file=stderr)
        return 2
    if args.command == "draft":
        from bot.knowledge.draft import find_partner_files, run_draft

        return run_draft(args.source, find_partner_files(settings.data_path), stdout, stderr)
    data_path = (args.file or settings.data_path) if args.command == "check" else settings.data_path
    kb = _load(data_path, stderr, settings.kb_limits, from_setting=data_path == settings.data_path)
    if kb is None:
        return 1
    if args.command == "check":
        print(kb.summary_line(), file=stdout)
        return 0
    if args.command == "ask":
        return cmd_ask(args, kb, stdin, stdout)
    if args.command == "eval":
        return cmd_eval(args, kb, stdout, stderr)
    if args.command in ("reminders", "report", "teams-package", "calendar"):
        return run_operation(args, settings, kb, stdout, stderr)
    if args.command == "schedule":
        print(run_named_command("schedule", Commands(Services(knowledge=lambda: kb))), file=stdout)
        return 0
    if args.command is None and settings.any_platform_enabled:
        from handlers.runtime import run_bot  # Slack, Teams and aiohttp load only when needed

        return run_bot(settings, kb)
    if args.command is None and not has_someone_typing(stdin):
        off = describe_platforms(settings).removeprefix("platforms: ")
        print(f"nothing is configured: {off}; and standard input is not a terminal, a pipe or a file, so "
              "there is nobody to chat with. Set the credentials in .env (see .env.example), or run "
              "`app.py chat` in a terminal.", file=stderr)
        return 2
    return run_console(settings, kb, stdin, stdout, stderr)


def run_console(settings: Settings, kb: KnowledgeBase, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """The console chat with the configured database (for report and remind) and a reloader (reload)."""
    from bot.ops.reload import KnowledgeReloader
    from bot.store.database import DatabaseUnavailable
    from bot.store.store import Store
    from handlers.runtime import build_commands

    dispatcher = Dispatcher(Engine(kb))
    reloader = KnowledgeReloader(settings.data_path, dispatcher, limits=settings.kb_limits)
    try:
        store: Store | None = Store(settings.database_url)
    except DatabaseUnavailable as error:
        print(f"warning: {error}; report and remind need it (the questions work without it)", file=stderr)
        store = None
    try:
        return run_chat(dispatcher, stdin, stdout, build_commands(settings, dispatcher, store, reloader))
    finally:
        if store is not None:
            store.close()


def has_someone_typing(stdin: TextIO | None) -> bool:
    """Whether the console chat can read anything: a terminal, a pipe or a file. Under systemd or
    in a container without -i, standard input is /dev/null (or closed): the chat would end at
    once and exit 0, as if the bot had run."""
    if stdin is None:
        return False  # closed
    try:
        if stdin.isatty():
            return True
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return True  # not a real file (a test's StringIO): someone supplies the lines
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def tolerate_bad_bytes(*streams: TextIO) -> None:
    """Input that is not UTF-8 becomes U+FFFD instead of ending the chat with a traceback (and a
    lone surrogate in a reply is written as "?"): a strict UTF-8 locale would raise on both."""
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def run_operation(args: argparse.Namespace, settings: Settings, kb: KnowledgeBase, stdout: TextIO,
                  stderr: TextIO) -> int:
    """The maintainer's commands that read the store or write files."""
    if args.command == "teams-package":
        from handlers.teams.package import run_teams_package

        if args.app_version:
            if not is_app_version(args.app_version):
                print("configuration error: --version must be a version such as 1.0.1", file=stderr)
                return 2
            settings = settings.replace_in(TeamsSettings, app_version=args.app_version)
        return run_teams_package(settings, kb, args.output, stdout, stderr)
    from bot.ops.insights import StoreReport
    from bot.reminders.service import reminders_report
    from bot.store.database import DatabaseUnavailable
    from bot.store.store import Store
    from handlers.targets import configured_targets

    try:
        store = Store(settings.database_url)
    except DatabaseUnavailable as error:
        print(f"configuration error: {error}", file=stderr)
        return 2
    try:
        if args.command == "calendar":
            return write_calendar(args.event, args.output, kb, store, stdout, stderr)
        if args.command == "reminders":
            print(reminders_report(configured_targets(settings), kb, now_jst(), store), file=stdout)
        else:
            commands = Commands(Services(knowledge=lambda: kb, reports=StoreReport(store)))
            print(run_named_command("report", commands), file=stdout)
    finally:
        store.close()
    return 0


def write_calendar(event_id: str | None, output: str | None, kb: KnowledgeBase, store: Store, stdout: TextIO,
                   stderr: TextIO) -> int:
    """`python app.py calendar`: the feed or one event, with the revisions every instance shares."""
    from bot.reminders.ical import UnknownEvent, to_fingerprints, to_ics

    store.revisions.record(to_fingerprints(kb))
    try:
        data = to_ics(kb, store.revisions.revisions(), event_id)
    except UnknownEvent:
        known = ", ".join(event.id for event in kb.all_events())
        print(f"no event has the id {event_id!r} (events: {known})", file=stderr)
        return 2
    if output is None:
        stdout.write(data.decode("utf-8"))
        return 0
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_bytes(data)
    except OSError as error:
        print(f"cannot write {output}: {error.strerror or error}", file=stderr)
        return 1
    print(f"wrote {output}", file=stderr)
    return 0


def run_named_command(name: str, commands: Commands) -> str:
    """`python app.py schedule|report`: the command of that name, as text."""
    invocation = commands.parse(name)
    assert invocation is not None, f"{name} is a command"
    return asyncio.run(run_command(commands, invocation, now_jst()))
