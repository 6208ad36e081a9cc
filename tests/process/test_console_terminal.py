"""The console chat at a real terminal (a pseudo-terminal): line editing and history kept between
runs, Ctrl-C cancels the line, a second Ctrl-C or Ctrl-D ends the chat with exit status 0, never a
traceback; and `make run`'s way of starting it."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.process

CTRL_C, CTRL_D, UP = b"\x03", b"\x04", b"\x1b[A"
PROMPT = "あなた> "


class Terminal:
    """`python app.py` (or another command) on a pseudo-terminal of its own, as at a shell."""

    def __init__(self, argv: list[str], home: Path, *, sigint_ignored: bool = False) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
        env.update({"HOME": str(home), "TERM": "xterm", "DATABASE_URL": f"sqlite:///{home}/renkei.db"})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: a session of its own with the terminal as its controlling tty
            os.chdir(ROOT)
            if sigint_ignored:  # as a shell script's background job starts
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.execvpe(argv[0], argv, env)
        self.output = b""

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def read_until(self, expected: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while expected not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{expected!r} did not appear within {timeout}s:\n{self.text}\n{self.states()}")
            self._read(deadline - time.monotonic())
        return self.text

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if ready:
            try:
                self.output += os.read(self.fd, 65536)
            except OSError:  # the child closed the terminal
                time.sleep(0.05)

    def prompts(self) -> int:
        return self.text.count(PROMPT)

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def type_seen(self, line: str) -> None:
        """Type as a person does: the next key (a Ctrl-C) only once this shows. A Ctrl-C throws
        away what the chat has not read yet, and a chat starved of CPU has not read it."""
        shown = len(self.text)
        self.type(line.encode())
        deadline = time.monotonic() + 30
        while line.rstrip("\r") not in self.text[shown:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{line!r} was not echoed:\n{self.text}")
            self._read(deadline - time.monotonic())
        if not line.endswith("\r"):
            self.wait_until_waiting_for_a_key(deadline)

    def wait_for_prompt(self, count: int) -> None:
        """Until the count-th prompt shows and the chat waits for a key. readline prints the prompt
        just before it starts waiting, and a person's key comes later than that; a Ctrl-C sent
        between the two is lost in any readline program (CPython's waits in select() and checks
        for signals only when select() is interrupted), and on a loaded machine that gap is long."""
        deadline = time.monotonic() + 30
        while self.prompts() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"prompt {count} did not appear:\n{self.text}")
            self._read(deadline - time.monotonic())
        self.wait_until_waiting_for_a_key(deadline)

    def wait_until_waiting_for_a_key(self, deadline: float) -> None:
        """Until a process on this terminal (the chat, or under `make run` the chat that make
        started) sleeps in select() or poll(), as Linux shows in /proc; elsewhere a moment's pause."""
        if not Path(f"/proc/{self.pid}/wchan").exists():
            time.sleep(0.3)
            return
        while time.monotonic() < deadline:
            if any(re.search(r"poll|select", where) for where in self.waiting_in()):
                time.sleep(0.05)
                return
            time.sleep(0.02)
        raise AssertionError(f"the chat did not wait for a key:\n{self.text}")

    def states(self) -> str:
        """Each process of this terminal's session: where it sleeps and its signal masks (what a
        failure needs to tell a lost Ctrl-C from a slow machine)."""
        lines = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
                if int(text.rsplit(")", 1)[1].split()[3]) == self.pid:
                    status = (stat.parent / "status").read_text().splitlines()
                    masks = " ".join(line for line in status if line.startswith(("State", "SigIgn", "SigCgt")))
                    lines.append(f"{text.split(')')[0]}) {(stat.parent / 'wchan').read_text()} {masks}")
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
        return "\n".join(lines)

    def waiting_in(self) -> list[str]:
        """Where each process of this terminal's session sleeps (the child leads the session)."""
        places = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == self.pid:  # the session id
                    places.append((stat.parent / "wchan").read_text(errors="replace"))
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
        return places

    def exit_status(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._drain()
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError(f"it did not exit within {timeout}s:\n{self.text}")

    def _drain(self) -> None:
        while True:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def press_ctrl_c_twice(chat: Terminal) -> int:
    """Ctrl-C at the first prompt, and again at the next: the chat's exit status."""
    chat.wait_for_prompt(1)
    chat.type(CTRL_C)
    chat.read_until("もう一度 Ctrl-C で終了します")
    chat.wait_for_prompt(2)
    chat.type(CTRL_C)
    chat.read_until("終了します。")
    return chat.exit_status()


def console(home: Path) -> Terminal:
    return Terminal([sys.executable, str(ROOT / "app.py")], home)


def test_ctrl_c_cancels_the_line_and_a_second_one_exits_cleanly(home: Path) -> None:
    chat = console(home)
    try:
        chat.wait_for_prompt(1)
        chat.type_seen("旭川")
        chat.type(CTRL_C)
        chat.read_until("もう一度 Ctrl-C で終了します")
        chat.wait_for_prompt(2)
        chat.type("帯広の連携事項は?\r".encode())  # 旭川 was cancelled: this line is all that is asked
        chat.read_until("プロモーション活動")
        chat.wait_for_prompt(3)
        assert "旭川帯広" not in chat.text
        chat.type(CTRL_C)
        chat.read_until("もう一度 Ctrl-C で終了します")
        chat.wait_for_prompt(4)  # a person presses it again at the new prompt
        chat.type(CTRL_C)
        assert chat.exit_status() == 0
    finally:
        chat.close()
    assert "終了します" in chat.text
    assert "Traceback" not in chat.text and "KeyboardInterrupt" not in chat.text


def test_ctrl_c_is_heard_when_the_chat_was_started_with_it_ignored(home: Path) -> None:
    """A chat started where SIGINT is ignored (a background job, a test runner's worker) still
    cancels the line on Ctrl-C: the person at the terminal has no other way to."""
    chat = Terminal([sys.executable, str(ROOT / "app.py")], home, sigint_ignored=True)
    try:
        status = press_ctrl_c_twice(chat)
    finally:
        chat.close()
    assert status == 0 and "Traceback" not in chat.text


def test_ctrl_d_exits_cleanly(home: Path) -> None:
    chat = console(home)
    try:
        chat.wait_for_prompt(1)
        chat.type(CTRL_D)
        assert chat.exit_status() == 0
    finally:
        chat.close()
    assert "Traceback" not in chat.text


def test_line_editing_and_history_between_runs(home: Path) -> None:
    first = console(home)
    try:
        first.wait_for_prompt(1)
        # Typed with a mistake, corrected with backspace: readline edits the line.
        first.type("室蘭の締結式の場所X\x7fは?\r".encode())
        first.read_until("3号会議室")
        first.wait_for_prompt(2)
        first.type(CTRL_D)
        assert first.exit_status() == 0
    finally:
        first.close()
    history = (home / ".renkei_bot_history").read_text(encoding="utf-8")
    assert "室蘭の締結式の場所は?" in history
    second = console(home)
    try:
        second.wait_for_prompt(1)
        second.type(UP + b"\r")  # the last run's question, from the history
        second.read_until("3号会議室")
        second.wait_for_prompt(2)
        second.type(CTRL_D)
        assert second.exit_status() == 0
    finally:
        second.close()


def test_ctrl_c_while_an_answer_is_being_made_gives_a_new_prompt(home: Path) -> None:
    chat = console(home)
    try:
        chat.wait_for_prompt(1)
        chat.type_seen("帯広の連携事項は?\r")
        chat.type(CTRL_C)  # while it answers, or just after
        chat.wait_for_prompt(2)
        assert "中断しました" in chat.text or "もう一度 Ctrl-C で終了します" in chat.read_until("もう一度")
        chat.wait_for_prompt(chat.prompts())
        chat.type(CTRL_D)
        assert chat.exit_status() == 0
    finally:
        chat.close()
    assert "Traceback" not in chat.text


def test_make_run_exits_cleanly_on_ctrl_c(home: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("make run uses .venv")
    chat = Terminal(["make", "-s", "--no-print-directory", "-C", str(ROOT), "run"], home)
    try:
        status = press_ctrl_c_twice(chat)  # Ctrl-C reaches the bot alone (scripts/foreground.py), not make
    finally:
        chat.close()
    assert "Traceback" not in chat.text and "KeyboardInterrupt" not in chat.text
    assert status == 0 and "Error" not in chat.text and "Interrupt" not in chat.text, chat.text


def test_make_run_exits_0_on_ctrl_d(home: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("make run uses .venv")
    chat = Terminal(["make", "-s", "--no-print-directory", "-C", str(ROOT), "run"], home)
    try:
        chat.wait_for_prompt(1)
        chat.type(CTRL_D)
        status = chat.exit_status()
    finally:
        chat.close()
    assert status == 0 and "Traceback" not in chat.text, chat.text


def test_without_a_terminal_the_foreground_script_is_the_command() -> None:
    """Under systemd or in a container `make run` must behave as `app.py` does: its status, its output."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "foreground.py"), sys.executable, "-c",
                             "import os, sys; print(os.getpid()); sys.exit(3)"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                            start_new_session=True)  # no controlling terminal
    assert result.returncode == 3 and result.stdout.strip().isdigit() and result.stderr == ""


def test_the_foreground_script_passes_a_stop_on_to_the_command(home: Path) -> None:
    """make passes SIGTERM (systemd, `timeout`) to its child, the script: the command must get it,
    not be left running in a process group of its own."""
    job = Terminal([sys.executable, str(ROOT / "scripts" / "foreground.py"), "sh", "-c", "echo pid=$$; exec sleep 60"],
                   home)
    try:
        command_pid = int(job.read_until("\n").split("pid=")[1].split()[0])
        os.kill(job.pid, signal.SIGTERM)
        status = job.exit_status()
    finally:
        job.close()
    assert status == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.kill(command_pid, 0)
