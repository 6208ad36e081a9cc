"""`check`'s words for a broken file: PyYAML's message plus the likely cause, the expected form of a
date or a time, and a DATA_PATH that is not a file said in terms of the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge.model import KnowledgeError, parse_knowledge
from bot.knowledge.yaml_hints import FLOW, INDENTATION, QUOTE_COLON, TAB
from tests.conftest import DATA_PATH, ROOT

pytestmark = pytest.mark.unit


def problems_of(text: str) -> list[str]:
    with pytest.raises(KnowledgeError) as raised:
        parse_knowledge(text, "kb.yaml")
    return [str(problem) for problem in raised.value.problems]


def with_line(old: str, new: str) -> str:
    data = DATA_PATH.read_text(encoding="utf-8")
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "line", "cause"), [
    # A key indented one space more than its neighbours.
    ("    short_name: 旭川\n", "     short_name: 旭川\n", 22, INDENTATION),
    # A list item indented one space less.
    ("  - id: muroran\n", " - id: muroran\n", 25, INDENTATION),
    ("    short_name: 室蘭\n", "\tshort_name: 室蘭\n", 27, TAB),
    ("    title: 道内基礎自治体との連携の推進\n", "    title: 道内基礎自治体との連携の推進: 概要\n", 43, QUOTE_COLON),
    ("    aliases: [旭川エリア]\n", "    aliases: [旭川エリア\n", 25, FLOW),  # never closed
    ("    aliases: [旭川エリア]\n", "    aliases: [旭川エリア]]\n", 24, FLOW),
    ("    title: 道内基礎自治体との連携の推進\n", '    title: "道内基礎自治体との連携の推進\n', 43, "a quote opened on line 43 is never closed"),
    ("    short_name: 旭川\n", "    short_name: @旭川\n", 22, 'a value that starts with @ needs quotes (note: "@…")'),
])
def test_yaml_errors_say_the_likely_cause(old: str, new: str, line: int, cause: str) -> None:
    [problem] = problems_of(with_line(old, new))
    assert problem.startswith("kb.yaml:")
    assert "(yaml): not valid YAML: " in problem  # PyYAML's words stay, for searching
    assert problem.endswith(f" — likely {cause}")
    assert abs(int(problem.split(":")[1].split()[0]) - line) <= 1  # the line it stopped at, or the next


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    date: 2019-12-17\n", "    date: 2019/12/17\n",
     'documents[0].date: not a date "2019/12/17" (expected YYYY-MM-DD, e.g. 2021-04-22)'),
    ('start: "11:00"', 'start: "11時"',
     'documents[0].partners[1].ceremony.start: not a time "11時" (expected H:MM in quotes, e.g. "13:30")'),
    # Unquoted, YAML 1.1 reads 25:00 as the number 1500: the message shows it as it was typed.
    ('start: "11:00"', "start: 25:00",
     'documents[0].partners[1].ceremony.start: not a time "25:00" (expected H:MM in quotes, e.g. "13:30")'),
])
def test_dates_and_times_name_the_expected_form(old: str, new: str, message: str) -> None:
    problems = problems_of(with_line(old, new))
    assert any(problem.endswith(message) for problem in problems), problems


def run_app(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__", "DATA_"))}
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], env={**clean, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.process
@pytest.mark.parametrize("command", [["check"], ["ask", "帯広"], []])
def test_a_missing_data_path_names_the_variable_and_the_working_directory(command: list[str],
                                                                          tmp_path: Path) -> None:
    result = run_app(*command, env={"DATA_PATH": "data/missing.yaml"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("configuration error: DATA_PATH=data/missing.yaml "
                                    f"(relative to the working directory {tmp_path}): no such file")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.process
def test_a_data_path_that_is_a_folder_is_said_so(tmp_path: Path) -> None:
    result = run_app("ask", "帯広", env={"DATA_PATH": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"configuration error: DATA_PATH={tmp_path}: is a folder, not a file")
    assert "Traceback" not in result.stderr
