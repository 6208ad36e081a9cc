"""Two baselines for the side-by-side benchmark: the obvious FAQ matchers.

Both hold one question string per FAQ entry (every city × topic, every topic for all cities, the
document-level topics and the glossary) and answer with that entry's text; only the matching
differs from Renkei Bot. The entries' texts are rendered once by the engine, so the comparison
measures understanding, not wording.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import datetime

from rapidfuzz import fuzz, process, utils

from bot.answering.answer import Answer, Section
from bot.answering.engine import Engine

Matcher = Callable[[str], int | None]


def to_faq(engine: Engine, now: datetime) -> list[tuple[str, Answer]]:
    kb = engine.kb
    labels = [t.label for t in kb.vocabulary.topics if t.id not in ("partners", "contact", "announcement")]
    questions = [f"{p.name}の{label}" for p in kb.partners for label in labels]
    questions += [f"各市の{label}" for label in labels]
    questions += ["お問い合わせ先", "覚書を締結した市", "発表の概要"] + [f"{g.term}とは" for g in kb.glossary]
    return [(q, engine.answer(q, context=None, now=now)) for q in questions]


class FaqBaseline:
    """Answers with the closest FAQ entry's answer, or a fallback below the cutoff."""

    def __init__(self, name: str, faq: list[tuple[str, Answer]], match: Callable[[list[str]], Matcher]) -> None:
        self.name = name
        self.answers = [answer for _, answer in faq]
        self.match = match([question for question, _ in faq])

    def answer(self, question: str, *, context: object = None, now: datetime) -> Answer:
        index = self.match(question)
        if index is None:
            return Answer(kind="fallback", confidence=0.0, title="見つかりませんでした", sections=(Section("", ""),))
        return self.answers[index]


def rapidfuzz_matcher(questions: list[str]) -> Matcher:
    def match(question: str) -> int | None:
        best = process.extractOne(question, questions, scorer=fuzz.WRatio, processor=utils.default_process,
                                  score_cutoff=60)
        return best[2] if best else None

    return match


def difflib_matcher(questions: list[str]) -> Matcher:
    def match(question: str) -> int | None:
        found = difflib.get_close_matches(question, questions, n=1, cutoff=0.4)
        return questions.index(found[0]) if found else None

    return match
