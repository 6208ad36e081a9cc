"""Years named relative to the asking time (「来年」「去年」, "next year") are read as offsets and
resolved against the clock by the engine, so 「来年の締結式」 asked in 2026 is about 2027."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.answering.answer import body_of
from bot.language.question import read_question
from tests.test_english_answers import engine

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "offsets"),
    [
        ("来年の締結式は?", (1,)),
        ("再来年の予定は?", (2,)),
        ("今年の締結式", (0,)),
        ("ことしの式典", (0,)),
        ("去年発表された覚書", (-1,)),
        ("昨年の締結式はどこ?", (-1,)),
        ("一昨年の発表", (-2,)),
        ("next year's ceremony?", (1,)),
        ("any ceremony this year?", (0,)),
        ("今年度の予算", ()),  # a fiscal year is not a calendar year
        ("2021年の締結式", ()),
    ],
)
def test_relative_years_are_read_as_offsets(text: str, offsets: tuple[int, ...]) -> None:
    tokens = engine().understander.understand(text).tokens
    assert read_question(text, tokens).conditions.years_from_now == offsets


@pytest.mark.parametrize("asked_in", [2019, 2020, 2021, 2026])
def test_this_years_ceremonies_depend_on_when_it_is_asked(asked_in: int) -> None:
    answer = engine().answer("今年の締結式は?", now=datetime.fromisoformat(f"{asked_in}-06-01T10:00:00+09:00"))
    listed = body_of(answer)
    held_that_year = {2020: ("旭川", "室蘭", "帯広"), 2021: ("北見",)}.get(asked_in, ())
    for city in held_that_year:
        assert city in answer.title + listed
    if not held_that_year:
        assert "ありません" in answer.title, answer.title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("来年の締結式には誰が出席する予定ですか?", "2027年の締結式は資料にありません。"),
        ("2022年の締結式は?", "2022年の締結式は資料にありません。"),
        ("Who attends next year's ceremony?", "The documents have no signing ceremony in 2027."),
    ],
)
def test_a_year_without_a_ceremony_is_said_plainly(question: str, title: str) -> None:
    answer = engine().answer(question, now=datetime.fromisoformat("2026-12-02T10:00:00+09:00"))
    assert (answer.kind, answer.title) == ("fallback", title)
