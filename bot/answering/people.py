"""People by family name or full name, and the ceremonies they attend."""

from __future__ import annotations

import re

from bot.answering.answer import Answer, Section
from bot.answering.base import CEREMONY_TOPICS, Answering, Turn
from bot.knowledge.dates import format_date
from bot.knowledge.facts import Fact
from bot.language.messages import say
from bot.language.text import to_key
from bot.store.records import Conversation

_ROLE = re.compile(r"副?市長|局長|課長|部長")


class PeopleAnswers(Answering):
    def people(self, turn: Turn) -> Answer | None:
        families = turn.intent.people or (
            [turn.context.person] if turn.read.refers_person and turn.context.person else []
        )
        if not families:
            return None
        people = [
            f
            for t in ("ceremony_who", "contact_person")
            for f in self.by_topic.get(t, [])
            if any(family in f.text for family in families)
        ]
        if turn.intent.partner_ids:
            people = [f for f in people if f.partner_id in turn.intent.partner_ids] or people
        role = _ROLE.search(turn.read.text)
        if role:  # 「辻市長は?」: the mayor, not the contact person of the same name
            people = [f for f in people if role[0] in f.text] or people
        if not people:
            return None
        asks_event = [t for t in turn.topics if t not in ("ceremony_who", "contact_person")]
        if (asks_event and (not turn.intent.facet_only or self._is_about_ceremonies(turn))) or turn.read.conditions:
            return self._about_persons_events(turn, people)
        unique = {self._person_key(f): f for f in people}
        sections = tuple(Section(f.text, text=self._person_context(f, turn.language)) for f in unique.values())
        first = next(iter(unique.values()))
        person = getattr(first.value, "family_name", families[0])
        return Answer(
            kind="answer",
            confidence=0.95 if len(unique) == 1 else 0.8,
            title=turn.say("answer_is", answer=first.text)
            if len(unique) == 1
            else turn.say("namesakes", name=families[0], count=len(unique)),
            sections=sections,
            source=self.compose.cite(people, turn.language),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in people if f.partner_id)),
            topic_id="ceremony_who",
            conversation=Conversation(person=person, event_ids=tuple(e.id for f in people if (e := f.event))),
            language=turn.language,
        )

    def _person_key(self, fact: Fact) -> str:
        return to_key(fact.text)

    def _person_context(self, fact: Fact, language: str) -> str:
        if fact.topic == "contact_person":
            return say("contact_person_of", language, document=self.kb.document_by_id(fact.document_id).title)
        same = [f for f in self.by_topic.get("ceremony_who", []) if to_key(f.text) == to_key(fact.text)]
        events = [
            say("event_on", language, event=self.compose.event_title(e, language), date=format_date(e.date, language))
            for f in same
            if (e := f.event)
        ]
        return say("ceremonies_attended", language, events=say("section_separator", language).join(events))

    def _about_persons_events(self, turn: Turn, people: list[Fact]) -> Answer | None:
        events = [e for f in people if (e := f.event)]
        if not events:
            return None
        partner_ids = tuple(dict.fromkeys(e.partner_id for e in events if e.partner_id))
        topics = [t for t in turn.topics if t in CEREMONY_TOPICS] or ["ceremony"]
        facts = [f for pid in partner_ids for f in self._facts_for(pid, topics)]
        if not facts:
            return None
        language = turn.language
        partners = self.compose.names(partner_ids, language)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("partner_topic", partner=partners, topic=self._topic_label(topics[0], language)),
            sections=self.compose.fact_sections(facts, language=language),
            source=self.compose.cite(facts, language),
            partner_ids=partner_ids,
            topic_id=topics[0],
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
            language=language,
        )
