"""`draft` on the announcements as people save them — Markdown, the bureau's HTML page, its PDF —
and written the other ways bureaus write them; `check` on what a draft leaves behind.

The HTML pages and PDFs are generated here from the shared sources (tests/announcement_formats.py),
so every format is tested on the same two real announcements.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.draft import draft_yaml, read_source, read_when
from bot.knowledge.model import KnowledgeError, parse_knowledge
from bot.knowledge.source_text import SourceFormatError, html_to_markdown, pdf_to_markdown, read_announcement
from tests.announcement_formats import to_bureau_page, to_other_layout, write_pdf

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "source"
KNOWN = {"旭川市": "asahikawa", "室蘭市": "muroran", "帯広市": "obihiro", "北見市": "kitami"}
NAMES = ("press-release-2019-12-17", "kitami-2021-03-23")


def source(name: str) -> str:
    path = SOURCES / f"{name}.md"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def saved_as(markdown: str, fmt: str, folder: Path, stem: str = "announcement") -> Path:
    """The announcement saved as .md, .html (the bureau's page) or .pdf (its attachment)."""
    path = folder / f"{stem}.{fmt}"
    if fmt == "pdf":
        return write_pdf(markdown, path)
    path.write_text(to_bureau_page(markdown) if fmt == "html" else markdown, encoding="utf-8")
    return path


def drafted(path: Path, known: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    text = draft_yaml(read_source(path), "announcement", KNOWN if known is None else known)
    [entry] = yaml.safe_load(text)
    return entry, text


def same_wave_dash(text: str) -> str:
    # The PDF font has one glyph for ～ (U+FF5E) and 〜 (U+301C): the extracted text has 〜.
    return text.replace("～", "〜")


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("name", NAMES)
def test_every_format_drafts_the_same_entry(name: str, fmt: str, tmp_path: Path) -> None:
    markdown = source(name)
    _, from_markdown = drafted(saved_as(markdown, "md", tmp_path))
    entry, from_format = drafted(saved_as(markdown, fmt, tmp_path))
    assert same_wave_dash(from_format) == same_wave_dash(from_markdown)
    assert entry["partners"][0]["ceremony"]["attendees"]  # not an empty draft that happens to agree


def test_the_saved_page_without_its_navigation_scripts_and_footer(tmp_path: Path) -> None:
    page = to_bureau_page(source("kitami-2021-03-23"))
    text = html_to_markdown(page)
    assert text.startswith("# 北見市と北海道経済産業局が、")
    assert "報道発表" not in text and "dataLayer" not in text and "Copyright" not in text
    assert "- 北見市長 辻 直孝" in text and "【日時】\n2021年3月25日(木)9:30～10:00" in text


def test_html_tables_and_definition_lists_give_field_lines() -> None:
    page = """<html><body><main><h1>網走市と覚書を締結します</h1><p>令和4年4月1日<br>北海道経済産業局</p>
    <table><tr><th>日時</th><td>令和4年4月10日(日) 午後2時～午後2時30分</td></tr>
    <tr><th>場所</th><td>網走市役所 3階 会議室</td></tr></table>
    <dl><dt>出席者</dt><dd>網走市長 山田 太郎<br>北海道経済産業局長 佐藤 花子</dd></dl></main></body></html>"""
    entry = yaml.safe_load(draft_yaml(html_to_markdown(page), "a.html", {}))[0]
    ceremony = entry["partners"][0]["ceremony"]
    assert (ceremony["date"], ceremony["start"], ceremony["end"]) == (date(2022, 4, 10), "14:00", "14:30")
    assert ceremony["place"] == "網走市役所 3階 会議室"
    assert ceremony["attendees"] == [{"role": "網走市長", "name": "山田 太郎"},
                                     {"role": "北海道経済産業局長", "name": "佐藤 花子"}]


def test_pdf_headings_come_from_the_type_size_and_wrapped_lines_are_joined(tmp_path: Path) -> None:
    pdf = saved_as(source("kitami-2021-03-23"), "pdf", tmp_path)
    text = pdf_to_markdown(pdf.read_bytes())
    assert text.startswith("# 北見市と北海道経済産業局が、関係人口の創出・拡大等により新たな人の流れをつくるために覚書を締結します\n")
    assert "\n## 覚書締結式概要\n" in text and "\n## 覚書締結の趣旨\n" in text
    # The first lead paragraph is wider than the page: one line again, not a line that starts with 「・」.
    assert "関係人口の創出・拡大等により新たな人の流れをつくるために覚書を締結します。\n" in text


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.4\n%broken", "not a readable PDF"),
])
def test_a_broken_pdf_is_a_clear_error(data: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceFormatError, match=message):
        read_announcement(path)


