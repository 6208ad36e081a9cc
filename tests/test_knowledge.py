"""The knowledge base: the bundled data is valid and faithful; broken files name file, line, field."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge, parse_knowledge, parse_offset
from tests.conftest import DATA_PATH, SHARED

GOOD = DATA_PATH.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        parse_knowledge(text, "kb.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_bundled_data_loads(kb: KnowledgeBase) -> None:
    assert [p.id for p in kb.partners] == ["asahikawa", "muroran", "obihiro"]
    assert kb.document.date == date(2019, 12, 17)
    assert kb.document.contact.extension == "2520"
    muroran = kb.partner("muroran")
    assert muroran.ceremony.date == date(2020, 1, 31)
    assert (muroran.ceremony.start, muroran.ceremony.end) == (time(11, 0), time(11, 30))
    assert kb.reminder_offsets == (timedelta(days=7), timedelta(days=1), timedelta(hours=1))


def test_every_fact_in_the_data_is_in_the_source(kb: KnowledgeBase) -> None:
    source = (SHARED / "source" / "press-release-2019-12-17.md").read_text(encoding="utf-8")
    flat = "".join(source.split()).replace("**", "")
    facts = [kb.document.contact.email, kb.document.contact.phone, kb.document.contact.fax]
    for partner in kb.partners:
        facts += [partner.theme, *partner.cooperation_items, partner.ceremony.place.replace(" ", "")]
        facts += [p.description for p in partner.projects] + [p.title for p in partner.projects]
        facts += [a.name.replace(" ", "") for a in partner.ceremony.attendees]
        facts.append(partner.promotion.text)
    for fact in facts:
        assert "".join(fact.split()) in flat, fact


def test_a_time_out_of_range_names_file_line_and_field() -> None:
    broken = GOOD.replace('start: "11:00"', 'start: "10:70"', 1)
    assert problems_of(broken) == [f'kb.yaml:{line_of(broken, "10:70")} partners[1].ceremony.start: not a time "10:70"']


def test_every_problem_is_reported_at_once() -> None:
    broken = GOOD.replace("date: 2020-02-07", "date: 2020-02-31").replace("  - id: muroran", "  - id: asahikawa")
    found = problems_of(broken)
    assert any("partners[2].ceremony.date: not a date" in p for p in found)
    assert any('partners[1].id: "asahikawa" is already used by partners[0]' in p for p in found)


def test_a_missing_field_is_named() -> None:
    broken = GOOD.replace("    theme: 先端ものづくり産業の推進による競争力ある企業城下町の実現\n", "", 1)
    assert any(p.endswith("partners[1].theme: missing") for p in problems_of(broken))


def test_wrong_types_and_bad_offsets_are_named() -> None:
    broken = GOOD.replace("offsets: [7d, 1d, 1h]", "offsets: [7d, soon]").replace(
        "    cooperation_items:\n      - 地方創生推進のための事業構築への支援",
        "    cooperation_items: 42\n    x:\n      - a",
        1,
    )
    found = problems_of(broken)
    assert any('reminders.offsets[1]: not an offset such as 7d, 1h, 30m "soon"' in p for p in found)
    assert any("partners[0].cooperation_items: expected a list" in p for p in found)


def test_invalid_yaml_names_the_line() -> None:
    found = problems_of("document:\n  title: [unclosed\npartners: []\n")
    assert len(found) == 1 and found[0].startswith("kb.yaml:3 (yaml): not valid YAML")


def test_an_end_before_the_start_is_rejected() -> None:
    broken = GOOD.replace('end: "11:30"', 'end: "10:30"', 1)
    assert any("partners[1].ceremony.end: ends at 10:30, before it starts" in p for p in problems_of(broken))


def test_a_fourth_city_is_yaml_only(tmp_path: Path) -> None:
    fourth = """
  - id: kushiro
    name: 釧路市
    short_name: 釧路
    readings: {hiragana: くしろ, katakana: クシロ, romaji: kushiro}
    aliases: []
    theme: テスト用のテーマ
    projects: [{title: テスト事業, description: テスト用の説明}]
    promotion: {text: テスト用の推進, plans: [テスト計画]}
    cooperation_items: [テスト用の連携事項]
    ceremony:
      title: 釧路市との覚書締結式
      date: 2030-05-01
      start: "09:00"
      place: 釧路市役所
      attendees: [{role: 釧路市長, name: テスト太郎}]
"""
    path = tmp_path / "four.yaml"
    path.write_text(GOOD.replace("\n# Further events", fourth + "\n# Further events", 1), encoding="utf-8")
    kb = load_knowledge(path)
    assert [p.id for p in kb.partners][-1] == "kushiro"
    assert len(kb.all_events()) == 4


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="no such file"):
        load_knowledge(tmp_path / "nope.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(KnowledgeError, match="not UTF-8"):
        load_knowledge(binary)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("1h", timedelta(hours=1)),
        ("30m", timedelta(minutes=30)),
        ("10s", timedelta(seconds=10)),
        ("1d12h", timedelta(days=1, hours=12)),
    ],
)
def test_offsets(text: str, expected: timedelta) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7 days", "-1h"])
def test_bad_offsets(text: str) -> None:
    with pytest.raises(ValueError):
        parse_offset(text)
