"""The documents' own facts: purpose, sources, glossary, fields, precedent, partners."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.answer import Answer, Section
from bot.answering.base import Answering, Turn
from bot.answering.help import MAX_NAMES
from bot.knowledge.dates import format_date
from bot.knowledge.facts import Fact
from bot.knowledge.model import GlossaryEntry
from bot.language.question import (
    asks_source,
)
from bot.store.records import Choice, Conversation

_ASKS_WHOSE = re.compile(r"(ドコ|ドノ|ドチラ|何)ノ?(市|シ|自治体|マチ|町)(ノ(資料|話|コト|計画|覚書|モノ))?")


class DocumentAnswers(Answering):
    def source_of(self, turn: Turn) -> Answer | None:
        """「それってどこの情報?」: where the facts asked about (or last answered) come from."""
        if not asks_source(turn.read):
            return None
        asked = [t for t in turn.topics if t not in ("announcement", "ceremony_where", "ceremony_when", "ceremony_who")]
        topics = asked or ([turn.context.topic_id] if turn.context.topic_id else [])
        partner_ids = turn.partner_ids
        facts = [f for pid in partner_ids for f in self._facts_for(pid, topics)] if topics else []
        if not facts and partner_ids:
            facts = [f for pid in partner_ids for f in self.by_partner.get(pid, [])]
        source = self.compose.cite(facts)
        if source is None:
            return None
        lines = tuple(c.to_text() for c in source.citations)
        label = self._topic_label(topics[0]) if topics else "内容"
        names = self.compose.names(partner_ids) + "の" if partner_ids else ""
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{names}{label}の出典",
            sections=(Section("", items=lines),),
            source=source,
            partner_ids=partner_ids,
            topic_id=topics[0] if topics else None,
        )

    def on_date(self, turn: Turn) -> Answer | None:
        """「12月17日に何があった?」: a date that is an announcement's is that announcement."""
        if (
            not turn.intent.asked_dates
            or turn.intent.partner_ids
            or turn.topics
            or re.search(r"時点|ジテン", turn.read.key)
        ):
            return None  # 「12月17日の時点で締結済み?」 asks about the memoranda at that date
        documents = [d for d in self.kb.documents for asked in turn.intent.asked_dates if asked.is_on(d.date)]
        if not documents:
            return None
        facts = [
            f
            for d in documents
            for f in self.shared.get(d.id, [])
            if f.topic in ("announcement_title", "announcement_issuer", "purpose")
        ]
        first = documents[0]
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{format_date(first.date)}に{first.issuer}が「{first.title}」を発表しました。",
            sections=self._document_sections([f for f in facts if f.topic == "purpose"], many=len(documents) > 1),
            source=self.compose.cite(facts),
            topic_id="announcement",
            partner_ids=tuple(e.partner_id for d in documents for e in d.engagements),
        )

    def why(self, turn: Turn) -> Answer | None:
        if not (turn.read.asks_why or turn.has_topic("purpose")):
            return None
        partner_ids = turn.intent.partner_ids or (turn.partner_ids if turn.from_context else ())
        group = self._documents_of_group(partner_ids)
        if group:
            facts = [f for f in self.by_topic.get("purpose", []) if f.partner_id is None and f.document_id in group]
        elif partner_ids:
            facts = list(dict.fromkeys(f for pid in partner_ids for f in self._purpose_of(pid)))
        else:
            facts = [f for f in self.by_topic.get("purpose", [])]
            documents = self._documents_meant(turn)
            facts = [f for f in facts if f.document_id in documents and (f.partner_id is None or len(documents) == 1)]
        if not facts:
            return None
        names = self.compose.names(partner_ids) + "との覚書の" if partner_ids else "覚書の"
        return self._facts_answer(f"{names}趣旨・目的", facts, topic="purpose", partner_ids=partner_ids)

    def _documents_of_group(self, partner_ids: Sequence[str]) -> list[str]:
        """The documents whose partners are exactly these (「旭川・室蘭・帯広との覚書」)."""
        if len(partner_ids) < 2:
            return []
        return [d.id for d in self.kb.documents if {e.partner_id for e in d.engagements} == set(partner_ids)]

    def _purpose_of(self, partner_id: str) -> list[Fact]:
        """Why this partner: its own purpose sections, else its theme and promotion with its document's purpose."""
        own = [f for f in self.by_partner.get(partner_id or "", []) if f.topic == "purpose"]
        engagement = self.kb.partner(partner_id).engagement
        lead = [f for f in self.shared.get(engagement.document_id, []) if f.topic == "purpose"]
        if own:
            return lead + own
        # A memorandum shared with other partners: what this one aims at is its theme, and why the
        # bureau signs is the document's purpose where it names the partner.
        theme = [f for f in self.by_partner.get(partner_id or "", []) if f.topic == "theme"]
        name = self.kb.partner(partner_id).name
        naming = [f for f in lead if name in f.text] or lead[-1:]
        return theme + naming

    def glossary(self, turn: Turn) -> Answer | None:
        asks_which_city = bool(re.search(r"(ドコ|ドノ|ドチラ|どこ|どの)ノ?(市|シ|自治体|資料|話)", turn.read.key))
        terms = turn.intent.glossary or (
            list(turn.context.terms)
            if (turn.read.refers_back or asks_which_city) and not turn.intent.partner_ids
            else []
        )
        if not terms:
            return None
        entries = [g for g in self.kb.glossary if g.term in terms]
        asks_where = bool(
            re.search(r"ドノプロジェクト|ドコ|ドノシ|ドチラ|どの|どこ", turn.read.reading + turn.read.key)
        ) or ({"which", "where"} & set(turn.read.words))
        asks_meaning = bool(re.search(r"トハ|意味|略|何ノ|ナンノ|ナニノ", turn.read.key)) or bool(
            {"mean", "stand", "abbreviation", "meaning"} & set(turn.read.words)
        )
        if turn.intent.partner_ids and not (asks_where or asks_meaning):
            return None
        if asks_where or (turn.read.refers_back and not turn.intent.glossary):
            return self._where_terms_are(entries, turn)
        facts = [f for f in self.by_topic.get("glossary", []) if f.label in terms]
        sections = tuple(
            Section(
                g.term,
                text=f"{g.term}（{g.expansion}）"
                + (
                    f"\n{self.kb.partner(g.partner_id).name}のプロジェクト「{g.mentioned_in}」に出てきます。"
                    if g.partner_id
                    else ""
                ),
            )
            for g in entries
        )
        return Answer(
            kind="answer",
            confidence=1.0,
            title="・".join(g.term for g in entries) + "とは",
            sections=sections,
            source=self.compose.cite(facts),
            partner_ids=tuple(dict.fromkeys(g.partner_id for g in entries if g.partner_id)),
            topic_id="glossary",
            conversation=Conversation(terms=tuple(g.term for g in entries)),
        )

    def _where_terms_are(self, entries: Sequence[GlossaryEntry], turn: Turn) -> Answer | None:
        facts = []
        for entry in entries:
            facts += [
                f
                for f in self.by_partner.get(entry.partner_id or "", [])
                if f.topic == "project_title" and f.label == entry.mentioned_in
            ]
        if not facts:
            return None
        owners = tuple(dict.fromkeys(f.partner_id for f in facts if f.partner_id))
        return Answer(
            kind="answer",
            confidence=0.95,
            title=f"{self.compose.names(owners)}のプロジェクト「{facts[0].label}」です。",
            sections=self.compose.fact_sections(
                [f for f in self.by_topic.get("projects", []) if f.label == facts[0].label]
            ),
            source=self.compose.cite(facts),
            partner_ids=owners,
            topic_id="projects",
        )

    def document_slots(self, turn: Turn, topics: list[str]) -> Answer | None:
        documents = self._documents_for(turn)
        wanted = set(topics)
        if "contact" in wanted:
            wanted |= {t.id for t in self.kb.vocabulary.topics if t.facet_of == "contact"} - {"contact_extension"}
        if "announcement" in wanted:
            wanted |= {"announcement_title", "announcement_date", "announcement_issuer"}
        facts = [f for d in documents for f in self.shared.get(d, []) if f.topic in wanted]
        facts += self._headings(turn, documents, wanted)
        label = "・".join(self._topic_label(t) for t in topics)
        if not facts and turn.intent.partner_ids and documents:
            # 「北見の問い合わせ先は?」: that announcement has none; another's is not its answer.
            titles = "、".join(f"「{self.kb.document_by_id(d).title}」" for d in dict.fromkeys(documents))
            return self._fallback(
                turn, f"{self.compose.names(turn.intent.partner_ids)}の発表{titles}には{label}の記載がありません。"
            )
        if not facts:
            return None
        many = len({f.document_id for f in facts}) > 1
        title = label if not many else f"各発表の{label}"
        sections = self._document_sections(facts, many=many)
        if len(facts) == 1:
            title = f"{facts[0].label}は「{facts[0].text}」です。"
            sections = ()  # the title is the fact
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=sections,
            source=self.compose.cite(facts),
            topic_id=topics[0],
        )

    def _headings(self, turn: Turn, documents: list[str], wanted: set[str]) -> list[Fact]:
        """「室蘭の覚書のタイトル」 in an announcement of several cities: its own heading (the theme) too."""
        if "announcement_title" not in wanted or not turn.intent.partner_ids:
            return []
        shared = [d for d in documents if len(self.kb.document_by_id(d).engagements) > 1]
        return [
            f
            for pid in turn.intent.partner_ids
            for f in self.by_partner.get(pid, [])
            if f.topic == "theme" and f.document_id in shared
        ]

    def _document_sections(self, facts: list[Fact], *, many: bool) -> tuple[Section, ...]:
        sections = []
        for document_id in dict.fromkeys(f.document_id for f in facts):
            document = self.kb.document_by_id(document_id)
            mine = [f for f in facts if f.document_id == document_id]
            items = tuple(dict.fromkeys(f"{f.label}：{f.text}" for f in mine))
            sections.append(Section(f"{format_date(document.date)}の発表" if many else "", items=items))
        return tuple(sections)

    def whose(self, turn: Turn) -> Answer | None:
        """「どこの市の資料ですか」 after an answer: the city (or cities) that answer was about."""
        context = turn.context
        if turn.intent.partner_ids or turn.intent.glossary or context.terms or not context.partner_ids:
            return None
        if len(turn.read.key) > 16 or not _ASKS_WHOSE.search(turn.read.key):
            return None
        names = self.compose.names(context.partner_ids)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{names}の資料です。",
            source=self._cite_partners(context.partner_ids),
            partner_ids=context.partner_ids,
            topic_id=context.topic_id,
        )

    def none_in_year(self, turn: Turn) -> Answer | None:
        """「2022年に結んだ覚書はある?」: no memorandum announced in that year is said so, with the years
        the data has."""
        years = turn.read.conditions.years
        names_memorandum = re.search(r"覚書|結ン|締結シ|協定", turn.read.key) and not re.search(r"式", turn.read.key)
        if not years or not names_memorandum or any(d.date.year in years for d in self.kb.documents):
            return None
        asked = "・".join(f"{y}年" for y in years)
        return self.partners_answer(turn, self._all_ids(), lead=f"いいえ。{asked}の覚書は資料にありません。")

    def nth_memorandum(self, turn: Turn) -> Answer | None:
        """「4例目はどこ?」: the partner whose memorandum the documents number so."""
        asked = re.search(r"(\d+)(?:例目|件目|番目)", turn.read.key)
        if not asked or turn.intent.partner_ids:
            return None
        number = int(asked[1])
        found = [(e, p) for p in self.kb.partners for e in p.engagements if e.ordinal == number]
        numbered = [(e.ordinal, p) for p in self.kb.partners for e in p.engagements if e.ordinal]
        if not found and numbered and number > max(n for n, _ in numbered):
            last, partner = max(numbered, key=lambda pair: pair[0])
            return self._fallback(
                turn, f"{number}例目の覚書は資料にありません。資料にある最新は{last}例目の{partner.name}です。"
            )
        if not found:
            return None
        engagement, partner = found[0]
        facts = [f for f in self.shared.get(engagement.document_id, []) if f.topic == "precedent"]
        return self._facts_answer(
            f"{number}例目は{partner.name}です。", facts, topic="precedent", partner_ids=(partner.id,), confidence=0.95
        )

    def precedent(self, turn: Turn, *, yes_no: bool) -> Answer | None:
        documents = self._documents_for(turn)
        facts = [f for f in self.by_topic.get("precedent", []) if f.document_id in documents]
        ordinals = [
            (e, pid) for pid in (turn.intent.partner_ids or ()) for e in self.kb.partner(pid).engagements if e.ordinal
        ]
        if not facts and not ordinals:
            return None
        lead = ""
        if ordinals:
            engagement, pid = ordinals[0]
            lead = f"{self.kb.partner(pid).name}との覚書は{engagement.ordinal}例目です。"
        if yes_no:
            claimed = re.search(r"(\d+)(?:例目|回目|番目|件目)", turn.read.key)
            if claimed and ordinals:
                verdict = "はい" if int(claimed[1]) == ordinals[0][0].ordinal else "いいえ"
            else:
                first = any("初めて" in f.text for f in facts) and not ordinals
                claims_first = bool(re.search(r"初めて|ハジメテ|初|first", turn.read.text + turn.read.reading))
                verdict = "はい" if first == claims_first else "いいえ"
            lead = f"{verdict}。{lead}"
        return self._facts_answer(
            lead or facts[0].text, facts, topic="precedent", partner_ids=turn.intent.partner_ids, confidence=0.95
        )

    def partners_answer(self, turn: Turn, partner_ids: Sequence[str], *, lead: str = "") -> Answer:
        sections = []
        for pid in partner_ids[:MAX_NAMES]:
            partner = self.kb.partner(pid)
            for engagement in partner.engagements:
                document = self.kb.document_by_id(engagement.document_id)
                parts = [f"{format_date(document.date)}発表「{document.title}」"]
                if engagement.ordinal:
                    parts.append(f"{engagement.ordinal}例目")
                if engagement.ceremony:
                    parts.append(f"締結式 {format_date(engagement.ceremony.date)}")
                sections.append(f"{partner.name} — " + "、".join(parts))
        names = self.compose.names(list(partner_ids))
        title = (
            f"{lead}{self.kb.document.issuer}が覚書を締結した市: {names}"
            if not lead
            else f"{lead}{names}と覚書を締結しています。"
        )
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=tuple(sections)),),
            source=self._cite_partners(partner_ids),
            topic_id="partners",
            partner_ids=tuple(partner_ids),
            suggestions=tuple(
                Choice(self.kb.partner(p).name, f"{self.kb.partner(p).short_name}の概要は?")
                for p in partner_ids[:MAX_NAMES]
            ),
            conversation=Conversation(
                listed=tuple(
                    Choice(self.kb.partner(p).name, f"{self.kb.partner(p).short_name}の概要は?")
                    for p in partner_ids[:MAX_NAMES]
                )
            ),
        )
