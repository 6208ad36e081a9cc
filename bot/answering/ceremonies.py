"""Questions computed over ceremonies and lists: same-as, count, order, filter, how long."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answering.answer import Answer, Section
from bot.answering.base import CEREMONY_TOPICS, Answering, Services, Turn
from bot.answering.claims import asks_whether_en
from bot.answering.compose import to_item
from bot.answering.documents import DocumentAnswers
from bot.answering.reasoning import floor_of, meets, pick_in_order
from bot.knowledge.dates import format_time_range, format_when
from bot.knowledge.facts import Fact
from bot.knowledge.model import Event
from bot.language.messages import say
from bot.language.question import (
    Conditions,
    is_yes_no,
)
from bot.language.text import to_key
from bot.store.records import Conversation

# English words that name what two ceremonies are said to share (「同じ曜日」 "the same weekday").
SHARED_WORDS = {
    "weekday": frozenset({"weekday", "weekdays"}),
    "month": frozenset({"month", "months"}),
    "floor": frozenset({"floor", "floors"}),
    "length": frozenset({"length", "long", "duration", "minutes"}),
}


class CeremonyAnswers(Answering):
    def __init__(self, services: Services, documents: DocumentAnswers) -> None:
        super().__init__(services)
        self.documents = documents

    def before_or_after(self, turn: Turn) -> Answer | None:
        """「北見の締結式は帯広より先だった?」 "Was the Kitami ceremony earlier than the Obihiro one?":
        two named ceremonies in order, yes or no, with both dates."""
        named = turn.intent.partner_ids
        asked = _asked_order(turn.read.text)
        if len(named) != 2 or asked is None or not (self._is_about_ceremonies(turn) or not turn.topics):
            return None
        subject, reference = self._subject_and_reference(turn.read.text, named)
        ceremonies = {pid: self._ceremonies([pid]) for pid in (subject, reference)}
        if not all(ceremonies.values()):
            return None
        first, other = ceremonies[subject][0], ceremonies[reference][0]
        earlier = (first.date, first.start) < (other.date, other.start)
        holds = earlier if asked == "before" else not earlier
        language = turn.language
        relation = turn.say("order_earlier" if earlier else "order_later")
        title = turn.say(
            "order_between",
            verdict=turn.say("yes_lead" if holds else "no_lead"),
            subject=self.compose.event_owner(first, language),
            when=format_when(first, language),
            relation=relation,
            reference=self.compose.event_owner(other, language),
            other_when=format_when(other, language),
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            source=self.compose.cite_events([first, other], language),
            topic_id="ceremony",
            partner_ids=(subject, reference),
            conversation=Conversation(event_ids=(first.id, other.id)),
        )

    def _subject_and_reference(self, text: str, named: Sequence[str]) -> tuple[str, str]:
        """Which named partner is compared against: the one before より, or after than/before/after."""
        marker = re.search(r"より|than|before|after|earlier|later", text, re.IGNORECASE)
        at = marker.start() if marker else len(text)
        places = {pid: _first_place(text, self.kb.partner(pid).names) for pid in named}
        if marker and marker.group(0) == "より":
            reference = max((pid for pid in named if places[pid] < at), key=lambda p: places[p], default=named[1])
        else:
            reference = min((pid for pid in named if places[pid] > at), key=lambda p: places[p], default=named[1])
        subject = next(pid for pid in named if pid != reference)
        return subject, reference

    def same_as(self, turn: Turn) -> Answer | None:
        """「同じ曜日にやったところはほかにある?」: ceremonies sharing a value with the one last answered."""
        if not re.search(r"同じ|オナジ|同様", turn.read.key + turn.read.reading) and "same" not in turn.read.words:
            return None
        if len(turn.intent.partner_ids) == 2:
            return self._same_for_both(turn)
        reference = self._reference_event(turn)
        if reference is None:
            return None
        key = turn.read.key
        conditions = Conditions(
            weekdays=(reference.date.weekday(),)
            if "曜" in key or "ヨウビ" in turn.read.reading or shares(turn, "weekday")
            else (),
            months=(reference.date.month,)
            if re.search(r"(?<!曜)月", key.replace("月曜", "")) or shares(turn, "month")
            else (),
            floors=tuple(f for f in [floor_of(reference)] if f is not None)
            if "階" in key or shares(turn, "floor")
            else (),
        )
        if not conditions:
            return None
        others = [e for e in self._ceremonies(self._all_ids()) if e != reference and meets(e, conditions)]
        language = turn.language
        if not others:
            owner = self.compose.event_owner(reference, language)
            return self._events_answer(
                turn.say("same_as_none", owner=owner), [reference], lines=(), language=language
            )
        names = self._names_of(others, language)
        return self._events_answer(
            turn.say("same_as_some", names=names), [reference, *others], about=others, language=language
        )

    def _same_for_both(self, turn: Turn) -> Answer | None:
        """「室蘭と帯広の締結式は同じ曜日?」: the one value compared between the two ceremonies."""
        events = self._ceremonies(turn.intent.partner_ids)
        if len(events) != 2:
            return None
        values = self._shared_values(turn, events)
        if values is None:
            return None
        names = [self.kb.partner(e.partner_id or "").name_in(turn.language) for e in events]
        title = (
            turn.say("same_for_both", value=values[0])
            if values[0] == values[1]
            else turn.say(
                "differ_for_both", first=names[0], first_value=values[0], second=names[1], second_value=values[1]
            )
        )
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=(Section("", items=tuple(self.compose.event_line(e, turn.language) for e in events)),),
            source=self.compose.cite_events(events, turn.language),
            topic_id="ceremony",
            partner_ids=turn.intent.partner_ids,
        )

    def _shared_values(self, turn: Turn, events: Sequence[Event]) -> list[str] | None:
        """What 「同じ曜日?」「同じ月?」 compares, for each ceremony: its weekday, floor, length or month."""
        key = turn.read.key
        if "曜" in key or "ヨウビ" in turn.read.reading or shares(turn, "weekday"):
            return [turn.say("shared_weekday", day=turn.say(f"weekday_{e.date.weekday()}")) for e in events]
        if "階" in key or shares(turn, "floor"):
            return [turn.say("shared_floor", floor=floor_of(e)) for e in events]
        if "時間" in key or "長さ" in key or shares(turn, "length"):
            lengths = [to_amount("minutes", e.minutes, turn.language) for e in events]
            return [turn.say("shared_minutes", minutes=length) for length in lengths]
        if "月" in key or shares(turn, "month"):
            return [turn.say("shared_month", month=turn.say(f"month_{e.date.month}")) for e in events]
        return None

    def count(self, turn: Turn) -> Answer | None:
        if not turn.read.asks_count:
            return None
        conditions = turn.read.conditions
        asks_people = re.search(r"何人|何名|ナンニン|ナンメイ", turn.read.key + turn.read.reading) or bool(
            {"people", "persons", "attendees"} & set(turn.read.words)
        )
        if asks_people and not turn.has_topic("contact_person", "contact"):
            return self._count_each(turn, turn.partner_ids or self._all_ids(), "ceremony_who")
        if turn.has_topic("partners") and not conditions:
            partner_ids = (
                turn.partner_ids if turn.partner_ids and not turn.from_context else self._partners_in_scope(turn)
            )
            names = [self.kb.partner(pid).name_in(turn.language) for pid in partner_ids]
            return self._counted(names, "cities", turn.say("count_label_partners"), turn=turn, partner_ids=partner_ids)
        on_ceremonies = bool(conditions) and not (conditions.years and not self._is_about_ceremonies(turn))
        if on_ceremonies or (self._is_about_ceremonies(turn) and not turn.has_topic("ceremony_who") and not conditions):
            events = [e for e in self._ceremonies(turn.partner_ids or self._all_ids()) if meets(e, conditions)]
            asks_cities = {"cities", "city", "municipalities"} & set(turn.read.words)
            if re.search(r"何市|ナンシ|何自治体", turn.read.key + turn.read.reading) or asks_cities:
                names = [self.kb.partner(e.partner_id).name_in(turn.language) for e in events if e.partner_id]
                return self._counted(names, "cities", "", turn=turn, events=events)
            lines = [self.compose.event_line(e, turn.language) for e in events]
            return self._counted(lines, "ceremonies", turn.say("count_label_ceremonies"), events=events, turn=turn)
        if turn.has_topic("contact_person") or (asks_people and turn.has_topic("contact")):
            return self._count_contacts(turn)
        listed = [t for t in turn.topics if t not in ("partners", "announcement", "ceremony", "ceremony_when")]
        if listed and turn.partner_ids:
            return self._count_each(turn, turn.partner_ids, listed[0])
        partner_ids = turn.partner_ids if turn.partner_ids and not turn.from_context else self._partners_in_scope(turn)
        names = [self.kb.partner(pid).name_in(turn.language) for pid in partner_ids]
        return self._counted(names, "cities", turn.say("count_label_partners"), turn=turn, partner_ids=partner_ids)

    def _listed_facts(self, partner_id: str, topic: str) -> list[Fact]:
        facts = self._facts_for(partner_id, [topic])
        facts = [f for f in facts if f.topic != "projects"] if topic == "projects" else facts
        return [f for f in facts if f.index] if any(f.index for f in facts) else facts

    def _count_each(self, turn: Turn, partner_ids: Sequence[str], topic: str) -> Answer:
        """How many, for one partner or for several (each, and in all)."""
        language = turn.language
        unit = "people" if topic == "ceremony_who" else "items"
        per = {pid: self._listed_facts(pid, topic) for pid in partner_ids}
        facts = [f for pid in partner_ids for f in per[pid]]
        answered = self._answered_topic(facts, [topic]) if facts else topic
        label = self._topic_label(answered, language)
        if len(partner_ids) == 1:
            label = turn.say("count_label_of", partner=self.compose.names(partner_ids, language), topic=label)
            items = [to_item(f, language) for f in facts]
            return self._counted(items, unit, label, facts=facts, turn=turn)
        counts = {pid: len(per[pid]) for pid in partner_ids}
        amounts = [
            (self.kb.partner(pid).name_in(language), to_amount(unit, n, language)) for pid, n in counts.items()
        ]
        each = turn.say("word_separator").join(turn.say("count_each_line", partner=p, amount=a) for p, a in amounts)
        total = to_amount(unit, len(facts), language)
        if len(set(counts.values())) == 1:
            amount = to_amount(unit, next(iter(counts.values())), language)
            title = turn.say("count_each_same", label=label, amount=amount, total=total)
        else:
            title = turn.say("count_each_total", label=label, total=total, each=each)
        return Answer(
            kind="answer",
            confidence=0.95,
            title=capitalized(title, language),
            sections=(Section("", text=each),),
            source=self.compose.cite(facts, language),
            partner_ids=tuple(partner_ids),
            topic_id=topic,
        )

    def _count_contacts(self, turn: Turn) -> Answer | None:
        documents = self._documents_for(turn)
        contacts = [(d, d.contact) for d in self.kb.documents if d.id in documents and d.contact]
        if not contacts:
            return None
        persons = [p for _, c in contacts if c for p in c.persons]
        facts = [f for f in self.by_topic.get("contact_person", []) if f.document_id in documents]
        return self._counted(persons, "people", turn.say("count_label_contacts"), facts=facts, turn=turn)

    def _counted(
        self,
        items: list[str],
        unit: str,
        label: str,
        *,
        turn: Turn,
        facts: Sequence[Fact] = (),
        events: Sequence[Event] = (),
        partner_ids: Sequence[str] = (),
    ) -> Answer:
        """「4市です（…）」「締結式は4件です。」: how many `items` of `label` there are, in `unit` (cities,
        people, ceremonies or items)."""
        language = turn.language
        count = len(items)
        amount = to_amount(unit, count, language)
        if not count:
            title = turn.say("count_none", label=label) if label else turn.say("count_none_any")
        elif unit == "people" and label:
            title = turn.say("count_names_of", label=label, amount=amount, items=turn.say("word_separator").join(items))
        elif unit in ("cities", "people"):
            title = turn.say("count_names", amount=amount, items=turn.say("word_separator").join(items))
        else:
            title = turn.say("count_plain", label=label, count=count, counter=turn.say(f"counter_{unit}"))
        source = (
            self.compose.cite(facts, language)
            if facts
            else self.compose.cite_events(events, language)
            if events
            else (self._cite_partners(partner_ids))
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=capitalized(title, language),
            sections=(Section("", items=tuple(items)),) if items and unit != "cities" else (),
            source=source,
            partner_ids=tuple(partner_ids) or tuple(e.partner_id or "" for e in events if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def order(self, turn: Turn) -> Answer | None:
        read = turn.read
        if turn.intent.people or turn.intent.glossary:
            return None
        if read.position and read.direction is None and not turn.intent.partner_ids:
            if "覚書" in read.key or {"oboegaki", "memorandum"} & set(read.words):
                return self.documents.nth_memorandum(turn)  # 「4番目に覚書を結んだのは?」: the data's ordinals
            if self._is_about_ceremonies(turn):
                return self._nth_ceremony(turn, read.position)
        # "the second to last ceremony", "the 2nd latest": counted from the last.
        from_last = read.direction == "last" and {"last", "latest"} & set(read.words)
        if read.position and read.position > 1 and from_last and self._is_about_ceremonies(turn):
            return self._nth_ceremony(turn, read.position)
        # "Which of them was first?": "first" is the order asked, not an item's position.
        first_of_them = read.position == 1 and read.direction == "first" and "first" in read.words
        if read.direction is None or (read.position and not (first_of_them and turn.context.event_ids)):
            return None
        # 「旭川と室蘭、どっちが早い?」: two partners put in order are put in order by their ceremonies.
        compared = len(turn.intent.partner_ids) > 1 and read.direction in ("first", "last") and not turn.topics
        about_ceremonies = (
            self._is_about_ceremonies(turn)
            or compared
            or bool((turn.context.event_ids or turn.context.topic_id in CEREMONY_TOPICS) and not turn.topics)
        )
        # After 「北見は何例目?」 or a refusal, 「その前は?」「じゃあ一番新しいのは?」 are about memoranda.
        talks_memoranda = turn.context.topic_id in ("partners", "precedent", "announcement") or not (
            turn.topics or turn.context.event_ids or turn.context.topic_id
        )
        if not about_ceremonies and (
            turn.has_topic("partners", "announcement")
            or "覚書" in read.key
            or {"oboegaki", "memorandum", "memoranda"} & set(read.words)
            or talks_memoranda
        ):
            return self._order_documents(turn)
        if not about_ceremonies:
            return None
        reference = self._reference_event(turn)
        if read.direction in ("next", "previous") and reference is None:
            return None
        pool = [e for e in self._ceremonies(self._order_scope(turn)) if meets(e, read.conditions)]
        if read.direction in ("first", "last") and turn.context.event_ids and not turn.intent.partner_ids:
            kept = [e for e in pool if e.id in turn.context.event_ids]
            pool = kept if len(kept) >= 2 and (read.refers_back or "ウチ" in read.reading) else pool
        if read.order_by == "duration" and len({e.minutes for e in pool}) == 1 and pool:
            return self.duration(replace(turn, partner_ids=tuple(e.partner_id for e in pool if e.partner_id)))
        picked = pick_in_order(pool, read.direction, read.order_by, reference)
        if picked is None:
            return Answer(
                kind="answer",
                confidence=0.9,
                title=self._none_in_order(read.direction, reference, turn.language),
                partner_ids=turn.partner_ids,
                topic_id="ceremony",
            )
        lead = self._order_lead(read.direction, read.order_by, picked, reference, len(pool), turn.language)
        return self._event_answer(picked, turn, lead=lead)

    def _nth_ceremony(self, turn: Turn, position: int) -> Answer | None:
        from_last = bool(
            re.search(r"遅|オソ|アタラシ|新し|後ろから|ウシロカラ", turn.read.key + turn.read.reading)
            or {"latest", "last", "newest"} & set(turn.read.words)
        )
        pool = sorted(
            (e for e in self._ceremonies(self._order_scope(turn)) if meets(e, turn.read.conditions)),
            key=lambda e: (e.date, e.start),
            reverse=from_last,
        )
        if not 0 < position <= len(pool):
            return None
        picked = pool[position - 1]
        key = "nth_ceremony_from_last" if from_last else "nth_ceremony"
        ordinal = to_ordinal(position, turn.language)
        lead = turn.say(key, ordinal=ordinal, owner=self.compose.event_owner(picked, turn.language))
        return self._event_answer(picked, turn, lead=lead)

    def _order_documents(self, turn: Turn) -> Answer | None:
        """「最初に覚書を結んだ市は?」「北見より前に覚書を結んだ市は?」: by the announcements' dates."""
        documents = list(self.kb.documents)
        direction = turn.read.direction
        if direction in ("next", "previous"):
            mine = [e.document_id for pid in turn.partner_ids for e in self.kb.partner(pid).engagements]
            if not mine:
                return None
            reference = self.kb.document_by_id(mine[0]).date
            documents = [d for d in documents if (d.date > reference if direction == "next" else d.date < reference)]
        elif direction == "first":
            documents = documents[:1]
        else:
            documents = documents[-1:]
        partner_ids = tuple(dict.fromkeys(e.partner_id for d in documents for e in d.engagements))
        if not partner_ids:
            latest = direction == "next" and turn.partner_ids
            title = (
                turn.say("latest_memorandum", names=self.compose.names(turn.partner_ids, turn.language))
                if latest
                else turn.say("no_memorandum_fits")
            )
            return Answer(kind="answer", confidence=0.9, title=title, topic_id="partners", partner_ids=turn.partner_ids)
        return self.documents.partners_answer(turn, partner_ids)

    def _order_scope(self, turn: Turn) -> tuple[str, ...]:
        if self._group_named(turn.read):
            return self._group_named(turn.read)
        if turn.read.direction in ("next", "previous") or turn.from_context:
            return self._all_ids()
        return turn.intent.partner_ids if len(turn.intent.partner_ids) > 1 else self._all_ids()

    def _order_lead(
        self, direction: str, by: str, picked: Event, reference: Event | None, among: int, language: str
    ) -> str:
        owner = self.compose.event_owner(picked, language)
        if among == 2 and direction in ("first", "last"):
            return say("earlier_of_two" if direction == "first" else "later_of_two", language, owner=owner)
        if direction in ("next", "previous") and reference is not None:
            key = "next_ceremony" if direction == "next" else "previous_ceremony"
            return say(key, language, reference=self.compose.event_owner(reference, language), owner=owner)
        measure = by if by in ("start", "end", "duration") else "date"
        return say(f"{direction}_by_{measure}", language, owner=owner)

    def _none_in_order(self, direction: str, reference: Event | None, language: str) -> str:
        key = "none_after" if direction == "next" else "none_before"
        if reference and reference.partner_id:
            return say(key, language, owner=self.kb.partner(reference.partner_id).name_in(language))
        return say(f"{key}_that", language)

    def _event_answer(self, event: Event, turn: Turn, *, lead: str) -> Answer:
        facts = [
            f
            for f in self.by_partner.get(event.partner_id or "", [])
            if f.event == event and f.topic in ("ceremony_when", "ceremony_where")
        ]
        return Answer(
            kind="answer",
            confidence=0.95,
            title=lead,
            sections=self.compose.fact_sections(facts, language=turn.language),
            statuses=(self._status(event, turn.now, turn.language),),
            source=self.compose.cite_events([event], turn.language),
            topic_id="ceremony",
            partner_ids=(event.partner_id,) if event.partner_id else (),
            conversation=Conversation(event_ids=(event.id,)),
        )

    def filter(self, turn: Turn) -> Answer | None:
        conditions = turn.read.conditions
        if not conditions:
            return self._filter_by_place(turn)
        if (turn.intent.partner_ids and not turn.from_context) or turn.intent.documents or self._asks_document(turn):
            return None
        if (
            conditions.years
            and not conditions.months
            and not self._is_about_ceremonies(turn)
            and (turn.topics and not turn.has_topic("partners"))
        ):
            return None
        events = self._ceremonies(self._all_ids())
        # 「金曜日ではない締結式は?」「2階以外の式」 "not on a Friday": the ceremonies that fail it.
        negated = bool(_NOT_CONDITION.search(turn.read.text) or _NOT_CONDITION_EN.search(turn.read.text.lower()))
        matching = [e for e in events if meets(e, conditions) != negated]
        # 「2階3号会議室で〜?」: the floor is a condition, and the room narrows it further.
        phrase = self._place_phrase(turn, events)
        if len(phrase) > 3 and not negated:
            matching = [e for e in matching if phrase in to_key(e.place)]
        language = turn.language
        if not matching:
            label = turn.say("filter_all_label")
            if self._asks_year_only(turn):
                # 「来年の締結式には誰が出る?」: no ceremony that year — said plainly, not "No".
                years = turn.say("word_separator").join(str(y) for y in conditions.years)
                title = turn.say("filter_none_in_year", years=years)
                answer = self._events_answer(title, events, about=(), label=label, language=language)
                return replace(answer, kind="fallback", confidence=0.0)
            return self._events_answer(turn.say("filter_none"), events, about=(), label=label, language=language)
        title = turn.say(one_or_many("filter_some", matching), names=self._names_of(matching, language))
        return self._events_answer(title, matching, confidence=0.95, now=turn.now, language=language)

    def _asks_year_only(self, turn: Turn) -> bool:
        """A question (not a yes/no one) whose only condition is the year (「来年の締結式は?」)."""
        conditions = turn.read.conditions
        return bool(conditions.years) and replace(conditions, years=()) == type(conditions)() and not (
            is_yes_no(turn.read) or asks_whether_en(turn.read.text)
        )

    def _asks_document(self, turn: Turn) -> bool:
        return any(t.startswith(("announcement", "contact")) or t in ("purpose", "precedent") for t in turn.topics) or (
            "発表" in turn.read.key and not self._is_about_ceremonies(turn)
        )

    def _filter_by_place(self, turn: Turn) -> Answer | None:
        """「応接室で行う締結式はどこ?」: the ceremonies whose place names what was asked."""
        if turn.intent.partner_ids or not self._is_about_ceremonies(turn) or not turn.intent.segments:
            return None
        events = self._ceremonies(self._all_ids())
        phrase = self._place_phrase(turn, events)
        matching = [e for e in events if phrase and phrase in to_key(e.place)]
        if not matching or len(matching) == len(events):
            return None
        title = turn.say("held_at", place=phrase, names=self._names_of(matching, turn.language))
        return self._events_answer(title, matching, language=turn.language)

    @staticmethod
    def _place_phrase(turn: Turn, events: list[Event]) -> str:
        """The longest part of a question a ceremony's place holds, around a word the question names
        of its own: 「第3応接室」 of 「第3応接室で締結式をしたのは?」 (not 応接室, which three places hold),
        「2階3号会議室」 whole; not 「市長」 (a role, though a room's name holds it)."""
        key, places = turn.read.key, [to_key(e.place) for e in events]
        named = [k for seg in turn.intent.segments if len(k := to_key(seg)) >= 2]
        best = ""
        for start in range(len(key)):
            end = start + len(best) + 1
            while end <= len(key) and any(key[start:end] in place for place in places):
                best, end = key[start:end], end + 1
        return best if any(k in best for k in named) else ""

    def duration(self, turn: Turn) -> Answer | None:
        events = self._ceremonies(turn.partner_ids or self._all_ids())
        if not events:
            return None
        language = turn.language
        timed = [e for e in events if e.minutes]
        lines = tuple(
            turn.say(
                "duration_line",
                owner=self.kb.partner(e.partner_id or "").name_in(language),
                minutes=to_amount("minutes", e.minutes, language),
                range=format_time_range(e, language),
            )
            for e in timed
        )
        minutes = {e.minutes for e in events}
        if len(events) == 1 and timed:
            only = timed[0]
            amount = to_amount("minutes", only.minutes, language)
            title = turn.say("duration_one", minutes=amount, range=format_time_range(only, language))
        elif len(events) > 1 and len(minutes) == 1:
            title = turn.say("duration_all", minutes=to_amount("minutes", minutes.pop(), language))
        else:
            title = turn.say("duration_label")
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=lines),) if len(events) > 1 else (),
            source=self.compose.cite_events(events, language),
            topic_id="ceremony_when",
            partner_ids=turn.partner_ids,
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def exists(self, turn: Turn) -> Answer:
        events = self._ceremonies(self._all_ids())
        matching = [e for e in events if meets(e, turn.read.conditions)]
        language = turn.language
        if matching:
            names = turn.say("section_separator").join(
                self.kb.partner(e.partner_id).name_in(language) for e in matching if e.partner_id
            )
            title = turn.say(one_or_many("exists_some", matching), names=names)
            shown = matching
        else:
            title = turn.say("exists_none")
            shown = events
        lines = tuple(self._exists_line(e, turn) for e in shown)
        return self._events_answer(title, shown, about=matching, lines=lines, confidence=0.95, language=language)

    def _exists_line(self, event: Event, turn: Turn) -> str:
        """A ceremony's line; with its length when the question asked about one (「30分以内の式は?」)."""
        line = self.compose.event_line(event, turn.language)
        if not turn.read.conditions.minutes:
            return line
        return line + turn.say("exists_minutes", minutes=to_amount("minutes", event.minutes, turn.language))

    def event_fact_line(self, event: Event, about: list[str], language: str = "ja") -> str:
        """One fact of a ceremony in a sentence: where it is held, how long it takes, or when."""
        owner = self.compose.event_owner(event, language)
        if "floor" in about:
            return say("ceremony_place_line", language, owner=owner, place=event.place)
        if "minutes" in about:
            minutes = to_amount("minutes", event.minutes, language)
            time_range = format_time_range(event, language)
            return say("ceremony_minutes_line", language, owner=owner, minutes=minutes, range=time_range)
        return say("ceremony_when_line", language, owner=owner, when=format_when(event, language))

    def _names_of(self, events: Sequence[Event], language: str) -> str:
        """「旭川市・室蘭市」: the partners of `events`, as the documents name them."""
        joined = say("word_separator", language)
        return joined.join(self.kb.partner(e.partner_id).name_in(language) for e in events if e.partner_id)



