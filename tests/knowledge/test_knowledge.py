"""The knowledge base: the bundled documents are valid and faithful to their sources; a broken file
names file, line and field; a new memorandum is a data change only."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.knowledge.model import KnowledgeBase, KnowledgeError, load_knowledge, parse_knowledge, parse_offset
from bot.knowledge.yaml_reader import YamlLimits
from tests.conftest import DATA_PATH, SHARED

pytestmark = pytest.mark.unit

GOOD = DATA_PATH.read_text(encoding="utf-8")

# A further memorandum, written the way docs/knowledge-base.md tells a maintainer to.
KUSHIRO_PARTNER = """
  - id: kushiro
    name: 釧路市
    short_name: 釧路
    readings: {hiragana: くしろ, katakana: クシロ, romaji: kushiro}
    aliases: []
"""
KUSHIRO_DOCUMENT = """
  - id: hkd-2030-04-01
    title: 釧路市と北海道経済産業局が覚書を締結します
    issuer: 北海道経済産業局
    date: 2030-04-01
    source: {file: kushiro-2030-04-01.md}
    lead:
      - 経済産業省北海道経済産業局は釧路市と、港湾物流の振興のために覚書を締結します。
    purpose: [1]
    partners:
      - partner: kushiro
        ordinal: 5
        ceremony:
          title: 釧路市との覚書締結式
          date: 2030-05-01
          start: "9:00"
          end: "9:30"
          place: 釧路市役所 3階 会議室
          attendees:
            - {role: 釧路市長, name: 釧路 太郎}
        sections:
          - label: 覚書の主な内容
            synonyms: [主な内容, 連携事項]
            items: [港湾物流の振興, 人材育成]
"""


def with_kushiro(text: str = GOOD) -> str:
    text = text.replace("\ndocuments:\n", KUSHIRO_PARTNER + "\ndocuments:\n", 1)
    return text.replace("\n# Further events", KUSHIRO_DOCUMENT + "\n# Further events", 1)


def problems_of(text: str) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        parse_knowledge(text, "kb.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_bundled_documents_load(kb: KnowledgeBase) -> None:
    assert [d.id for d in kb.documents] == ["hkd-2019-12-17", "hkd-2021-03-23"]
    assert [p.id for p in kb.partners] == ["asahikawa", "muroran", "obihiro", "kitami"]
    first, kitami = kb.documents
    assert first.date == date(2019, 12, 17) and first.contact is not None and first.contact.extension == "2520"
    assert kitami.contact is None and kitami.subtitle.startswith("オホーツクから全国")
    muroran = kb.partner("muroran").ceremony
    assert muroran is not None and (muroran.start, muroran.end) == (time(11, 0), time(11, 30))
    assert kb.partner("kitami").engagement.ordinal == 4
    assert [e.id for e in kb.all_events()] == [f"{p}-ceremony" for p in ("asahikawa", "muroran", "obihiro", "kitami")]
    assert kb.document_of(kb.partner("kitami").ceremony).id == "hkd-2021-03-23"  # type: ignore[arg-type]


def test_purpose_and_precedent_point_at_lead_paragraphs(kb: KnowledgeBase) -> None:
    first, kitami = kb.documents
    assert first.purpose_text()[-1].startswith("地域活性化、地方創生の取組を進めるためには")
    assert "初めて" in first.precedent_text()
    assert "4例目" in kitami.precedent_text()


def test_the_news_items_are_marked_as_a_secondary_source(kb: KnowledgeBase) -> None:
    sections = {s.label: s for s in kb.partner("kitami").engagement.sections}
    news = sections["覚書の主な内容"].source
    assert news is not None and news.secondary and news.date == date(2021, 4, 5)
    assert sections["覚書締結の趣旨"].source is None and sections["覚書締結の趣旨"].kind == "purpose"


@pytest.mark.skipif(not (SHARED / "source").is_dir(), reason="shared/source is not beside the checkout")
def test_every_fact_is_in_its_source(kb: KnowledgeBase) -> None:
    """Readings, aliases and synonyms are ours; every fact must be the source's own wording."""
    for document in kb.documents:
        source = "".join((SHARED / "source" / document.source.file).read_text(encoding="utf-8").split())
        source = source.replace("**", "").replace("\u3000", "")
        facts = [document.title, document.subtitle, *document.lead]
        if document.contact:
            facts += [document.contact.phone, document.contact.fax, document.contact.email, *document.contact.persons]
        for engagement in document.engagements:
            facts += [engagement.theme, engagement.promotion, *engagement.cooperation_items]
            facts += [p.title for p in engagement.projects] + [p.description for p in engagement.projects]
            facts += [plan.name for plan in engagement.plans]
            for section in engagement.sections:
                facts += [*section.text, *section.items]
            if engagement.ceremony:
                facts.append(engagement.ceremony.place.replace(" ", ""))
                facts += [a.name.replace(" ", "") for a in engagement.ceremony.attendees]
        for fact in filter(None, facts):
            assert "".join(fact.split()) in source.replace(" ", ""), (document.id, fact)


