"""End to end: the real `python app.py` process, as a user or a maintainer runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.knowledge.model import JST
from tests.conftest import DATA_PATH, ROOT, SHARED

pytestmark = pytest.mark.process


def run_app(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "CONNECTIONS__"))}
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=clean_env,
        timeout=60,
    )


def test_the_sample_questions_all_pass() -> None:
    result = run_app("eval", str(SHARED / "eval" / "questions.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    total = last.split("/")[-1]
    assert last == f"accuracy {total}/{total}" and int(total) > 0


def test_eval_reports_failures_and_exits_1(tmp_path: Path) -> None:
    cases = tmp_path / "q.yaml"
    cases.write_text(
        'cases:\n- {q: "帯広の連携事項", expect: ["航空宇宙"]}\n- {q: "室蘭のテーマ", expect: ["企業城下町"]}\n',
        encoding="utf-8",
    )
    result = run_app("eval", str(cases))
    assert result.returncode == 1
    assert "FAIL '帯広の連携事項': missing 航空宇宙" in result.stdout
    assert result.stdout.strip().endswith("accuracy 1/2")


def test_ask_prints_one_answer() -> None:
    result = run_app("ask", "帯広の連携事項は?")
    assert result.returncode == 0
    assert "プロモーション活動" in result.stdout and "出典" in result.stdout


def test_ask_json() -> None:
    result = run_app("ask", "--json", "室蘭の締結式の場所は?")
    data = json.loads(result.stdout)
    assert data["kind"] == "answer" and 0 < data["confidence"] <= 1
    assert "3号会議室" in data["text"]


def test_ask_json_lines_from_stdin_in_order() -> None:
    questions = ["旭川のテーマ", "", "小樽の連携事項", "x" * 100_000, "\x00\x07\x1b[31m", "qwertyuiop", "帯広の出席者"]
    result = run_app("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and result.stderr == ""
    assert [d["kind"] for d in lines] == [
        "answer",
        "help",
        "fallback",
        "fallback",
        "fallback",
        "fallback",
        "answer",
    ]
    assert "創造都市" in lines[0]["text"] and "米沢" in lines[-1]["text"]
    assert "100,000" in lines[3]["text"]


def test_console_chat_follow_ups_and_numbered_choices() -> None:
    script = "help\n連携事項は?\n2\n式典はいつ?\nexit\n"
    result = run_app(stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "質問の例" in out
    assert "1. 旭川市" in out and "2. 室蘭市" in out  # the clarification, numbered
    assert "地方創生推進交付金" in out  # "2" picked Muroran
    assert "2020年1月31日" in out  # the follow-up kept Muroran
    assert "終了します" in out


def test_console_survives_end_of_input() -> None:
    result = run_app(stdin="帯広\n")
    assert result.returncode == 0 and "アウトドア" in result.stdout


def test_check_valid_and_invalid(tmp_path: Path) -> None:
    ok = run_app("check")
    assert ok.returncode == 0 and ok.stdout.strip().endswith(
        "valid — 2 documents, 4 partners, 4 events, 2 glossary terms, 26 topics"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DATA_PATH.read_text(encoding="utf-8").replace('start: "11:00"', 'start: "10:70"', 1), encoding="utf-8"
    )
    bad = run_app("check", str(broken))
    assert bad.returncode == 1
    assert f"{broken}:" in bad.stderr and 'documents[0].partners[1].ceremony.start: not a time "10:70"' in bad.stderr


def test_the_bot_refuses_to_start_on_invalid_data(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("partners: 3\n", encoding="utf-8")
    result = run_app(stdin="帯広\n", env={"DATA_PATH": str(broken)})
    assert result.returncode == 1
    assert "partners: expected a list" in result.stderr and "アウトドア" not in result.stdout


def test_a_configuration_error_names_the_variable_not_the_value() -> None:
    result = run_app("ask", "帯広", env={"PORT": "not-a-port-secret"})
    assert result.returncode == 2
    assert "PORT" in result.stderr and "not-a-port-secret" not in result.stderr


def test_ask_json_keeps_conversations_apart_and_in_order() -> None:
    lines = [
        json.dumps({"conversation": "c1", "q": "室蘭の締結式いつ?"}, ensure_ascii=False),
        "帯広の出席者",
        json.dumps({"conversation": "c2", "q": "プロジェクトは?"}, ensure_ascii=False),
        json.dumps({"conversation": "c1", "q": "場所は?"}, ensure_ascii=False),
        json.dumps({"conversation": "c2", "q": "2"}, ensure_ascii=False),
        json.dumps({"q": 5}),
    ]
    result = run_app("ask", "--json", "-", stdin="\n".join(lines) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and len(records) == len(lines)
    assert records[0]["conversation"] == "c1" and "1月31日" in records[0]["title"] + str(records[0]["sections"])
    assert "conversation" not in records[1] and "米沢" in str(records[1]["sections"])
    assert records[2]["kind"] == "clarify"
    assert "3号会議室" in str(records[3]["sections"]) + records[3]["title"]  # c1's city, not c2's question
    assert records[4]["kind"] == "answer" and records[4]["partners"] == ["muroran"]  # c2's choice 2
    assert records[5] == {"error": 'a conversation line needs a question "q" (text)'}
    assert {"title", "sections", "notes"} <= set(records[0])


def test_check_names_an_empty_value_instead_of_a_traceback(tmp_path: Path) -> None:
    cut = tmp_path / "cut.yaml"
    text = DATA_PATH.read_text(encoding="utf-8")
    cut.write_text(text[: text.index("title:") + len("title:")], encoding="utf-8")
    for result in (run_app("check", str(cut)), run_app(stdin="帯広\n", env={"DATA_PATH": str(cut)})):
        assert result.returncode == 1
        assert f"{cut}:" in result.stderr and "Traceback" not in result.stderr


def test_calendar_writes_the_feed_and_one_event(tmp_path: Path) -> None:
    import icalendar

    from tests.memorandum_support import KUSHIRO_EVENT_ID, Memorandum, write_memoranda

    data = write_memoranda(tmp_path / "kb.yaml", [Memorandum(datetime(2027, 2, 3, 10, 0, tzinfo=JST))])
    env = {"DATA_PATH": str(data), "DATABASE_URL": f"sqlite:///{tmp_path / 'renkei.db'}"}
    feed = run_app("calendar", env=env)
    output = tmp_path / "out" / "kushiro.ics"
    one = run_app("calendar", "--event", KUSHIRO_EVENT_ID, "--output", str(output), env=env)
    unknown = run_app("calendar", "--event", "no-such-event", env=env)
    assert feed.returncode == 0, feed.stderr
    assert len(list(icalendar.Calendar.from_ical(feed.stdout).walk("VEVENT"))) == 5
    assert one.returncode == 0 and f"wrote {output}" in one.stderr
    assert output.read_bytes().count(b"\r\n") > 10  # the file keeps its CRLF line ends
    [event] = icalendar.Calendar.from_ical(output.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "釧路市との覚書締結式"
    assert unknown.returncode == 2 and "no-such-event" in unknown.stderr and KUSHIRO_EVENT_ID in unknown.stderr
