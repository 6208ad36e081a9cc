"""A denial must be true: no word the documents hold is ever answered with "not in the documents".

For every noun Sudachi finds in the knowledge base's facts, 「〜についての記載はある?」 and
「〜について教えて」 (and the same in a business message) must answer with something, never a denial.
"""

from __future__ import annotations

import pytest

from bot.answering.answer import Answer, body_of
from bot.answering.base import ASKING_NOUNS
from bot.answering.engine import Engine
from bot.answering.understand import GENERIC_LEMMAS
from bot.knowledge.model import load_knowledge
from bot.language.text import tokenize
from tests.conftest import DATA_PATH, NOW

pytestmark = pytest.mark.unit

DENIALS = ("資料にありません", "資料に見つかりませんでした", "記載がありません")


def _fact_nouns() -> list[str]:
    engine = Engine(load_knowledge(DATA_PATH))
    nouns = {
        token.surface
        for fact in engine.facts
        for token in tokenize(f"{fact.label} {fact.text}")
        if token.pos[0] == "名詞"
        and token.pos[1] not in ("数詞", "代名詞")
        and len(token.surface) >= 2
        and token.lemma not in GENERIC_LEMMAS | ASKING_NOUNS
    }
    return sorted(nouns)


NOUNS = _fact_nouns()


def _is_denial(answer: Answer) -> bool:
    return answer.kind == "fallback" or any(d in body_of(answer) for d in DENIALS)


def test_the_property_covers_the_vocabulary_of_the_documents() -> None:
    assert len(NOUNS) >= 150 and "デザイン" in NOUNS and "カーリング" in NOUNS


@pytest.mark.parametrize("noun", NOUNS)
def test_no_word_of_the_documents_is_denied(engine: Engine, noun: str) -> None:
    for question in (
        f"{noun}についての記載はある?",
        f"{noun}について教えて",
        f"お疲れ様です。{noun}について確認させてください。",
    ):
        answer = engine.answer(question, context=None, now=NOW)
        assert not _is_denial(answer), (question, answer.title)


@pytest.mark.parametrize(
    "question", ["室蘭市の人口は?", "安藤局長の出身地は?", "帯広の予算額はいくら?", "カジノについての記載はある?"]
)
def test_what_nothing_mentions_is_still_said_to_be_absent(engine: Engine, question: str) -> None:
    assert _is_denial(engine.answer(question, context=None, now=NOW)), question
