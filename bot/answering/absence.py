"""What the documents do not hold: other cities, kinds of value no fact has, unknown things."""

from __future__ import annotations

import re

from bot.answering.answer import Answer, Section
from bot.answering.base import ASKING_NOUNS, QUESTION_WORDS, Answering, Services, Turn, to_quoted
from bot.answering.help import MAX_NAMES, to_city
from bot.answering.retrieval import RetrievalAnswers
from bot.answering.understand import GENERIC_LEMMAS
from bot.knowledge.facts import Fact, to_features, to_query_features
from bot.language.question import (
    asked_value_kind,
)
from bot.language.text import Token, latin_words, romaji_to_katakana, to_key
from bot.store.records import Choice

# What follows the word a question asks about: 「出身地は」「年齢を」「予算って」.
_ASKED_AFTER = frozenset({"", "は", "って", "が", "を", "の", "とは", "も", "について", "?", "？", "って何", "に"})


class AbsenceAnswers(Answering):
    def __init__(self, services: Services, retrieval: RetrievalAnswers) -> None:
        super().__init__(services)
        self.retrieval = retrieval
    def not_covered(self, turn: Turn) -> Answer | None:
        places = turn.intent.foreign_places
        if not places or turn.intent.partner_ids or turn.intent.people:
            return None
        language = turn.language
        names = self.compose.names([p.id for p in self.kb.partners], language)
        shown = to_quoted(list(dict.fromkeys(places)), language)
        issuer = self.kb.document.issuer
        return Answer(
            kind="fallback",
            confidence=1.0,
            title=turn.say("no_memorandum_with", places=shown),
            sections=(Section("", text=turn.say("memoranda_are_with", issuer=issuer, partners=names)),),
            suggestions=tuple(
                Choice(p.name_in(language), turn.say("ask_overview", partner=to_city(p, language)))
                for p in self.kb.partners[:MAX_NAMES]
            ),
            language=language,
        )

    def absent_value(self, turn: Turn) -> Answer | None:
        """「建設費は?」「市長の年齢は?」: a kind of value no fact in scope has is not in the documents."""
        asked = asked_value_kind(turn.read)
        if asked is None:
            return None
        label, marker = asked
        if not turn.partner_ids and self.retrieval.facts_with([label], ()):
            return None  # 「人口について教えて」: the word is in the documents (関係人口); not a value asked
        scope = set(turn.partner_ids)
        facts = self.facts if not scope else [f for pid in (*scope, "") for f in self.by_partner.get(pid, [])]
        if any(re.search(marker, f.text) for f in facts):
            return None
        value = turn.say(f"value:{label}")
        if not turn.partner_ids:
            return self._fallback(turn, turn.say("no_value", value=value))
        names = self.compose.names(turn.partner_ids, turn.language)
        return self._fallback(turn, turn.say("no_value_for", partners=names, value=value))

    def unsupported(self, turn: Turn) -> Answer | None:
        """「安藤局長の出身地は?」: a thing asked that nothing in the documents mentions is not in them,
        whatever else the question names; unless the rest points firmly at one fact."""
        if not (turn.intent.partner_ids or turn.intent.people) or not (turn.topics or turn.intent.people):
            return None
        missing = [
            t.surface
            for t in turn.intent.content
            if not t.is_latin and self._is_unsupported(t) and self._is_asked(t, turn)
        ]
        if not missing:
            return None
        hits = self.index.search(self._query(turn), partner_ids=turn.partner_ids)
        if hits and hits[0].coverage >= 0.85 and hits[0].matched >= 8.0:
            return None
        missing = list(dict.fromkeys(missing))
        words = to_quoted(missing, turn.language)
        if not turn.partner_ids:
            return self.retrieval.deny(turn, turn.say("nothing_on", words=words), missing)
        names = self.compose.names(turn.partner_ids, turn.language)
        return self.retrieval.deny(turn, turn.say("nothing_on_about", partners=names, words=words), missing)

    def _is_asked(self, token: Token, turn: Turn) -> bool:
        """A word is what is asked when a particle or the question's end follows it (「出身地は」
        「年齢を」); an adverb or a word inside a longer phrase (「そもそも2019年に」) is not."""
        tokens = turn.intent.tokens
        index = next((i for i, t in enumerate(tokens) if t is token), None)
        if index is None:
            return True
        after = tokens[index + 1].surface if index + 1 < len(tokens) else ""
        return after in _ASKED_AFTER or not after.strip()

    def _is_unsupported(self, token: Token) -> bool:
        if not self._is_content_noun(token):
            return False
        if token.is_latin:
            words = [w for w in latin_words(token.surface) if w not in QUESTION_WORDS]
            return (
                bool(words)
                and not any(f"w:{w}" in self.index.postings for w in words)
                and not (len(romaji_to_katakana(token.key)) >= 3)
            )
        if token.reading in self.known_readings or token.lemma in self.known_readings or token.lemma in ASKING_NOUNS:
            return False
        if token.lemma in GENERIC_LEMMAS or token.surface in GENERIC_LEMMAS:
            return False
        features = to_query_features(token.surface)
        return bool(features) and not any(f in self.index.postings for f in features)

    def missing_words(self, turn: Turn, facts: list[Fact]) -> list[str]:
        """Content nouns that no fact of the whole knowledge base supports (never question words)."""
        shown = to_key(" ".join(f"{f.label} {f.text}" for f in facts))
        # A word that named the topic asked ("venue" for the place) was understood, not missing.
        named = [to_key(m.typed) for m in turn.intent.topic_matches if m.typed]
        missing = []
        for token in turn.intent.content:
            if not self._is_content_noun(token) or token.key in shown:
                continue
            if token.is_latin and any(to_key(token.surface).startswith(typed) for typed in named):
                continue
            if any(feature in self.index.postings for feature in to_features(token.surface)):
                continue
            missing.append(token.surface)
        return list(dict.fromkeys(missing))