def to_amount(unit: str, count: int | None, language: str) -> str:
    """「30分」 "30 minutes", 「1市」 "1 city": a count in its unit (cities, people, ceremonies, items,
    minutes)."""
    return say(f"amount_{unit}_one" if count == 1 else f"amount_{unit}", language, count=count)


def shares(turn: Turn, what: str) -> bool:
    """Whether an English question names `what` two ceremonies share ("the same month")."""
    words = set(turn.read.words)
    if what == "weekday" and {"day", "week"} <= words:
        return True  # "the same day of the week"
    if what == "length" and "time" in words and {"take", "took", "last", "lasted"} & words:
        return True  # "take the same time"
    return bool(SHARED_WORDS[what] & words)


def one_or_many(key: str, items: Sequence[object]) -> str:
    """The catalog key of a sentence about `items`: its `_one` form (English singular) for one."""
    return f"{key}_one" if len(items) == 1 else key


def to_ordinal(position: int, language: str) -> str:
    """「2番目」 "2nd"."""
    suffix = 0 if 10 < position % 100 < 14 else position % 10
    return say(f"ordinal_{suffix}" if suffix in (1, 2, 3) else "ordinal", language, count=position)


def capitalized(text: str, language: str) -> str:
    """An English sentence that starts with a label ("partner cities") starts with a capital."""
    return text[:1].upper() + text[1:] if language == "en" else text


# 「帯広より先/前/早い」 "before/earlier than" asks whether one comes first; 「後/遅い」 "after/later" the reverse.
_BEFORE = re.compile(r"より(?:も)?(?:前|先|早|はや)|\b(?:before|earlier than|sooner than)\b", re.IGNORECASE)
_AFTER = re.compile(r"より(?:も)?(?:後|あと|遅|おそ)|\b(?:after|later than)\b", re.IGNORECASE)


def _asked_order(text: str) -> str | None:
    if _BEFORE.search(text):
        return "before"
    return "after" if _AFTER.search(text) else None


def _first_place(text: str, names: Sequence[str]) -> int:
    lowered = text.lower()
    found = [lowered.find(n.lower()) for n in names if n and n.lower() in lowered]
    return min(found) if found else len(text)


_NOT_CONDITION = re.compile(r"(?:では|じゃ|で)な(?:い|かった)(?=\s*(?:締結式|式|市|の|ところ|もの|ほう))|以外[のでに]")
_NOT_CONDITION_EN = re.compile(r"\b(?:not|n't)\s+(?:held\s+)?(?:on|in|at|during)\b|\bother than\b")
