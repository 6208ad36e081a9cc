"""Questions computed over ceremonies and lists: same-as, count, order, filter, how long."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answering.answer import Answer, Section
from bot.answering.base import CEREMONY_TOPICS, Answering, Services, Turn
from bot.answering.compose import to_item
from bot.answering.documents import DocumentAnswers
from bot.answering.reasoning import floor_of, meets, pick_in_order
from bot.answering.status import to_status
from bot.knowledge.dates import WEEKDAYS, format_time_range, format_when
from bot.knowledge.facts import Fact
from bot.knowledge.model import Event
from bot.language.question import (
    Conditions,
)
from bot.language.text import to_key
from bot.store.records import Conversation


class CeremonyAnswers(Answering):
    def __init__(self, services: Services, documents: DocumentAnswers) -> None:
        super().__init__(services)
        self.documents = documents
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
            weekdays=(reference.date.weekday(),) if "曜" in key or "ヨウビ" in turn.read.reading else (),
            months=(reference.date.month,) if re.search(r"(?<!曜)月", key.replace("月曜", "")) else (),
            floors=tuple(f for f in [floor_of(reference)] if f is not None) if "階" in key else (),
        )
        if not conditions:
            return None
        others = [e for e in self._ceremonies(self._all_ids()) if e != reference and meets(e, conditions)]
        owner = self.kb.partner(reference.partner_id).name if reference.partner_id else reference.title
        if not others:
            return self._events_answer(f"いいえ、{owner}と同じ条件の締結式はほかにありません。", [reference], lines=())
        names = "・".join(self.kb.partner(e.partner_id).name for e in others if e.partner_id)
        return self._events_answer(f"はい、{names}です。", [reference, *others], about=others)

    def _same_for_both(self, turn: Turn) -> Answer | None:
        """「室蘭と帯広の締結式は同じ曜日?」: the one value compared between the two ceremonies."""
        events = self._ceremonies(turn.intent.partner_ids)
        if len(events) != 2:
            return None
        key = turn.read.key
        if "曜" in key or "ヨウビ" in turn.read.reading:
            values = [f"{WEEKDAYS[e.date.weekday()]}曜日" for e in events]
        elif "階" in key:
            values = [f"{floor_of(e)}階" for e in events]
        elif "時間" in key or "長さ" in key:
            values = [f"{e.minutes}分" for e in events]
        elif "月" in key:
            values = [f"{e.date.month}月" for e in events]
        else:
            return None
        names = [self.kb.partner(e.partner_id or "").name for e in events]
        title = (
            f"はい、どちらも{values[0]}です。"
            if values[0] == values[1]
            else f"いいえ、{names[0]}は{values[0]}、{names[1]}は{values[1]}です。"
        )
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=(Section("", items=tuple(self.compose.event_line(e) for e in events)),),
            source=self.compose.cite_events(events),
            topic_id="ceremony",
            partner_ids=turn.intent.partner_ids,
        )

    def count(self, turn: Turn) -> Answer | None:
        if not turn.read.asks_count:
            return None
        conditions = turn.read.conditions
        if re.search(r"何人|何名|ナンニン|ナンメイ", turn.read.key + turn.read.reading) and not turn.has_topic(
            "contact_person"
        ):
            return self._count_each(turn, turn.partner_ids or self._all_ids(), "ceremony_who")
        if turn.has_topic("partners") and not conditions:
            partner_ids = (
                turn.partner_ids if turn.partner_ids and not turn.from_context else self._partners_in_scope(turn)
            )
            names = [self.kb.partner(pid).name for pid in partner_ids]
            return self._counted(names, "市", "覚書を締結した市", turn=turn, partner_ids=partner_ids)
        on_ceremonies = bool(conditions) and not (conditions.years and not self._is_about_ceremonies(turn))
        if on_ceremonies or (self._is_about_ceremonies(turn) and not turn.has_topic("ceremony_who") and not conditions):
            events = [e for e in self._ceremonies(turn.partner_ids or self._all_ids()) if meets(e, conditions)]
            if re.search(r"何市|ナンシ|何自治体", turn.read.key + turn.read.reading):
                names = [self.kb.partner(e.partner_id).name for e in events if e.partner_id]
                return self._counted(names, "市", "", turn=turn, events=events)
            return self._counted([self.compose.event_line(e) for e in events], "件", "締結式", events=events, turn=turn)
        if turn.has_topic("contact_person"):
            return self._count_contacts(turn)
        listed = [t for t in turn.topics if t not in ("partners", "announcement", "ceremony", "ceremony_when")]
        if listed and turn.partner_ids:
            return self._count_each(turn, turn.partner_ids, listed[0])
        partner_ids = turn.partner_ids if turn.partner_ids and not turn.from_context else self._partners_in_scope(turn)
        names = [self.kb.partner(pid).name for pid in partner_ids]
        return self._counted(names, "市", "覚書を締結した市", turn=turn, partner_ids=partner_ids)

    def _listed_facts(self, partner_id: str, topic: str) -> list[Fact]:
        facts = self._facts_for(partner_id, [topic])
        facts = [f for f in facts if f.topic != "projects"] if topic == "projects" else facts
        return [f for f in facts if f.index] if any(f.index for f in facts) else facts

    def _count_each(self, turn: Turn, partner_ids: Sequence[str], topic: str) -> Answer:
        """How many, for one partner or for several (each, and in all)."""
        unit = "人" if topic == "ceremony_who" else "つ"
        per = {pid: self._listed_facts(pid, topic) for pid in partner_ids}
        facts = [f for pid in partner_ids for f in per[pid]]
        label = self._topic_label(self._answered_topic(facts, [topic])) if facts else self._topic_label(topic)
        if len(partner_ids) == 1:
            return self._counted(
                [to_item(f) for f in facts], unit, f"{self.compose.names(partner_ids)}の{label}", facts=facts, turn=turn
            )
        counts = {pid: len(per[pid]) for pid in partner_ids}
        each = "・".join(f"{self.kb.partner(pid).name} {n}{unit}" for pid, n in counts.items())
        same = len(set(counts.values())) == 1
        title = (
            f"{label}はいずれも{next(iter(counts.values()))}{unit}です（合計{len(facts)}{unit}）。"
            if same
            else f"{label}は合計{len(facts)}{unit}です（{each}）。"
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", text=each),),
            source=self.compose.cite(facts),
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
        return self._counted(persons, "人", "お問い合わせ先の担当者", facts=facts, turn=turn)

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
        count = len(items)
        title = f"{label}は{count}{unit}です。" if count else f"{label or '条件'}に当たるものは資料にありません。"
        if unit in ("市", "人") and count:
            title = f"{label + 'は' if label and unit == '人' else ''}{count}{unit}です（{'・'.join(items)}）。"
        source = (
            self.compose.cite(facts)
            if facts
            else self.compose.cite_events(events)
            if events
            else (self._cite_partners(partner_ids))
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=tuple(items)),) if items and unit != "市" else (),
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
        if read.direction is None or read.position:
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
                title=self._none_in_order(read.direction, reference),
                partner_ids=turn.partner_ids,
                topic_id="ceremony",
            )
        return self._event_answer(
            picked, turn, lead=self._order_lead(read.direction, read.order_by, picked, reference, len(pool))
        )

    def _nth_ceremony(self, turn: Turn, position: int) -> Answer | None:
        pool = sorted(
            (e for e in self._ceremonies(self._order_scope(turn)) if meets(e, turn.read.conditions)),
            key=lambda e: (e.date, e.start),
            reverse=bool(re.search(r"遅|オソ|アタラシ|新し|後ろから|ウシロカラ", turn.read.key + turn.read.reading)),
        )
        if not 0 < position <= len(pool):
            return None
        picked = pool[position - 1]
        owner = self.kb.partner(picked.partner_id).name if picked.partner_id else picked.title
        return self._event_answer(picked, turn, lead=f"{position}番目の締結式は{owner}です。")

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
                f"{self.compose.names(turn.partner_ids)}との覚書が資料にある最新のものです。"
                if latest
                else "資料には当てはまる覚書がありません。"
            )
            return Answer(kind="answer", confidence=0.9, title=title, topic_id="partners", partner_ids=turn.partner_ids)
        return self.documents.partners_answer(turn, partner_ids)

    def _order_scope(self, turn: Turn) -> tuple[str, ...]:
        if self._group_named(turn.read):
            return self._group_named(turn.read)
        if turn.read.direction in ("next", "previous") or turn.from_context:
            return self._all_ids()
        return turn.intent.partner_ids if len(turn.intent.partner_ids) > 1 else self._all_ids()

    def _order_lead(self, direction: str, by: str, picked: Event, reference: Event | None, among: int = 0) -> str:
        owner = self.kb.partner(picked.partner_id).name if picked.partner_id else picked.title
        if among == 2 and direction in ("first", "last"):
            return f"{owner}の締結式のほうが{'早い' if direction == 'first' else '遅い'}です。"
        measure = {"start": "開始時刻", "end": "終了時刻", "duration": "時間"}.get(by, "日付")
        if direction in ("next", "previous") and reference is not None:
            ref_owner = self.kb.partner(reference.partner_id).name if reference.partner_id else reference.title
            word = "次" if direction == "next" else "前"
            return f"{ref_owner}の{word}の締結式は{owner}です。"
        word = {"first": "いちばん早い", "last": "いちばん遅い"}[direction]
        if by == "date":
            return f"{word}締結式は{owner}です。"
        return f"{measure}が{word}のは{owner}です。"

    def _none_in_order(self, direction: str, reference: Event | None) -> str:
        owner = self.kb.partner(reference.partner_id).name if reference and reference.partner_id else "その締結式"
        return f"資料には{owner}より{'後' if direction == 'next' else '前'}の締結式はありません。"

    def _event_answer(self, event: Event, turn: Turn, *, lead: str) -> Answer:
        facts = [
            f
            for f in self.by_partner.get(event.partner_id or "", [])
            if f.event == event and f.topic in ("ceremony_when", "ceremony_where")
        ]
        status = to_status(event, turn.now)
        return Answer(
            kind="answer",
            confidence=0.95,
            title=lead,
            sections=self.compose.fact_sections(facts),
            statuses=(status,),
            source=self.compose.cite_events([event]),
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
        matching = [e for e in events if meets(e, conditions)]
        if not matching:
            return self._events_answer(
                "いいえ、当てはまる締結式は資料にありません。", events, about=(), label="資料にある締結式"
            )
        names = "・".join(self.kb.partner(e.partner_id).name for e in matching if e.partner_id)
        return self._events_answer(f"{names}の締結式です。", matching, confidence=0.95, now=turn.now)

    def _asks_document(self, turn: Turn) -> bool:
        return any(t.startswith(("announcement", "contact")) or t in ("purpose", "precedent") for t in turn.topics) or (
            "発表" in turn.read.key and not self._is_about_ceremonies(turn)
        )

    def _filter_by_place(self, turn: Turn) -> Answer | None:
        """「応接室で行う締結式はどこ?」: the ceremonies whose place names what was asked."""
        if turn.intent.partner_ids or not self._is_about_ceremonies(turn) or not turn.intent.segments:
            return None
        events = self._ceremonies(self._all_ids())
        keys = [to_key(seg) for seg in turn.intent.segments if len(to_key(seg)) >= 2]
        matching = [e for e in events if any(k in to_key(e.place) for k in keys)]
        if not matching or len(matching) == len(events):
            return None
        return self._listed_events(matching, turn, f"{'・'.join(keys)}で行う締結式")

    def _listed_events(self, events: list[Event], turn: Turn, label: str) -> Answer:
        names = "・".join(self.kb.partner(e.partner_id).name for e in events if e.partner_id)
        return self._events_answer(f"{label}は{names}です。", events)

    def duration(self, turn: Turn) -> Answer | None:
        events = self._ceremonies(turn.partner_ids or self._all_ids())
        if not events:
            return None
        lines = tuple(
            f"{self.kb.partner(e.partner_id or '').name}: {e.minutes}分（{format_time_range(e)}）"
            for e in events
            if e.minutes
        )
        minutes = {e.minutes for e in events}
        title = (
            f"{lines[0].split(': ')[1]}です。"
            if len(events) == 1
            else (f"いずれも{minutes.pop()}分です。" if len(minutes) == 1 else "締結式の時間")
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=lines),) if len(events) > 1 else (),
            source=self.compose.cite_events(events),
            topic_id="ceremony_when",
            partner_ids=turn.partner_ids,
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def exists(self, turn: Turn) -> Answer:
        events = self._ceremonies(self._all_ids())
        matching = [e for e in events if meets(e, turn.read.conditions)]
        if matching:
            title = (
                "はい。"
                + "、".join(self.kb.partner(e.partner_id or "").name for e in matching if e.partner_id)
                + "の締結式です。"
            )
            shown = matching
        else:
            title = "いいえ、資料にある締結式に当てはまるものはありません。"
            shown = events
        lines = tuple(
            self.compose.event_line(e) + (f"（{e.minutes}分）" if turn.read.conditions.minutes else "") for e in shown
        )
        return self._events_answer(title, shown, about=matching, lines=lines, confidence=0.95)

    def event_fact_line(self, event: Event, about: list[str]) -> str:
        owner = self.kb.partner(event.partner_id).name if event.partner_id else event.title
        if "floor" in about:
            return f"{owner}の締結式の場所は{event.place}です。"
        if "minutes" in about:
            return f"{owner}の締結式は{event.minutes}分間（{format_time_range(event)}）です。"
        return f"{owner}の締結式は{format_when(event)}です。"
