"""The command line: the console chat (no credentials needed) and the ask/check/eval commands."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from dotenv import load_dotenv

from bot.answer import Answer, to_text
from bot.batch import answer_lines
from bot.commands import (
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
from bot.dispatch import Dispatcher, now_jst
from bot.engine import Engine
from bot.evaluation import EvalFileError, format_summary, load_eval_set, run_eval_set, summarize
from bot.help import to_intro
from bot.knowledge import A_FOLDER, NO_SUCH_FILE, KnowledgeBase, KnowledgeError, load_knowledge
from bot.settings import Settings, SettingsError
from bot.yaml_reader import YamlLimits

CONSOLE_CONVERSATION = "console"
PROMPT = "あなた> "
EXIT_WORDS = {"exit", "quit", "bye", "終了", "おわり"}


def to_console_text(answer: Answer) -> str:
    """An answer for the terminal: choices numbered so the user can pick one by typing it."""
    return to_text(answer, numbered_choices=True)


# The console's own words, besides the commands every platform has.
CONSOLE_USAGE = "番号（選択肢を選ぶ）、exit（終了）"


def to_reply_text(reply: Reply) -> str:
    """A command's neutral reply (bot/commands.py) as terminal text."""
    if isinstance(reply, Notice):
        return to_notice_text(reply)
    if isinstance(reply, HelpView):
        commands = "、".join(f"{entry.synopsis}（{entry.description}）" for entry in reply.commands)
        return "\n".join([reply.intro, "質問の例:", *(f"  {example}" for example in reply.examples),
                          f"コマンド: {commands}、{CONSOLE_USAGE}"])
    if isinstance(reply, ScheduleView):
        return reply.text
    if isinstance(reply, ReportView):
        return reply.report
    return "\n".join([*(f"{p.name}: {p.theme}" for p in reply.partners), f"出典: {reply.source}"])


def to_notice_text(notice: Notice) -> str:
    lines = [notice.title] if notice.title else []
    for paragraph in notice.paragraphs:
        lines += [f"{paragraph.heading}:"] if paragraph.heading else []
        bullet = "・" if paragraph.bulleted else ""
        lines += [bullet + to_plain_line(line, unnamed="あなた") for line in paragraph.lines]
    return "\n".join(lines)


async def run_command(commands: Commands, invocation: Invocation, now: datetime) -> str:
    """A command typed at the terminal, as text. The person there runs the process (an admin) and
    has nowhere to receive reminders."""
    request = Request(platform=CONSOLE_CONVERSATION, target=None, user=Mention(""), is_admin=True, now=now,
                      arguments=invocation.arguments, conversation_id=CONSOLE_CONVERSATION)
    return to_reply_text(await commands.run(invocation, request))


def run_chat(dispatcher: Dispatcher, stdin: TextIO, stdout: TextIO, commands: Commands | None = None) -> int:
    """An interactive chat like Hubot's shell: type a question, get the answer as text."""
    return asyncio.run(chat(dispatcher, stdin, stdout, commands or Commands(Services(knowledge=lambda: dispatcher.kb))))


async def chat(dispatcher: Dispatcher, stdin: TextIO, stdout: TextIO, commands: Commands) -> int:
    # Reading the terminal blocks this loop, which serves nobody else.
    write = _writer(stdout)
    write(f"Renkei Bot — {to_intro(dispatcher.kb)}\n「help」で使い方、「exit」で終了します。\n")
    choices: Sequence[str] = ()
    while True:
        write(PROMPT)
        line = stdin.readline()
        if not line:
            write("\n")
            return 0
        text = line.strip()
        if text.lower() in EXIT_WORDS:
            write("終了します。\n")
            return 0
        invocation = commands.parse(text)
        if invocation is not None:
            write(await run_command(commands, invocation, dispatcher.clock()) + "\n\n")
            continue
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(choices):
            text = choices[int(text) - 1]
            write(f"（{text}）\n")
        answer = await dispatcher.ask(text, CONSOLE_CONVERSATION)
        choices = [c.question for c in answer.suggestions]
        write(to_console_text(answer) + "\n\n")


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
    passed = sum(o.passed for o in outcomes)
    print(f"accuracy {passed}/{len(outcomes)}", file=stdout)
    return 0 if passed == len(outcomes) else 1


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
    package = sub.add_parser("teams-package", help="write the Teams app package (zip)")
    package.add_argument("--output", default="build/renkei-bot-teams.zip")
    return parser


def main(
    argv: Sequence[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    tolerate_bad_bytes(stdin, stdout)
    load_dotenv(override=False)
    args = build_parser().parse_args(list(argv))
    if args.command == "commands":
        stdout.write(to_commands_table())
        return 0
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"configuration error: {error}", file=stderr)
        return 2
    if args.command == "draft":
        from bot.draft import find_partner_files, run_draft

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
    if args.command in ("reminders", "report", "teams-package"):
        return run_operation(args, settings, kb, stdout, stderr)
    if args.command == "schedule":
        print(run_named_command("schedule", Commands(Services(knowledge=lambda: kb))), file=stdout)
        return 0
    if args.command is None and (settings.slack_enabled or settings.teams_enabled):
        from handlers.runtime import run_bot  # Slack, Teams and aiohttp load only when needed

        return run_bot(settings, kb)
    return run_chat(Dispatcher(Engine(kb)), stdin, stdout)


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

        return run_teams_package(settings, kb, args.output, stdout, stderr)
    from bot.reminder_service import reminders_report
    from bot.store import Store

    store = Store(settings.database_url)
    try:
        if args.command == "reminders":
            print(reminders_report(settings, kb, now_jst(), store), file=stdout)
        else:
            commands = Commands(Services(knowledge=lambda: kb, reports=store))
            print(run_named_command("report", commands), file=stdout)
    finally:
        store.close()
    return 0


def run_named_command(name: str, commands: Commands) -> str:
    """`python app.py schedule|report`: the command of that name, as text."""
    invocation = commands.parse(name)
    assert invocation is not None, f"{name} is a command"
    return asyncio.run(run_command(commands, invocation, now_jst()))
