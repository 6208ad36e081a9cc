"""The engine: a question, a conversation context and a clock in; a platform-neutral Answer out.

Plain synchronous code with no I/O: every adapter (Slack, Teams, console) calls `Engine.answer`
through `bot.dispatch.Dispatcher`, and renders the `Answer` in its own way.

A question is read twice: `Understander` finds what it names (partners, people, topics, glossary
terms, dates) and `read_question` what kind of question it is (which partner, who, when, yes/no,
count, order, filter, compare, why) and the conditions it sets. The answerers below are tried in
order; each either answers with the facts asked (bot.facts) or passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.answer import Answer, Choice, Conversation, Section, Source, body_of
from bot.compose import Composer, to_item
from bot.context import is_expired
from bot.facts import CONFIDENT, Fact, FactIndex, Hit, compile_facts, to_features, to_query_features
from bot.help import MAX_NAMES, MAX_QUESTION_CHARS, to_examples, to_intro, too_long_text
from bot.knowledge import Event, GlossaryEntry, KnowledgeBase, Person, Plan
from bot.question import (
    Conditions,
    Reading,
    asked_value_kind,
    asks_source,
    is_help,
    is_smalltalk,
    is_yes_no,
    read_claim,
    read_question,
)
from bot.reasoning import common_items, failed_conditions, floor_of, meets, pick_in_order, similarity
from bot.text import Token, clean, has_kanji, latin_words, romaji_to_katakana, to_key, tokenize
from bot.timefmt import WEEKDAYS, format_date, format_time_range, format_when, to_status
from bot.understand import GENERIC_LEMMAS, Intent, Understander

CLARIFY_BELOW = 0.6
DOCUMENT_TOPICS = ("contact", "announcement", "purpose", "precedent", "partners")
CEREMONY_TOPICS = ("ceremony", "ceremony_when", "ceremony_where", "ceremony_who", "address")
SUGGESTED_TOPICS = ("cooperation", "projects", "ceremony", "theme")
# Words that ask or connect rather than name what is asked; never "missing" from the documents.
_QUESTION_WORDS = frozenset(
    """
    what is are was were be been the a an of about for in on at to with and or do does did can could would will
    you i we me my our your please tell show give list who whom whose when where which how why s there this that
    these those it its by from any some all each every much many long get know want need let more detail details
    take place happen held hold bureau city cities municipality
    """.split()
)


# Topic words so general that distinctive content next to them decides what is asked.
_GENERIC_TOPIC_WORDS = frozenset(
    to_key(w)
    for w in "連携 協力 推進 事業 取組 取り組み 施策 目的 目指す めざす 目標 概要 計画 戦略 方針 指針 "
    "まちづくり 発表 資料 狙い ねらい プロジェクト 主なプロジェクト 理由 背景".split()
)

# Words that point back at something said before (not この: "this" document is the bot's own).
_POINTING = frozenset("ソコ ソノ ソレ ソッチ ソチラ アノ アソコ アレ".split())

# Claims that are question words themselves (「それは何?」 claims nothing).
_WH_CLAIMS = frozenset(to_key(w) for w in "何 なに なん どこ いつ 誰 だれ どれ どう どんな".split())

# Words that only English has: a latin question with one of these is English, not romaji.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the is are was were did does do what which who when where why how of for with a an".split()
)

# Nouns that say how something is asked (its time of day, order, meaning, name), not what.
_ASKING_NOUNS = frozenset(
    """
    午前 午後 午前中 昼 朝 夕方 何人 人数 最後 最初 一番 違い 比較 共通 意味 名前 正確 状況 状態 段階 役職 時点
    予定 次 前 後 数 件数 回目 長さ 期間 方 中 根拠 法律 種類 分野 内容 項目 全体 詳細 概要 特徴 ポイント 要点
    何者 何月 何分 何分間 分間 何時間 一緒 客層 層 ターゲット 対象 相手 何個 何件 何つ 何本 何回 合計 総数 関係 中身
    月曜 火曜 水曜 木曜 金曜 土曜 日曜 月曜日 火曜日 水曜日 木曜日 金曜日 土曜日 日曜日 曜日 何曜 何曜日 人 方々 ところ
    """.split()
)


@dataclass(frozen=True)
class Turn:
    """One question as the answerers see it."""

    question: str
    intent: Intent
    read: Reading
    context: Conversation
    now: datetime
    partner_ids: tuple[str, ...]
    from_context: bool

    @property
    def topics(self) -> list[str]:
        return self.intent.topics

    def has_topic(self, *topic_ids: str) -> bool:
        return any(t in topic_ids for t in self.intent.topics)


Answerer = Callable[[Turn], Answer | None]


class Engine:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.understander = Understander(kb)
        self.facts = compile_facts(kb)
        self.index = FactIndex(self.facts, tuple(n for p in kb.partners for n in p.names if len(n) >= 2))
        self.by_partner = _group_by(self.facts, lambda f: f.partner_id or "")
        self.by_topic = _group_by(self.facts, lambda f: f.topic)
        self.shared = _group_by([f for f in self.facts if f.partner_id is None], lambda f: f.document_id)
        self.compose = Composer(kb)
        self.groups = _to_groups(kb)
        self.known_readings = _to_known_readings(kb, self.facts)
        self.answerers: tuple[Answerer, ...] = (
            self._smalltalk,
            self._nothing_to_refer_to,
            self._not_covered,
            self._absent_value,
            self._unsupported,
            self._source_of,
            self._same_as,
            self._compare,
            self._count,
            self._order,
            self._yes_no,
            self._filter,
            self._glossary,
            self._people,
            self._which_partner,
            self._distinctive,
            self._why,
            self._slots,
            self._search,
        )

    # --- the one entry point --------------------------------------------------------------

    def answer(self, question: str, *, context: Conversation | None = None, now: datetime) -> Answer:
        context = context if context and not is_expired(context, now) else Conversation()
        problem = self._input_problem(question)
        if problem:
            return replace(problem, conversation=replace(context, updated_at=now))
        picked = self._pick(question, context)
        if picked is not None:
            return self.answer(picked, context=replace(context, listed=()), now=now)
        turn = self._to_turn(question, context, now)
        answer = next((a for answerer in self.answerers if (a := answerer(turn)) is not None), None)
        answer = answer or self._fallback(turn, "すみません、ご質問に当たる内容が資料に見つかりませんでした。")
        answer = _with_secondary_note(answer)
        return replace(answer, conversation=self._remember(answer, turn))

    def _to_turn(self, question: str, context: Conversation, now: datetime) -> Turn:
        intent = self.understander.understand(question)
        read = read_question(question, intent.tokens)
        intent.topics = _retarget(intent, context.topic_id)
        read, scope = self._year_as_document(intent, read)
        partner_ids = tuple(intent.partner_ids) or scope
        group = self._group_named(read)
        if group and not partner_ids:
            partner_ids = group
        elif intent.all_partners and not partner_ids:
            partner_ids = tuple(p.id for p in self.kb.partners)
        from_context = False
        if not partner_ids and context.partner_ids and self._is_follow_up(intent, read):
            partner_ids, from_context = context.partner_ids, True
        return Turn(question, intent, read, context, now, partner_ids, from_context)

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

    def _group_named(self, read: Reading) -> tuple[str, ...]:
        """「3市」: the partners announced together in a document of that many."""
        english = re.search(r"\b(two|three|four|five) (?:cities|municipalities)", read.text.lower())
        match = re.search(r"(\d)(?:市|都市|自治体)", read.key) or re.search(r"(三|四|二)市", read.text)
        if english:
            return self.groups.get(("two", "three", "four", "five").index(english[1]) + 2, ())
        if not match:
            return ()
        count = int(match[1]) if match[1].isdigit() else "一二三四五".index(match[1]) + 1
        return self.groups.get(count, ())

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
        )

    # --- picking from what the last answer offered ------------------------------------------

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

    # --- small talk and help --------------------------------------------------------------------

    def _smalltalk(self, turn: Turn) -> Answer | None:
        named = turn.intent.partners or turn.intent.topics or turn.intent.glossary or turn.intent.people
        if named and not is_help(turn.read):
            return None
        examples = tuple(Choice(q, q) for q in to_examples(self.kb)[:3])
        if is_help(turn.read):
            return Answer(
                kind="help",
                confidence=1.0,
                title="使い方",
                sections=(
                    Section("", text=to_intro(self.kb) + "\n例えば次のように聞いてください。"),
                    Section("質問の例", items=tuple(c.label for c in examples)),
                ),
                suggestions=examples,
            )
        if not is_smalltalk(turn.read):
            return None
        thanks = re.search(
            r"アリガト|タスカ|サンキュ|THX|THANK", turn.read.reading.upper() + " ".join(turn.read.words).upper()
        )
        title = "どういたしまして。ほかにもどうぞ。" if thanks else "こんにちは。連携ボットです。"
        return Answer(
            kind="smalltalk",
            confidence=1.0,
            title=title,
            sections=(Section("質問の例", items=tuple(c.label for c in examples)),),
            suggestions=examples,
        )

    def _nothing_to_refer_to(self, turn: Turn) -> Answer | None:
        """「そこの住所は?」 with no conversation before it: ask what is meant rather than guess."""
        pointing = any(t.reading in _POINTING for t in turn.intent.tokens) or turn.read.refers_person
        if not pointing or turn.context.partner_ids or turn.context.person:
            return None
        if turn.intent.partner_ids or turn.intent.people or turn.intent.glossary or turn.intent.documents:
            return None
        return Answer(
            kind="clarify",
            confidence=0.4,
            title="どの市（どなた）についてのお尋ねでしょうか?",
            suggestions=tuple(Choice(p.name, f"{p.short_name}の概要は?") for p in self.kb.partners[:MAX_NAMES]),
        )

    # --- not ours -------------------------------------------------------------------------------

    def _not_covered(self, turn: Turn) -> Answer | None:
        places = turn.intent.foreign_places
        if not places or turn.intent.partner_ids or turn.intent.people:
            return None
        names = self.compose.names([p.id for p in self.kb.partners])
        shown = "・".join(dict.fromkeys(places))
        issuer = self.kb.document.issuer
        return Answer(
            kind="fallback",
            confidence=1.0,
            title=f"「{shown}」との覚書は資料にありません。",
            sections=(Section("", text=f"資料にある{issuer}の覚書の締結先は{names}です。"),),
            suggestions=tuple(Choice(p.name, f"{p.short_name}の概要は?") for p in self.kb.partners[:MAX_NAMES]),
        )

    # --- what the documents do not hold -------------------------------------------------------------

    def _absent_value(self, turn: Turn) -> Answer | None:
        """「建設費は?」「市長の年齢は?」: a kind of value no fact in scope has is not in the documents."""
        asked = asked_value_kind(turn.read)
        if asked is None:
            return None
        label, marker = asked
        scope = set(turn.partner_ids)
        facts = self.facts if not scope else [f for pid in (*scope, "") for f in self.by_partner.get(pid, [])]
        if any(re.search(marker, f.text) for f in facts):
            return None
        names = self.compose.names(turn.partner_ids) + "の" if turn.partner_ids else ""
        return self._fallback(turn, f"{names}{label}に当たる記載は資料にありません。")

    def _unsupported(self, turn: Turn) -> Answer | None:
        """「安藤局長の出身地は?」: a thing asked that nothing in the documents mentions is not in them,
        whatever else the question names; unless the rest points firmly at one fact."""
        if not (turn.intent.partner_ids or turn.intent.people) or not (turn.topics or turn.intent.people):
            return None
        missing = [t.surface for t in turn.intent.content if not t.is_latin and self._is_unsupported(t)]
        if not missing:
            return None
        hits = self.index.search(self._query(turn), partner_ids=turn.partner_ids)
        if hits and hits[0].coverage >= 0.85 and hits[0].matched >= 8.0:
            return None
        names = self.compose.names(turn.partner_ids) + "について" if turn.partner_ids else ""
        return self._fallback(turn, f"{names}「{'・'.join(dict.fromkeys(missing))}」に当たる記載は資料にありません。")

    def _is_unsupported(self, token: Token) -> bool:
        if not self._is_content_noun(token):
            return False
        if token.is_latin:
            words = [w for w in latin_words(token.surface) if w not in _QUESTION_WORDS]
            return (
                bool(words)
                and not any(f"w:{w}" in self.index.postings for w in words)
                and not (len(romaji_to_katakana(token.key)) >= 3)
            )
        if token.reading in self.known_readings or token.lemma in self.known_readings or token.lemma in _ASKING_NOUNS:
            return False
        if token.lemma in GENERIC_LEMMAS or token.surface in GENERIC_LEMMAS:
            return False
        features = to_query_features(token.surface)
        return bool(features) and not any(f in self.index.postings for f in features)

    def _source_of(self, turn: Turn) -> Answer | None:
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

    def _same_as(self, turn: Turn) -> Answer | None:
        """「同じ曜日にやったところはほかにある?」: ceremonies sharing a value with the one last answered."""
        if not re.search(r"同じ|オナジ|同様", turn.read.key + turn.read.reading) and "same" not in turn.read.words:
            return None
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
            return Answer(
                kind="answer",
                confidence=0.9,
                title=f"いいえ、{owner}と同じ条件の締結式はほかにありません。",
                source=self.compose.cite_events([reference]),
                topic_id="ceremony",
            )
        names = "・".join(self.kb.partner(e.partner_id).name for e in others if e.partner_id)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"はい、{names}です。",
            sections=(Section("", items=tuple(self.compose.event_line(e) for e in [reference, *others])),),
            source=self.compose.cite_events([reference, *others]),
            topic_id="ceremony",
            partner_ids=tuple(e.partner_id for e in others if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in others)),
        )

    # --- compare ----------------------------------------------------------------------------------

    def _compare(self, turn: Turn) -> Answer | None:
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
        if read.asks_count:
            return self._count(turn)
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
        label = self._topic_label(topics[0])
        sections = self.compose.fact_sections(facts)
        notes: tuple[str, ...] = ()
        if read.asks_duration:
            minutes = {e.minutes for e in self._ceremonies(partner_ids)}
            notes = (f"いずれも{minutes.pop()}分です。",) if len(minutes) == 1 else ()
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{self.compose.names(partner_ids)}の{label}の比較",
            sections=sections,
            notes=notes,
            source=self.compose.cite(facts),
            topic_id=topics[0],
            partner_ids=partner_ids,
        )

    def _compare_content(self, turn: Turn, partner_ids: tuple[str, ...]) -> Answer | None:
        """「旭川と室蘭の事業構築への支援の違いは」: for each partner, the fact the content points at."""
        facts = []
        for partner_id in partner_ids:
            hits = self._hits(turn, (partner_id,))
            if not hits:
                return None
            facts.append(hits[0].fact)
        return Answer(
            kind="answer",
            confidence=0.85,
            title=f"{self.compose.names(partner_ids)}の比較",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            topic_id=_to_topic(facts[0].topic),
            partner_ids=partner_ids,
        )

    def _compare_documents(self, turn: Turn, partner_ids: tuple[str, ...]) -> Answer | None:
        documents = list(dict.fromkeys(e.document_id for pid in partner_ids for e in self.kb.partner(pid).engagements))
        if len(documents) < 2:
            return None
        facts = [f for d in documents for f in self.shared.get(d, []) if f.topic == "purpose"]
        facts += [
            f for f in self.by_topic.get("theme", []) if f.document_id in documents and f.partner_id in partner_ids
        ]
        sections = []
        for document_id in documents:
            document = self.kb.document_by_id(document_id)
            mine = [f.text for f in facts if f.document_id == document_id]
            sections.append(Section(f"{format_date(document.date)}の発表 — {document.title}", items=tuple(mine)))
        return Answer(
            kind="answer",
            confidence=0.85,
            title="覚書の趣旨の違い",
            sections=tuple(sections),
            source=self.compose.cite_documents(documents, "発表の概要"),
            topic_id="purpose",
            partner_ids=partner_ids,
        )

    def _common(self, turn: Turn, partner_ids: tuple[str, ...], topic: str) -> Answer | None:
        lists = [[f.text for f in self._facts_for(pid, [topic])] for pid in partner_ids]
        if not all(lists):
            return None
        common = common_items(lists)
        label = self._topic_label(topic)
        names = self.compose.names(partner_ids)
        if not common:
            return Answer(
                kind="answer",
                confidence=0.8,
                title=f"{names}の{label}に共通するものは資料にありません。",
                partner_ids=partner_ids,
                topic_id=topic,
            )
        items = tuple(group[0] if len(set(group)) == 1 else " ／ ".join(dict.fromkeys(group)) for group in common)
        facts = [f for pid in partner_ids for f in self._facts_for(pid, [topic])]
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{names}に共通する{label}",
            sections=(Section("共通（同じ、またはほぼ同じ記載）", items=items),),
            source=self.compose.cite(facts),
            topic_id=topic,
            partner_ids=partner_ids,
        )

    # --- count ------------------------------------------------------------------------------------

    def _count(self, turn: Turn) -> Answer | None:
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

    def _partners_in_scope(self, turn: Turn) -> tuple[str, ...]:
        years = turn.read.conditions.years
        documents = [d for d in self.kb.documents if not years or d.date.year in years]
        if turn.intent.partner_ids and self._group_named(turn.read):
            return turn.partner_ids
        return tuple(dict.fromkeys(e.partner_id for d in documents for e in d.engagements))

    def _cite_partners(self, partner_ids: Sequence[str]) -> Source | None:
        documents = [e.document_id for pid in partner_ids for e in self.kb.partner(pid).engagements]
        return self.compose.cite_documents(documents) if documents else None

    # --- order ------------------------------------------------------------------------------------

    def _order(self, turn: Turn) -> Answer | None:
        read = turn.read
        if turn.intent.people or turn.intent.glossary:
            return None
        if read.position and read.direction is None and self._is_about_ceremonies(turn) and not turn.intent.partner_ids:
            return self._nth_ceremony(turn, read.position)
        if read.direction is None or read.position:
            return None
        about_ceremonies = self._is_about_ceremonies(turn) or bool(turn.context.event_ids and not turn.topics)
        if not about_ceremonies and (
            turn.has_topic("partners", "announcement")
            or "覚書" in read.key
            or {"oboegaki", "memorandum", "memoranda"} & set(read.words)
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
            return self._duration(replace(turn, partner_ids=tuple(e.partner_id for e in pool if e.partner_id)))
        picked = pick_in_order(pool, read.direction, read.order_by, reference)
        if picked is None:
            return Answer(
                kind="answer",
                confidence=0.9,
                title=self._none_in_order(read.direction, reference),
                partner_ids=turn.partner_ids,
                topic_id="ceremony",
            )
        return self._event_answer(picked, turn, lead=self._order_lead(read.direction, read.order_by, picked, reference))

    def _nth_ceremony(self, turn: Turn, position: int) -> Answer | None:
        pool = sorted(
            (e for e in self._ceremonies(self._order_scope(turn)) if meets(e, turn.read.conditions)),
            key=lambda e: (e.date, e.start),
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
            mine = [e.document_id for pid in turn.intent.partner_ids for e in self.kb.partner(pid).engagements]
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
            return Answer(
                kind="answer", confidence=0.9, title="資料には当てはまる覚書がありません。", topic_id="partners"
            )
        return self._partners_answer(turn, partner_ids)

    def _order_scope(self, turn: Turn) -> tuple[str, ...]:
        if self._group_named(turn.read):
            return self._group_named(turn.read)
        if turn.read.direction in ("next", "previous") or turn.from_context:
            return self._all_ids()
        return turn.intent.partner_ids if len(turn.intent.partner_ids) > 1 else self._all_ids()

    def _reference_event(self, turn: Turn) -> Event | None:
        if turn.intent.partner_ids:
            return self.kb.partner(turn.intent.partner_ids[0]).ceremony
        for event_id in turn.context.event_ids[:1]:
            return next((e for e in self.kb.all_events() if e.id == event_id), None)
        if turn.context.partner_ids:
            return self.kb.partner(turn.context.partner_ids[0]).ceremony
        return None

    def _order_lead(self, direction: str, by: str, picked: Event, reference: Event | None) -> str:
        owner = self.kb.partner(picked.partner_id).name if picked.partner_id else picked.title
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

    # --- yes / no -----------------------------------------------------------------------------------

    def _yes_no(self, turn: Turn) -> Answer | None:
        if not is_yes_no(turn.read):
            return None
        for check in (
            self._check_conditions,
            self._check_done,
            self._check_each,
            self._check_owner,
            self._check_person,
            self._check_precedent,
            self._check_partner_exists,
            self._check_count,
            self._check_claim,
        ):
            answer = check(turn)
            if answer is not None:
                return answer
        return None

    def _check_count(self, turn: Turn) -> Answer | None:
        """「帯広のプロジェクトは3つ?」: the count claimed against the count computed."""
        claimed = re.search(r"(\d+)(つ|ツ|件|個|本|項目|人|名|市)(?![トノデニガヲハ])", turn.read.key)
        if not claimed or turn.read.conditions.minutes:
            return None
        counted = self._count(replace(turn, read=replace(turn.read, asks_count=True)))
        number = re.search(r"(\d+)(?:つ|件|人|市)", counted.title) if counted else None
        if counted is None or number is None:
            return None
        verdict = "はい" if int(number[1]) == int(claimed[1]) else "いいえ"
        return replace(counted, title=f"{verdict}。{counted.title}")

    def _check_claim(self, turn: Turn) -> Answer | None:
        """「室蘭の式は3号会議室?」「担当者は佐藤さん?」: answer without the claim, then see if the answer
        says what was claimed."""
        claim = read_claim(turn.question)
        if not claim or to_key(claim) in _WH_CLAIMS:
            return None
        plain_question = turn.question.replace(claim, "")
        plain = self._answer_plainly(self._to_turn(plain_question, turn.context, turn.now))
        if plain is None or plain.kind != "answer":
            return None
        said = to_key(body_of(plain))
        verdict = "はい" if to_key(claim) in said else "いいえ"
        return replace(plain, title=f"{verdict}。{plain.title}")

    def _answer_plainly(self, turn: Turn) -> Answer | None:
        plain = replace(turn, read=replace(turn.read, wh=True))  # the same question, not as a yes/no
        return next((a for answerer in self.answerers if (a := answerer(plain)) is not None), None)

    def _check_conditions(self, turn: Turn) -> Answer | None:
        conditions = turn.read.conditions
        if not conditions or (conditions.years and not self._is_about_ceremonies(turn)):
            return None
        if re.search(r"時点|ジテン", turn.read.key + turn.read.reading):
            return None  # 「2019年12月の時点で」 names a moment to judge from, not a condition
        subject = turn.partner_ids
        if not subject:
            return self._exists(turn)
        events = self._ceremonies(subject)
        if not events:
            return None
        failed = [e for e in events if failed_conditions(e, conditions)]
        verdict = "いいえ" if failed else "はい"
        about = ["floor"] if conditions.floors else ["minutes"] if conditions.minutes else ["when"]
        lines = [self._event_fact_line(e, about) for e in events]
        return Answer(
            kind="answer",
            confidence=0.95,
            title=f"{verdict}。{lines[0]}",
            sections=tuple(Section("", text=line) for line in lines[1:]),
            source=self.compose.cite_events(events),
            topic_id="ceremony",
            partner_ids=subject,
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def _event_fact_line(self, event: Event, about: list[str]) -> str:
        owner = self.kb.partner(event.partner_id).name if event.partner_id else event.title
        if "floor" in about:
            return f"{owner}の締結式の場所は{event.place}です。"
        if "minutes" in about:
            return f"{owner}の締結式は{event.minutes}分間（{format_time_range(event)}）です。"
        return f"{owner}の締結式は{format_when(event)}です。"

    def _exists(self, turn: Turn) -> Answer:
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
        return Answer(
            kind="answer",
            confidence=0.95,
            title=title,
            sections=(Section("", items=lines),),
            source=self.compose.cite_events(shown),
            topic_id="ceremony",
            partner_ids=tuple(e.partner_id for e in matching if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in matching)),
        )

    def _check_done(self, turn: Turn) -> Answer | None:
        """「もう締結済み?」: only a recorded `held` says yes; a date not yet reached says no; a date past
        with nothing recorded is said as exactly that."""
        if not re.search(r"済み|済ん|既に|モウ|スデニ|ズミ|終わっ|オワッ|デキテ", turn.read.key + turn.read.reading):
            return None
        if turn.has_topic("plans", "period"):
            return self._plan_status(turn)
        if not self._is_about_ceremonies(turn) and "覚書" not in turn.read.key:
            return None
        reference_day = self._reference_day(turn)
        events = self._ceremonies(turn.partner_ids or self._partners_in_scope(turn))
        if not events:
            return None
        lines = tuple(self.compose.event_line(e) for e in events)
        if all(e.held and e.date <= reference_day for e in events):
            title = "はい。締結式が行われたことが資料に記録されています。"
        elif all(e.date > reference_day for e in events):
            title = f"いいえ。{format_date(reference_day)}の時点では、締結式はまだ予定の段階です。"
        else:
            title = "締結式の予定日は過ぎていますが、開催されたかどうかは資料に記載がありません。"
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=(Section("締結式の予定", items=lines),),
            source=self.compose.cite_events(events),
            topic_id="ceremony",
        )

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
            title=f"いいえ。資料の時点では「{pending[0].text}」と書かれています。",
            source=self.compose.cite(pending),
            partner_ids=turn.partner_ids,
            topic_id="plans",
        )

    def _reference_day(self, turn: Turn) -> date:
        """「発表の時点で」: the day of the document meant; otherwise today."""
        if not re.search(r"時点|発表時|発表当時|ジテン", turn.read.key + turn.read.reading):
            return turn.now.date()
        documents = [self.kb.document_by_id(d) for d in self._documents_for(turn)]
        return min((d.date for d in documents), default=turn.now.date())

    def _check_each(self, turn: Turn) -> Answer | None:
        """「旭川と帯広、どちらも滞在型観光を進める?」: does each partner named have it?"""
        partner_ids = turn.intent.partner_ids
        if len(partner_ids) < 2 or not turn.intent.segments or turn.read.conditions:
            return None
        found = {pid: self._hits(turn, (pid,)) for pid in partner_ids}
        have = [pid for pid in partner_ids if found[pid]]
        if not have:
            return None
        facts = [found[pid][0].fact for pid in have]
        lacking = [pid for pid in partner_ids if pid not in have]
        title = (
            "はい、いずれにも記載があります。"
            if not lacking
            else (f"いいえ、{self.compose.names(lacking)}については資料に記載がありません。")
        )
        return Answer(
            kind="answer",
            confidence=0.85,
            title=title,
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            partner_ids=partner_ids,
            topic_id=_to_topic(facts[0].topic),
        )

    def _check_owner(self, turn: Turn) -> Answer | None:
        """「CASEって旭川のプロジェクト?」: the subject belongs to one partner; is it the one named?"""
        claimed = turn.intent.partner_ids
        if len(claimed) != 1 or turn.read.conditions:
            return None
        subject = self._subject_owner(turn)
        if subject is None:
            return None
        fact, owner = subject
        topics = self._specific_topics(turn)
        if topics and not turn.intent.glossary and not self._fact_in_topics(fact, topics):
            return None  # the claim is about the topic named, not about whose the subject is
        name = self.kb.partner(owner).name
        claimed_name = self.kb.partner(claimed[0]).name
        title = f"はい、{name}です。" if owner == claimed[0] else f"いいえ、{claimed_name}ではなく{name}です。"
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=self.compose.fact_sections([fact]),
            source=self.compose.cite([fact]),
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
        if not turn.intent.people or not turn.partner_ids:
            return None
        family = turn.intent.people[0]
        people = [f for pid in turn.partner_ids for f in self.by_partner.get(pid, []) if f.topic == "ceremony_who"]
        mine = [f for f in people if isinstance(f.value, Person) and f.value.family_name == family]
        others = people
        if not others:
            return None
        verdict = "はい" if mine else "いいえ"
        shown = mine or [f for f in others if "市長" in f.text] or others
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{verdict}。{shown[0].text}です。",
            source=self.compose.cite(shown),
            partner_ids=turn.partner_ids,
            topic_id="ceremony_who",
        )

    def _check_precedent(self, turn: Turn) -> Answer | None:
        if not turn.has_topic("precedent"):
            return None
        return self._precedent(turn, yes_no=True)

    def _check_partner_exists(self, turn: Turn) -> Answer | None:
        if (
            not turn.intent.partner_ids
            or (turn.topics and not turn.has_topic("partners"))
            or "覚書" not in turn.read.key
        ):
            return None
        return self._partners_answer(turn, turn.intent.partner_ids, lead="はい。")

    # --- filter -----------------------------------------------------------------------------------------

    def _filter(self, turn: Turn) -> Answer | None:
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
            return Answer(
                kind="answer",
                confidence=0.9,
                title="いいえ、当てはまる締結式は資料にありません。",
                sections=(Section("資料にある締結式", items=tuple(self.compose.event_line(e) for e in events)),),
                source=self.compose.cite_events(events),
                topic_id="ceremony",
            )
        names = "・".join(self.kb.partner(e.partner_id).name for e in matching if e.partner_id)
        return Answer(
            kind="answer",
            confidence=0.95,
            title=f"{names}の締結式です。",
            sections=(Section("", items=tuple(self.compose.event_line(e) for e in matching)),),
            statuses=tuple(to_status(e, turn.now) for e in matching),
            source=self.compose.cite_events(matching),
            topic_id="ceremony",
            partner_ids=tuple(e.partner_id for e in matching if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in matching)),
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
        keys = [to_key(seg) for seg in turn.intent.segments if len(to_key(seg)) >= 2]
        matching = [e for e in events if any(k in to_key(e.place) for k in keys)]
        if not matching or len(matching) == len(events):
            return None
        return self._listed_events(matching, turn, f"{'・'.join(keys)}で行う締結式")

    def _listed_events(self, events: list[Event], turn: Turn, label: str) -> Answer:
        names = "・".join(self.kb.partner(e.partner_id).name for e in events if e.partner_id)
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{label}は{names}です。",
            sections=(Section("", items=tuple(self.compose.event_line(e) for e in events)),),
            source=self.compose.cite_events(events),
            topic_id="ceremony",
            partner_ids=tuple(e.partner_id for e in events if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    # --- why --------------------------------------------------------------------------------------------

    def _why(self, turn: Turn) -> Answer | None:
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
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{names}趣旨・目的",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            topic_id="purpose",
            partner_ids=partner_ids,
        )

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

    def _documents_meant(self, turn: Turn) -> list[str]:
        if turn.intent.documents:
            return list(turn.intent.documents)
        years, months = turn.read.conditions.years, turn.read.conditions.months
        group = self._group_named(turn.read)
        documents = [
            d.id
            for d in self.kb.documents
            if (not years or d.date.year in years) and (not months or d.date.month in months)
        ]
        if group:
            documents = [d.id for d in self.kb.documents if {e.partner_id for e in d.engagements} == set(group)]
        return documents

    # --- glossary -----------------------------------------------------------------------------------

    def _glossary(self, turn: Turn) -> Answer | None:
        terms = turn.intent.glossary or (
            list(turn.context.terms) if turn.read.refers_back and not turn.intent.partner_ids else []
        )
        if not terms:
            return None
        entries = [g for g in self.kb.glossary if g.term in terms]
        asks_where = bool(
            re.search(r"ドノプロジェクト|ドコ|ドノシ|ドチラ|どの|どこ", turn.read.reading + turn.read.key)
        ) or ({"which", "where"} & set(turn.read.words))
        if turn.intent.partner_ids and not asks_where:
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

    # --- people -------------------------------------------------------------------------------------

    def _people(self, turn: Turn) -> Answer | None:
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
        if not people:
            return None
        asks_event = [t for t in turn.topics if t not in ("ceremony_who", "contact_person")]
        if (asks_event and (not turn.intent.facet_only or self._is_about_ceremonies(turn))) or turn.read.conditions:
            return self._about_persons_events(turn, people)
        unique = {self._person_key(f): f for f in people}
        sections = tuple(Section(f.text, text=self._person_context(f)) for f in unique.values())
        first = next(iter(unique.values()))
        person = getattr(first.value, "family_name", families[0])
        return Answer(
            kind="answer",
            confidence=0.95 if len(unique) == 1 else 0.8,
            title=f"{first.text}です。"
            if len(unique) == 1
            else f"「{families[0]}」さんは資料に{len(unique)}人います。",
            sections=sections,
            source=self.compose.cite(people),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in people if f.partner_id)),
            topic_id="ceremony_who",
            conversation=Conversation(person=person, event_ids=tuple(e.id for f in people if (e := f.event))),
        )

    def _person_key(self, fact: Fact) -> str:
        return to_key(fact.text)

    def _person_context(self, fact: Fact) -> str:
        if fact.topic == "contact_person":
            return f"{self.kb.document_by_id(fact.document_id).title}のお問い合わせ先の担当者"
        same = [f for f in self.by_topic.get("ceremony_who", []) if to_key(f.text) == to_key(fact.text)]
        events = [f.event for f in same if f.event]
        return "出席する締結式: " + "、".join(f"{e.title}（{format_date(e.date)}）" for e in events)

    def _about_persons_events(self, turn: Turn, people: list[Fact]) -> Answer | None:
        events = [e for f in people if (e := f.event)]
        if not events:
            return None
        partner_ids = tuple(dict.fromkeys(e.partner_id for e in events if e.partner_id))
        topics = [t for t in turn.topics if t in CEREMONY_TOPICS] or ["ceremony"]
        facts = [f for pid in partner_ids for f in self._facts_for(pid, topics)]
        if not facts:
            return None
        return Answer(
            kind="answer",
            confidence=0.9,
            title=f"{self.compose.names(partner_ids)}の{self._topic_label(topics[0])}",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            partner_ids=partner_ids,
            topic_id=topics[0],
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    # --- which partner -------------------------------------------------------------------------------

    def _which_partner(self, turn: Turn) -> Answer | None:
        read = turn.read
        asks = bool(
            re.search(
                r"ドノ(シ|マチ|ジチタイ|トシ)|ドコノ(シ|マチ|ジチタイ|コト|ハナシ)?|ドチラ|ドコ(デ|$)?|ナンシノ|ナンシガ|アル(シ|マチ|ジチタイ|ノハ)",
                read.reading,
            )
        ) or bool({"which", "what"} & set(read.words) and {"citi", "city", "municip"} & set(latin_words(read.text)))
        if not asks or (self._is_about_ceremonies(turn) and not turn.intent.content):
            return None
        hits = self._hits(turn, turn.intent.partner_ids)
        if not hits:
            return None
        fact = hits[0].fact
        owner = self._owner_partner(fact)
        if not owner:
            return None
        owners = list(
            dict.fromkeys(o for h in hits if h.score >= hits[0].score * 0.9 and (o := self._owner_partner(h.fact)))
        )
        facts = [next(h.fact for h in hits if self._owner_partner(h.fact) == o) for o in owners]
        if len(owners) == 1:
            facts = [h.fact for h in hits if self._owner_partner(h.fact) == owner][:2]
        return Answer(
            kind="answer",
            confidence=round(hits[0].score, 3),
            title=f"{self.compose.names(owners)}です。",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            partner_ids=tuple(owners),
            topic_id=_to_topic(fact.topic),
        )

    def _owner_partner(self, fact: Fact) -> str | None:
        """The partner a fact is about: its own, or the only partner of its document."""
        if fact.partner_id:
            return fact.partner_id
        engagements = self.kb.document_by_id(fact.document_id).engagements
        return engagements[0].partner_id if len(engagements) == 1 else None

    # --- distinctive words over topic words ------------------------------------------------------------

    def _distinctive(self, turn: Turn) -> Answer | None:
        """「室蘭のプロジェクトで航空宇宙って?」: a passage that the content points at answers, over
        generic topic words (プロジェクト, 連携, 目的) and a bare どこ/いつ."""
        topics = self._specific_topics(turn)
        if turn.read.asks_duration or not turn.intent.segments or self._content_weight(turn) < (4.0 if topics else 2.0):
            return None
        hits = self._hits(turn, turn.partner_ids)
        if not hits and turn.from_context:
            hits = self._hits(turn, ())
        if not hits:
            return None
        best = hits[0].fact
        if topics and set(topics) <= {"ceremony_when", "ceremony_where", "address"} and best.event is None:
            thing = "・".join(turn.intent.segments)
            return self._fallback(
                turn, f"「{thing}」の{self._topic_label(topics[0]).removeprefix('締結式の')}は資料に記載がありません。"
            )
        if topics and best.partner_id is None and best.topic.startswith(("contact", "announcement")):
            return None  # 「企画調査課の内線は?」: the content names the document's block, the topic its field
        if topics and not self._fact_in_topics(best, topics) and hits[0].score < 0.8:
            return None
        return self._passage_answer(hits, turn)

    def _passage_owner(self, fact: Fact) -> str:
        return self.compose.owner(fact)

    def _specific_topics(self, turn: Turn) -> list[str]:
        generic = {m.entry.target for m in turn.intent.topic_matches if to_key(m.entry.phrase) in _GENERIC_TOPIC_WORDS}
        return [t for t in turn.topics if t not in turn.intent.weak_topics and t not in generic]

    def _fact_in_topics(self, fact: Fact, topics: list[str]) -> bool:
        wanted = set(topics) | ({"project_title"} if "projects" in topics else set())
        wanted |= {"ceremony_when", "ceremony_where", "ceremony_who", "address"} if "ceremony" in topics else set()
        wanted |= {"plans", "period", "promotion"} if "plans" in topics else set()
        return fact.topic in wanted

    def _passage_answer(self, hits: list[Hit], turn: Turn) -> Answer:
        best = hits[0]
        kept = [h.fact for h in hits if h.score >= best.score - 0.01][:2]
        if best.fact.topic == "project_title":
            kept += [
                f
                for f in self.by_topic.get("projects", [])
                if f.label == best.fact.label and f.partner_id == best.fact.partner_id
            ]
        kept = list(dict.fromkeys(kept))
        owner = self._passage_owner(best.fact)
        notes = self._interpretations(turn.intent)
        if best.score < CONFIDENT:
            unknown = [seg for seg in turn.intent.segments if not (to_query_features(seg) & self.index.postings.keys())]
            if unknown:
                notes += (f"「{'・'.join(unknown)}」に当たる言葉は資料にないため、関連する記載をお示しします。",)
        return Answer(
            kind="answer",
            confidence=round(min(1.0, best.score) * self._partner_confidence(turn), 3),
            title=f"{owner} › {best.fact.label if best.fact.topic.startswith('project') else best.fact.section}",
            sections=self.compose.fact_sections(kept),
            source=self.compose.cite(kept),
            notes=notes,
            topic_id=_to_topic(best.fact.topic),
            partner_ids=tuple(dict.fromkeys(f.partner_id for f in kept if f.partner_id)),
            suggestions=self._follow_ups(best.fact.partner_id),
        )

    # --- slots: the topic asked, for the partners asked ---------------------------------------------------

    def _slots(self, turn: Turn) -> Answer | None:
        topics = list(turn.topics)
        if topics and not turn.partner_ids and turn.intent.segments and set(topics) <= turn.intent.weak_topics:
            return None  # 「ランチどこ行く?」: a bare どこ among other words is not about a ceremony
        if turn.read.asks_duration and (
            self._is_about_ceremonies(turn) or turn.from_context or not self._specific_topics(turn)
        ):
            return self._duration(turn)
        pointing = bool(turn.read.position or turn.read.refers_back)
        if (
            not topics
            and turn.partner_ids
            and turn.context.topic_id
            and ((not turn.from_context and not turn.intent.content) or (turn.from_context and pointing))
        ):
            topics = [turn.context.topic_id]
        if not topics:
            return self._overview(turn) if turn.intent.partner_ids and not turn.intent.content else None
        if turn.has_topic("precedent"):
            return self._nth_memorandum(turn) or self._precedent(turn, yes_no=False)
        if turn.has_topic("partners") and (not (set(topics) - {"partners"}) or not turn.partner_ids):
            if self._query(turn) or self._english_content(turn):
                return None  # 「温泉を活かすのはどの市?」 with nothing found: not the list of every partner
            return self._partners_answer(turn, self._partners_in_scope(turn))
        document_topics = [t for t in topics if t.split("_")[0] in ("contact", "announcement")]
        if document_topics:
            return self._document_slots(turn, document_topics)
        partner_ids = turn.partner_ids
        if not partner_ids:
            # 「各市のテーマ」「締結式の場所は?」 are short for every partner; a bare 「場所は?」 asks back.
            # The bureau's chief is one person; 「オホーツクから全国へ、ってどこの話?」 names content.
            bare = turn.intent.facet_only and "局長" not in turn.read.key and not turn.intent.segments
            if not set(topics) <= {*CEREMONY_TOPICS, "theme"} or bare:
                return self._clarify_partner(topics)
            partner_ids = self._all_ids()
        return self._partner_slots(turn, partner_ids, topics)

    def _partner_slots(self, turn: Turn, partner_ids: tuple[str, ...], topics: list[str]) -> Answer | None:
        facts = [f for pid in partner_ids[:MAX_NAMES] for f in self._facts_for(pid, topics)]
        facts = self._narrow(turn, facts) + self._promotion_asked(turn, partner_ids, topics)
        if not facts and any(t in _NEAREST for t in topics):
            nearest = [_NEAREST.get(t, t) for t in topics]
            facts = self._narrow(turn, [f for pid in partner_ids[:MAX_NAMES] for f in self._facts_for(pid, nearest)])
            if facts:
                missing = "・".join(self._topic_label(t) for t in topics if t in _NEAREST)
                notes = (
                    f"{self.compose.names(partner_ids)}の{missing}としての記載はないため、近い記載をお示しします。",
                )
                topics = nearest
                return replace(
                    self._partner_slots(turn, partner_ids, topics) or self._nothing_for(turn, partner_ids, topics),
                    notes=notes,
                )
        if not facts:
            return self._nothing_for(turn, partner_ids, topics)
        many = len(partner_ids) > 1
        label = self._topic_label(self._answered_topic(facts, topics))
        who = "各市" if many and len(partner_ids) == len(self.kb.partners) else self.compose.names(partner_ids)
        listed = (
            self._listed(facts)
            if not many
            else tuple(
                Choice(self.kb.partner(p).name, f"{self.kb.partner(p).short_name}の{label}は?") for p in partner_ids
            )
        )
        sections = self.compose.fact_sections(facts, with_owner=many)
        if len(sections) == 1 and sections[0].label in f"{who}の{label}":
            sections = (replace(sections[0], label=""),)  # the title says what it is
        answer = Answer(
            kind="answer",
            confidence=self._slot_confidence(turn),
            title=f"{who}の{label}",
            sections=sections,
            source=self.compose.cite(facts),
            statuses=tuple(to_status(e, turn.now) for e in self._events_in(facts))
            if turn.has_topic(*CEREMONY_TOPICS)
            else (),
            notes=self._interpretations(turn.intent) + self._notes_for(turn, partner_ids, facts),
            topic_id=topics[0],
            partner_ids=partner_ids,
            suggestions=self._follow_ups(partner_ids[0], exclude=topics) if not many else (),
            conversation=Conversation(
                event_ids=tuple(e.id for e in self._events_in(facts)), listed=listed, person=self._person_in(facts)
            ),
        )
        if answer.confidence < CLARIFY_BELOW:
            return self._did_you_mean(answer)
        return answer

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

    def _answered_topic(self, facts: list[Fact], topics: list[str]) -> str:
        return next((t for t in topics if any(_to_topic(f.topic) == t for f in facts)), topics[0])

    def _notes_for(self, turn: Turn, partner_ids: tuple[str, ...], facts: list[Fact]) -> tuple[str, ...]:
        notes = []
        if turn.from_context and not turn.read.refers_back:
            notes.append(f"前の質問に続けて、{self.compose.names(partner_ids)}について回答しています。")
        missing = self._missing_words(turn, facts)
        if missing:
            notes.append(f"「{'・'.join(missing)}」についての記載は資料にありません。分かることをお示しします。")
        if turn.intent.foreign_places:
            notes.append(f"{'・'.join(turn.intent.foreign_places)}との覚書は資料にないため、回答に含めていません。")
        if turn.has_topic("address") and not any(f.topic == "address" for f in facts):
            notes.append("住所は資料に記載がありません。場所をお示しします。")
        return tuple(notes)

    def _missing_words(self, turn: Turn, facts: list[Fact]) -> list[str]:
        """Content nouns that no fact of the whole knowledge base supports (never question words)."""
        shown = to_key(" ".join(f"{f.label} {f.text}" for f in facts))
        missing = []
        for token in turn.intent.content:
            if not self._is_content_noun(token) or token.key in shown:
                continue
            if any(feature in self.index.postings for feature in to_features(token.surface)):
                continue
            missing.append(token.surface)
        return list(dict.fromkeys(missing))

    def _is_content_noun(self, token: Token) -> bool:
        if token.is_latin:
            return len(token.key) > 2 and not set(latin_words(token.surface)) <= _QUESTION_WORDS
        return token.pos[0] == "名詞" and token.pos[1] not in ("数詞", "代名詞") and len(token.key) >= 2

    def _nothing_for(self, turn: Turn, partner_ids: tuple[str, ...], topics: list[str]) -> Answer:
        label = self._topic_label(topics[0])
        names = self.compose.names(partner_ids)
        documents = [
            self.kb.document_by_id(e.document_id).title for pid in partner_ids for e in self.kb.partner(pid).engagements
        ]
        return Answer(
            kind="fallback",
            confidence=0.9,
            title=f"{names}の{label}は資料に記載がありません。",
            sections=(Section("", text=f"資料（{'、'.join(dict.fromkeys(documents))}）に{label}の記載はありません。"),),
            suggestions=self._follow_ups(partner_ids[0], exclude=topics),
            partner_ids=partner_ids,
        )

    def _duration(self, turn: Turn) -> Answer | None:
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

    def _document_slots(self, turn: Turn, topics: list[str]) -> Answer | None:
        documents = self._documents_for(turn)
        wanted = set(topics)
        if "contact" in wanted:
            wanted |= {t.id for t in self.kb.vocabulary.topics if t.facet_of == "contact"} - {"contact_extension"}
        if "announcement" in wanted:
            wanted |= {"announcement_title", "announcement_date", "announcement_issuer"}
        facts = [f for d in documents for f in self.shared.get(d, []) if f.topic in wanted]
        if not facts:
            return None
        label = "・".join(self._topic_label(t) for t in topics)
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

    def _document_sections(self, facts: list[Fact], *, many: bool) -> tuple[Section, ...]:
        sections = []
        for document_id in dict.fromkeys(f.document_id for f in facts):
            document = self.kb.document_by_id(document_id)
            mine = [f for f in facts if f.document_id == document_id]
            items = tuple(f"{f.label}：{f.text}" for f in mine)
            sections.append(Section(f"{format_date(document.date)}の発表" if many else "", items=items))
        return tuple(sections)

    def _documents_for(self, turn: Turn) -> list[str]:
        if turn.intent.documents:
            return list(turn.intent.documents)
        if turn.intent.partner_ids:
            return [e.document_id for pid in turn.intent.partner_ids for e in self.kb.partner(pid).engagements]
        return self._documents_meant(turn)

    def _nth_memorandum(self, turn: Turn) -> Answer | None:
        """「4例目はどこ?」: the partner whose memorandum the documents number so."""
        asked = re.search(r"(\d+)(?:例目|件目|番目)", turn.read.key)
        if not asked or turn.intent.partner_ids:
            return None
        number = int(asked[1])
        found = [(e, p) for p in self.kb.partners for e in p.engagements if e.ordinal == number]
        if not found:
            return None
        engagement, partner = found[0]
        facts = [f for f in self.shared.get(engagement.document_id, []) if f.topic == "precedent"]
        return Answer(
            kind="answer",
            confidence=0.95,
            title=f"{number}例目は{partner.name}です。",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            topic_id="precedent",
            partner_ids=(partner.id,),
        )

    def _precedent(self, turn: Turn, *, yes_no: bool) -> Answer | None:
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
        return Answer(
            kind="answer",
            confidence=0.95,
            title=lead or facts[0].text,
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            topic_id="precedent",
            partner_ids=turn.intent.partner_ids,
        )

    def _partners_answer(self, turn: Turn, partner_ids: Sequence[str], *, lead: str = "") -> Answer:
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
        return Answer(
            kind="answer",
            confidence=0.8,
            title=f"{self.compose.names(partner_ids)}との覚書の概要",
            sections=self.compose.fact_sections(facts),
            source=self.compose.cite(facts),
            suggestions=self._follow_ups(partner_ids[0]),
            partner_ids=partner_ids,
            conversation=Conversation(listed=self._listed(facts)),
        )

    # --- search: content words alone ---------------------------------------------------------------------

    def _search(self, turn: Turn) -> Answer | None:
        if not turn.intent.content:
            return None
        hits = self._hits(turn, turn.partner_ids) or (self._hits(turn, ()) if turn.from_context else [])
        if hits:
            return self._passage_answer(hits, turn)
        if turn.intent.partner_ids:
            names = self.compose.names(turn.intent.partner_ids)
            asked = (
                "・".join(dict.fromkeys(t.surface for t in turn.intent.content if self._is_content_noun(t)))
                or turn.question
            )
            return self._fallback(turn, f"{names}について「{asked}」に当たる記載は資料にありません。")
        return None

    def _english_content(self, turn: Turn) -> list[str]:
        return [
            w
            for seg in turn.intent.segments
            if seg.isascii()
            for w in latin_words(seg)
            if w not in _QUESTION_WORDS and not romaji_to_katakana(w)
        ]

    def _query(self, turn: Turn) -> set[str]:
        query: set[str] = set()
        english = bool(set(turn.read.words) & _ENGLISH_FUNCTION_WORDS)
        for segment in turn.intent.segments:
            if segment.isascii() and set(latin_words(segment)) <= _QUESTION_WORDS:
                continue
            if segment.isascii() and english:
                # English, not romaji: "decide" is no でしで. Only words the documents have count.
                query |= {f"w:{w}" for w in latin_words(segment) if f"w:{w}" in self.index.postings}
                continue
            features = to_query_features(segment)
            if segment.isascii():
                # Romaji carries particles and verbs (no, wo, oshiete) that no fact has: keep what is known.
                features = {f for f in features if f in self.index.postings}
            query |= features
        return query

    def _hits(self, turn: Turn, partner_ids: tuple[str, ...]) -> list[Hit]:
        query = self._query(turn)
        hits = self.index.search(query, partner_ids=partner_ids)
        if len(partner_ids) > 1:
            # What the partners' documents say of them all counts too (「3市との覚書で促進したいのは?」).
            documents = {e.document_id for pid in partner_ids for e in self.kb.partner(pid).engagements}
            shared = [
                h
                for h in self.index.search(query, limit=20)
                if h.fact.partner_id is None and h.fact.document_id in documents
            ]
            hits = sorted(shared + hits, key=lambda h: -round(h.score, 3))[:5]
        if not hits or not _is_found(hits[0]):
            return []
        # Equally good facts: the one of the topic asked first (「地域基本計画の名前」 is a plan).
        return sorted(hits, key=lambda h: (-round(h.score, 3), not self._fact_in_topics(h.fact, turn.topics)))

    def _content_weight(self, turn: Turn) -> float:
        query = self._query(turn)
        return sum(w for f, w in self.index.weights(query).items() if f in self.index.postings)

    # --- helpers ---------------------------------------------------------------------------------------------

    def _facts_for(self, partner_id: str, topics: list[str]) -> list[Fact]:
        wanted = set()
        for topic in topics:
            wanted |= _EXPANDS.get(topic, {topic})
        facts = [f for f in self.by_partner.get(partner_id or "", []) if f.topic in wanted]
        if "headline" in topics:
            documents = {e.document_id for e in self.kb.partner(partner_id).engagements}
            facts += [
                f
                for d in documents
                for f in self.shared.get(d, [])
                if f.topic in ("announcement_title", "announcement_subtitle")
            ]
        if "cooperation" in topics and not any(f.topic == "cooperation" for f in facts):
            facts += [
                f
                for f in self.by_partner.get(partner_id or "", [])
                if f.topic.startswith("section:") and f.label.startswith("(")
            ]
        return facts

    def _ceremonies(self, partner_ids: Sequence[str]) -> list[Event]:
        return [c for pid in partner_ids for e in self.kb.partner(pid).engagements if (c := e.ceremony)]

    def _all_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.kb.partners)

    def _is_about_ceremonies(self, turn: Turn) -> bool:
        named = [t for t in turn.topics if t not in turn.intent.weak_topics]
        return (
            any(t in CEREMONY_TOPICS for t in named)
            or bool(re.search(r"締結式|式典|テイケツシキ|シキテン|調印", turn.read.key + turn.read.reading))
            or ("ceremoni" in latin_words(turn.read.text))
        )

    def _events_in(self, facts: list[Fact]) -> list[Event]:
        return list(dict.fromkeys(e for f in facts if (e := f.event)))

    def _person_in(self, facts: list[Fact]) -> str:
        people = [getattr(f.value, "family_name", "") for f in facts if f.topic == "ceremony_who"]
        return people[0] if len(people) == 1 else ""

    def _listed(self, facts: list[Fact]) -> tuple[Choice, ...]:
        titles = [f for f in facts if f.topic == "project_title"]
        if titles:
            return tuple(Choice(f.label, f"{self.compose.owner(f)}の「{f.label}」について詳しく") for f in titles)
        items = [f for f in facts if f.label.startswith("(")]
        return tuple(Choice(f.text, f"{self.compose.owner(f)}の{f.section}の{f.index}番目") for f in items)

    def _topic_label(self, topic: str) -> str:
        if topic.startswith("section:"):
            return topic.removeprefix("section:")
        if topic == "headline":
            return "発表のタイトル・サブタイトル"
        return next((t.label for t in self.kb.vocabulary.topics if t.id == topic), topic)

    def _slot_confidence(self, turn: Turn) -> float:
        topic = turn.intent.topic_confidence
        return self._partner_confidence(turn) * topic

    def _partner_confidence(self, turn: Turn) -> float:
        return turn.intent.partner_confidence if turn.intent.partners else 1.0

    def _follow_ups(self, partner_id: str | None, exclude: Sequence[str] = ()) -> tuple[Choice, ...]:
        if not partner_id:
            return ()
        partner = self.kb.partner(partner_id)
        return tuple(
            Choice(self._topic_label(t), f"{partner.short_name}の{self._topic_label(t)}は?")
            for t in SUGGESTED_TOPICS
            if t not in exclude and self._facts_for(partner_id, [t])
        )

    def _interpretations(self, intent: Intent) -> tuple[str, ...]:
        notes = []
        for match in intent.fuzzy_matches():
            meaning = self.kb.partner(match.entry.target).name if match.entry.kind == "partner" else match.entry.phrase
            notes.append(f"「{match.typed}」を「{meaning}」と解釈しました。")
        return tuple(dict.fromkeys(notes))

    # --- asking back and saying no --------------------------------------------------------------------------

    def _clarify_partner(self, topics: list[str]) -> Answer:
        label = self._topic_label(topics[0])
        choices = [Choice(p.name, f"{p.short_name}の{label}は?") for p in self.kb.partners[:MAX_NAMES]]
        choices.append(Choice("すべての市", f"各市の{label}は?"))
        return Answer(
            kind="clarify",
            confidence=0.5,
            title=f"どの市の{label}についてお調べしますか?",
            suggestions=tuple(choices),
            topic_id=topics[0],
        )

    def _did_you_mean(self, answer: Answer) -> Answer:
        return Answer(
            kind="clarify",
            confidence=answer.confidence,
            title=f"もしかして「{answer.title}」のことですか?",
            notes=answer.notes,
            suggestions=(Choice(answer.title, f"{answer.title}は?"),),
            topic_id=answer.topic_id,
            partner_ids=answer.partner_ids,
        )

    def _fallback(self, turn: Turn | None, message: str) -> Answer:
        partner_ids = turn.intent.partner_ids if turn else ()
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
            suggestions=self._follow_ups(partner_ids[0] if partner_ids else self.kb.partners[0].id),
            partner_ids=tuple(partner_ids),
        )

    def _input_problem(self, question: str) -> Answer | None:
        text = clean(question)
        examples = tuple(Choice(q, q) for q in to_examples(self.kb)[:3])
        if not text or re.fullmatch(r"[?？!！.。…・\s]+", text):
            return Answer(
                kind="help",
                confidence=1.0,
                title="ご質問をどうぞ。",
                sections=(Section("質問の例", items=tuple(c.label for c in examples)),),
                suggestions=examples,
            )
        if len(text) > MAX_QUESTION_CHARS:
            return self._fallback(None, too_long_text(len(text)))
        if not any(ch.isalnum() for ch in text):
            return self._fallback(None, "ご質問を読み取れませんでした。文字で質問してください。")
        return None


def _is_found(hit: Hit) -> bool:
    """Most of what was asked is in the fact, or all that the documents know of it and that is a lot
    (「スノースポーツのやつのターゲット」: ターゲット is nowhere, スノースポーツ points at one project)."""
    return (
        hit.score >= CONFIDENT
        or (hit.coverage >= 0.85 and hit.matched >= 6.0 and hit.score >= 0.3)
        or (hit.coverage >= 0.99 and hit.matched >= 3.5 and hit.score >= 0.4)
    )


def _with_secondary_note(answer: Answer) -> Answer:
    """Facts from a report about a document (news) say so in the answer itself, not only the source line."""
    reports = [c.secondary for c in answer.source.citations if c.secondary] if answer.source else []
    if not reports:
        return answer
    note = f"この内容は{'、'.join(dict.fromkeys(reports))}によるもので、発表資料そのものの記載ではありません。"
    return replace(answer, notes=(*answer.notes, note))


# What to answer when a partner's documents lack the field asked: the nearest that they have.
_NEAREST = {"period": "plans", "theme": "headline", "address": "ceremony_where", "projects": "cooperation"}

_EXPANDS: dict[str, set[str]] = {
    "projects": {"project_title", "projects"},
    "ceremony": {"ceremony_when", "ceremony_where", "ceremony_who", "address"},
    "ceremony_where": {"ceremony_where", "address"},
    "plans": {"plans"},
    "address": {"address", "ceremony_where"},
}


def _to_topic(fact_topic: str) -> str:
    return {"project_title": "projects"}.get(fact_topic, fact_topic)


# How a bare いつ / 誰 / どこ asks about a topic that is not a ceremony (「総合計画はいつから?」).
_WH_TARGETS = {
    ("plans", "when"): "period",
    ("period", "when"): "period",
    ("announcement", "when"): "announcement_date",
    ("announcement", "who"): "announcement_issuer",
    ("announcement", "where"): "announcement_issuer",
    ("contact", "who"): "contact_person",
    ("contact", "where"): "contact_department",
}


def _retarget(intent: Intent, context_topic: str | None) -> list[str]:
    topics = intent.topics
    if not intent.asked_wh:
        return topics
    named = [t for t in topics if t not in ("ceremony_when", "ceremony_where", "ceremony_who")]
    base = named or ([context_topic] if context_topic and not intent.partner_ids else [])
    for topic in base:
        for wh in sorted(intent.asked_wh):
            target = _WH_TARGETS.get((topic.split("_")[0] if topic.startswith("announcement") else topic, wh))
            if target:
                return [target] + [t for t in named if t != topic]
    return topics


def _group_by(facts: list[Fact], key: Callable[[Fact], str]) -> dict[str, list[Fact]]:
    """Facts by partner, topic or document, so that a question costs the same at 3,000 partners."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(key(fact), []).append(fact)
    return groups


def _to_known_readings(kb: KnowledgeBase, facts: list[Fact]) -> frozenset[str]:
    """Readings (and lemmas) of every word the documents and the vocabulary use: a question word
    with one of these is understood, even when written with other characters (開場 for 会場)."""
    texts = [f"{f.label} {f.text}" for f in facts]
    texts += [s for t in kb.vocabulary.topics for s in t.synonyms] + [n for p in kb.partners for n in p.names]
    known: set[str] = set()
    for text in texts:
        for token in tokenize(text):
            known.update((token.reading, token.lemma))
    return frozenset(known)


def _to_groups(kb: KnowledgeBase) -> dict[int, tuple[str, ...]]:
    """Documents by how many partners they announce, where that number is unique (「3市」)."""
    groups: dict[int, list[tuple[str, ...]]] = {}
    for document in kb.documents:
        ids = tuple(e.partner_id for e in document.engagements)
        groups.setdefault(len(ids), []).append(ids)
    return {size: lists[0] for size, lists in groups.items() if len(lists) == 1 and size > 1}


__all__ = ["WEEKDAYS", "Engine", "similarity"]
