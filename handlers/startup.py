"""The start of `python app.py`: read .env and the settings, load the knowledge base, then run
a subcommand, the bot on its configured platforms, or the console chat."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotenv import dotenv_values, find_dotenv, load_dotenv

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.commands.registry import Commands, Services, to_commands_table
from bot.knowledge.model import A_FOLDER, NO_SUCH_FILE, KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.yaml_reader import YamlLimits
from bot.ops.settings import Settings, SettingsError, describe_platforms
from handlers.console import run_chat
from handlers.settings import read_settings, unknown_variable_warnings
from handlers.subcommands import build_parser, cmd_ask, cmd_eval, run_named_command, run_operation

if TYPE_CHECKING:
    from bot.store.store import Store

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
