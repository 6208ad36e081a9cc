"""The command line's subcommands besides the chat: ask, eval, schedule, reminders, report,
calendar, teams-package, and the parser that names them all."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.answering.answer import to_text
from bot.answering.batch import answer_lines
from bot.answering.dispatch import now_jst
from bot.answering.engine import Engine
from bot.commands.registry import Commands, Services
from bot.knowledge.model import KnowledgeBase
from bot.ops.business_register import compare_registers
from bot.ops.evaluation import Case, EvalFileError, format_summary, load_eval_set, run_eval_set, summarize
from bot.ops.settings import Settings
from handlers.console import run_command
from handlers.teams.settings import TeamsSettings, is_app_version

if TYPE_CHECKING:
    from bot.store.store import Store

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
