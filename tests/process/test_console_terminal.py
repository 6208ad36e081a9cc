"""The console chat at a real terminal (a pseudo-terminal): line editing and history kept between
runs, Ctrl-C cancels the line, a second Ctrl-C or Ctrl-D ends the chat with exit status 0, never a
traceback; and `make run`'s way of starting it."""

from __future__ import annotations

import os
import pty
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

    def __init__(self, argv: list[str], home: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
        env.update({"HOME": str(home), "TERM": "xterm", "DATABASE_URL": f"sqlite:///{home}/renkei.db"})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: a session of its own with the terminal as its controlling tty
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, env)
        self.output = b""

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def read_until(self, expected: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while expected not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{expected!r} did not appear within {timeout}s:\n{self.text}")
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

    def wait_for_prompt(self, count: int) -> None:
        """Until the count-th prompt shows, and a moment more: readline starts reading just after
        it prints the prompt, and a person's key comes later than that (a Ctrl-C sent within the
        same millisecond can be lost between the two, in any readline program)."""
        deadline = time.monotonic() + 30
        while self.prompts() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"prompt {count} did not appear:\n{self.text}")
            self._read(deadline - time.monotonic())
        time.sleep(0.3)

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


def console(home: Path) -> Terminal:
    return Terminal([sys.executable, str(ROOT / "app.py")], home)


def test_ctrl_c_cancels_the_line_and_a_second_one_exits_cleanly(home: Path) -> None:
    chat = console(home)
    try:
        chat.wait_for_prompt(1)
        chat.type("旭川".encode())
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
        chat.type("帯広の連携事項は?\r".encode() + CTRL_C)  # while it answers, or just after
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
        chat.wait_for_prompt(1)
        chat.type(CTRL_C)
        chat.read_until("もう一度 Ctrl-C で終了します")
        chat.wait_for_prompt(2)
        chat.type(CTRL_C)
        chat.read_until("終了します。")
        status = chat.exit_status()  # Ctrl-C reaches the bot alone (scripts/foreground.py), not make
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
