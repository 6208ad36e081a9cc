"""English questions get English words (issue 18): every answer to a question asked in English is
in English except the documents' own words — the facts, names and titles stay as written.

The check is generic: the rendered answer, with every string of the knowledge base's documents
removed, must hold no kana or kanji. The questions come from the evaluation sets (every one asked in
English) and from templates over every partner of the bundled data; following any choice or related
question an English answer offers must answer in English too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering.answer import Answer, to_text
from bot.answering.engine import Engine
from bot.knowledge.facts import compile_facts
from bot.knowledge.model import load_knowledge
from bot.language.messages import language_of_question
from bot.ops.evaluation import load_eval_set
from bot.store.records import Conversation

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.fromisoformat("2026-12-02T12:00:00+09:00")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")
EVAL_SETS = [ROOT / "eval" / name for name in ("facts.yaml", "holdout.yaml", "business.yaml", "business2.yaml")]

# Asked of every partner: every kind of question an answerer takes, written as English speakers ask.
PER_PARTNER = """
What are {city}'s cooperation items?
What is the theme of {city}?
What are the main projects of {city}?
When is the {city} signing ceremony?
What time does the {city} ceremony start?
Where is the {city} ceremony held?
What is the address of the {city} ceremony venue?
Who attends the {city} ceremony?
Who is the mayor of {city}?
Is the {city} ceremony on a Friday?
Is the {city} ceremony in the morning?
How long is the {city} ceremony?
Has the {city} ceremony already taken place?
Which plans is the {city} memorandum related to?
When was the {city} memorandum announced?
Is {city} the only city with a ceremony in the afternoon?
Does the {city} memorandum mention tourism?
{city} cooperation
""".strip().splitlines()

GENERAL = """
How many cities signed memoranda with the bureau?
Which ceremony is the earliest?
Which ceremony is the last one?
Which ceremonies are on Friday?
Which ceremonies are in the morning?
Are all the ceremonies in the morning?
Do all the ceremonies take 30 minutes?
Compare the Muroran and Obihiro ceremonies
Who is the contact for the memoranda?
What is the phone number for inquiries?
What is the fax number?
Who is in charge?
What is MaaS?
Is there a memorandum with Sapporo?
What is the budget of the Obihiro project?
ceremony time?
Which city is about curling?
Why did the bureau sign these memoranda?
Which memorandum was announced in 2021?
Who is Mayor Yonezawa?
Which city has the satellite office project?
What was announced on 2019-12-17?
Is Kitami the fourth city?
hello
thanks
help
""".strip().splitlines()


@cache
def engine() -> Engine:
    return Engine(load_knowledge(ROOT / "data" / "partnerships.yaml"))


@cache
def documents_words() -> tuple[str, ...]:
    """Every string the documents state (and every fact as the model writes it), longest first."""
    raw = yaml.safe_load((ROOT / "data" / "partnerships.yaml").read_text(encoding="utf-8"))
    raw.pop("vocabulary", None)  # synonyms help understanding; they are not the documents' words
    words = set(strings_in(raw)) | {f.text for f in compile_facts(engine().kb)}
    return tuple(sorted(words, key=len, reverse=True))


def strings_in(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def japanese_left(text: str) -> list[str]:
    """The Japanese in `text` that is not the documents' own words."""
    for words in documents_words():
        if JAPANESE.search(words):
            text = text.replace(words, " ")
    return JAPANESE.findall(text)


def assert_english(answer: Answer) -> str:
    """The answer's text, checked to be English but for the documents' own words."""
    text = to_text(answer)
    assert answer.language == "en", text
    assert japanese_left(text) == [], text
    return text


def eval_questions() -> list[str]:
    cases = [case for path in EVAL_SETS for case in load_eval_set(path).cases]
    return [case.question for case in cases if language_of_question(case.question) == "en"]


def english_questions() -> list[str]:
    cities = [p.readings.romaji.title() for p in engine().kb.partners if p.readings.romaji]
    generated = [template.format(city=city) for template in PER_PARTNER for city in cities]
    return list(dict.fromkeys([*eval_questions(), *generated, *GENERAL]))


def ask(question: str, context: Conversation | None = None) -> Answer:
    return engine().answer(question, context=context, now=NOW)


@pytest.mark.parametrize("question", english_questions())
def test_an_english_question_is_answered_in_english(question: str) -> None:
    assert_english(ask(question))


@pytest.mark.parametrize("question", english_questions())
def test_what_an_english_answer_offers_answers_in_english(question: str) -> None:
    answer = ask(question)
    for choice in answer.suggestions:
        followed = ask(choice.question, context=answer.conversation)
        assert followed.language == "en", choice
        assert followed.kind != "fallback", (choice, to_text(followed))
        assert japanese_left(to_text(followed)) == [], (choice, to_text(followed))


def test_a_number_picking_a_choice_keeps_the_language() -> None:
    offered = ask("ceremony time?")
    assert offered.kind == "clarify"
    picked = ask("2", context=offered.conversation)
    assert picked.language == "en"
    assert japanese_left(to_text(picked)) == [], to_text(picked)


@pytest.mark.parametrize("question", ["kitami no shikiten wa itsu", "obihiro no renkei jikou wa?"])
def test_romaji_japanese_is_answered_in_japanese(question: str) -> None:
    assert ask(question).language == "ja"


def test_japanese_left_finds_the_bots_own_words() -> None:
    assert japanese_left("北見市 (Kitami): 予定日を過ぎています") == ["予定日を過ぎています"]
    assert japanese_left("北見市 (Kitami): Main cooperation items") == []
