"""`app.py draft`: a knowledge-base entry drafted from an announcement, copied or TODO, never invented."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.draft import DraftError, Todo, draft_yaml, read_when, split_attendee

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "source"
PRESS_RELEASE = SOURCES / "press-release-2019-12-17.md"
KITAMI = SOURCES / "kitami-2021-03-23.md"
KNOWN = {"旭川市": "asahikawa", "室蘭市": "muroran", "帯広市": "obihiro", "北見市": "kitami"}


def draft_of(text: str, name: str = "source.md", known: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """The drafted entry as loaded by yaml.safe_load, and the YAML text itself."""
    text_yaml = draft_yaml(text, name, KNOWN if known is None else known)
    loaded = yaml.safe_load(text_yaml)
    assert isinstance(loaded, list) and len(loaded) == 1
    return loaded[0], text_yaml


def draft_file(path: Path) -> tuple[dict[str, Any], str]:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return draft_of(path.read_text(encoding="utf-8"), path.name)


def ceremony_of(entry: dict[str, Any], partner: str) -> dict[str, Any]:
    [found] = [p for p in entry["partners"] if p["partner"] == partner]
    ceremony: dict[str, Any] = found["ceremony"]
    return ceremony


# --- the 2019 press release: three cities -----------------------------------------------------


def test_press_release_header() -> None:
    entry, _ = draft_file(PRESS_RELEASE)
    assert entry["title"] == "道内基礎自治体との連携の推進"
    assert entry["subtitle"] == "旭川市、室蘭市、帯広市と覚書を締結"
    assert entry["issuer"] == "北海道経済産業局"
    assert entry["date"] == date(2019, 12, 17)
    assert entry["source"] == {"file": "press-release-2019-12-17.md"}
    assert entry["contact"] == {
        "organization": "経済産業省北海道経済産業局", "department": "総務企画部 企画調査課", "persons": ["辻", "宮本"],
        "phone": "011-709-2311", "extension": "2520", "fax": "011-709-1775",
        "email": "hokkaido-kikakuchosa@meti.go.jp",
    }
    assert len(entry["lead"]) == 3
    assert entry["lead"][0].startswith("北海道経済産業局では、")
    assert entry["lead"][2] == "北海道経済産業局としては、このような産業振興に係る覚書を締結することは、初めてになります。"


@pytest.mark.parametrize(("partner", "when", "start", "end", "place", "mayor"), [
    ("asahikawa", date(2020, 1, 20), "10:30", "11:00", "旭川市役所 2階 秘書課第2応接室", ("旭川市長", "西川将人")),
    ("muroran", date(2020, 1, 31), "11:00", "11:30", "室蘭市役所 2階3号会議室", ("室蘭市長", "青山 剛")),
    ("obihiro", date(2020, 2, 7), "10:00", "10:30", "帯広市役所 4階 第3応接室", ("帯広市長", "米沢則寿")),
])
def test_press_release_ceremonies(partner: str, when: date, start: str, end: str, place: str,
                                  mayor: tuple[str, str]) -> None:
    entry, _ = draft_file(PRESS_RELEASE)
    ceremony = ceremony_of(entry, partner)
    assert (ceremony["date"], ceremony["start"], ceremony["end"], ceremony["place"]) == (when, start, end, place)
    assert "address" not in ceremony
    assert ceremony["attendees"] == [
        {"role": mayor[0], "name": mayor[1]}, {"role": "北海道経済産業局長", "name": "安藤保彦"},
    ]
    assert ceremony["title"] == f"{mayor[0][:-1]}との覚書締結式"


def test_press_release_partners_projects_and_cooperation() -> None:
    entry, _ = draft_file(PRESS_RELEASE)
    assert [p["partner"] for p in entry["partners"]] == ["asahikawa", "muroran", "obihiro"]
    asahikawa, muroran, obihiro = entry["partners"]
    assert list(asahikawa) == ["partner", "theme", "projects", "promotion", "plans", "cooperation_items", "ceremony"]
    assert asahikawa["theme"] == "デザイン・スポーツ・ヘルスケアによる持続可能な創造都市の実現"
    assert [len(p["projects"]) for p in entry["partners"]] == [3, 3, 2]
    assert muroran["projects"][1] == {
        "title": "生産性革命への取組支援",
        "description": "ロボット・IoT・AI等の先端技術の導入を支援し、室蘭地域のものづくり企業の生産性革命への取組を促進する。",
    }
    assert obihiro["projects"][0]["description"].startswith("十勝ブランドを")  # the "・ " bullet mark is gone
    assert asahikawa["cooperation_items"][0] == "地方創生推進のための事業構築への支援"  # without "(1) "
    assert "**" not in muroran["promotion"]
    assert asahikawa["plans"][0] == {"name": "第8次旭川市総合計画", "period": "平成28年度～平成39年度"}


def test_press_release_invents_nothing() -> None:
    entry, text = draft_file(PRESS_RELEASE)
    assert all("ordinal" not in p and "sections" not in p for p in entry["partners"])
    assert entry["purpose"] == entry["precedent"] == entry["id"] == "TODO"
    assert "# TODO: a unique id, e.g. hkd-2019-12-17" in text
    assert "is not in `partners:` yet" not in text
    assert all("family" not in a for p in entry["partners"] for a in p["ceremony"]["attendees"])


# --- the 2021 Kitami announcement: one city -------------------------------------------------------


def test_kitami_header_ignores_the_html_comment() -> None:
    entry, text = draft_file(KITAMI)
    assert entry["title"] == "北見市と北海道経済産業局が、関係人口の創出・拡大等により新たな人の流れをつくるために覚書を締結します"
    assert entry["subtitle"] == "オホーツクから全国への発進力を強化し稼げるまちを実現"
    assert entry["date"] == date(2021, 3, 23)
    assert entry["issuer"] == "経済産業省北海道経済産業局"
    assert "contact" not in entry
    assert len(entry["lead"]) == 3 and entry["lead"][2].endswith("4例目となります。")
    assert "denshobato" not in text and "retrieved" not in text


def test_kitami_ceremony() -> None:
    entry, _ = draft_file(KITAMI)
    [partner] = entry["partners"]
    assert partner["partner"] == "kitami"
    assert partner["ceremony"] == {
        "title": "北見市との覚書締結式", "date": date(2021, 3, 25), "start": "9:30", "end": "10:00",
        "place": "北見市役所 本庁舎4階 市長応接室", "address": "北見市大通西3丁目1番地1",
        "attendees": [{"role": "北見市長", "name": "辻 直孝"}, {"role": "北海道経済産業局長", "name": "安藤 保彦"}],
    }


def test_kitami_sections_and_secondary_source() -> None:
    entry, _ = draft_file(KITAMI)
    [partner] = entry["partners"]
    purpose, contents = partner["sections"]
    assert purpose["label"] == "覚書締結の趣旨" and len(purpose["text"]) == 2 and "items" not in purpose
    assert purpose["text"][1].endswith("(…)")
    assert contents["label"] == "覚書の主な内容"
    assert contents["items"] == [
        "サテライトオフィス北見を活用した地域活性化", "若者の定着・確保と地元雇用の促進", "カーリングホールを活用した稼げるまちづくり推進",
    ]
    assert contents["source"] == {
        "secondary": True, "publisher": "TODO", "date": date(2021, 4, 5),
        "note": "local news, 2021-04-05, after the ceremony of 2021-03-25",
    }
    assert not any(key in partner for key in ("theme", "projects", "promotion", "cooperation_items"))


def test_kitami_ordinal_is_not_invented() -> None:
    entry, text = draft_file(KITAMI)
    [partner] = entry["partners"]
    assert partner["ordinal"] == "TODO"  # the lead's 「4例目」 is quoted for the reviewer, not turned into a value
    assert "ordinal: TODO  # TODO: the memorandum's number, the lead says 「なお、当局が基礎自治体と覚書を締結するのは" in text
    assert "第4" not in text and "4番目" not in text


# --- synthetic inputs -------------------------------------------------------------------------------

PLAIN = """網走市と北海道経済産業局の覚書締結について
～ 新しい連携 ～
令和4年4月1日
北海道経済産業局

