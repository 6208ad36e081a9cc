"""「北見の締結式は帯広より先だった?」 "Was the Kitami ceremony earlier than the Obihiro one?": two
named ceremonies in order, answered yes or no from their dates — for every pair of partners, both
ways round, in Japanese and English (a false 「資料に記載がありません」 was the answer before)."""

from __future__ import annotations

from itertools import permutations

import pytest

from bot.knowledge.model import Partner
from tests.test_english_answers import ask, engine

pytestmark = pytest.mark.unit

JAPANESE = ("{a}の締結式は{b}より先だった?", "{a}の式は{b}より前?", "{a}の締結式は{b}よりも後ですか?")
ENGLISH = ("Was the {a} ceremony earlier than the {b} one?", "Is {a}'s signing ceremony after {b}'s?")


def pairs() -> list[tuple[Partner, Partner]]:
    return list(permutations(engine().kb.partners, 2))


def is_earlier(a: Partner, b: Partner) -> bool:
    first, other = (engine()._ceremonies([p.id])[0] for p in (a, b))
    return (first.date, first.start) < (other.date, other.start)


@pytest.mark.parametrize("template", JAPANESE)
@pytest.mark.parametrize(("a", "b"), pairs(), ids=lambda p: p.id)
def test_japanese_before_or_after_is_answered_from_the_dates(template: str, a: Partner, b: Partner) -> None:
    answer = ask(template.format(a=a.short_name, b=b.short_name))
    asks_before = "後" not in template
    expected = "はい。" if is_earlier(a, b) == asks_before else "いいえ。"
    assert answer.title.startswith(expected + a.name), answer.title
    assert answer.kind == "answer" and answer.source is not None


@pytest.mark.parametrize("template", ENGLISH)
@pytest.mark.parametrize(("a", "b"), pairs(), ids=lambda p: p.id)
def test_english_before_or_after_is_answered_from_the_dates(template: str, a: Partner, b: Partner) -> None:
    city_a, city_b = (p.readings.romaji.title() for p in (a, b))
    answer = ask(template.format(a=city_a, b=city_b))
    asks_before = "earlier" in template
    expected = "Yes. " if is_earlier(a, b) == asks_before else "No. "
    assert answer.title.startswith(f"{expected}The {a.name_in('en')} ceremony"), answer.title


@pytest.mark.parametrize("question", ["旭川より前に締結式をした市は?", "室蘭と帯広、どっちが先?", "一番早い締結式は?"])
def test_order_questions_naming_fewer_or_no_reference_are_not_taken(question: str) -> None:
    assert not ask(question).title.startswith(("はい。", "いいえ。"))
