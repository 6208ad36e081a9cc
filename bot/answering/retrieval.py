"""Words the documents hold, found wherever they are: 「〜って出てくる?」, and the check that makes a
denial true.

A denial names what is missing. Before any answer says so, `_deny` looks for each named word in
every fact of the knowledge base (its key: width, case and kana folded; English through the
vocabulary's translations); a word that occurs is answered with the facts that hold it, never
denied. The same search answers 「デザインについての記載はある?」「Which memoranda mention
healthcare?」 with every place the word occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property

from bot.answering.answer import Answer
from bot.answering.base import ASKING_NOUNS, QUESTION_WORDS, Answering, Turn, names_together, to_quoted, to_topic
from bot.answering.understand import GENERIC_LEMMAS
from bot.knowledge.facts import Fact, to_query_features
from bot.language.text import clean, latin_words, to_key

_MENTIONS = re.compile(r"出テク|出テキ|記載|載ッテ|載ル|書イテ|書カレ|言及|含マレ|触レ|登場")
_MENTION_WORDS = frozenset({"mention", "mentions", "mentioned", "appear", "appears", "contain", "contains"})
_MAX_SHOWN = 4
_IN_DOCUMENTS = re.compile(r"(公式|発表資料|発表|プレスリリース|報道発表|原文)(に|で)")


def _to_matcher(word: str) -> Callable[[str, str], bool]:
    """How a fact holds a word: a latin word as a whole word of its text (「AI」 is in 「IoT・AI等」,
    not in 「mail」), anything else inside its key (width, case and kana folded)."""
    if word.isascii():
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(clean(word).lower())}(?![a-z0-9])")
        return lambda key, text: pattern.search(text) is not None
    folded = to_key(word)
    return lambda key, text: folded in key


def _as_written(word: str, facts: Sequence[Fact]) -> str:
    """A latin word as the documents write it (iot → IoT)."""
    if not word.isascii():
        return word
    for fact in facts:
        found = re.search(re.escape(word), fact.text, re.IGNORECASE)
        if found:
            return found[0]
    return word


def _without_repeats(words: Sequence[str]) -> list[str]:
    """English words once each, and none inside another shown ("curling" in "curling hall"): two
    translations of one English phrase (観光, ツーリズム) are both "tourism"."""
    unique = list(dict.fromkeys(words))
    return [w for w in unique if not any(w != other and w.lower() in other.lower().split() for other in unique)]


class RetrievalAnswers(Answering):
    @cached_property
    def _fact_keys(self) -> list[str]:
        return [to_key(f"{f.label} {f.text}") for f in self.facts]

    @cached_property
    def _fact_texts(self) -> list[str]:
        return [clean(f"{f.label} {f.text}").lower() for f in self.facts]

    def mentions(self, turn: Turn) -> Answer | None:
        """「IoTって出てくる?」「デザインについての記載はある?」: where the words occur, or None."""
        in_english = bool(_MENTION_WORDS & set(turn.read.words))
        if not (_MENTIONS.search(turn.read.key) or in_english) or (turn.read.wh and not in_english):
            return None  # 「誰と誰が書いてある?」 asks who, not whether a word occurs
        if _IN_DOCUMENTS.search(turn.read.text):
            return None  # 「場所は発表資料に書いてある?」: whether the announcement says it (yes/no)
        if not turn.read.wh and len(turn.partner_ids) > 1 and names_together(turn):
            return None  # "Do both Muroran and Obihiro mention robots?" asks of each: yes/no
        topical = {to_key(m.typed) for m in turn.intent.topic_matches}
        words = [
            w
            for w in self.named_words(turn)
            if not _MENTIONS.search(to_key(w)) and w.lower() not in _MENTION_WORDS and to_key(w) not in topical
        ]
        found = [w for w in words if self.facts_with([w], ())]
        facts = self.facts_with(found, turn.partner_ids)
        if not found or not facts:
            return None
        # "Which memoranda mention …?" asks where, not whether: no "Yes" before the places.
        lead = "" if turn.read.wh else turn.say("yes_lead")
        answer = self._found_answer(turn, found, facts, lead=lead)
        unknown = [w for w in words if w not in found and w.isascii() is False]
        unknown = list(dict.fromkeys(self._as_asked(turn, w, facts) for w in unknown))
        note = (turn.say("not_in_documents", words=to_quoted(unknown, turn.language)),) if unknown else ()
        return replace(answer, notes=answer.notes + note)

    def deny(self, turn: Turn, message: str, missing: Sequence[str]) -> Answer:
        """The denial `message` if no word of `missing` occurs in any fact; else those facts."""
        found = [w for w in [*missing, *self._translations_in(turn)] if self.facts_with([w], ())]
        if found:
            facts = self.facts_with(found, turn.partner_ids) or self.facts_with(found, ())
            return self._found_answer(turn, found, facts, lead="")
        return self._fallback(turn, message)

    @cached_property
    def _latin_features(self) -> tuple[str, ...]:
        return tuple(f for f in self.index.postings if f.startswith("w:"))

    @cached_property
    def _partner_keys(self) -> frozenset[str]:
        return frozenset(to_key(n) for p in self.kb.partners for n in p.names)

    def named_words(self, turn: Turn) -> list[str]:
        """The content words a question names (nouns, latin words, English through translations),
        without partners, question words and asking nouns."""
        partner_keys = self._partner_keys
        # Every noun typed, not only the content ones: 「北海道」「覚書」 are neutral for routing, yet words
        # the documents hold; 「AI」 is short, yet a word.
        words = [
            t.surface
            for t in turn.intent.tokens
            if (t.pos[0] == "名詞" or (t.is_latin and len(t.key) >= 2))
            and t.pos[1] not in ("数詞", "代名詞")
            and len(t.key) >= 2
            and t.lemma not in ASKING_NOUNS
            and t.lemma not in GENERIC_LEMMAS
            and t.surface.lower() not in QUESTION_WORDS
            and to_key(t.surface) not in partner_keys
        ]
        words += [p for p in turn.intent.people if p not in words]
        words += self._translations_in(turn)
        return list(dict.fromkeys(words))

    def facts_with(self, words: Sequence[str], partner_ids: Sequence[str]) -> list[Fact]:
        """Facts that hold every word (or, failing that, any of them), in the partners named."""
        holding = [self._holding(w) for w in words if to_key(w)]
        if not holding:
            return []
        every = set.intersection(*holding)
        found = sorted(every or set.union(*holding))
        return [self.facts[i] for i in found if not partner_ids or self.facts[i].partner_id in partner_ids]

    def _holding(self, word: str) -> set[int]:
        """The facts (by position) that hold a word: the index's postings narrow, the text decides."""
        features = {f"w:{w}" for w in latin_words(word)} if word.isascii() else to_query_features(word)
        postings = [self.index.postings.get(f) for f in features]
        candidates: set[int] | None = None
        if any(p is None for p in postings):
            if not word.isascii():
                return set()
            # 「kikakuchosa」 is part of hokkaido-kikakuchosa@…: a latin word may hide in a longer one.
            lowered = word.lower()
            candidates = {i for f in self._latin_features if lowered in f for i in self.index.postings[f]}
        elif postings:
            candidates = set.intersection(*(set(p) for p in postings if p is not None))
        holds = _to_matcher(word)
        pool = candidates if candidates is not None else range(len(self.facts))
        return {i for i in pool if holds(self._fact_keys[i], self._fact_texts[i])}

    def _found_answer(self, turn: Turn, words: Sequence[str], facts: list[Fact], *, lead: str) -> Answer:
        language = turn.language
        shown = facts[:_MAX_SHOWN]
        separator = turn.say("word_separator")
        owners = list(dict.fromkeys(self.compose.owner(f, language) for f in facts))
        japanese = any(not w.isascii() for w in words)
        named = [self._as_asked(turn, w, facts) for w in words if not (japanese and w.isascii())]
        if language == "en":
            named = _without_repeats(named)
        quoted = separator.join(turn.say("quoted", word=w) for w in named)
        more = turn.say("found_more", count=len(facts) - len(shown)) if len(facts) > len(shown) else ""
        return Answer(
            kind="answer",
            confidence=0.7,
            title=turn.say("found_in", lead=lead, words=quoted, owners=separator.join(owners), more=more),
            sections=self.compose.fact_sections(shown, language=language),
            source=self.compose.cite(shown, language),
            topic_id=to_topic(shown[0].topic),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in shown if f.partner_id)),
            language=language,
        )

    def _as_asked(self, turn: Turn, word: str, facts: Sequence[Fact]) -> str:
        """A word as the answer names it: as the documents write it (iot → IoT); in an English answer,
        a word found through the vocabulary's translations by the English that was typed (ヘルスケア →
        healthcare)."""
        if turn.language == "en" and not word.isascii():
            return next((english for english, ja in self._translated_pairs(turn) if ja == word), word)
        return _as_written(word, facts)