北海道経済産業局は網走市と覚書を締結します。

日時：2022年4月10日(日)14:00-14:30
場所：網走市役所 3階 会議室（網走市南6条東4丁目）
出席者：網走市長 山田 太郎
北海道経済産業局長佐藤花子
ゲスト
"""


def test_plain_text_with_ceremony_lines() -> None:
    entry, text = draft_of(PLAIN, "abashiri.txt")
    assert (entry["title"], entry["subtitle"]) == ("網走市と北海道経済産業局の覚書締結について", "新しい連携")
    assert (entry["date"], entry["issuer"]) == (date(2022, 4, 1), "北海道経済産業局")
    assert entry["lead"] == ["北海道経済産業局は網走市と覚書を締結します。"]
    [partner] = entry["partners"]
    assert partner["partner"] == "abashiri"  # the new city's romaji, as in the commented partners entry
    ceremony = partner["ceremony"]
    assert (ceremony["date"], ceremony["start"], ceremony["end"]) == (date(2022, 4, 10), "14:00", "14:30")
    assert (ceremony["place"], ceremony["address"]) == ("網走市役所 3階 会議室", "網走市南6条東4丁目")
    assert ceremony["attendees"] == [
        {"role": "網走市長", "name": "山田 太郎"}, {"role": "北海道経済産業局長", "name": "佐藤花子"},
        {"role": "TODO", "name": "ゲスト"},
    ]
    assert "#   - id: abashiri" in text
    assert "#     name: 網走市" in text and "#     short_name: 網走" in text
    assert "#     readings: {hiragana: あばしり, katakana: アバシリ, romaji: abashiri}" in text
    assert "Sudachi's, not the" in text


def test_no_date_gives_todo() -> None:
    entry, text = draft_of("# 覚書を締結します\n\n本文です。\n\n## 《覚書締結式》\n\n【日時】\n10時～10時半\n")
    assert entry["date"] == entry["issuer"] == "TODO"
    assert "date: TODO  # TODO: the announcement's date" in text
    ceremony = entry["partners"][0]["ceremony"]
    assert (ceremony["date"], ceremony["start"], ceremony["end"], ceremony["place"]) == ("TODO", "10:00", "10:30", "TODO")


def test_english_text_is_mostly_todo() -> None:
    entry, text = draft_of("Some announcement\n\nThe bureau will sign something with a city.\n", "en.txt")
    assert entry["title"] == "Some announcement"
    assert entry["lead"] == ["The bureau will sign something with a city."]
    for key in ("id", "subtitle", "issuer", "date", "purpose", "precedent"):
        assert entry[key] == "TODO", key
    [partner] = entry["partners"]
    assert partner["partner"] == "TODO"
    assert set(partner["ceremony"].values()) == {"TODO"}
    assert text.count("TODO") > 10 and all("# TODO:" in line for line in text.splitlines() if ": TODO" in line)


@pytest.mark.parametrize("text", ["", "\n  \n", "<!-- only a comment -->\n"])
def test_empty_source_is_an_error(text: str) -> None:
    with pytest.raises(DraftError, match="empty"):
        draft_yaml(text, "empty.md", KNOWN)


def test_times_are_quoted_and_reload_as_strings() -> None:
    _, text = draft_of(PLAIN)
    assert "start: '14:00'" in text


@pytest.mark.parametrize(("text", "expected"), [
    ("2020年1月20日（月） 10:30～11:00", (date(2020, 1, 20), "10:30", "11:00")),
    ("2021年3月25日(木)9:30～10:00", (date(2021, 3, 25), "9:30", "10:00")),
    ("２０２１年３月２５日（木）９：３０〜１０：００", (date(2021, 3, 25), "9:30", "10:00")),
    ("2021-03-25 9:30~10:00", (date(2021, 3, 25), "9:30", "10:00")),
])
def test_read_when(text: str, expected: tuple[date, str, str]) -> None:
    found = read_when(text)
    assert (found["date"], found["start"], found["end"]) == expected


@pytest.mark.parametrize(("line", "role", "name"), [
    ("北見市長 辻 直孝", "北見市長", "辻 直孝"),
    ("北海道経済産業局長 安藤保彦", "北海道経済産業局長", "安藤保彦"),
    ("北海道経済産業局長安藤保彦", "北海道経済産業局長", "安藤保彦"),
    ("総務企画部 部長 山田 太郎", "総務企画部 部長", "山田 太郎"),
    ("北海道知事 鈴木直道", "北海道知事", "鈴木直道"),
])
def test_split_attendee(line: str, role: str, name: str) -> None:
    assert split_attendee(line) == {"role": role, "name": name}


def test_attendee_without_a_role_has_role_todo() -> None:
    found = split_attendee("山田 太郎")
    assert found == {"role": Todo("the role of 山田 太郎 (cannot tell role from name)"), "name": "山田 太郎"}


# --- the command ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PRESS_RELEASE, KITAMI])
def test_cli_prints_yaml_that_loads(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    result = subprocess.run([sys.executable, "app.py", "draft", str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    [entry] = yaml.safe_load(result.stdout)
    assert entry["source"] == {"file": path.name}


def test_cli_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "app.py", "draft", str(empty)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == "" and "empty.md: the source is empty" in result.stderr
