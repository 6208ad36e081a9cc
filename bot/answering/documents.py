"""The documents' own facts: purpose, sources, glossary, fields, precedent, partners."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answering.answer import Answer, Section
from bot.answering.base import Answering, Turn
from bot.answering.help import MAX_NAMES, to_city
from bot.knowledge.dates import format_date
from bot.knowledge.facts import Fact
from bot.knowledge.model import GlossaryEntry, Partner
from bot.language.messages import say, to_label
from bot.language.question import asks_source, is_yes_no
from bot.store.records import Choice, Conversation

_ASKS_WHOSE = re.compile(r"(ドコ|ドノ|ドチラ|何)ノ?(市|シ|自治体|マチ|町)(ノ(資料|話|コト|計画|覚書|モノ))?")
# "Which city is this about?", "whose document is that?": the same, in English.
_ASKS_WHOSE_EN = re.compile(
    r"\b(?:(?:which|what) (?:city|cities|municipality|town)(?:'s \w+)?|whose(?: \w+)?)"
    r" (?:is|was|are) (?:this|that|it)\b",
    re.IGNORECASE,
)
# An ordinal as the documents number memoranda (「4例目」), or as English writes one (4th, fourth).
# 「旭川市役所の電話番号」 "Obihiro city hall's phone": the city's own office, not the contact the
# announcement gives (the issuer's).
_CITY_OFFICE = re.compile(
    r"(?:市役所|役所|役場|市庁舎|庁舎)(?:の|ノ)?(?:代表|電話|FAX|ファックス|メール|問い?合わ?せ|連絡)"
)
_CITY_OFFICE_EN = re.compile(r"\bcity (?:hall|office)\b", re.IGNORECASE)
CONTACT_FIELDS = ("contact", "contact_phone", "contact_fax", "contact_email", "contact_person", "contact_department")

_ORDINAL = re.compile(r"(\d+)(?:例目|件目|番目)")
_ENGLISH_ORDINAL = re.compile(
    r"\b(?:(\d+)(?:st|nd|rd|th)|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))\b", re.IGNORECASE
)
ENGLISH_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


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
        source = self.compose.cite(facts, turn.language)
        if source is None:
            return None
        lines = tuple(c.to_text(turn.language) for c in source.citations)
        label = self._topic_label(topics[0], turn.language) if topics else turn.say("documents_content")
        names = self.compose.names(partner_ids, turn.language)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("documents_source_title_of", names=names, label=label)
            if partner_ids
            else turn.say("documents_source_title", label=label),
            sections=(Section("", items=lines),),
            source=source,
            partner_ids=partner_ids,
            topic_id=topics[0] if topics else None,
        )

    def on_date(self, turn: Turn) -> Answer | None:
        """「12月17日に何があった?」「What was announced on 2019-12-17?」: a date that is an announcement's
        is that announcement (asking for the announcement of that day asks the same)."""
        if (
            not turn.intent.asked_dates
            or turn.intent.partner_ids
            or set(turn.topics) - {"announcement"}
            or (turn.topics and is_yes_no(turn.read))  # 「その発表は12月17日で合ってる?」 is checked, not told
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
            title=turn.say(
                "documents_announced_on",
                date=format_date(first.date, turn.language),
                issuer=first.issuer,
                title=first.title,
            ),
            sections=self._document_sections(
                [f for f in facts if f.topic == "purpose"], many=len(documents) > 1, language=turn.language
            ),
            source=self.compose.cite(facts, turn.language),
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
        title = (
            turn.say("documents_purpose_with", names=self.compose.names(partner_ids, turn.language))
            if partner_ids
            else turn.say("documents_purpose")
        )
        return self._facts_answer(title, facts, topic="purpose", partner_ids=partner_ids, language=turn.language)

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
        sections = tuple(Section(g.term, text=self._term_text(g, turn.language)) for g in entries)
        return Answer(
            kind="answer",
            confidence=1.0,
            title=turn.say("documents_term_title", terms=turn.say("word_separator").join(g.term for g in entries)),
            sections=sections,
            source=self.compose.cite(facts, turn.language),
            partner_ids=tuple(dict.fromkeys(g.partner_id for g in entries if g.partner_id)),
            topic_id="glossary",
            conversation=Conversation(terms=tuple(g.term for g in entries)),
        )

    def _term_text(self, entry: GlossaryEntry, language: str) -> str:
        """「MaaS（Mobility as a Service）」, and the project it appears in."""
        text = say("documents_term", language, term=entry.term, expansion=entry.expansion)
        if not entry.partner_id:
            return text
        partner = self.kb.partner(entry.partner_id).name_in(language)
        return text + "\n" + say("documents_term_in_project", language, partner=partner, project=entry.mentioned_in)

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
            title=turn.say(
                "documents_project_of", names=self.compose.names(owners, turn.language), project=facts[0].label
            ),
            sections=self.compose.fact_sections(
                [f for f in self.by_topic.get("projects", []) if f.label == facts[0].label], language=turn.language
            ),
            source=self.compose.cite(facts, turn.language),
            partner_ids=owners,
            topic_id="projects",
        )

    def city_office_contact(self, turn: Turn) -> Answer | None:
        """「旭川市役所の代表電話番号は?」: the documents give the issuer's contact, never a city's own
        office — said plainly, with the contact they do give."""
        asked = [t for t in turn.topics if t in CONTACT_FIELDS]
        if not asked or not turn.intent.partner_ids or turn.from_context:
            return None
        if not (_CITY_OFFICE.search(turn.read.text) or _CITY_OFFICE_EN.search(turn.read.text)):
            return None
        given = self.document_slots(replace(turn, intent=replace(turn.intent, partners={})), asked)
        names = self.compose.names(turn.intent.partner_ids, turn.language)
        label = turn.say("word_separator").join(self._topic_label(t, turn.language) for t in asked)
        title = turn.say("documents_no_city_office_contact", names=names, label=label)
        if given is None:
            return self._fallback(turn, title)
        notes = (turn.say("documents_contact_given_is", title=given.title),) if not given.sections else ()
        return replace(given, kind="fallback", confidence=0.0, title=title, notes=notes + given.notes)

    def document_slots(self, turn: Turn, topics: list[str]) -> Answer | None:
        documents = self._documents_for(turn)
        if not turn.intent.partner_ids and turn.partner_ids and not turn.from_context:
            # 「2021年に発表された覚書は?」: the year (or 「3市」) scoped the partners; their announcements.
            engagements = [e for pid in turn.partner_ids for e in self.kb.partner(pid).engagements]
            documents = list(dict.fromkeys(e.document_id for e in engagements))
        wanted = set(topics)
        if "contact" in wanted:
            wanted |= {t.id for t in self.kb.vocabulary.topics if t.facet_of == "contact"} - {"contact_extension"}
        if "announcement" in wanted:
            wanted |= {"announcement_title", "announcement_date", "announcement_issuer"}
        facts = [f for d in documents for f in self.shared.get(d, []) if f.topic in wanted]
        facts += self._headings(turn, documents, wanted)
        label = turn.say("word_separator").join(self._topic_label(t, turn.language) for t in topics)
        if not facts and turn.intent.partner_ids and documents:
            # 「北見の問い合わせ先は?」: that announcement has none; another's is not its answer.
            titles = turn.say("section_separator").join(
                turn.say("documents_quoted", text=self.kb.document_by_id(d).title) for d in dict.fromkeys(documents)
            )
            names = self.compose.names(turn.intent.partner_ids, turn.language)
            return self._fallback(
                turn, turn.say("documents_not_in_announcement", names=names, titles=titles, label=label)
            )
        if not facts:
            return None
        many = len({f.document_id for f in facts}) > 1
        title = label if not many else turn.say("documents_each_announcement", label=label)
        sections = self._document_sections(facts, many=many, language=turn.language)
        if len(facts) == 1:
            title = turn.say(
                "documents_field_is",
                label=to_label(facts[0].label, turn.language),
                text=facts[0].text,
            )
            sections = ()  # the title is the fact
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=sections,
            source=self.compose.cite(facts, turn.language),
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

    def _document_sections(self, facts: list[Fact], *, many: bool, language: str = "ja") -> tuple[Section, ...]:
        sections = []
        for document_id in dict.fromkeys(f.document_id for f in facts):
            document = self.kb.document_by_id(document_id)
            mine = [f for f in facts if f.document_id == document_id]
            items = tuple(
                dict.fromkeys(
                    say("documents_field", language, label=to_label(f.label, language), text=f.text)
                    for f in mine
                )
            )
            label = say("documents_announcement_of", language, date=format_date(document.date, language))
            sections.append(Section(label if many else "", items=items))
        return tuple(sections)

    def whose(self, turn: Turn) -> Answer | None:
        """「どこの市の資料ですか」 after an answer: the city (or cities) that answer was about."""
        context = turn.context
        if turn.intent.partner_ids or turn.intent.glossary or context.terms or not context.partner_ids:
            return None
        asks_in_japanese = len(turn.read.key) <= 16 and _ASKS_WHOSE.search(turn.read.key)
        asks_in_english = len(turn.read.words) <= 8 and _ASKS_WHOSE_EN.search(turn.read.text)
        if not (asks_in_japanese or asks_in_english):
            return None
        names = self.compose.names(context.partner_ids, turn.language)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=turn.say("documents_whose", names=names),
            source=self._cite_partners(context.partner_ids, turn.language),
            partner_ids=context.partner_ids,
            topic_id=context.topic_id,
        )

    def none_in_year(self, turn: Turn) -> Answer | None:
        """「2022年に結んだ覚書はある?」: no memorandum announced in that year is said so, with the years
        the data has."""
        years = turn.read.conditions.years
        names_memorandum = (
            re.search(r"覚書|結ン|締結シ|協定", turn.read.key)
            or {"memorandum", "memoranda", "agreement", "agreements", "sign", "signed"} & set(turn.read.words)
        ) and not (re.search(r"式", turn.read.key) or "ceremony" in turn.read.words)
        if not years or not names_memorandum or any(d.date.year in years for d in self.kb.documents):
            return None
        asked = turn.say("word_separator").join(turn.say("documents_year", year=str(y)) for y in years)
        return self.partners_answer(turn, self._all_ids(), lead=turn.say("documents_no_memorandum_in", years=asked))

    def nth_memorandum(self, turn: Turn) -> Answer | None:
        """「4例目はどこ?」: the partner whose memorandum the documents number so."""
        number = _ordinal_asked(turn.read.key) or (_english_ordinal(turn.read.text) if turn.language == "en" else 0)
        if not number or turn.intent.partner_ids:
            return None
        found = [(e, p) for p in self.kb.partners for e in p.engagements if e.ordinal == number]
        numbered = [(e.ordinal, p) for p in self.kb.partners for e in p.engagements if e.ordinal]
        if not found and numbered and number > max(n for n, _ in numbered):
            last, partner = max(numbered, key=lambda pair: pair[0])
            return self._fallback(
                turn,
                turn.say(
                    "documents_no_nth",
                    nth=_ordinal(number, turn.language),
                    last=_ordinal(last, turn.language),
                    partner=partner.name_in(turn.language),
                ),
            )
        if not found:
            return None
        engagement, partner = found[0]
        facts = [f for f in self.shared.get(engagement.document_id, []) if f.topic == "precedent"]
        nth, name = _ordinal(number, turn.language), partner.name_in(turn.language)
        title = turn.say("documents_nth_is", nth=nth, partner=name)
        return self._facts_answer(
            title, facts, topic="precedent", partner_ids=(partner.id,), confidence=0.95, language=turn.language
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
            lead = turn.say(
                "documents_partner_nth",
                partner=self.kb.partner(pid).name_in(turn.language),
                nth=_ordinal(engagement.ordinal or 0, turn.language),
            )
        if yes_no:
            claimed = _ordinal_asked(turn.read.key, "回目") or (
                _english_ordinal(turn.read.text) if turn.language == "en" else 0
            )
            if claimed and ordinals:
                right = claimed == ordinals[0][0].ordinal
            else:
                first = any("初めて" in f.text for f in facts) and not ordinals
                claims_first = bool(re.search(r"初めて|ハジメテ|初|first", turn.read.text + turn.read.reading))
                right = first == claims_first
            verdict = turn.say("yn_yes" if right else "yn_no")
            lead = turn.say("documents_verdict", verdict=verdict, lead=lead).strip()
        return self._facts_answer(
            lead or facts[0].text,
            facts,
            topic="precedent",
            partner_ids=turn.intent.partner_ids,
            confidence=0.95,
            language=turn.language,
        )

    def partners_answer(self, turn: Turn, partner_ids: Sequence[str], *, lead: str = "") -> Answer:
        language = turn.language
        shown = [self.kb.partner(pid) for pid in partner_ids[:MAX_NAMES]]
        lines = tuple(line for partner in shown for line in self._partner_lines(partner, language))
        names = self.compose.names(list(partner_ids), language)
        issuer = self.kb.document.issuer
        title = (
            turn.say("documents_partners", issuer=issuer, names=names)
            if not lead
            else turn.say("documents_partners_lead", lead=lead, names=names)
        )
        choices = tuple(self._overview_choice(partner, language) for partner in shown)
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=lines),),
            source=self._cite_partners(partner_ids, language),
            topic_id="partners",
            partner_ids=tuple(partner_ids),
            suggestions=choices,
            conversation=Conversation(listed=choices),
        )

    def _partner_lines(self, partner: Partner, language: str) -> list[str]:
        """「室蘭市 — 2019年12月17日（火）発表「…」、締結式 2020年1月31日（金）」: one line per engagement."""
        lines = []
        for engagement in partner.engagements:
            document = self.kb.document_by_id(engagement.document_id)
            announced = format_date(document.date, language)
            parts = [say("documents_announced", language, date=announced, title=document.title)]
            if engagement.ordinal:
                parts.append(say("documents_nth", language, nth=_ordinal(engagement.ordinal, language)))
            if engagement.ceremony:
                signed = format_date(engagement.ceremony.date, language)
                parts.append(say("documents_ceremony_on", language, date=signed))
            joined = say("section_separator", language).join(parts)
            lines.append(say("documents_partner_line", language, partner=partner.name_in(language), parts=joined))
        return lines

    def _overview_choice(self, partner: Partner, language: str) -> Choice:
        question = say("documents_ask_partner", language, city=to_city(partner, language))
        return Choice(partner.name_in(language), question)


def _ordinal(number: int, language: str) -> str:
    """「4例目」, or "4th" (1st, 2nd, 3rd, 11th, 21st)."""
    key = "documents_ordinal"
    if not 10 <= number % 100 <= 20:
        key = {1: "documents_ordinal_st", 2: "documents_ordinal_nd", 3: "documents_ordinal_rd"}.get(number % 10, key)
    return say(key, language, number=str(number))


def _ordinal_asked(key: str, *more: str) -> int:
    """The number of 「4例目」「4番目」 in a question's key (0: none)."""
    pattern = _ORDINAL if not more else re.compile(r"(\d+)(?:例目|件目|番目|" + "|".join(more) + ")")
    asked = pattern.search(key)
    return int(asked[1]) if asked else 0


def _english_ordinal(text: str) -> int:
    """The number of "the 4th", "the fourth" in an English question (0: none)."""
    asked = _ENGLISH_ORDINAL.search(text)
    if not asked:
        return 0
    return int(asked[1]) if asked[1] else ENGLISH_ORDINALS.index(asked[2].lower()) + 1
