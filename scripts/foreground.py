"""Run a command as the terminal's foreground job: `make run` starts the bot through this.

At a terminal, Ctrl-C sends SIGINT to every process of the foreground job. Under `make run` that
job was make and the bot: the bot read the first Ctrl-C as "cancel the line" and the second as
"end the chat" and exited 0, but make, on the first, waited for the bot and then ended itself by
SIGINT, so the shell saw 130. Here the command gets a process group of its own and the terminal
(before it runs, so it never reads the terminal from the background), and Ctrl-C reaches the bot
alone; its exit status is this script's. Without a terminal (systemd, a container, a pipe) the
command simply replaces this script.

    .venv/bin/python scripts/foreground.py .venv/bin/python app.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

# What someone may send this process to stop the command (systemd, `timeout`, make on SIGTERM).
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


def open_terminal() -> int | None:
    """The controlling terminal, if this process has one and is in its foreground job."""
    try:
        terminal = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    try:
        if os.tcgetpgrp(terminal) == os.getpgrp():
            return terminal
    except OSError:
        pass
    os.close(terminal)
    return None


def hand_over(terminal: int, group: int) -> None:
    """Make `group` the terminal's foreground job (a background process may do so with SIGTTOU
    ignored; it would otherwise be stopped)."""
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(terminal, group)
    finally:
        signal.signal(signal.SIGTTOU, previous)


def run_in_foreground(argv: list[str], terminal: int) -> int:
    def take_the_terminal() -> None:  # in the child, before the command starts
        signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
        os.setpgid(0, 0)
        hand_over(terminal, os.getpgrp())

    def forward(signum: int, _frame: object) -> None:
        # A signal for this process (make passes SIGTERM on to its child) is the command's to act on.
        child.send_signal(signum)

    # Held until the command runs and the handlers are in place: none may end this script alone.
    signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
    try:
        child = subprocess.Popen(argv, preexec_fn=take_the_terminal)
        for signum in FORWARDED:
            signal.signal(signum, forward)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    try:
        status = child.wait()
    finally:
        hand_over(terminal, os.getpgrp())
        os.close(terminal)
    return status if status >= 0 else 128 - status


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: foreground.py COMMAND [ARGUMENT …]", file=sys.stderr)
        return 2
    terminal = open_terminal()
    if terminal is None:
        os.execvp(argv[0], argv)
    return run_in_foreground(argv, terminal)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
