"""The engine: a question, a conversation context and a clock in; a platform-neutral Answer out.

Plain synchronous code with no I/O: every adapter (Slack, Teams, console) calls `Engine.answer`
through `bot.answering.dispatch.Dispatcher`, and renders the `Answer` in its own way.

A question is read twice: `Understander` finds what it names (partners, people, topics, glossary
terms, dates) and `read_question` what kind of question it is (which partner, who, when, yes/no,
count, order, filter, compare, why) and the conditions it sets. The answerers below are tried in
order; each either answers with the facts asked (bot.knowledge.facts) or passes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import cached_property

from bot.answering.absence import AbsenceAnswers
from bot.answering.answer import Answer
from bot.answering.base import (
    ENGLISH_FUNCTION_WORDS,
    GENERIC_TOPIC_WORDS,
    Answerer,
    Answering,
    Services,
    Turn,
    group_facts,
    retarget_topics,
    to_known_readings,
    to_partner_groups,
    with_secondary_note,
)
from bot.answering.ceremonies import CeremonyAnswers
from bot.answering.claims import ClaimAnswers
from bot.answering.compare import CompareAnswers
from bot.answering.compose import Composer
from bot.answering.documents import DocumentAnswers
from bot.answering.passages import PassageAnswers
from bot.answering.people import PeopleAnswers
from bot.answering.retrieval import RetrievalAnswers
from bot.answering.slots import SlotAnswers
from bot.answering.talk import TalkAnswers
from bot.answering.understand import Intent, Understander
from bot.answering.yes_no import YesNoAnswers
from bot.knowledge.facts import FactIndex, compile_facts
from bot.knowledge.model import KnowledgeBase
from bot.language.message import Message, read_message
from bot.language.messages import Language, language_of_question, say
from bot.language.question import (
    Reading,
    read_question,
)
from bot.language.spelling import EnglishSpelling
from bot.language.text import clean, to_key
from bot.store.records import Conversation, is_expired

# 「北見を含めて」「北見も入れて」 "including Kitami": a partner named to be counted in, not to narrow.
_INCLUDING = re.compile(r"(?:を|も)(?:含め|ふくめ|入れ)|\bincluding\b|\bincluded\b", re.IGNORECASE)

# Topic words too general to make a lead-in clause content (「社内の資料を作っているのですが」).
LEAD_GENERIC_WORDS = GENERIC_TOPIC_WORDS | {to_key(w) for w in ("資料", "発表資料", "覚書", "会議", "説明", "確認")}


class Engine(Answering):
    """The entry point: builds the shared services and the answerers once per knowledge base, then
    answers each question by trying the answerers in the order of `cascade`."""

    def __init__(self, kb: KnowledgeBase) -> None:
        facts = compile_facts(kb)
        index = FactIndex(facts, tuple(n for p in kb.partners for n in p.names if len(n) >= 2))
        super().__init__(
            Services(
                kb=kb,
                understander=Understander(kb),
                facts=facts,
                index=index,
                compose=Composer(kb),
                groups=to_partner_groups(kb),
                known_readings=to_known_readings(kb, index),
                by_partner=group_facts(facts, lambda f: f.partner_id or ""),
                by_topic=group_facts(facts, lambda f: f.topic),
                shared=group_facts([f for f in facts if f.partner_id is None], lambda f: f.document_id),
            )
        )
        self.cascade = self._to_cascade()

    @cached_property
    def spelling(self) -> EnglishSpelling:
        """The English words the knowledge base knows: its translations, topics and terms (a
        partner's name has its own reading of slips, `Understander`)."""
        kb = self.kb
        vocabulary = kb.vocabulary
        return EnglishSpelling(
            [
                *(english for english, _ in vocabulary.translations),
                *(t.label_en for t in vocabulary.topics),
                *(w for t in vocabulary.topics for w in t.synonyms if w.isascii()),
                *(g.term for g in kb.glossary),
                *vocabulary.neutral_words,
                *ENGLISH_FUNCTION_WORDS,
            ]
        )

    def _to_cascade(self) -> tuple[Answerer, ...]:
        """The answerers, each built with what it needs of the others, in the order they are tried."""
        services = self.services
        self.talk = TalkAnswers(services)
        self.retrieval = RetrievalAnswers(services)
        self.absence = AbsenceAnswers(services, self.retrieval)
        documents = DocumentAnswers(services)
        ceremonies = CeremonyAnswers(services, documents)
        claims = ClaimAnswers(services)
        yes_no = YesNoAnswers(services, documents, ceremonies, self._ask, self.read_turn)
        passages = PassageAnswers(services, self.retrieval)
        return (
            self.talk.smalltalk,
            self.talk.nothing_to_refer_to,
            documents.whose,
            documents.city_office_contact,
            ceremonies.before_or_after,
            self.absence.not_covered,
            claims.all_items,
            claims.claim,
            claims.only_content,
            claims.only_items,
            self.retrieval.mentions,
            self.absence.absent_value,
            self.absence.unsupported,
            yes_no.check_done,
            documents.none_in_year,
            documents.source_of,
            documents.on_date,
            ceremonies.same_as,
            CompareAnswers(services, ceremonies).compare,
            ceremonies.count,
            ceremonies.order,
            yes_no.yes_no,
            ceremonies.filter,
            documents.glossary,
            PeopleAnswers(services).people,
            passages.which_partner,
            passages.distinctive,
            documents.why,
            SlotAnswers(services, documents, ceremonies, self.absence).slots,
            passages.search,
        )

    def _ask(self, turn: Turn) -> Answer | None:
        return next((a for answerer in self.cascade if (a := answerer(turn)) is not None), None)

    def answer(
        self, question: str, *, context: Conversation | None = None, now: datetime, language: Language | None = None
    ) -> Answer:
        """The answer to `question`, in its language (`language` forces one: a picked choice keeps
        the language of the question that offered it)."""
        context = context if context and not is_expired(context, now) else Conversation()
        asked_in = language or to_asked_language(question, context)
        problem = self.talk.input_problem(question, asked_in)
        if problem:
            return replace(problem, conversation=replace(context, updated_at=now))
        # "productivty": one slip in an English word we know is read as that word, and said.
        question, slips = self.spelling.correct(question) if asked_in == "en" else (question, ())
        question = self._to_question(read_message(question))
        picked = self._pick(question, context)
        if picked is not None:
            return self.answer(picked, context=replace(context, listed=()), now=now, language=asked_in)
        turn = replace(self.read_turn(question, context, now), language=asked_in)
        answer = self._ask(turn)
        answer = answer or self.retrieval.deny(turn, turn.say("not_found"), self.retrieval.named_words(turn))
        answer = with_secondary_note(replace(answer, language=asked_in, title=to_sentence_case(answer.title)))
        read_as = tuple(say("interpreted", asked_in, typed=typed, meaning=word) for typed, word in slips)
        answer = replace(answer, notes=tuple(dict.fromkeys(answer.notes + read_as)))
        return replace(answer, conversation=self._remember(answer, turn))

    def _to_question(self, message: Message) -> str:
        """The plain question a message asks; a request that names no partner takes the one its
        subject (「帯広の件で」) or its writer's introduction (「旭川で家具を…」) names."""
        if not message.is_wrapped:
            return message.text
        leads = [lead for lead in message.leads if self._names_something(lead)]
        question = "、".join([*leads, message.question])
        if self.understander.understand(question).partner_ids:
            return question
        if message.subject and self.understander.understand(message.subject).partner_ids:
            return f"{message.subject}の{question}"
        for around in (*message.leads, message.introduction):
            named = self.understander.understand(around).partner_ids if around else ()
            if named:
                return f"{self.kb.partner(named[0]).short_name}の{question}"
        return question

    def _names_something(self, text: str) -> bool:
        """Whether a lead-in clause names a topic, a term or a person (「FAXを送りたいのですが」 does;
        「上司に説明する必要がありまして」 does not). A city it names only says whose (see above)."""
        intent = self.understander.understand(text)
        specific = [m for m in intent.topic_matches if to_key(m.entry.phrase) not in LEAD_GENERIC_WORDS]
        return bool(intent.glossary or intent.people or specific)

    def read_turn(self, question: str, context: Conversation, now: datetime) -> Turn:
        intent = self.understander.understand(question)
        read = to_absolute_years(read_question(question, intent.tokens), now)
        intent.topics = self._without_subsumed(retarget_topics(intent, context.topic_id), intent)
        read, scope = self._year_as_document(intent, read)
        partner_ids = tuple(intent.partner_ids) or scope
        if partner_ids and _INCLUDING.search(read.text):
            partner_ids = self._all_ids()  # 「北見を含めて何市?」 "including Kitami": all of them, Kitami too
        group = self._group_named(read)
        if group and not partner_ids:
            partner_ids = group
        elif intent.all_partners and not partner_ids:
            partner_ids = tuple(p.id for p in self.kb.partners)
        from_context = False
        if not partner_ids and context.partner_ids and self._is_follow_up(intent, read):
            partner_ids, from_context = context.partner_ids, True
        return Turn(question, intent, read, context, now, partner_ids, from_context)

    def _without_subsumed(self, topics: list[str], intent: Intent) -> list[str]:
        """「FAXの番号」: a facet named only by a word another named facet's synonyms contain
        (番号 in FAX番号) is that facet's, not one of its own (the phone)."""
        vocabulary = self.kb.vocabulary
        phrases = {t: {to_key(m.typed) for m in intent.topic_matches if m.entry.target == t} for t in topics}

        def is_subsumed(topic: str) -> bool:
            parent = next((t.facet_of for t in vocabulary.topics if t.id == topic), None)
            return bool(parent) and any(
                other != topic
                and next((t.facet_of for t in vocabulary.topics if t.id == other), None) == parent
                and all(
                    any(p in to_key(s) and p != to_key(s) for s in vocabulary.topic(other).synonyms)
                    for p in phrases[topic]
                )
                for other in topics
            )

        kept = [t for t in topics if not phrases.get(t) or not is_subsumed(t)]
        return kept or topics

    def _year_as_document(self, intent: Intent, read: Reading) -> tuple[Reading, tuple[str, ...]]:
        """「2019年の(発表の)3市」: a year that names an announcement picks its partners, not ceremonies
        held in that year."""
        years = read.conditions.years
        names_document = (
            bool(re.search(r"発表|覚書|announce|memorand", read.key + read.text.lower()))
            or bool(self._group_named(read))
            or "announcement" in intent.topics
        )
        documents = [d for d in self.kb.documents if d.date.year in years]
        if not years or not names_document or not documents or intent.partner_ids:
            return read, ()
        if any(t.startswith(("announcement_", "contact")) or t in ("purpose", "precedent") for t in intent.topics):
            return read, ()  # the document's own fields: _documents_meant picks it by the year
        scope = tuple(dict.fromkeys(e.partner_id for d in documents for e in d.engagements))
        return replace(read, conditions=replace(read.conditions, years=())), scope

    def _is_follow_up(self, intent: Intent, read: Reading) -> bool:
        if intent.people or intent.foreign_places or read.conditions.years:
            return False
        return bool(
            intent.topics or read.refers_back or read.position or read.wh or read.conditions or read.asks_duration
        )

    def _remember(self, answer: Answer, turn: Turn) -> Conversation:
        remembered = answer.conversation
        return Conversation(
            partner_ids=answer.partner_ids or turn.context.partner_ids,
            topic_id=answer.topic_id or turn.context.topic_id,
            updated_at=turn.now,
            event_ids=remembered.event_ids or (turn.context.event_ids if answer.kind == "smalltalk" else ()),
            person=remembered.person,
            terms=remembered.terms or tuple(turn.intent.glossary),
            listed=answer.suggestions if answer.kind == "clarify" else remembered.listed,
            kind=answer.kind,
            language=turn.language,
        )

    def _pick(self, question: str, context: Conversation) -> str | None:
        if not context.listed:
            return None
        text = clean(question)
        key = to_key(text)
        if re.fullmatch(r"\d{1,2}", key):
            index = int(key) - 1
            return context.listed[index].question if 0 <= index < len(context.listed) else None
        if context.kind == "clarify":
            named = self.understander.understand(question).partner_ids
            if len(named) == 1 and len(key) <= 8:
                name = self.kb.partner(named[0]).name
                return next((c.question for c in context.listed if name in c.label), None)
            if re.fullmatch(
                r"(全部|全て|すべて|ゼンブ|スベテ|両方|all|both|every)(で|の|を)?(お願い|オネガイ)?.*", key
            ):
                return context.listed[-1].question
            for choice in context.listed:
                if key and (to_key(choice.label).startswith(key) or key.startswith(to_key(choice.label))):
                    return choice.question
        position = re.search(r"(\d{1,2}|[一二三四五])(?:番目|ツ目|個目|件目|ツメ)", key)
        if position and len(key) <= 14 and not re.search(r"例目|回目", key):
            value = position[1]
            index = (int(value) if value.isdigit() else "一二三四五".index(value) + 1) - 1
            return context.listed[index].question if 0 <= index < len(context.listed) else None
        return None


def to_asked_language(question: str, context: Conversation) -> Language:
    """The question's language; a message with no words (「2」 picking a choice) keeps the last one."""
    if not re.search(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff]", question):
        return "en" if context.language == "en" else "ja"
    return language_of_question(question)


def to_absolute_years(read: Reading, now: datetime) -> Reading:
    """「来年の締結式」 asked in 2026 is about 2027: years named relative to now become years."""
    conditions = read.conditions
    if not conditions.years_from_now:
        return read
    years = tuple(dict.fromkeys((*conditions.years, *(now.year + offset for offset in conditions.years_from_now))))
    return replace(read, conditions=replace(conditions, years=years, years_from_now=()))


def to_sentence_case(title: str) -> str:
    """"contact" → "Contact": a title built from a label starts as a sentence does (only Latin
    letters change; Japanese has no case)."""
    return title[:1].upper() + title[1:] if title[:1].islower() else title
