"""Passage search over all text of the knowledge base, for questions outside the topic slots.

Each passage (a project, a cooperation item, a plan paragraph, a ceremony, a glossary term, …)
is indexed by character bigrams of its key, which suits Japanese without word boundaries. A
question's content words are turned into the same features; a passage's score is the share of
the question's IDF-weighted features it contains. Candidates come from an inverted index over
the rarer features, so the cost follows the question, not the size of the knowledge base.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from bot.knowledge import KnowledgeBase, Partner
from bot.text import Token, bigrams, has_kanji, latin_words, to_key

CONFIDENT = 0.75
_MIN_WEIGHT = 2.5  # below this the question says too little to point at one passage
_CANDIDATE_FEATURES = 8


@dataclass(frozen=True)
class Passage:
    partner_id: str | None
    topic_id: str
    section: str
    label: str
    text: str


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def _features(text: str) -> set[str]:
    key = to_key(text)
    words = {f"w:{w}" for w in latin_words(text)}
    # Single kanji too, for one-character words (食, 農) that a question may name on their own.
    kanji = {char for char in key if has_kanji(char)}
    return bigrams(key) | words | kanji


def to_query_features(tokens: list[Token]) -> set[str]:
    features: set[str] = set()
    for token in tokens:
        features |= {f"w:{w}" for w in latin_words(token.surface)} if token.is_latin else bigrams(token.key)
    return features


def _partner_passages(partner: Partner) -> Iterator[Passage]:
    pid = partner.id
    yield Passage(pid, "theme", "テーマ", "テーマ", partner.theme)
    for project in partner.projects:
        yield Passage(pid, "projects", "連携して行う主なプロジェクト", project.title, project.description)
    yield Passage(pid, "plans", "プロジェクトの推進", "プロジェクトの推進", partner.promotion.text)
    for index, item in enumerate(partner.cooperation_items, start=1):
        yield Passage(pid, "cooperation", "主な連携・協力事項", f"({index})", item)
    ceremony = partner.ceremony
    people = "、".join(f"{a.role} {a.name}" for a in ceremony.attendees)
    yield Passage(pid, "ceremony", "覚書締結式", ceremony.title, f"{ceremony.place} {people}")


def to_passages(kb: KnowledgeBase) -> list[Passage]:
    passages = [p for partner in kb.partners for p in _partner_passages(partner)]
    for term in kb.glossary:
        passages.append(Passage(term.partner_id, "glossary", "用語", term.term, f"{term.term}({term.expansion})"))
    for paragraph in kb.document.summary:
        passages.append(Passage(None, "announcement", "発表の概要", "発表の概要", paragraph))
    return passages


class PassageIndex:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.passages = to_passages(kb)
        self.features = [_features(f"{p.label} {p.text}") for p in self.passages]
        postings: dict[str, list[int]] = defaultdict(list)
        for index, features in enumerate(self.features):
            for feature in features:
                postings[feature].append(index)
        self.postings = dict(postings)
        total = len(self.passages)
        self.idf = {f: math.log(1 + total / len(ids)) for f, ids in postings.items()}
        self.unknown_idf = math.log(1 + total)

    def search(self, tokens: list[Token], *, partner_ids: tuple[str, ...] = (), limit: int = 3) -> list[Hit]:
        """The best passages for the question's content words, best first."""
        query = to_query_features(tokens)
        weights = {f: self.idf.get(f, self.unknown_idf) for f in query}
        total = sum(weights.values())
        if total < _MIN_WEIGHT:
            return []
        known = sorted((f for f in query if f in self.postings), key=lambda f: len(self.postings[f]))
        candidates = {i for f in known[:_CANDIDATE_FEATURES] for i in self.postings[f]}
        scored = []
        for index in candidates:
            if partner_ids and self.passages[index].partner_id not in partner_ids:
                continue
            score = sum(w for f, w in weights.items() if f in self.features[index]) / total
            scored.append((-score, index))
        scored.sort()
        return [Hit(self.passages[index], -negative) for negative, index in scored[:limit]]
