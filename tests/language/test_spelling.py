"""English words typed with one slip are read as the word the knowledge base knows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answering.answer import body_of
from bot.answering.engine import Engine
from bot.language.spelling import EnglishSpelling

pytestmark = pytest.mark.unit


def test_one_slip_in_a_known_word_is_corrected_and_nothing_else_is() -> None:
    spelling = EnglishSpelling(["productivity", "tourism", "healthcare", "design", "designer"])
    assert spelling.correct("the productivty revolution") == (
        "the productivity revolution", (("productivty", "productivity"),)
    )
    assert spelling.correct("Tourizm in Asahikawa?")[0] == "tourism in Asahikawa?"
    for kept in ("revolution", "desing", "designs", "Healthcares"):
        # not a known word's slip, shorter than a word worth correcting, a known word's plural
        assert spelling.correct(kept) == (kept, ())


def test_a_word_one_slip_from_two_known_words_stays_as_typed() -> None:
    assert EnglishSpelling(["planner", "planter"]).correct("plannter") == ("plannter", ())


def test_every_translated_word_typed_with_a_slip_finds_its_facts(engine: Engine) -> None:
    """For each English word of the vocabulary (7 letters or more), a letter left out."""
    now = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo("Asia/Tokyo"))
    words = [(en, ja) for en, ja in engine.kb.vocabulary.translations if " " not in en and len(en) >= 7]
    assert len(words) >= 10
    missed = []
    for english, japanese in words:
        typo = english[:3] + english[4:]
        answer = engine.answer(f"Which memoranda mention {typo}?", context=None, now=now)
        said_read_as = f"Read “{typo}” as “{english}”." in answer.notes
        if not said_read_as or not any(j.strip("「」") in body_of(answer) for j in japanese):
            missed.append(f"{typo} ({english}): {body_of(answer)[:60]!r} {answer.notes}")
    assert not missed, "\n".join(missed)