def test_a_pdf_without_text_says_so(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(100, 100, 200, 200)
    page.save()
    with pytest.raises(SourceFormatError, match="no text"):
        read_announcement(path)


def test_shift_jis_pages_are_read(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(to_bureau_page(source("kitami-2021-03-23")).encode("cp932", errors="replace"))
    assert read_announcement(path).startswith("# 北見市と北海道経済産業局が")


# --- an announcement laid out differently ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_another_layout_in_every_format(fmt: str, tmp_path: Path) -> None:
    entry, text = drafted(saved_as(to_other_layout(source("kitami-2021-03-23")), fmt, tmp_path), known={})
    # 2021年3月23日 経済産業省北海道経済産業局 https://… on one line: the date, the issuer, the page.
    assert (entry["date"], entry["issuer"]) == (date(2021, 3, 23), "経済産業省北海道経済産業局")
    assert entry["source"]["url"] == "https://www.hkd.meti.go.jp/hoksr/20210323/index.htm"
    assert len(entry["lead"]) == 3 and entry["lead"][0].startswith("経済産業省北海道経済産業局は北見市と")
    [partner] = entry["partners"]
    ceremony = partner["ceremony"]
    # 日程：令和３年３月２５日（木）９：３０〜１０：００, 会場：…, 出席者：A / B
    assert (ceremony["date"], ceremony["start"], ceremony["end"]) == (date(2021, 3, 25), "9:30", "10:00")
    assert (ceremony["place"], ceremony["address"]) == ("北見市役所 本庁舎4階 市長応接室", "北見市大通西3丁目1番地1")
    assert ceremony["attendees"] == [{"role": "北見市長", "name": "辻 直孝"},
                                     {"role": "北海道経済産業局長", "name": "安藤 保彦"}]
    # 「## 覚書締結の趣旨 (opening only)」: the annotation is about the copy, not the section's name.
    assert [s["label"] for s in partner["sections"]] == ["覚書締結の趣旨", "覚書の主な内容"]
    # A city the knowledge base does not know: its id in romaji and a commented `partners:` entry.
    assert partner["partner"] == "kitami"
    assert "#   - id: kitami\n#     name: 北見市\n#     short_name: 北見\n" in text
    assert "#     readings: {hiragana: きたみ, katakana: キタミ, romaji: kitami}" in text


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("日時", "令和3年4月20日(火) 13:30-14:00", (date(2021, 4, 20), "13:30", "14:00")),
    ("開催日時", "2021年4月20日（火）１３：３０～１４：００", (date(2021, 4, 20), "13:30", "14:00")),
    ("日　程", "令和３年４月２０日　午後１時３０分〜午後２時", (date(2021, 4, 20), "13:30", "14:00")),
    ("【日程】", "平成31年4月20日 10時～10時半", (date(2019, 4, 20), "10:00", "10:30")),
    ("1. 日時", "2021/4/20 9:30〜10:00", (date(2021, 4, 20), "9:30", "10:00")),
])
def test_ceremony_date_and_time_as_people_write_them(field: str, value: str,
                                                     expected: tuple[date, str, str]) -> None:
    text = f"# 釧路市と覚書を締結します\n\n2021年4月1日\n北海道経済産業局\n\n本文。\n\n## 締結式\n\n{field}：{value}\n会場：釧路市役所\n"
    entry = yaml.safe_load(draft_yaml(text, "a.md", {}))[0]
    ceremony = entry["partners"][0]["ceremony"]
    assert (ceremony["date"], ceremony["start"], ceremony["end"]) == expected
    assert ceremony["place"] == "釧路市役所"


@pytest.mark.parametrize("attendees", [
    "出席者：釧路市長 蝦名 大也 / 北海道経済産業局長 安藤 保彦",
    "出席者：釧路市長 蝦名 大也、北海道経済産業局長 安藤 保彦",
    "出席者：釧路市長 蝦名 大也／北海道経済産業局長 安藤 保彦",
    "出席者\n釧路市長 蝦名 大也\n北海道経済産業局長 安藤 保彦",
    "【出席者】\n・釧路市長　蝦名　大也\n・北海道経済産業局長　安藤　保彦",
])
def test_attendees_on_one_line_or_several(attendees: str) -> None:
    text = f"# 釧路市と覚書を締結します\n\n2021年4月1日\n北海道経済産業局\n\n## 締結式\n\n日時：2021年4月20日 9:30～10:00\n{attendees}\n"
    entry = yaml.safe_load(draft_yaml(text, "a.md", {}))[0]
    assert entry["partners"][0]["ceremony"]["attendees"] == [
        {"role": "釧路市長", "name": "蝦名 大也"}, {"role": "北海道経済産業局長", "name": "安藤 保彦"}]
    assert entry["partners"][0]["partner"] == "kushiro"