def test_a_new_memorandum_is_data_only(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(with_kushiro(), encoding="utf-8")
    kb = load_knowledge(path)
    assert [p.id for p in kb.partners][-1] == "kushiro" and kb.latest_document.id == "hkd-2030-04-01"
    assert kb.partner("kushiro").engagement.ordinal == 5
    assert "kushiro-ceremony" in {e.id for e in kb.all_events()}


def test_a_partner_may_appear_in_two_documents() -> None:
    again = KUSHIRO_DOCUMENT.replace("hkd-2030-04-01", "hkd-2031-04-01").replace("2030-", "2031-")
    kb = parse_knowledge(with_kushiro().replace("\n# Further events", again + "\n# Further events", 1), "kb.yaml")
    kushiro = kb.partner("kushiro")
    assert [e.document_id for e in kushiro.engagements] == ["hkd-2030-04-01", "hkd-2031-04-01"]
    assert [e.id for e in kb.all_events() if e.partner_id == "kushiro"] == [
        "kushiro-ceremony", "kushiro-hkd-2031-04-01-ceremony"]
    assert kushiro.ceremony is not None and kushiro.ceremony.date == date(2031, 5, 1)


def test_a_wrong_time_names_file_line_and_field() -> None:
    broken = GOOD.replace('start: "11:00"', 'start: "10:70"')
    assert problems_of(broken) == [
        f'kb.yaml:{line_of(broken, "10:70")} documents[0].partners[1].ceremony.start: not a time "10:70" (expected H:MM in quotes, e.g. "13:30")']


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("      - partner: muroran\n", "      - partner: muroranx\n"), 'partners[1].partner: no partner has id "muroranx"'),
        (("    ceremony:\n          title: 室蘭", "    ceremny:\n          title: 室蘭"), "partners[1].ceremny: unknown field"),
        (("    purpose: [1, 2]", "    purpose: [1, 9]"), "documents[0].purpose[1]: not the number of a lead paragraph"),
        (("date: 2020-01-31", "date: 2020-02-31"), "documents[0].partners[1].ceremony.date: not a date"),
        (("  - id: hkd-2021-03-23", "  - id: hkd-2019-12-17"), 'documents[1].id: "hkd-2019-12-17" is already used'),
        (("    issuer: 北海道経済産業局\n    date: 2021", "    date: 2021"), "documents[1].issuer: missing"),
        (("              secondary: true", "              secondary: yes please"), "source.secondary: expected true or false"),
        (("            kind: purpose", "            kind: reason"), 'kind: unknown kind "reason"'),
    ],
)
def test_mistakes_name_their_field(edit: tuple[str, str], expected: str) -> None:
    old, new = edit
    assert old in GOOD
    found = problems_of(GOOD.replace(old, new, 1))
    assert any(expected in p for p in found), found


def test_a_section_needs_text_or_items() -> None:
    broken = with_kushiro().replace("            items: [港湾物流の振興, 人材育成]\n", "")
    assert any("sections[0]: a section needs text or items" in p for p in problems_of(broken))


def test_every_problem_is_reported_at_once() -> None:
    broken = GOOD.replace('start: "11:00"', 'start: "25:00"').replace('end: "10:30"', 'end: "09:00"', 1)
    found = problems_of(broken)
    assert len(found) >= 2 and all(p.startswith("kb.yaml:") for p in found)


def test_not_yaml_and_empty_files() -> None:
    assert problems_of("documents: [") [0].startswith("kb.yaml:1 (yaml): not valid YAML")
    assert problems_of("") == ["kb.yaml:1 (root): the file is empty"]
    assert problems_of("- just\n- a list\n") == ["kb.yaml:1 (root): expected a mapping, got a list"]


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


# --- hostile files: rejected quickly, with a reason, never a crash ------------------------------


def test_deep_nesting_is_rejected_with_its_line() -> None:
    deep = "documents: " + "[" * 20_000 + "]" * 20_000
    assert problems_of(deep) == ["kb.yaml:1 (yaml): nested too deeply (more than 40 levels)"]


def test_a_billion_laughs_is_rejected_before_it_grows() -> None:
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
    assert problems_of(laughs)[0].endswith("(yaml): too many aliases (more than 20)")


def test_aliases_within_the_limit_still_cannot_expand_past_the_value_budget() -> None:
    few = 'a: &a ["x", "x", "x", "x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 4)}]\n" for i in range(4))
    limits = YamlLimits(max_aliases=20, max_nodes=200)
    with pytest.raises(KnowledgeError, match="too many values once aliases are expanded"):
        parse_knowledge(few, "kb.yaml", limits)


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "a" * 3_000_000, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"too large: 3,000,003 bytes \(limit 2,000,000\)"):
        load_knowledge(big)
    load_knowledge(DATA_PATH, YamlLimits(max_bytes=DATA_PATH.stat().st_size))  # the bundled data fits
