"""The topic asked, for the partners asked: fields, lists, overviews, the nearest field."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answering.absence import AbsenceAnswers
from bot.answering.answer import Answer, Section
from bot.answering.base import CEREMONY_TOPICS, CLARIFY_BELOW, NEAREST, Answering, Services, Turn, to_quoted
from bot.answering.ceremonies import CeremonyAnswers
from bot.answering.documents import DocumentAnswers
from bot.answering.help import MAX_NAMES
from bot.knowledge.facts import Fact
from bot.language.messages import Language, say
from bot.language.text import has_kanji, to_key
from bot.store.records import Choice, Conversation

# Asked of the bureau's one person, of every city, in order, or as a claim: a list, not a clarification.
_LISTS_OR_ORDERS = re.compile(r"局長|並べ|順|一覧|リスト|それぞれ|各|全|すべて|スベテ|ミンナ|ドレ|イズレ|ナイ|一番|最")


class SlotAnswers(Answering):
    def __init__(
        self, services: Services, documents: DocumentAnswers, ceremonies: CeremonyAnswers, absence: AbsenceAnswers
    ) -> None:
        super().__init__(services)
        self.documents = documents
        self.ceremonies = ceremonies
        self.absence = absence
    def slots(self, turn: Turn) -> Answer | None:
        topics = list(turn.topics)
        if topics and not turn.partner_ids and turn.intent.segments and set(topics) <= turn.intent.weak_topics:
            return None  # 「ランチどこ行く?」: a bare どこ among other words is not about a ceremony
        if turn.read.asks_duration and (
            self._is_about_ceremonies(turn) or turn.from_context or not self._specific_topics(turn)
        ):
            return self.ceremonies.duration(turn)
        pointing = bool(turn.read.position or turn.read.refers_back)
        # "And the Kitami one?": names a partner and nothing else ("one", "the" name nothing).
        names_nothing = not any(self._is_content_noun(t) for t in turn.intent.content)
        if (
            not topics
            and turn.partner_ids
            and turn.context.topic_id
            and ((not turn.from_context and names_nothing) or (turn.from_context and pointing))
        ):
            topics = [turn.context.topic_id]
        if not topics and turn.intent.asked_dates and turn.intent.partner_ids:
            topics = ["ceremony"]  # 「2月7日に何がある?」: the date named its partner's ceremony
        if not topics:
            return self._overview(turn) if turn.intent.partner_ids and names_nothing else None
        if turn.has_topic("precedent"):
            return self.documents.nth_memorandum(turn) or self.documents.precedent(turn, yes_no=False)
        if turn.has_topic("partners") and (not (set(topics) - {"partners"}) or not turn.partner_ids):
            if self._query(turn) or self._english_content(turn):
                return None  # 「温泉を活かすのはどの市?」 with nothing found: not the list of every partner
            return self.documents.partners_answer(turn, self._partners_in_scope(turn))
        document_topics = [t for t in topics if t.split("_")[0] in ("contact", "announcement")]
        if document_topics:
            return self.documents.document_slots(turn, document_topics)
        partner_ids = turn.partner_ids
        if not partner_ids:
            # 「各市のテーマ」「締結式の場所は?」 are short for every partner; a bare 「場所は?」 asks back.
            # The bureau's chief is one person; 「オホーツクから全国へ、ってどこの話?」 names content.
            bare = turn.intent.facet_only and "局長" not in turn.read.key and not turn.intent.segments
            if not set(topics) <= {*CEREMONY_TOPICS, "theme"} or bare or self._asks_one(turn):
                return self._clarify_partner(topics, turn.language)
            partner_ids = self._all_ids()
        return self._partner_slots(turn, partner_ids, topics)

    def _asks_one(self, turn: Turn) -> bool:
        """「締結式の開始時刻って何時でしたっけ?」「式に出た市長の名前を確認したく」: one value of one
        ceremony asked, and the data has several — ask back which city, rather than list them all.
        Asked of every city (各市, 全部), in order, under a condition, or of the bureau's one person
        (局長), the list is the answer."""
        read = turn.read
        if turn.intent.all_partners or read.direction or read.position or read.conditions or read.asks_list:
            return False
        if _LISTS_OR_ORDERS.search(read.key):
            return False
        if {"bureau", "meti", "director", "each", "all", "every"} & set(read.words):
            return False
        asked = set(turn.topics) & (set(CEREMONY_TOPICS) - {"ceremony"})
        return len(self._ceremonies(self._all_ids())) > 1 and bool(asked)

    def _partner_slots(self, turn: Turn, partner_ids: tuple[str, ...], topics: list[str]) -> Answer | None:
        language = turn.language
        facts = [f for pid in partner_ids[:MAX_NAMES] for f in self._facts_for(pid, topics)]
        facts = self._narrow(turn, facts) + self._promotion_asked(turn, partner_ids, topics)
        if not facts and any(t in NEAREST for t in topics):
            nearest = [NEAREST.get(t, t) for t in topics]
            facts = self._narrow(turn, [f for pid in partner_ids[:MAX_NAMES] for f in self._facts_for(pid, nearest)])
            if facts:
                missing = [self._topic_label(t, language) for t in topics if t in NEAREST]
                notes = (
                    turn.say(
                        "nearest_note",
                        partners=self.compose.names(partner_ids, language),
                        missing=turn.say("word_separator").join(missing),
                    ),
                )
                topics = nearest
                return replace(
                    self._partner_slots(turn, partner_ids, topics) or self._nothing_for(turn, partner_ids, topics),
                    notes=notes,
                )
        if not facts:
            return self._nothing_for(turn, partner_ids, topics)
        one_person = self._one_person(facts, language, asks_same=_asks_same(turn))
        if one_person is not None and len(partner_ids) > 1:
            return one_person
        many = len(partner_ids) > 1
        answered = self._answered_topic(facts, topics)
        label = self._topic_label(answered, language)
        every = many and len(partner_ids) == len(self.kb.partners)
        who = turn.say("each_city") if every else self.compose.names(partner_ids, language)
        title = turn.say("partner_topic", partner=who, topic=label)
        listed = self._listed(facts) if not many else self._ask_each(partner_ids, answered, language)
        sections = self.compose.fact_sections(facts, with_owner=many, language=language)
        if len(sections) == 1 and _is_said_by(title, sections[0].label, language):
            sections = (replace(sections[0], label=""),)  # the title says what it is
        answer = Answer(
            kind="answer",
            confidence=self._slot_confidence(turn),
            title=title,
            sections=sections,
            source=self.compose.cite(facts, language),
            statuses=tuple(self._status(e, turn.now, language) for e in self._events_in(facts))
            if turn.has_topic(*CEREMONY_TOPICS)
            else (),
            notes=self._interpretations(turn.intent, language) + self._notes_for(turn, partner_ids, facts),
            topic_id=topics[0],
            partner_ids=partner_ids,
            suggestions=self._follow_ups(partner_ids[0], exclude=topics, language=language) if not many else (),
            conversation=Conversation(
                event_ids=tuple(e.id for e in self._events_in(facts)), listed=listed, person=self._person_in(facts)
            ),
            language=language,
        )
        if answer.confidence < CLARIFY_BELOW:
            return self._did_you_mean(answer)
        return answer

    def _ask_each(self, partner_ids: tuple[str, ...], topic: str, language: Language) -> tuple[Choice, ...]:
        """What a numbered pick (「2番目」) of a list by partner asks: the topic of that partner."""
        partners = [self.kb.partner(p) for p in partner_ids]
        return tuple(Choice(p.name_in(language), self._topic_choice(p, topic, language).question) for p in partners)

    def _one_person(self, facts: list[Fact], language: Language, *, asks_same: bool = False) -> Answer | None:
        """「局長の名前は?」: the same person at every ceremony is one answer, not one per city;
        「局長は全員同じ方?」 asks whether, and is answered Yes."""
        people = [f for f in facts if f.topic == "ceremony_who"]
        if not people or len(people) != len(facts) or len({to_key(f.text) for f in people}) != 1:
            return None
        events = self._events_in(people)
        return Answer(
            kind="answer",
            confidence=0.95,
            title=(say("yes_lead", language) if asks_same else "") + say("answer_is", language, answer=people[0].text),
            sections=(
                Section(
                    say("attended_ceremonies", language),
                    items=tuple(self.compose.event_line(e, language) for e in events),
                ),
            ),
            source=self.compose.cite(people, language),
            topic_id="ceremony_who",
            conversation=Conversation(person=getattr(people[0].value, "family_name", "")),
            language=language,
        )

    def _promotion_asked(self, turn: Turn, partner_ids: tuple[str, ...], topics: list[str]) -> list[Fact]:
        """「総合計画のどの分野の取組を進める?」: the promotion paragraph says what the plan items do not."""
        if "plans" not in topics or "promotion" in topics:
            return []
        words = [t.key for t in turn.intent.tokens if t.pos[0] == "名詞" and len(t.key) >= 2 and has_kanji(t.key)]
        plans = to_key(" ".join(f.text for pid in partner_ids for f in self._facts_for(pid, ["plans"])))
        wanted = [w for w in words if w not in plans]
        return [
            f
            for pid in partner_ids
            for f in self._facts_for(pid, ["promotion"])
            if any(w in to_key(f.text) for w in wanted)
        ]

    def _narrow(self, turn: Turn, facts: list[Fact]) -> list[Fact]:
        """Keep what the question singles out: a role (市長, 局長), a list position, a named plan."""
        facts = self._by_role(turn, facts)
        position = turn.read.position
        if position:
            numbered = [f for f in facts if f.index == position and f.topic != "project_title"]
            facts = numbered or facts
        if turn.has_topic("period") and turn.intent.content:
            named = [
                f for f in facts if f.topic == "period" and any(t.key in to_key(f.label) for t in turn.intent.content)
            ]
            facts = named or facts
        return facts

    def _by_role(self, turn: Turn, facts: list[Fact]) -> list[Fact]:
        key = turn.read.key
        roles = [r for r in ("市長", "局長", "担当") if r in key] + (["市長"] if "mayor" in turn.read.words else [])
        if not roles:
            return facts
        kept = [
            f
            for f in facts
            if f.topic not in ("ceremony_who",) or any(r in getattr(f.value, "role", "") for r in roles)
        ]
        return kept or facts

    def _notes_for(self, turn: Turn, partner_ids: tuple[str, ...], facts: list[Fact]) -> tuple[str, ...]:
        notes = []
        if turn.from_context and not turn.read.refers_back:
            notes.append(turn.say("continued_note", partners=self.compose.names(partner_ids, turn.language)))
        missing = self.absence.missing_words(turn, facts)
        if missing:
            notes.append(turn.say("missing_words_note", words=to_quoted(missing, turn.language)))
        if turn.intent.foreign_places:
            places = turn.say("word_separator").join(turn.intent.foreign_places)
            notes.append(turn.say("foreign_places_note", places=places))
        if turn.has_topic("address") and not any(f.topic == "address" for f in facts):
            notes.append(turn.say("no_address_note"))
        return tuple(notes)

    def _nothing_for(self, turn: Turn, partner_ids: tuple[str, ...], topics: list[str]) -> Answer:
        label = self._topic_label(topics[0], turn.language)
        names = self.compose.names(partner_ids, turn.language)
        documents = [
            self.kb.document_by_id(e.document_id).title for pid in partner_ids for e in self.kb.partner(pid).engagements
        ]
        shown = turn.say("section_separator").join(dict.fromkeys(documents))
        return Answer(
            kind="fallback",
            confidence=0.9,
            title=turn.say("nothing_for", partners=names, topic=label),
            sections=(Section("", text=turn.say("nothing_in_documents", documents=shown, topic=label)),),
            suggestions=self._follow_ups(partner_ids[0], exclude=topics, language=turn.language),
            partner_ids=partner_ids,
            language=turn.language,
        )

    def _overview(self, turn: Turn) -> Answer:
        partner_ids = turn.intent.partner_ids
        facts = [
            f
            for pid in partner_ids
            for f in self.by_partner.get(pid or "", [])
            if f.topic in ("theme", "project_title", "cooperation", "ceremony_when", "ceremony_where")
            or (f.partner_id == pid and f.topic.startswith("section:"))
        ]
        for pid in partner_ids:
            if not self.kb.partner(pid).theme:
                documents = {e.document_id for e in self.kb.partner(pid).engagements}
                facts = [f for d in documents for f in self.shared.get(d, []) if f.topic == "purpose"][:1] + facts
        language = turn.language
        return Answer(
            kind="answer",
            confidence=0.8,
            title=turn.say("overview_of", partners=self.compose.names(partner_ids, language)),
            sections=self.compose.fact_sections(facts, language=language),
            source=self.compose.cite(facts, language),
            suggestions=self._follow_ups(partner_ids[0], language=language),
            partner_ids=partner_ids,
            conversation=Conversation(listed=self._listed(facts)),
            language=language,
        )


def _is_said_by(title: str, label: str, language: Language) -> bool:
    """Whether a title already says a section's label (English labels start with a capital)."""
    return label.casefold() in title.casefold() if language == "en" else label in title


def _asks_same(turn: Turn) -> bool:
    """「局長は全員同じ方?」 "Is it the same person at every ceremony?": whether they are one."""
    return bool(re.search(r"同[じジ]|オナジ|同一", turn.read.key)) or "same" in turn.read.words