def test_a_sentence_that_starts_with_a_date_is_not_the_date_line() -> None:
    text = "# 覚書を締結します\n\n2021年3月25日に、覚書締結式を行います。\n\n本文。\n"
    entry = yaml.safe_load(draft_yaml(text, "a.md", {}))[0]
    assert entry["date"] == "TODO" and entry["lead"][0].startswith("2021年3月25日に")


def test_pm_times() -> None:
    found = read_when("令和3年4月20日 午後1時30分～午後2時")
    assert (found["start"], found["end"]) == ("13:30", "14:00")


# --- check: a pasted draft is not valid until every TODO is filled -----------------------------------


def paste_into_knowledge_base(draft: str) -> str:
    """data/partnerships.yaml with the drafted entry appended to `documents:`."""
    data = (ROOT / "data" / "partnerships.yaml").read_text(encoding="utf-8")
    entry = "\n".join(line for line in draft.splitlines() if not line.startswith("#") or line.startswith("  "))
    documents = data.index("\ndocuments:\n") + 1
    following = re.compile(r"^\S", re.MULTILINE).search(data, documents + len("documents:\n"))
    end = following.start() if following else len(data)
    return data[:end] + entry.split("\n\n# ")[0] + "\n\n" + data[end:]


def check_problems(text: str) -> list[str]:
    with pytest.raises(KnowledgeError) as raised:
        parse_knowledge(text, "kb.yaml")
    return [f"{p.field}: {p.message}" for p in raised.value.problems]


def test_check_rejects_every_todo_a_draft_leaves_in_one_run(tmp_path: Path) -> None:
    draft = draft_yaml(to_other_layout(source("kitami-2021-03-23")), "kitami.md", KNOWN)
    problems = check_problems(paste_into_knowledge_base(draft))
    todo = "still TODO from `app.py draft`: fill it in from the source, or delete the field"
    assert problems == [
        f"documents[2].id: {todo}",
        f"documents[2].purpose: {todo}",
        f"documents[2].precedent: {todo}",
        f"documents[2].partners[0].ordinal: {todo}",
        f"documents[2].partners[0].sections[1].source.publisher: {todo}",
    ]


def test_check_names_todos_wrong_values_and_wrong_references_together() -> None:
    draft = draft_yaml(to_other_layout(source("kitami-2021-03-23")), "kitami.md", KNOWN)
    text = paste_into_knowledge_base(draft).replace("      - partner: kitami\n        ordinal: TODO",
                                                    "      - partner: kitam\n        ordinal: TODO")
    text = text.replace("          end: '10:00'\n          place: 北見市役所", "          end: '25:00'\n          place: 北見市役所")
    problems = check_problems(text)
    assert 'documents[2].partners[0].partner: no partner has id "kitam" (add it to partners)' in problems
    assert ('documents[2].partners[0].ceremony.end: not a time "25:00" (expected H:MM in quotes, e.g. "13:30")'
            in problems)
    assert sum("still TODO" in p for p in problems) == 5
    assert len(problems) == 7


def test_a_todo_inside_a_text_is_found_and_todos_in_words_are_not() -> None:
    data = (ROOT / "data" / "partnerships.yaml").read_text(encoding="utf-8")
    text = data.replace("subtitle: 旭川市、室蘭市、帯広市と覚書を締結", "subtitle: ～TODO～", 1)
    assert check_problems(text) == [
        "documents[0].subtitle: still TODO from `app.py draft`: fill it in from the source, or delete the field"]
    parse_knowledge(data.replace("aliases: [旭川エリア]", "aliases: [旭川エリア, TODOS]", 1), "kb.yaml")


@pytest.mark.process
def test_draft_then_check_from_the_command_line(tmp_path: Path) -> None:
    pdf = saved_as(to_other_layout(source("kitami-2021-03-23")), "pdf", tmp_path)
    drafted_run = subprocess.run([sys.executable, "app.py", "draft", str(pdf)], cwd=ROOT, capture_output=True,
                                 text=True, timeout=60)
    assert drafted_run.returncode == 0, drafted_run.stderr
    knowledge = tmp_path / "kb.yaml"
    knowledge.write_text(paste_into_knowledge_base(drafted_run.stdout), encoding="utf-8")
    checked = subprocess.run([sys.executable, "app.py", "check", str(knowledge)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 1
    assert checked.stderr.count("still TODO") == 5 and checked.stderr.strip().endswith("5 problem(s)")
    assert "valid" not in checked.stdout
