"""The command line: the console chat (no credentials needed) and the ask/check/eval commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from dotenv import load_dotenv

from bot.answer import Answer, to_text
from bot.dispatch import Dispatcher, now_jst
from bot.engine import Engine
from bot.evaluation import EvalFileError, load_cases, run_cases
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.settings import Settings, SettingsError

CONSOLE_CONVERSATION = "console"
PROMPT = "あなた> "
EXIT_WORDS = {"exit", "quit", "bye", "終了", "おわり"}


def to_console_text(answer: Answer) -> str:
    """An answer for the terminal: choices numbered so the user can pick one by typing it."""
    return to_text(answer, numbered_choices=True)


def help_text(kb: KnowledgeBase) -> str:
    first, second = kb.partners[0], kb.partners[-1]
    return "\n".join(
        [
            f"{kb.document.issuer}と{'・'.join(p.name for p in kb.partners)}の覚書について答えます。",
            "質問の例:",
            f"  {first.short_name}の連携事項は?",
            f"  {second.short_name}の締結式はいつ?",
            "  各市のテーマ",
            f"  {first.readings.romaji} projects",
            "コマンド: help（この説明）、番号（選択肢を選ぶ）、exit（終了）",
        ]
    )


def run_chat(dispatcher: Dispatcher, stdin: TextIO, stdout: TextIO) -> int:
    """An interactive chat like Hubot's shell: type a question, get the answer as text."""
    write = _writer(stdout)
    write(f"Renkei Bot — {dispatcher.kb.document.title}\n「help」で使い方、「exit」で終了します。\n")
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
        if text.lower() in {"help", "ヘルプ", "使い方"}:
            write(help_text(dispatcher.kb) + "\n")
            continue
        if text.isdigit() and 1 <= int(text) <= len(choices):
            text = choices[int(text) - 1]
            write(f"（{text}）\n")
        answer = dispatcher.ask(text, CONSOLE_CONVERSATION)
        choices = [c.question for c in answer.suggestions]
        write(to_console_text(answer) + "\n\n")


def _writer(stream: TextIO) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def _load(path: str, stderr: TextIO) -> KnowledgeBase | None:
    try:
        return load_knowledge(path)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=stderr)
        print(f"{path}: {len(error.problems)} problem(s)", file=stderr)
        return None


def cmd_ask(args: argparse.Namespace, kb: KnowledgeBase, stdin: TextIO, stdout: TextIO) -> int:
    engine = Engine(kb)
    questions = (line.rstrip("\n") for line in stdin) if args.question == "-" else iter([args.question])
    for question in questions:
        answer = engine.answer(question, context=None, now=now_jst())
        if args.json:
            stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
        else:
            stdout.write(to_text(answer) + "\n")
        stdout.flush()
    return 0


def cmd_eval(args: argparse.Namespace, kb: KnowledgeBase, stdout: TextIO, stderr: TextIO) -> int:
    try:
        cases = load_cases(args.file)
    except EvalFileError as error:
        print(error, file=stderr)
        return 2
    outcomes = run_cases(Engine(kb), cases, now_jst())
    for outcome in outcomes:
        if not outcome.passed:
            print(f"FAIL {outcome.case.question!r}: {'; '.join(outcome.problems)}", file=stdout)
            print(f"     got {outcome.answer.kind}: {outcome.answer.title}", file=stdout)
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
    evaluate.add_argument("file")
    sub.add_parser("chat", help="the console chat, even when credentials are configured")
    return parser


def main(
    argv: Sequence[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    load_dotenv(override=False)
    args = build_parser().parse_args(list(argv))
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"configuration error: {error}", file=stderr)
        return 2
    data_path = (args.file or settings.data_path) if args.command == "check" else settings.data_path
    kb = _load(data_path, stderr)
    if kb is None:
        return 1
    if args.command == "check":
        print(kb.summary_line(), file=stdout)
        return 0
    if args.command == "ask":
        return cmd_ask(args, kb, stdin, stdout)
    if args.command == "eval":
        return cmd_eval(args, kb, stdout, stderr)
    dispatcher = Dispatcher(Engine(kb))
    if args.command is None and settings.slack_enabled:
        from handlers.web import run_server

        return run_server(settings, dispatcher)
    return run_chat(dispatcher, stdin, stdout)
