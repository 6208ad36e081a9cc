"""Counts, orders, filters and only/all claims follow the data, not the four cities the engine was
written with: a sixth memorandum written here (not in data/) changes every such answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering.answer import Answer, body_of
from bot.answering.engine import Engine
from bot.knowledge.model import load_knowledge
from tests.conftest import DATA_PATH, NOW

pytestmark = pytest.mark.unit

# A city the data does not have: a Friday afternoon ceremony on the 5th floor, 60 minutes long,
# announced in 2026 as the 5th memorandum; its items name a curling stone and a design school.
HAKODATE = {"id": "hakodate", "name": "函館市", "short_name": "函館",
            "readings": {"hiragana": "はこだて", "katakana": "ハコダテ", "romaji": "hakodate"}, "aliases": []}
HAKODATE_DOCUMENT = {
    "id": "hkd-2026-06-01",
    "title": "函館市と北海道経済産業局が覚書を締結します",
    "issuer": "北海道経済産業局",
    "date": date(2026, 6, 1),
    "source": {"file": "test-hakodate.md"},
    "lead": ["経済産業省北海道経済産業局は函館市と覚書を締結します。"],
    "partners": [
        {
            "partner": "hakodate",
            "ordinal": 5,
            "theme": "港まちの観光とものづくり",
            "cooperation_items": ["ストーン研磨技術の支援", "デザイン学校との連携", "ヘルスケア産業の振興"],
            "ceremony": {
                "title": "函館市との覚書締結式",
                "date": date(2026, 6, 5),
                "start": "14:00",
                "end": "15:00",
                "place": "函館市役所 5階 大会議室",
                "attendees": [{"role": "函館市長", "name": "函館太郎"}, {"role": "北海道経済産業局長", "name": "安藤保彦"}],
            },
        }
    ],
}


@pytest.fixture(scope="module")
def six_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    data: dict[str, Any] = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    data["partners"].append(HAKODATE)
    data["documents"].append(HAKODATE_DOCUMENT)
    path: Path = tmp_path_factory.mktemp("kb") / "partnerships.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Engine(load_knowledge(path))


def _ask(engine: Engine, question: str) -> Answer:
    return engine.answer(question, context=None, now=NOW)


def _body(engine: Engine, question: str) -> str:
    answer = _ask(engine, question)
    assert answer.kind == "answer", (question, answer.title)
    return body_of(answer)


def test_counts_and_orders_follow_the_data(engine: Engine, six_engine: Engine) -> None:
    assert "4" in _body(engine, "覚書を結んだ市はいくつ?") and "5" in _body(six_engine, "覚書を結んだ市はいくつ?")
    assert "北見" in _body(engine, "一番新しい覚書は?")
    assert "函館" in _body(six_engine, "一番新しい覚書は?")
    assert "函館" in _body(six_engine, "5例目はどこ?")


def test_filters_follow_the_data(engine: Engine, six_engine: Engine) -> None:
    assert "函館" not in _body(engine, "金曜日の締結式は?")
    assert "函館" in _body(six_engine, "金曜日の締結式は?")
    assert "函館" in _body(six_engine, "午後の締結式は?")


@pytest.mark.parametrize(
    ("question", "four", "six"),
    [
        ("締結式はすべて午前中?", "はい", "いいえ"),
        ("金曜日に締結式をしたのは室蘭と帯広だけ?", "はい", "いいえ"),
        ("覚書を結んだのは旭川・室蘭・帯広・北見だけ?", "はい", "いいえ"),
        ("安藤局長は全部の締結式に出席していますか?", "はい", "はい"),
        ("北見以外に5階で式をした市はありますか?", "いいえ", "はい"),
        ("ストーンが出てくるのは函館だけ?", None, "はい"),
        ("ヘルスケアが出てくるのは旭川と帯広だけ?", "はい", "いいえ"),
        ("すべての締結式に市長が出席していますか?", "はい", "はい"),
        ("締結式の会場はどこも応接室?", "いいえ", "いいえ"),
        ("覚書を結んでいるのは4市のみでしょうか。", "はい", "いいえ"),
    ],
)
def test_only_and_all_claims_are_checked_over_every_partner(
    engine: Engine, six_engine: Engine, question: str, four: str | None, six: str
) -> None:
    if four is not None:
        assert _body(engine, question).startswith(four), question
    answer = _body(six_engine, question)
    assert answer.startswith(six), (question, answer)
    if (six == "いいえ" and "だけ" in question) or "すべて" in question:
        assert "函館" in answer, answer  # the exception is named
