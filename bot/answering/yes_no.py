"""Yes/no: a claim checked against the facts; the answer starts with はい or いいえ."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.answering.answer import Answer, Section, body_of
from bot.answering.base import (
    ASKING_NOUNS,
    CEREMONY_TOPICS,
    WH_CLAIMS,
    Answerer,
    Answering,
    Reader,
    Services,
    Turn,
    names_together,
    to_topic,
)
from bot.answering.ceremonies import CeremonyAnswers
from bot.answering.claimed import CLAIM_PARTS, ClaimedValues
from bot.answering.claims import asks_whether_en
from bot.answering.documents import DocumentAnswers
from bot.answering.reasoning import failed_conditions
from bot.answering.understand import GENERIC_LEMMAS
from bot.knowledge.dates import format_date, format_when
from bot.knowledge.facts import Fact
from bot.knowledge.model import Event, Person, Plan
from bot.language.messages import say, to_label
from bot.language.question import (
    is_yes_no,
    read_claim,
)
from bot.language.text import Token, to_key, tokenize
from bot.store.records import Conversation

_IN_ANNOUNCEMENT = re.compile(
    r"(公式(の)?発表|公式|発表資料|発表|プレスリリース|報道発表|原文|一次資料)(に|で|の中に)?"
    r"(載っ|のっ|書い|書か|記載|出て|入っ|含ま|ある|あり)"
)
_ASKS_EXISTENCE = re.compile(r"(?:は|って|が|も)\s*(?:あり|ある|あっ|ござい|有り)[^、。]{0,8}$")
_SAMENESS = re.compile(r"同じ|同一|一緒|共通|違う|別の")
_DONE = re.compile(r"済み|済ん|既に|スデニ|ズミ|終わっ|オワッ|デキテ|過ギ")
# "Has the Kitami ceremony already taken place?", "Is the Muroran memorandum signed yet?"
_DONE_EN = re.compile(
    r"\b(?:already|yet)\b|\b(?:has|have|had)\b.*\b(?:taken place|been held|been signed|happened|finished|ended)\b"
    r"|\bis (?:it|that|the .{3,30}) (?:over|done|finished)\b"
)
# "at the time of the announcement", "when it was announced": the day of the document, not today.
_AT_ANNOUNCEMENT_EN = re.compile(
    r"\bat the time of (?:the )?(?:announcement|press release|document)|\bas of the (?:announcement|press release)"
    r"|\bwhen (?:it was|they were) (?:announced|published)"
)
_MEMORANDUM_EN = re.compile(r"\bmemorand|\bagreement|\bsigned\b")
_NUMBERS_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_COUNTED_EN = re.compile(
    rf"\b(\d+|{'|'.join(_NUMBERS_EN)}) (?:main |joint )?(?:projects?|items?|cooperation items?|people|persons"
    r"|attendees|cities|municipalities|contacts?)\b"
)
_BEING = frozenset(
    to_key(w)
    for w in "いる います いますか ある あります ありますか おる おります いらっしゃる いらっしゃいます".split()
)
_ORDINAL_OF_MEMORANDA = re.compile(r"例目|覚書|\bmemorand|\bagreement|\bmou\b")
_FROM_END = re.compile(r"後ロカラ|ウシロカラ|最後カラ|サイゴカラ")
_COUNT_CLAIM = re.compile(r"(?:全部デ?|スベテデ?|合計デ?|計)?\d+(?:つ|ツ|件|個|本|項目|人|名|市)(?:ダケ|ノミ)?")
_HONORIFIC = re.compile(r"(さん|様|氏|さま)$")


class YesNoAnswers(Answering):
    def __init__(
        self,
        services: Services,
        documents: DocumentAnswers,
        ceremonies: CeremonyAnswers,
        ask: Answerer,
        read: Reader,
    ) -> None:
        super().__init__(services)
        self.documents = documents
        self.ceremonies = ceremonies
        self.ask = ask
        self.read = read
        self.claimed = ClaimedValues(self.understander, self._partner_names)

    def yes_no(self, turn: Turn) -> Answer | None:
        if not is_yes_no(turn.read):
            return None
        for check in (
            self._check_attends_others,
            self._check_official,
            self._check_position,
            self._check_conditions,
            self.check_done,
            self._check_each,
            self._check_value,
            self._check_owner,
            self._check_person,
            self._check_precedent,
            self._check_partner_exists,
            self._check_count,
            self._check_claim,
        ):
            answer = check(turn)
            if answer is None:
                continue
            # These two judge part of a claim: the conditions in 「旭川の式は2階3号会議室?」 (the
            # floor), or only whose the thing is in 「旭川の式は第3応接室?」. Their はい must show the
            # rest too, or it is passed over and `_check_claim` reads the whole claim last.
            partial = check in (self._check_conditions, self._check_owner)
            if not (partial and self._says_yes_to_less(turn, answer)):
                return answer
        return None

    def _says_yes_to_less(self, turn: Turn, answer: Answer) -> bool:
        """A はい whose answer does not show every value the claim names."""
        if not answer.title.startswith(turn.say("yn_yes")) or turn.language == "en":
            return False
        return bool(self.claimed.unshown(turn.question, f"{answer.title} {body_of(answer)}"))

    def _check_attends_others(self, turn: Turn) -> Answer | None:
        """「(北見市の出席者は?) → その局長は他の市の式にも出席していますか?」: the person of that role at the
        ceremony just answered, and the other ceremonies they attend."""
        text = turn.read.text.lower()
        role = next((r for pattern, r in _ROLE_WORDS if re.search(pattern, text)), None)
        if role is None or not turn.context.event_ids or not _OTHER_EVENTS.search(text):
            return None
        before = [e for e in self.kb.all_events() if e.id in turn.context.event_ids]
        people = {to_key(p.name): p for e in before for p in e.attendees if role in p.role}
        if len(people) != 1:
            return None
        (key, person), = people.items()
        others = [
            e for e in self._ceremonies(self._all_ids())
            if e.id not in turn.context.event_ids and any(to_key(p.name) == key for p in e.attendees)
        ]
        statement = turn.say(
            "yn_attends_others" if others else "yn_attends_no_other",
            person=person.to_text(),
            events=turn.say("word_separator").join(self.compose.event_owner(e, turn.language) for e in others),
        )
        return Answer(
            kind="answer",
            confidence=0.9,
            title=_verdict(turn, bool(others), statement),
            source=self.compose.cite_events([*before, *others], turn.language),
            topic_id="ceremony_who",
            partner_ids=tuple(e.partner_id for e in others if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in others), person=person.family_name),
        )

    def _check_official(self, turn: Turn) -> Answer | None:
        """「北見の覚書の中身って公式発表に載ってる?」: whether what answers it comes from the
        announcement itself or from a report about it (a secondary source)."""
        where = _IN_ANNOUNCEMENT.search(turn.read.text)
        if not where:
            return None
        subject = re.sub(r"(って|は|が|も|、|の)+$", "", turn.read.text[: where.start()].strip())
        if not subject:
            return None
        plain = self._answer_plainly(self._read(f"{subject}は?", turn))
        if plain is None or plain.kind != "answer" or plain.source is None:
            return None
        separator = turn.say("section_separator")
        reports = separator.join(dict.fromkeys(c.secondary for c in plain.source.citations if c.secondary))
        verdict = turn.say("yn_from_report", reports=reports) if reports else turn.say("yes_lead")
        return replace(plain, title=f"{verdict}{plain.title}")

    def _check_count(self, turn: Turn) -> Answer | None:
        """「帯広のプロジェクトは3つ?」: the count claimed against the count computed."""
        claimed = _claimed_count(turn.read.key, turn.read.text)
        if claimed is None or turn.read.conditions.minutes:
            return None
        counted = self.ceremonies.count(replace(turn, read=replace(turn.read, asks_count=True)))
        number = _count_in(counted.title, turn.language) if counted else None
        if counted is None or number is None:
            return None
        return replace(counted, title=_verdict(turn, number == claimed, counted.title))

    def _check_claim(self, turn: Turn) -> Answer | None:
        """「室蘭の式は3号会議室?」「担当者は佐藤さん?」: answer without the claim, then see if the answer
        says what was claimed."""
        if turn.language == "en":
            return self._check_place_en(turn)
        claim = read_claim(turn.question)
        exists = _ASKS_EXISTENCE.search(turn.read.text)
        if not claim or to_key(claim) in WH_CLAIMS or _SAMENESS.search(claim):
            return None  # 「全員同じ方?」 is not a value the answer can contain
        if to_key(claim) in _BEING and not exists:
            return None  # 「出席者に青山市長はいる?」: whether someone is there is `_check_person`'s
        plain_question = turn.question.replace(claim, "")
        plain = self._answer_plainly(self._read(plain_question, turn))
        if plain is None or plain.kind != "answer":
            return None
        said = to_key(body_of(plain))
        names_the_fact = exists or turn.intent.topics or len(plain.partner_ids) != 1
        if not names_the_fact and not self.claimed.is_shown(claim, body_of(plain), plain.partner_ids):
            # 「(旭川の締結式はいつ?) → それって旭川市役所でやったんでしたっけ?」: nothing in the question
            # says which fact; the one that holds the value claimed is (the answer about the last topic does not).
            located = self._fact_holding(claim, plain.partner_ids[0])
            if located is not None:
                return self._value_answer(turn, located)
        if exists:
            # 「カーリングに関係する項目ってありましたか?」: whether the answer holds what is asked after.
            asked_after = re.split(r"[、,]", turn.read.text[: exists.start()])[-1]
            words = [t.key for t in tokenize(asked_after) if self._is_content_noun(t) and t.lemma not in ASKING_NOUNS]
            holds = bool(words) and all(w in said for w in words)
        else:
            owner = self.claimed.owner(turn.question)  # 「室蘭市総合計画は室蘭の計画?」: whose the answer is
            holds = (
                owner in plain.partner_ids
                if owner
                else to_key(claim) in said or self.claimed.is_shown(claim, body_of(plain), plain.partner_ids)
            )
        return replace(plain, title=_verdict(turn, holds, plain.title))

    def _fact_holding(self, claim: str, partner_id: str) -> Fact | None:
        facts = self.by_partner.get(partner_id, [])
        return next((f for f in facts if self.claimed.is_shown(claim, f.text, (partner_id,))), None)

    def _value_answer(self, turn: Turn, fact: Fact) -> Answer:
        return Answer(
            kind="answer",
            confidence=0.9,
            title=_verdict(turn, True, self._value_line(fact, turn.language)),
            source=self.compose.cite([fact], turn.language),
            topic_id=fact.topic,
            partner_ids=(fact.partner_id,) if fact.partner_id else (),
        )

    def _check_place_en(self, turn: Turn) -> Answer | None:
        """"Was the Muroran ceremony held at Obihiro City Hall?": the ceremony's place, asked without
        the place claimed, holds the claimed place written in Japanese (帯広市役所) or not."""
        claimed = self.claimed.english_place(turn.question)
        if claimed is None:
            return None
        typed, japanese = claimed
        plain = self._answer_plainly(self._read(turn.question.replace(typed, ""), turn))
        if plain is None or plain.kind != "answer" or not plain.partner_ids:
            return None
        return replace(plain, title=_verdict(turn, japanese in to_key(body_of(plain)), plain.title))

    def _read(self, question: str, turn: Turn) -> Turn:
        """Another question in the same conversation, answered in the language of this one."""
        return replace(self.read(question, turn.context, turn.now), language=turn.language)

    def _answer_plainly(self, turn: Turn) -> Answer | None:
        plain = replace(turn, read=replace(turn.read, wh=True))  # the same question, not as a yes/no
        return self.ask(plain)

    def _check_conditions(self, turn: Turn) -> Answer | None:
        conditions = turn.read.conditions
        if not conditions or (conditions.years and not self._is_about_ceremonies(turn)):
            return None
        if re.search(r"時点|ジテン", turn.read.key + turn.read.reading):
            return None  # 「2019年12月の時点で」 names a moment to judge from, not a condition
        subject = self._claim_subject(turn)
        if not subject:
            return self.ceremonies.exists(turn)
        events = self._ceremonies(subject)
        if not events:
            return None
        failed = [e for e in events if failed_conditions(e, conditions)]
        about = "floor" if conditions.floors else "minutes" if conditions.minutes else "when"
        lines = [self.ceremonies.event_fact_line(e, [about], turn.language) for e in events]
        return Answer(
            kind="answer",
            confidence=0.95,
            title=_verdict(turn, not failed, lines[0]),
            sections=tuple(Section("", text=line) for line in lines[1:]),
            source=self.compose.cite_events(events, turn.language),
            topic_id="ceremony",
            partner_ids=subject,
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def _check_position(self, turn: Turn) -> Answer | None:
        """「帯広の締結式は3番目?」「3番目に早い?」「北見の締結式は最後?」: the ceremony's place in the
        order of all of them (by date and time), counted from the end for 「最後」「後ろから」."""
        read = turn.read
        claimed = read.position or (1 if read.direction in ("first", "last") else None)
        if claimed is None or len(turn.intent.partner_ids) != 1 or read.conditions or _ORDINAL_OF_MEMORANDA.search(
            f"{read.key} {' '.join(read.words)}"
        ):
            return None  # 「4例目?」 "the first city to sign a memorandum": the memoranda's order
        if read.direction not in (None, "first", "last") or not self._is_about_ceremonies(turn):
            return None
        order = sorted(self._ceremonies(self._all_ids()), key=lambda e: (e.date, e.start))
        event = next((e for e in order if e.partner_id == turn.intent.partner_ids[0]), None)
        if event is None:
            return None
        rank = order.index(event) + 1
        from_end = read.direction == "last" or _FROM_END.search(read.key + read.reading)
        counted = len(order) + 1 - rank if from_end else rank
        owner = self.kb.partner(turn.intent.partner_ids[0]).name_in(turn.language)
        statement = turn.say("yn_position", owner=owner, count=len(order), rank=rank,
                             when=format_when(event, turn.language))
        return Answer(
            kind="answer",
            confidence=0.9,
            title=_verdict(turn, counted == claimed, statement),
            source=self.compose.cite_events([event], turn.language),
            topic_id="ceremony",
            partner_ids=turn.intent.partner_ids,
            conversation=Conversation(event_ids=(event.id,)),
        )

    def _claim_subject(self, turn: Turn) -> tuple[str, ...]:
        """Whose ceremony is claimed about: 「旭川の式は室蘭市役所 2階?」 claims a place of 旭川's; the
        city inside the claimed value is part of the value."""
        claim = read_claim(turn.question)
        if not claim or len(turn.partner_ids) < 2:
            return turn.partner_ids
        outside = self.understander.understand(turn.question.replace(claim, "・")).partner_ids
        return tuple(p for p in turn.partner_ids if p in outside) or turn.partner_ids

    def check_done(self, turn: Turn) -> Answer | None:
        """「もう締結済み?」: only a recorded `held` says yes; a date not yet reached says no; a date past
        with nothing recorded is said as exactly that."""
        already = any(t.surface in ("もう", "モウ") for t in turn.intent.tokens)  # not the モウ of 思う
        asks_done_en = bool(_DONE_EN.search(turn.read.text.lower())) and (
            is_yes_no(turn.read) or asks_whether_en(turn.read.text)
        )
        if not (already or asks_done_en or _DONE.search(turn.read.key + turn.read.reading)):
            return None
        if turn.has_topic("plans", "period"):
            return self._plan_status(turn)
        remembered = [] if turn.intent.partner_ids else self._remembered_events(turn)
        memorandum = "覚書" in turn.read.key or bool(_MEMORANDUM_EN.search(turn.read.text.lower()))
        if not (self._is_about_ceremonies(turn) or remembered) and not memorandum:
            return None
        reference_day = self._reference_day(turn)
        events = remembered or self._ceremonies(turn.partner_ids or self._partners_in_scope(turn))
        if not events:
            return None
        lines = tuple(self.compose.event_line(e, turn.language) for e in events)
        if all(e.held and e.date <= reference_day for e in events):
            title = turn.say("yn_done_held")
        elif all(e.date > reference_day for e in events):
            title = turn.say("yn_done_ahead", date=format_date(reference_day, turn.language))
        else:
            title = turn.say("yn_done_unknown")
        return self._events_answer(
            title, events, about=(), label=turn.say("yn_done_label"), lines=lines, language=turn.language
        )

    def _remembered_events(self, turn: Turn) -> list[Event]:
        """The ceremonies the conversation was about (「北見の式はいつ?」 → 「もう終わってる?」)."""
        by_id = {e.id: e for e in self.kb.all_events()}
        events = [by_id[i] for i in turn.context.event_ids if i in by_id]
        if events or turn.context.topic_id not in CEREMONY_TOPICS:
            return events
        return self._ceremonies(turn.context.partner_ids)

    def _plan_status(self, turn: Turn) -> Answer | None:
        plans = [f for pid in turn.partner_ids for f in self._facts_for(pid, ["plans"]) if isinstance(f.value, Plan)]
        named = [
            f for f in plans if any(to_key(seg) in to_key(f.text) for seg in turn.intent.segments if len(seg) >= 2)
        ]
        pending = [f for f in named or plans if re.search(r"策定作業中|策定中|次期", f.text)]
        if not pending:
            return None
        return Answer(
            kind="answer",
            confidence=0.85,
            title=turn.say("yn_plan_pending", text=pending[0].text),
            source=self.compose.cite(pending, turn.language),
            partner_ids=turn.partner_ids,
            topic_id="plans",
        )

    def _reference_day(self, turn: Turn) -> date:
        """「発表の時点で」: the day of the document meant; otherwise today."""
        at_the_time = _AT_ANNOUNCEMENT_EN.search(turn.read.text.lower())
        if not (at_the_time or re.search(r"時点|発表時|発表当時|ジテン", turn.read.key + turn.read.reading)):
            return turn.now.date()
        documents = [self.kb.document_by_id(d) for d in self._documents_for(turn)]
        return min((d.date for d in documents), default=turn.now.date())

    def _check_each(self, turn: Turn) -> Answer | None:
        """「旭川と帯広、どちらも滞在型観光を進める?」: does each partner named have it?"""
        partner_ids = turn.intent.partner_ids
        if len(partner_ids) < 2 or not turn.intent.segments or turn.read.conditions:
            return None
        if not names_together(turn):
            return None  # 「muroran no shikiten wa obihiro shiyakusho?」 claims 帯広 of 室蘭, not of each
        found = {pid: self._fact_with_words(turn, pid) for pid in partner_ids}
        have = [pid for pid in partner_ids if found[pid]]
        if not have:
            return None
        facts = [fact for pid in have if (fact := found[pid])]
        lacking = [pid for pid in partner_ids if pid not in have]
        title = (
            turn.say("yn_each_yes")
            if not lacking
            else turn.say("yn_each_no", names=self.compose.names(lacking, turn.language))
        )
        return Answer(
            kind="answer",
            confidence=0.85,
            title=title,
            sections=self.compose.fact_sections(facts, language=turn.language),
            source=self.compose.cite(facts, turn.language),
            partner_ids=partner_ids,
            topic_id=to_topic(facts[0].topic),
        )

    def _fact_with_words(self, turn: Turn, partner_id: str) -> Fact | None:
        """The partner's fact that says what the question names (every content noun of it, 観光 of
        「どちらも観光に取り組んでいますか」), the best match first; without such nouns, the best match."""
        hits = [h.fact for h in self._hits(turn, (partner_id,))]
        nouns = [t.key for t in turn.intent.content if _is_japanese_noun(t, turn.language)]
        places = [key for place in self.kb.vocabulary.neutral_places if (key := to_key(place)) in turn.read.key]
        words = nouns + places  # 首都圏 names no partner, but it is what is asked after
        if not words:
            return hits[0] if hits else None
        facts = hits + self.by_partner.get(partner_id, [])
        return next((f for f in facts if all(w in to_key(f"{f.label} {f.text}") for w in words)), None)

    def _check_value(self, turn: Turn) -> Answer | None:
        """「帯広の会場は3号会議室?」「担当者は辻さんと宮本さん?」: the claimed value against the named
        partner's own value (or the announcement's); いいえ comes with the true value, then whose the
        claimed value is."""
        claim = read_claim(turn.question) or _literal_value_in(turn.question)
        if not claim or to_key(claim) in WH_CLAIMS or len(turn.intent.partner_ids) > 1:
            return None
        if _COUNT_CLAIM.fullmatch(to_key(claim)):
            return None  # 「連携事項は3つ?」 claims how many: `_check_count`
        if _ASKS_EXISTENCE.search(turn.read.text):
            return None  # 「カーリングに関係する項目ってありましたか?」 asks whether, not which value
        if turn.intent.people and not any(person in claim for person in turn.intent.people):
            return None  # 「安藤局長は出席する?」: the person is the subject, not the value claimed
        inside_claim = {m.entry.target for m in turn.intent.topic_matches if to_key(m.typed) in to_key(claim)}
        topics = [
            t for t in self._specific_topics(turn) if t not in ("ceremony", "partners", "precedent", *inside_claim)
        ]
        if not topics and turn.has_topic("announcement") and re.search(r"\d+月\d+日|\d{4}-\d", claim):
            topics = ["announcement_date"]  # a day claimed of an announcement is its date
        parts = [p for p in CLAIM_PARTS.split(claim) if len(to_key(p)) >= 2]
        if not topics or not parts or self._names_partner(claim):
            return None
        facts = self._claimed_facts(turn, topics)
        if not facts:
            return None
        said = to_key(" ".join(f.text for f in facts))
        holds = all(to_key(_HONORIFIC.sub("", p)) in said for p in parts)
        holder = next(
            (f for f in self.facts if f.topic == facts[0].topic and f not in facts and to_key(claim) in to_key(f.text)),
            None,
        )
        whose = ""
        if holder and not holds:
            owner = self.compose.owner(holder, turn.language)
            whose = turn.say("yn_value_whose", claim=claim, owner=owner, label=_label(holder, turn.language))
        return Answer(
            kind="answer",
            confidence=0.9,
            title=_verdict(turn, holds, self._value_line(facts[0], turn.language)),
            notes=(whose,) if whose else (),
            source=self.compose.cite(facts[:1], turn.language),
            topic_id=facts[0].topic,
            partner_ids=turn.intent.partner_ids,
        )

    def _claimed_facts(self, turn: Turn, topics: list[str]) -> list[Fact]:
        documents_own = all(t.startswith(("contact", "announcement")) for t in topics)
        if turn.intent.partner_ids and not documents_own:
            return self._facts_for(turn.intent.partner_ids[0], topics)
        if documents_own:
            # 「北見市の発表は3月25日?」: the fields of the partner's own announcement.
            documents = {e.document_id for pid in turn.intent.partner_ids for e in self.kb.partner(pid).engagements}
            shared = [f for f in self.facts if f.partner_id is None and self._fact_in_topics(f, topics)]
            return [f for f in shared if not documents or f.document_id in documents][:3]
        return []

    def _value_line(self, fact: Fact, language: str) -> str:
        owner = self.compose.owner(fact, language)
        return say("yn_value", language, owner=owner, label=_label(fact, language), text=fact.text)

    def _check_owner(self, turn: Turn) -> Answer | None:
        """「CASEって旭川のプロジェクト?」: the subject belongs to one partner; is it the one named?"""
        claimed = turn.intent.partner_ids
        if len(claimed) != 1 or turn.read.conditions:
            return None
        if self.claimed.claimed(read_claim(turn.question)):
            return None  # 「室蘭の会場って帯広市役所だった?」 claims a value, not whose a thing is
        # 「帯広の覚書に観光の話はある?」: what the named partner's own facts hold answers first;
        # another partner's better match is no reason to say いいえ.
        own = self._hits(turn, claimed) if not turn.intent.glossary else []
        subject = (own[0].fact, claimed[0]) if own else self._subject_owner(turn)
        if subject is None:
            return None
        fact, owner = subject
        topics = self._specific_topics(turn)
        if topics and not turn.intent.glossary and not self._fact_in_topics(fact, topics):
            return None  # the claim is about the topic named, not about whose the subject is
        name = self.kb.partner(owner).name_in(turn.language)
        claimed_name = self.kb.partner(claimed[0]).name_in(turn.language)
        title = (
            turn.say("yn_owner_yes", name=name)
            if owner == claimed[0]
            else turn.say("yn_owner_no", claimed=claimed_name, name=name)
        )
        # A project's title alone says little: its description goes with it.
        shown = [fact] + [
            f
            for f in self.by_partner.get(owner, [])
            if fact.topic == "project_title" and f.topic == "projects" and f.label == fact.label
        ]
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=self.compose.fact_sections(shown, language=turn.language),
            source=self.compose.cite(shown, turn.language),
            partner_ids=(owner,),
            topic_id=fact.topic,
        )

    def _subject_owner(self, turn: Turn) -> tuple[Fact, str] | None:
        for term in turn.intent.glossary:
            entry = next((g for g in self.kb.glossary if g.term == term), None)
            if entry and entry.partner_id:
                fact = next(
                    (
                        f
                        for f in self.by_partner.get(entry.partner_id or "", [])
                        if f.topic == "projects" and entry.mentioned_in == f.label
                    ),
                    None,
                )
                if fact:
                    return fact, entry.partner_id
        hits = self._hits(turn, ())
        if hits and hits[0].fact.partner_id:
            return hits[0].fact, hits[0].fact.partner_id
        return None

    def _check_person(self, turn: Turn) -> Answer | None:
        """「室蘭の式に青山市長は出席?」: whether the person attends the ceremony of the partner named,
        else of the partner just talked about (「出席者に青山市長はいる?」 after 室蘭), else any."""
        if not turn.intent.people or not (turn.partner_ids or turn.has_topic(*CEREMONY_TOPICS)):
            return None
        partner_ids = turn.partner_ids or turn.context.partner_ids or self._all_ids()
        family = turn.intent.people[0]
        people = [f for pid in partner_ids for f in self.by_partner.get(pid, []) if f.topic == "ceremony_who"]
        mine = [f for f in people if isinstance(f.value, Person) and f.value.family_name == family]
        others = people
        if not others:
            return None
        shown = mine or [f for f in others if "市長" in f.text] or others
        verdict = turn.say("yn_yes" if mine else "yn_no")
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("yn_person", verdict=verdict, person=shown[0].text),
            source=self.compose.cite(shown, turn.language),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in shown[:1] if f.partner_id)),
            topic_id="ceremony_who",
        )

    def _check_precedent(self, turn: Turn) -> Answer | None:
        if not turn.has_topic("precedent"):
            return None
        return self.documents.precedent(turn, yes_no=True)

    def _check_partner_exists(self, turn: Turn) -> Answer | None:
        if (
            not turn.intent.partner_ids
            or (turn.topics and not turn.has_topic("partners"))
            or "覚書" not in turn.read.key
        ):
            return None
        return self.documents.partners_answer(turn, turn.intent.partner_ids, lead=turn.say("yes_lead"))


# A role named as a person (「その局長」 "the director-general") and ceremonies other than the one asked.
_ROLE_WORDS = (
    (r"局長|director[- ]general|bureau chief", "局長"),
    (r"市長|mayor", "市長"),
)
_OTHER_EVENTS = re.compile(r"(?:他|ほか|別)の(?:市|式|締結式)|other (?:cities|ceremonies|cities' ceremonies)|elsewhere")


# Nouns that ask whether something is written, not what: 「ロボットの記載がある?」.
_WRITING_NOUNS = frozenset({"記載", "言及", "記述", "登場", "話", "内容", "項目"})


def _is_japanese_noun(token: Token, language: str) -> bool:
    """A noun a Japanese fact can contain as typed (IoT in a Japanese question too; an English
    question's words are found through the index)."""
    return (
        (language == "ja" or not token.is_latin)
        and token.pos[0] == "名詞"
        and token.pos[1] not in ("数詞", "代名詞")
        and token.lemma not in _WRITING_NOUNS | ASKING_NOUNS | GENERIC_LEMMAS
    )


# 「金曜日じゃないよね?」「午後ではないですよね」 confirm that it is not: はい when it is not. (「金曜日じゃ
# ない?」「〜ではなかったですか」 ask whether it is, and are read as the claim itself.)
_CONFIRMS_NOT = re.compile(r"(?:じゃ|では|で)な(?:い|かった)ん?(?:です)?(?:よね|よな|でしょ(?!う))")


def _verdict(turn: Turn, holds: bool, statement: str) -> str:
    """「はい。〜」「いいえ。〜」: the verdict, then the statement that shows it."""
    if _CONFIRMS_NOT.search(turn.read.text):
        holds = not holds
    verdict = turn.say("yn_yes" if holds else "yn_no")
    return turn.say("yn_verdict", verdict=verdict, statement=statement)


def _claimed_count(key: str, text: str) -> int | None:
    """「帯広のプロジェクトは3つ?」, "Does Obihiro have 3 projects?": the number claimed."""
    claimed = re.search(r"(\d+)(つ|ツ|件|個|本|項目|人|名|市)(?![トノデニガヲハ])", key)
    if claimed:
        return int(claimed[1])
    english = _COUNTED_EN.search(text.lower())
    if not english:
        return None
    return int(english[1]) if english[1].isdigit() else _NUMBERS_EN.index(english[1]) + 1


def _count_in(title: str, language: str) -> int | None:
    """The number a count answer states (「4市です」, "4 cities"), not a date's, a year's or a time's."""
    pattern = r"(\d+)(?:つ|件|人|市)" if language != "en" else r"(?<![\d:/-])(?!(?:19|20)\d\d\b)(\d+)(?![\d:/-])"
    number = re.search(pattern, title)
    return int(number[1]) if number else None


def _label(fact: Fact, language: str) -> str:
    """A fact's label inside a sentence: "the place of …" (a structural label in English is lowered)."""
    label = to_label(fact.label, language)
    return label[:1].lower() + label[1:] if language == "en" and label != fact.label else label


# A value written the same in every language: a phone or fax number, an e-mail address.
_LITERAL_VALUE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{2,4}-\d{2,4}-\d{3,4}\b")


def _literal_value_in(question: str) -> str:
    """"Is the fax number 011-709-1775?": the value claimed, where it is one read in any language."""
    found = _LITERAL_VALUE.search(question)
    return found[0] if found else ""
