"""Content words pointing at one fact: which partner, distinctive passages, search."""

from __future__ import annotations

import re

from bot.answering.answer import Answer
from bot.answering.base import QUESTION_WORDS, Answering, Services, Turn, to_quoted, to_topic
from bot.answering.retrieval import RetrievalAnswers
from bot.knowledge.facts import CONFIDENT, Hit, to_query_features
from bot.language.messages import to_label
from bot.language.text import latin_words


class PassageAnswers(Answering):
    def __init__(self, services: Services, retrieval: RetrievalAnswers) -> None:
        super().__init__(services)
        self.retrieval = retrieval
    def which_partner(self, turn: Turn) -> Answer | None:
        read = turn.read
        asks = bool(
            re.search(
                r"ドノ(シ|マチ|ジチタイ|トシ)|ドコノ(シ|マチ|ジチタイ|コト|ハナシ)?|ドチラ|ドコ(デ|$)?|ナンシノ|ナンシガ|アル(シ|マチ|ジチタイ|ノハ)",
                read.reading,
            )
        ) or bool({"which", "what"} & set(read.words) and {"citi", "city", "municip"} & set(latin_words(read.text)))
        if not asks or (self._is_about_ceremonies(turn) and not turn.intent.content):
            return None
        hits = self._hits(turn, turn.intent.partner_ids)
        if not hits:
            return None
        fact = hits[0].fact
        owner = self._owner_partner(fact)
        if not owner:
            return None
        owners = list(
            dict.fromkeys(o for h in hits if h.score >= hits[0].score * 0.9 and (o := self._owner_partner(h.fact)))
        )
        facts = [next(h.fact for h in hits if self._owner_partner(h.fact) == o) for o in owners]
        if len(owners) == 1:
            facts = [h.fact for h in hits if self._owner_partner(h.fact) == owner][:2]
        return Answer(
            kind="answer",
            confidence=round(hits[0].score, 3),
            title=turn.say("answer_is", answer=self.compose.names(owners, turn.language)),
            sections=self.compose.fact_sections(facts, language=turn.language),
            source=self.compose.cite(facts, turn.language),
            partner_ids=tuple(owners),
            topic_id=to_topic(fact.topic),
            language=turn.language,
        )

    def distinctive(self, turn: Turn) -> Answer | None:
        """「室蘭のプロジェクトで航空宇宙って?」: a passage that the content points at answers, over
        generic topic words (プロジェクト, 連携, 目的) and a bare どこ/いつ."""
        topics = self._specific_topics(turn)
        if turn.read.asks_duration or not turn.intent.segments or self._content_weight(turn) < (4.0 if topics else 2.0):
            return None
        hits = self._hits(turn, turn.partner_ids)
        if not hits and turn.from_context:
            hits = self._hits(turn, ())
        if not hits:
            return None
        best = hits[0].fact
        if topics and set(topics) <= {"ceremony_when", "ceremony_where", "address"} and best.event is None:
            thing = to_quoted(_named_in(turn), turn.language)
            return self._fallback(turn, turn.say("no_field_of", thing=thing, field=turn.say(f"field:{topics[0]}")))
        if topics and best.partner_id is None and best.topic.startswith(("contact", "announcement")):
            return None  # 「企画調査課の内線は?」: the content names the document's block, the topic its field
        if topics and not self._fact_in_topics(best, topics) and hits[0].score < 0.8:
            return None
        return self._passage_answer(hits, turn)

    def _passage_answer(self, hits: list[Hit], turn: Turn) -> Answer:
        best = hits[0]
        kept = [h.fact for h in hits if h.score >= best.score - 0.01][:2]
        if best.fact.topic == "project_title":
            kept += [
                f
                for f in self.by_topic.get("projects", [])
                if f.label == best.fact.label and f.partner_id == best.fact.partner_id
            ]
        kept = list(dict.fromkeys(kept))
        language = turn.language
        owner = self.compose.owner(best.fact, language)
        notes = self._interpretations(turn.intent, language)
        if best.score < CONFIDENT:
            unknown = [seg for seg in _named_in(turn) if not (to_query_features(seg) & self.index.postings.keys())]
            if unknown:
                notes += (turn.say("unknown_words_note", words=to_quoted(unknown, language)),)
        # A project is named by its own title (the documents' words); anything else by its section.
        heading = best.fact.label if best.fact.topic.startswith("project") else to_label(best.fact.section, language)
        return Answer(
            kind="answer",
            confidence=round(min(1.0, best.score) * self._partner_confidence(turn), 3),
            title=turn.say("owner_section", owner=owner, section=heading),
            sections=self.compose.fact_sections(kept, language=language),
            source=self.compose.cite(kept, language),
            notes=notes,
            topic_id=to_topic(best.fact.topic),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in kept if f.partner_id)),
            suggestions=self._follow_ups(best.fact.partner_id, language=language),
            language=language,
        )

    def search(self, turn: Turn) -> Answer | None:
        if not turn.intent.content:
            return None
        hits = self._hits(turn, turn.partner_ids) or (self._hits(turn, ()) if turn.from_context else [])
        if hits:
            return self._passage_answer(hits, turn)
        if turn.intent.partner_ids:
            names = self.compose.names(turn.intent.partner_ids, turn.language)
            nouns = dict.fromkeys(t.surface for t in turn.intent.content if self._is_content_noun(t))
            if not nouns:
                return None  # nothing named but the partner: no word to say the documents lack
            # Each word apart, as typed (「IoT・AI」 is two words to look for).
            asked = [word for noun in nouns for word in noun.split("・")]
            denial = turn.say("nothing_on_about", partners=names, words=to_quoted(asked, turn.language))
            return self.retrieval.deny(turn, denial, asked)
        return None


def _named_in(turn: Turn) -> list[str]:
    """What a question names besides its partners and topics, as an answer quotes it: in English,
    without the words that only ask ("is", "the", "held")."""
    segments = turn.intent.segments
    if turn.language != "en":
        return segments
    named = [s for s in segments if not (s.isascii() and set(latin_words(s)) <= QUESTION_WORDS)]
    return named or segments
