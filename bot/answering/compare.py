"""Comparisons: side by side, by content, by document, and what partners share."""

from __future__ import annotations

from bot.answering.answer import Answer, Section
from bot.answering.base import Answering, Services, Turn, to_topic
from bot.answering.ceremonies import CeremonyAnswers, to_amount
from bot.answering.reasoning import common_items
from bot.knowledge.dates import format_date
from bot.language.messages import say


class CompareAnswers(Answering):
    def __init__(self, services: Services, ceremonies: CeremonyAnswers) -> None:
        super().__init__(services)
        self.ceremonies = ceremonies

    def compare(self, turn: Turn) -> Answer | None:
        read = turn.read
        if not (read.asks_compare or read.asks_common):
            return None
        partner_ids = tuple(dict.fromkeys((*turn.intent.partner_ids, *self._group_named(read))))
        if len(partner_ids) == 1 and turn.context.partner_ids:
            partner_ids = tuple(dict.fromkeys((*turn.context.partner_ids, *partner_ids)))
        if not partner_ids and turn.intent.all_partners:
            partner_ids = self._all_ids()
        if len(partner_ids) < 2:
            return None
        if read.asks_count and "minutes" not in read.words:  # "how many minutes apart" asks a difference
            return self.ceremonies.count(turn)
        if read.order_by in ("start", "end") and len(partner_ids) == 2:
            return self._time_apart(partner_ids, read.order_by, turn.language)
        topics = [t for t in turn.topics if t not in ("partners",)] or (
            [turn.context.topic_id] if turn.context.topic_id else []
        )
        if read.asks_duration:
            topics = ["ceremony_when"]
        if self._content_weight(turn) >= 2.0:
            compared = self._compare_content(turn, partner_ids)
            if compared is not None:
                return compared
        if not topics or topics == ["announcement"]:
            return self._compare_documents(turn, partner_ids)
        if read.asks_common:
            return self._common(turn, partner_ids, topics[0])
        facts = [f for pid in partner_ids for f in self._facts_for(pid, topics)]
        if not facts:
            return None
        language = turn.language
        label = self._topic_label(topics[0], language)
        notes: tuple[str, ...] = ()
        if read.asks_duration:
            minutes = {e.minutes for e in self._ceremonies(partner_ids)}
            if len(minutes) == 1:
                notes = (turn.say("duration_all", minutes=to_amount("minutes", minutes.pop(), language)),)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("compare_topic", names=self.compose.names(partner_ids, language), topic=label),
            sections=self.compose.fact_sections(facts, language=language),
            notes=notes,
            source=self.compose.cite(facts, language),
            topic_id=topics[0],
            partner_ids=partner_ids,
        )

    def _time_apart(self, partner_ids: tuple[str, ...], by: str, language: str) -> Answer | None:
        """「室蘭と旭川の式、開始時刻の差は?」: the difference, computed from the two times."""
        events = self._ceremonies(partner_ids)
        moments = [e.start if by == "start" else e.end for e in events]
        if len(events) != 2 or None in moments:
            return None
        first, second = ((m.hour * 60 + m.minute) for m in moments if m is not None)
        names = [self.kb.partner(e.partner_id or "").name_in(language) for e in events]
        difference = abs(first - second)
        if not difference:
            title = say(f"same_{by}", language)
        else:
            minutes = to_amount("minutes", difference, language)
            title = say(f"{by}_apart", language, minutes=minutes, first=names[0], second=names[1])
        return self._events_answer(title, events, language=language)

    def _compare_content(self, turn: Turn, partner_ids: tuple[str, ...]) -> Answer | None:
        """「旭川と室蘭の事業構築への支援の違いは」: for each partner, the fact the content points at."""
        facts = []
        for partner_id in partner_ids:
            hits = self._hits(turn, (partner_id,))
            if not hits:
                return None
            facts.append(hits[0].fact)
        return self._facts_answer(
            turn.say("compare_partners", names=self.compose.names(partner_ids, turn.language)),
            facts,
            topic=to_topic(facts[0].topic),
            partner_ids=partner_ids,
            confidence=0.85,
            language=turn.language,
        )

    def _compare_documents(self, turn: Turn, partner_ids: tuple[str, ...]) -> Answer | None:
        documents = list(dict.fromkeys(e.document_id for pid in partner_ids for e in self.kb.partner(pid).engagements))
        if len(documents) < 2:
            return None
        facts = [f for d in documents for f in self.shared.get(d, []) if f.topic == "purpose"]
        facts += [
            f for f in self.by_topic.get("theme", []) if f.document_id in documents and f.partner_id in partner_ids
        ]
        language = turn.language
        sections = []
        for document_id in documents:
            document = self.kb.document_by_id(document_id)
            mine = [f.text for f in facts if f.document_id == document_id]
            heading = turn.say("announced_on", date=format_date(document.date, language), title=document.title)
            sections.append(Section(heading, items=tuple(mine)))
        return Answer(
            kind="answer",
            confidence=0.85,
            title=turn.say("purposes_differ"),
            sections=tuple(sections),
            source=self.compose.cite_documents(documents, turn.say("summary_section"), language),
            topic_id="purpose",
            partner_ids=partner_ids,
        )

    def _common(self, turn: Turn, partner_ids: tuple[str, ...], topic: str) -> Answer | None:
        lists = [[f.text for f in self._facts_for(pid, [topic])] for pid in partner_ids]
        if not all(lists):
            return None
        common = common_items(lists)
        label = self._topic_label(topic, turn.language)
        names = self.compose.names(partner_ids, turn.language)
        if not common:
            return Answer(
                kind="answer",
                confidence=0.8,
                title=turn.say("nothing_common", names=names, topic=label),
                partner_ids=partner_ids,
                topic_id=topic,
            )
        joined = turn.say("source_separator")
        items = tuple(group[0] if len(set(group)) == 1 else joined.join(dict.fromkeys(group)) for group in common)
        facts = [f for pid in partner_ids for f in self._facts_for(pid, [topic])]
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("common_title", names=names, topic=label),
            sections=(Section(turn.say("common_section"), items=items),),
            source=self.compose.cite(facts, turn.language),
            topic_id=topic,
            partner_ids=partner_ids,
        )
