"""Lines typed at the console: from a pipe or a file, or at a terminal through readline (line
editing and the history of earlier runs)."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO


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
        self.stdin, self.write = stdin, to_writer(stdout)

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
        # Ctrl-C is how a person at the terminal cancels a line: a chat started with SIGINT
        # ignored (a background job of a script, a test runner's worker) would otherwise not hear it.
        self.previous_sigint: Any = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            import readline
        except ImportError:  # Python built without it: plain input() still works
            return self
        readline.set_history_length(HISTORY_LENGTH)
        with contextlib.suppress(OSError):
            readline.read_history_file(self.history)
        return self

    def __exit__(self, *_: object) -> None:
        signal.signal(signal.SIGINT, self.previous_sigint)
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


def to_writer(stream: TextIO) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write
