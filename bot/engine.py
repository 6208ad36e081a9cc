"""The engine: a question, a conversation context and a clock in; a platform-neutral Answer out.

Plain synchronous code with no I/O: every adapter (Slack, Teams, console) calls `Engine.answer`
through `bot.dispatch.Dispatcher`, and renders the `Answer` in its own way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.answer import Answer, Choice, Conversation, Section, Source, to_text
from bot.context import is_expired
from bot.help import MAX_NAMES, MAX_QUESTION_CHARS, to_examples, to_intro, to_names, too_long_text
from bot.knowledge import KnowledgeBase, Partner
from bot.search import CONFIDENT, Hit, PassageIndex
from bot.text import clean, to_key
from bot.timefmt import format_when, to_status
from bot.understand import Intent, Understander

CLARIFY_BELOW = 0.6
# An answer that covers the topic asked but not every word of the question.
PARTIAL_CONFIDENCE = 0.6
DOCUMENT_TOPICS = ("partners", "contact", "announcement")
CEREMONY_TOPICS = ("ceremony", "ceremony_when", "ceremony_where", "ceremony_who")
# Topics short enough to answer for every partner at once when no city is named.
ANSWER_ALL_WHEN_UNNAMED = ("theme", *CEREMONY_TOPICS)
SUGGESTED_TOPICS = ("cooperation", "projects", "ceremony", "theme")


class Engine:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.understander = Understander(kb)
        self.index = PassageIndex(kb)

    # --- the one entry point --------------------------------------------------------------

    def answer(self, question: str, *, context: Conversation | None = None, now: datetime) -> Answer:
        context = context if context and not is_expired(context, now) else Conversation()
        problem = self._input_problem(question)
        if problem:
            return replace(self._fallback(problem), conversation=replace(context, updated_at=now))
        intent = self.understander.understand(question)
        answer = self._route(intent, context, now)
        remembered = Conversation(
            partner_ids=answer.partner_ids or context.partner_ids,
            topic_id=answer.topic_id or context.topic_id,
            updated_at=now,
        )
        return replace(answer, conversation=remembered)

    # --- routing --------------------------------------------------------------------------

    def _route(self, intent: Intent, context: Conversation, now: datetime) -> Answer:
        partner_ids, topics = intent.partner_ids, intent.topics
        if intent.foreign_places and not partner_ids:
            return self._not_covered(intent.foreign_places)
        if intent.glossary and not (partner_ids and topics):
            return self._glossary(intent.glossary)
        if topics and set(topics) <= set(DOCUMENT_TOPICS):
            return self._document(topics)
        if intent.all_partners and not partner_ids:
            if topics:
                return self._slots(self._all_ids(), topics, now, intent)
            return self._document(["partners"])
        if partner_ids:
            return self._about_partners(intent, context, now)
        return self._about_nobody(intent, context, now)

    def _about_partners(self, intent: Intent, context: Conversation, now: datetime) -> Answer:
        topics = intent.topics or (["ceremony"] if intent.asked_dates else [])
        if not topics and intent.content:
            hits = self._confident_hits(intent, intent.partner_ids)
            if hits:
                return self._passages(hits, intent)
            names = to_names([self.kb.partner(pid) for pid in intent.partner_ids])
            asked = "・".join(dict.fromkeys(t.surface for t in intent.content))
            return self._fallback(
                f"{names}について「{asked}」に当たる記載は資料にありません。", partner_ids=intent.partner_ids
            )
        if not topics and context.topic_id:
            topics = [context.topic_id]
        if not topics:
            return self._overview(intent.partner_ids)
        answer = self._slots(intent.partner_ids, topics, now, intent)
        if intent.foreign_places:
            places = "・".join(intent.foreign_places)
            answer = replace(answer, notes=(*answer.notes, f"{places}は覚書の対象ではないため、回答に含めていません。"))
        return answer

    def _about_nobody(self, intent: Intent, context: Conversation, now: datetime) -> Answer:
        if intent.asked_dates:
            return self._no_event_on(intent)
        if intent.content:
            hits = self._confident_hits(intent, ())
            if hits:
                return self._passages(hits, intent)
        if not intent.topics or (intent.facet_only and intent.content):
            # A bare いつ/どこ/誰 among other words (「ランチどこ行く?」) is not about a ceremony.
            return self._fallback("すみません、ご質問に当たる内容が資料に見つかりませんでした。")
        if context.partner_ids:
            answer = self._slots(context.partner_ids, intent.topics, now, intent)
            names = to_names([self.kb.partner(pid) for pid in context.partner_ids])
            return replace(answer, notes=(*answer.notes, f"前の質問に続けて、{names}について回答しています。"))
        if intent.facet_only or not set(intent.topics) <= set(ANSWER_ALL_WHEN_UNNAMED):
            return self._clarify_partner(intent.topics)
        return self._slots(self._all_ids(), intent.topics, now, intent)

    def _confident_hits(self, intent: Intent, partner_ids: tuple[str, ...]) -> list[Hit]:
        hits = self.index.search(intent.content, partner_ids=partner_ids)
        if not hits or hits[0].score < CONFIDENT:
            return []
        return [h for h in hits if h.score >= hits[0].score - 0.05]

    def _listed_partners(self) -> tuple[Partner, ...]:
        return self.kb.partners[:MAX_NAMES]

    def _all_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.kb.partners)

    # --- answers --------------------------------------------------------------------------

    def _source(self, section: str = "") -> Source:
        return Source(self.kb.document.title, self.kb.document.date.isoformat(), section)

    def _slots(self, partner_ids: tuple[str, ...], topics: list[str], now: datetime, intent: Intent) -> Answer:
        partners = [self.kb.partner(pid) for pid in partner_ids[:MAX_NAMES]]
        left_out = len(partner_ids) - len(partners)
        labels = [self.kb.vocabulary.topic(t).label for t in topics]
        many = len(partners) > 1
        sections = [
            section
            for partner in partners
            for topic in topics
            for section in self._slot_sections(partner, topic, prefix=partner.name if many else "")
        ]
        statuses = tuple(to_status(p.ceremony, now) for p in partners if any(t in CEREMONY_TOPICS for t in topics))
        who = "各市" if many and len(partner_ids) == len(self.kb.partners) else to_names(partners)
        confidence = intent.partner_confidence * intent.topic_confidence if intent.partners else intent.topic_confidence
        answer = Answer(
            kind="answer",
            confidence=confidence,
            title=f"{who}の{'・'.join(labels)}",
            sections=tuple(sections),
            source=self._source(f"{who} › {'・'.join(labels)}"),
            suggestions=self._follow_ups(partners[0], exclude=topics) if not many else (),
            statuses=statuses,
            notes=self._interpretations(intent)
            + ((f"ほか{left_out:,}市は市名を指定してお尋ねください。",) if left_out else ()),
            topic_id=topics[0],
            partner_ids=partner_ids,
        )
        answer = self._admit_what_is_missing(answer, intent)
        if confidence < CLARIFY_BELOW:
            return self._did_you_mean(answer)
        return answer

    def _slot_sections(self, partner: Partner, topic: str, prefix: str) -> list[Section]:
        def label(text: str) -> str:
            return f"{prefix} — {text}" if prefix else text

        ceremony = partner.ceremony
        people = tuple(f"{a.role} {a.name}" for a in ceremony.attendees)
        match topic:
            case "cooperation":
                items = tuple(f"({i}) {item}" for i, item in enumerate(partner.cooperation_items, start=1))
                return [Section(label("主な連携・協力事項"), items=items)]
            case "projects":
                return [Section(label(p.title), text=p.description) for p in partner.projects]
            case "theme":
                return [Section(label("テーマ"), text=partner.theme)]
            case "plans":
                return [
                    Section(label("プロジェクトの推進"), text=partner.promotion.text),
                    Section(label("関連する計画"), items=partner.promotion.plans),
                ]
            case "ceremony_when":
                return [Section(label("締結式の日時"), text=format_when(ceremony))]
            case "ceremony_where":
                return [Section(label("締結式の場所"), text=ceremony.place)]
            case "ceremony_who":
                return [Section(label("締結式の出席者"), items=people)]
            case _:
                return [
                    Section(label("日時"), text=format_when(ceremony)),
                    Section(label("場所"), text=ceremony.place),
                    Section(label("出席者"), items=people),
                ]

    def _admit_what_is_missing(self, answer: Answer, intent: Intent) -> Answer:
        """「室蘭市長の年齢」: the slot (attendees) is answered, and the age is said to be absent."""
        shown = to_key(to_text(answer))
        missing = [t.surface for t in intent.content if t.pos[0] == "名詞" and t.key not in shown]
        if not missing:
            return answer
        note = f"「{'・'.join(dict.fromkeys(missing))}」についての記載は資料にありません。分かることをお示しします。"
        return replace(answer, confidence=min(answer.confidence, PARTIAL_CONFIDENCE), notes=(*answer.notes, note))

    def _overview(self, partner_ids: tuple[str, ...]) -> Answer:
        sections: list[Section] = []
        for partner in (self.kb.partner(pid) for pid in partner_ids):
            prefix = f"{partner.name} — " if len(partner_ids) > 1 else ""
            sections += [
                Section(f"{prefix}テーマ", text=partner.theme),
                Section(f"{prefix}主なプロジェクト", items=tuple(p.title for p in partner.projects)),
                Section(f"{prefix}主な連携・協力事項", items=partner.cooperation_items),
                Section(f"{prefix}覚書締結式", text=f"{format_when(partner.ceremony)} {partner.ceremony.place}"),
            ]
        first = self.kb.partner(partner_ids[0])
        names = to_names([self.kb.partner(pid) for pid in partner_ids])
        return Answer(
            kind="answer",
            confidence=0.8,
            title=f"{names}との覚書の概要",
            sections=tuple(sections),
            source=self._source(names),
            suggestions=self._follow_ups(first, exclude=[]),
            partner_ids=partner_ids,
        )

    def _follow_ups(self, partner: Partner, exclude: list[str]) -> tuple[Choice, ...]:
        return tuple(
            Choice(self.kb.vocabulary.topic(t).label, f"{partner.short_name}の{self.kb.vocabulary.topic(t).label}は?")
            for t in SUGGESTED_TOPICS
            if t not in exclude
        )

    def _document(self, topics: list[str]) -> Answer:
        doc = self.kb.document
        sections: list[Section] = []
        for topic in topics:
            if topic == "partners":
                items = tuple(f"{p.name} — {p.theme}" for p in self._listed_partners())
                sections.append(Section("覚書を締結した市", items=items))
            elif topic == "contact":
                c = doc.contact
                sections.append(
                    Section(
                        "お問い合わせ先",
                        items=(
                            c.organization,
                            f"{c.department}（担当者：{'、'.join(c.persons)}）",
                            f"電話：{c.phone}" + (f"（内線{c.extension}）" if c.extension else ""),
                            *((f"FAX：{c.fax}",) if c.fax else ()),
                            f"E-mail：{c.email}",
                        ),
                    )
                )
            else:
                sections.append(Section(doc.title, text="\n".join(doc.summary)))
                sections.append(
                    Section("発表", text=f"{doc.date.year}年{doc.date.month}月{doc.date.day}日 {doc.issuer}")
                )
        labels = "・".join(self.kb.vocabulary.topic(t).label for t in topics)
        return Answer(
            kind="answer",
            confidence=1.0,
            title=labels,
            sections=tuple(sections),
            source=self._source(labels),
            suggestions=tuple(Choice(p.name, f"{p.short_name}の概要は?") for p in self._listed_partners())
            if "partners" in topics
            else (),
            topic_id=topics[0],
        )

    def _glossary(self, terms: list[str]) -> Answer:
        entries = [g for g in self.kb.glossary if g.term in terms]
        sections = []
        for entry in entries:
            where = ""
            if entry.partner_id:
                where = (
                    f"{self.kb.partner(entry.partner_id).name}のプロジェクト「{entry.mentioned_in}」で使われています。"
                )
            sections.append(Section(entry.term, text=f"{entry.term}（{entry.expansion}）\n{where}".strip()))
        partner_ids = tuple(dict.fromkeys(e.partner_id for e in entries if e.partner_id))
        return Answer(
            kind="answer",
            confidence=1.0,
            title="・".join(e.term for e in entries) + "とは",
            sections=tuple(sections),
            source=self._source("用語"),
            partner_ids=partner_ids,
        )

    def _passages(self, hits: list[Hit], intent: Intent) -> Answer:
        best = hits[0].passage
        sections = []
        for hit in hits[:3]:
            p = hit.passage
            owner = self.kb.partner(p.partner_id).name if p.partner_id else self.kb.document.issuer
            where = p.section if p.label == p.section else f"{p.section}: {p.label}"
            sections.append(Section(f"{owner} — {where}", text=p.text))
        owner = self.kb.partner(best.partner_id).name if best.partner_id else ""
        partner_ids = tuple(dict.fromkeys(h.passage.partner_id for h in hits[:3] if h.passage.partner_id))
        return Answer(
            kind="answer",
            confidence=round(hits[0].score * intent.partner_confidence, 3),
            title=f"{owner} › {best.section}" if owner else best.section,
            sections=tuple(sections),
            source=self._source(f"{owner} › {best.section}".strip(" ›")),
            suggestions=self._follow_ups(self.kb.partner(best.partner_id), exclude=[]) if best.partner_id else (),
            notes=self._interpretations(intent),
            topic_id=best.topic_id,
            partner_ids=partner_ids,
        )

    # --- asking back and saying no ---------------------------------------------------------

    def _clarify_partner(self, topics: list[str]) -> Answer:
        label = "・".join(self.kb.vocabulary.topic(t).label for t in topics)
        choices = [Choice(p.name, f"{p.short_name}の{label}は?") for p in self._listed_partners()]
        choices.append(Choice("すべての市", f"各市の{label}は?"))
        return Answer(
            kind="clarify",
            confidence=0.5,
            title=f"どの市の{label}についてお調べしますか?",
            suggestions=tuple(choices),
            topic_id=topics[0],
        )

    def _did_you_mean(self, answer: Answer) -> Answer:
        question = f"{answer.title}は?"
        return Answer(
            kind="clarify",
            confidence=answer.confidence,
            title=f"もしかして「{answer.title}」のことですか?",
            notes=answer.notes,
            suggestions=(Choice(answer.title, question),),
            topic_id=answer.topic_id,
            partner_ids=answer.partner_ids,
        )

    def _interpretations(self, intent: Intent) -> tuple[str, ...]:
        notes = []
        for match in intent.fuzzy_matches():
            meaning = self.kb.partner(match.entry.target).name if match.entry.kind == "partner" else match.entry.phrase
            notes.append(f"「{match.typed}」を「{meaning}」と解釈しました。")
        return tuple(dict.fromkeys(notes))

    def _no_event_on(self, intent: Intent) -> Answer:
        asked = "・".join(d.text for d in intent.asked_dates)
        ceremonies = tuple(f"{p.name}: {format_when(p.ceremony)}" for p in self._listed_partners())
        return Answer(
            kind="fallback", confidence=1.0, title=f"{asked}の締結式・イベントは資料にありません。",
            sections=(Section("資料にある覚書締結式", items=ceremonies),),
            suggestions=tuple(Choice(p.name, f"{p.short_name}の締結式は?") for p in self._listed_partners()),
        )

    def _not_covered(self, places: list[str]) -> Answer:
        names = to_names(self.kb.partners)
        shown = "・".join(dict.fromkeys(places))
        return Answer(
            kind="fallback",
            confidence=1.0,
            title=f"「{shown}」は覚書の対象ではありません。",
            sections=(Section("", text=f"{self.kb.document.issuer}が覚書を締結したのは{names}です。"),),
            suggestions=tuple(Choice(p.name, f"{p.short_name}の概要は?") for p in self._listed_partners()),
        )

    def _fallback(self, message: str, partner_ids: tuple[str, ...] = ()) -> Answer:
        first = self.kb.partner(partner_ids[0]) if partner_ids else self.kb.partners[0]
        terms = "・".join(g.term for g in self.kb.glossary)
        can = (
            "各市のテーマ・主なプロジェクト・連携・協力事項",
            "覚書締結式の日時・場所・出席者",
            f"関連する計画、用語（{terms}）、お問い合わせ先" if terms else "関連する計画、お問い合わせ先",
        )
        return Answer(
            kind="fallback",
            confidence=0.0,
            title=message,
            sections=(Section("お答えできること", text=to_intro(self.kb), items=can),),
            suggestions=self._follow_ups(first, exclude=[]),
            partner_ids=partner_ids,
        )

    def _input_problem(self, question: str) -> str:
        text = clean(question)
        if not text:
            return f"ご質問をどうぞ。例えば「{to_examples(self.kb)[0]}」のように聞いてください。"
        if len(text) > MAX_QUESTION_CHARS:
            return too_long_text(len(text))
        if not any(ch.isalnum() for ch in text):
            return "ご質問を読み取れませんでした。文字で質問してください。"
        return ""
