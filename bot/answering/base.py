"""The shared ground of the answerers: the turn, the services built once per knowledge base (the
indexes, the composer) and the helpers every kind of answer uses. Each answerer is an object on
this ground, given the other answerers it needs; `bot.answering.engine.Engine` declares the cascade."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from bot.answering.answer import Answer, EventStatus, Section, Source
from bot.answering.compose import Composer
from bot.answering.help import MAX_NAMES, to_city, to_intro
from bot.answering.status import to_status
from bot.answering.understand import Intent, Understander
from bot.knowledge.facts import CONFIDENT, Fact, FactIndex, Hit, Names, to_query_features
from bot.knowledge.model import Event, KnowledgeBase, Partner
from bot.language.messages import Language, say, to_label
from bot.language.question import (
    Reading,
)
from bot.language.text import Token, latin_words, romaji_to_katakana, to_key, word_forms
from bot.store.records import Choice, Conversation

CLARIFY_BELOW = 0.6
CEREMONY_TOPICS = ("ceremony", "ceremony_when", "ceremony_where", "ceremony_who", "address")
SUGGESTED_TOPICS = ("cooperation", "projects", "ceremony", "theme")
# Words that ask or connect rather than name what is asked; never "missing" from the documents.
QUESTION_WORDS = frozenset(
    """
    what is are was were be been the a an of about for in on at to with and or do does did can could would will
    you i we me my our your please tell show give list who whom whose when where which how why s there this that
    these those it its by from any some all each every much many long get know want need let more detail details
    take place happen held hold bureau city cities municipality one ones
    talk talks mention mentions mentioned say says said line briefly number
    """.split()
)


# Topic words so general that distinctive content next to them decides what is asked.
GENERIC_TOPIC_WORDS = frozenset(
    to_key(w)
    for w in "連携 協力 推進 事業 取組 取り組み 施策 目的 目指す めざす 目標 概要 計画 戦略 方針 指針 "
    "まちづくり 発表 資料 狙い ねらい プロジェクト 主なプロジェクト 理由 背景".split()
)

# Words that point back at something said before (not この: "this" document is the bot's own).
POINTING = frozenset("ソコ ソノ ソレ ソッチ ソチラ アノ アソコ アレ".split())

# Claims that are question words themselves (「それは何?」 claims nothing).
WH_CLAIMS = frozenset(to_key(w) for w in "何 なに なん どこ いつ 誰 だれ どれ どう どんな".split())

# Words that only English has: a latin question with one of these is English, not romaji.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the is are was were did does do what which who when where why how of for with a an".split()
)

# Nouns that say how something is asked (its time of day, order, meaning, name), not what.
ASKING_NOUNS = frozenset(
    """
    午前 午後 午前中 昼 朝 夕方 何人 人数 最後 最初 一番 違い 比較 共通 意味 名前 正確 状況 状態 段階 役職 時点
    予定 次 前 後 数 件数 回目 長さ 期間 方 中 根拠 法律 種類 分野 内容 項目 全体 詳細 概要 特徴 ポイント 要点
    何者 何月 何分 何分間 分間 何時間 一緒 客層 層 ターゲット 対象 相手 何個 何件 何つ 何本 何回 合計 総数 関係 中身
    月曜 火曜 水曜 木曜 金曜 土曜 日曜 月曜日 火曜日 水曜日 木曜日 金曜日 土曜日 日曜日 曜日 何曜 何曜日 平日 週末 土日
    人 方々 ところ
    フルネーム 氏名 名字 苗字 下の名前 役職 肩書き 肩書 名称 正式名称 出典 情報源 ソース
    確認 教示 そもそも 記載 言及 記述 文言 言葉 表現 一文 文章 書き方 意味合い 事前
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
    # The language of the question: the bot answers in it (the facts stay as the documents write them).
    language: Language = "ja"

    def say(self, key: str, **values: object) -> str:
        """The catalog's words for `key` in the question's language."""
        return say(key, self.language, **values)

    @property
    def topics(self) -> list[str]:
        return self.intent.topics

    def has_topic(self, *topic_ids: str) -> bool:
        return any(t in topic_ids for t in self.intent.topics)


Answerer = Callable[[Turn], Answer | None]
Reader = Callable[[str, Conversation, datetime], Turn]
"""Reads a question into a turn in a conversation at a time (`Engine.read_turn`)."""


@dataclass(frozen=True)
class Services:
    """What every answerer shares, built once per knowledge base (`Engine.__init__`)."""

    kb: KnowledgeBase
    understander: Understander
    facts: list[Fact]
    index: FactIndex
    compose: Composer
    groups: dict[int, tuple[str, ...]]
    known_readings: frozenset[str]
    by_partner: dict[str, list[Fact]]
    by_topic: dict[str, list[Fact]]
    shared: dict[str, list[Fact]]


class Answering:
    """The ground every answerer stands on: the shared services and the helpers every kind of answer
    uses. An answerer is a subclass instance; what it needs of another answerer is passed in."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.kb = services.kb
        self.understander = services.understander
        self.facts = services.facts
        self.index = services.index
        self.compose = services.compose
        self.groups = services.groups
        self.known_readings = services.known_readings
        self.by_partner = services.by_partner
        self.by_topic = services.by_topic
        self.shared = services.shared

    def _is_content_noun(self, token: Token) -> bool:
        if token.is_latin:
            # "And the Kitami one?": a partner's name with question words names nothing more.
            return len(token.key) > 2 and not set(latin_words(token.surface)) <= QUESTION_WORDS | self._latin_names
        return token.pos[0] == "名詞" and token.pos[1] not in ("数詞", "代名詞") and len(token.key) >= 2

    @cached_property
    def _latin_names(self) -> frozenset[str]:
        return frozenset(w for p in self.kb.partners for n in p.names for w in latin_words(n))

    @cached_property
    def _partner_names(self) -> Names:
        return Names(tuple(n for p in self.kb.partners for n in p.names))

    def _names_partner(self, text: str) -> bool:
        """Whether a text writes a partner's name (not: says a date or a place that points at one)."""
        return self._partner_names.blank(text) != text

    def _answered_topic(self, facts: list[Fact], topics: list[str]) -> str:
        return next((t for t in topics if any(to_topic(f.topic) == t for f in facts)), topics[0])

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

    def _partners_in_scope(self, turn: Turn) -> tuple[str, ...]:
        years = turn.read.conditions.years
        documents = [d for d in self.kb.documents if not years or d.date.year in years]
        if turn.intent.partner_ids and self._group_named(turn.read):
            return turn.partner_ids
        return tuple(dict.fromkeys(e.partner_id for d in documents for e in d.engagements))

    def _cite_partners(self, partner_ids: Sequence[str], language: str = "ja") -> Source | None:
        documents = [e.document_id for pid in partner_ids for e in self.kb.partner(pid).engagements]
        return self.compose.cite_documents(documents, language=language) if documents else None

    def _reference_event(self, turn: Turn) -> Event | None:
        if turn.intent.partner_ids:
            return self.kb.partner(turn.intent.partner_ids[0]).ceremony
        for event_id in turn.context.event_ids[:1]:
            return next((e for e in self.kb.all_events() if e.id == event_id), None)
        if turn.context.partner_ids:
            return self.kb.partner(turn.context.partner_ids[0]).ceremony
        return None

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

    def _owner_partner(self, fact: Fact) -> str | None:
        """The partner a fact is about: its own, or the only partner of its document."""
        if fact.partner_id:
            return fact.partner_id
        engagements = self.kb.document_by_id(fact.document_id).engagements
        return engagements[0].partner_id if len(engagements) == 1 else None

    def _specific_topics(self, turn: Turn) -> list[str]:
        generic = {m.entry.target for m in turn.intent.topic_matches if to_key(m.entry.phrase) in GENERIC_TOPIC_WORDS}
        return [t for t in turn.topics if t not in turn.intent.weak_topics and t not in generic]

    def _fact_in_topics(self, fact: Fact, topics: list[str]) -> bool:
        wanted = set(topics) | ({"project_title"} if "projects" in topics else set())
        wanted |= {"ceremony_when", "ceremony_where", "ceremony_who", "address"} if "ceremony" in topics else set()
        wanted |= {"plans", "period", "promotion"} if "plans" in topics else set()
        return fact.topic in wanted

    def _documents_for(self, turn: Turn) -> list[str]:
        if turn.intent.documents:
            return list(turn.intent.documents)
        if turn.intent.partner_ids:
            return [e.document_id for pid in turn.intent.partner_ids for e in self.kb.partner(pid).engagements]
        return self._documents_meant(turn)

    def _english_content(self, turn: Turn) -> list[str]:
        return [
            w
            for seg in turn.intent.segments
            if seg.isascii()
            for w in latin_words(seg)
            if w not in QUESTION_WORDS and not romaji_to_katakana(w)
        ]

    def _query(self, turn: Turn) -> set[str]:
        query: set[str] = set()
        english = bool(set(turn.read.words) & ENGLISH_FUNCTION_WORDS)
        for segment in turn.intent.segments:
            if segment.isascii() and set(latin_words(segment)) <= QUESTION_WORDS:
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
        return query | self._translated(turn)

    def _translated(self, turn: Turn) -> set[str]:
        """English words the documents hold only in Japanese, through the vocabulary's translations."""
        return {f for ja in self._translations_in(turn) for f in to_query_features(ja)}

    def _translations_in(self, turn: Turn) -> list[str]:
        """The Japanese of every English word or phrase of the vocabulary's translations in a question."""
        return [ja for _, ja in self._translated_pairs(turn)]

    def _translated_pairs(self, turn: Turn) -> list[tuple[str, str]]:
        """(the English as typed, its Japanese) for every translation of the vocabulary in a question."""
        if not turn.read.text.isascii() and not re.search(r"[a-zA-Z]{3}", turn.read.text):
            return []
        text = " " + " ".join(turn.read.text.lower().replace("-", " ").split()) + " "
        return [
            (found[0], ja)
            for pattern, japanese in self._translation_patterns
            if (found := pattern.search(text))
            for ja in japanese
        ]

    @cached_property
    def _translation_patterns(self) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
        return tuple(
            (re.compile(rf"(?<![a-z]){re.escape(english)}(?:s|es)?(?![a-z])"), japanese)
            for english, japanese in self.kb.vocabulary.translations
        )

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
        if not hits or not is_found(hits[0]):
            return []
        # Equally good facts: the one of the topic asked first (「地域基本計画の名前」 is a plan).
        return sorted(hits, key=lambda h: (-round(h.score, 3), not self._fact_in_topics(h.fact, turn.topics)))

    def _content_weight(self, turn: Turn) -> float:
        query = self._query(turn)
        return sum(w for f, w in self.index.weights(query).items() if f in self.index.postings)

    def _facts_for(self, partner_id: str, topics: list[str]) -> list[Fact]:
        wanted = set()
        for topic in topics:
            wanted |= EXPANDS.get(topic, {topic})
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
        # What a numbered pick (「2番目」) asks: internal questions, in the documents' words.
        titles = [f for f in facts if f.topic == "project_title"]
        if titles:
            return tuple(Choice(f.label, f"{self.compose.owner(f)}の「{f.label}」について詳しく") for f in titles)
        items = [f for f in facts if f.label.startswith("(")]
        return tuple(Choice(f.text, f"{self.compose.owner(f)}の{f.section}の{f.index}番目") for f in items)

    def _topic_label(self, topic: str, language: str = "ja") -> str:
        if topic.startswith("section:"):
            return to_label(topic.removeprefix("section:"), language)
        if topic == "headline":
            return say("headline", language)
        return next((t.label_in(language) for t in self.kb.vocabulary.topics if t.id == topic), topic)

    def _slot_confidence(self, turn: Turn) -> float:
        topic = turn.intent.topic_confidence
        return self._partner_confidence(turn) * topic

    def _partner_confidence(self, turn: Turn) -> float:
        return turn.intent.partner_confidence if turn.intent.partners else 1.0

    def _follow_ups(
        self, partner_id: str | None, exclude: Sequence[str] = (), language: str = "ja"
    ) -> tuple[Choice, ...]:
        if not partner_id:
            return ()
        partner = self.kb.partner(partner_id)
        shown = set(self._facts_for(partner_id, list(exclude))) if exclude else set()
        # A suggestion that would answer with the facts just shown (北見's 連携事項 are its 主な内容) is none.
        return tuple(
            self._topic_choice(partner, t, language)
            for t in SUGGESTED_TOPICS
            if t not in exclude and (facts := self._facts_for(partner_id, [t])) and not set(facts) <= shown
        )

    def _topic_choice(self, partner: Partner, topic: str, language: str) -> Choice:
        """A choice that asks for one topic of a partner, in `language` (the question picks it again)."""
        label = self._topic_label(topic, language)
        asked = to_city(partner, language)
        return Choice(label[:1].upper() + label[1:], say("ask_topic", language, partner=asked, topic=label))

    def _interpretations(self, intent: Intent, language: str = "ja") -> tuple[str, ...]:
        notes = []
        for match in intent.fuzzy_matches():
            is_partner = match.entry.kind == "partner"
            meaning = self.kb.partner(match.entry.target).name_in(language) if is_partner else match.entry.phrase
            notes.append(say("interpreted", language, typed=match.typed, meaning=meaning))
        return tuple(dict.fromkeys(notes))

    def _facts_answer(
        self,
        title: str,
        facts: Sequence[Fact],
        *,
        topic: str | None,
        partner_ids: Sequence[str] = (),
        confidence: float = 0.9,
        language: str = "ja",
    ) -> Answer:
        """An answer that shows facts (grouped by partner and section) and cites where they come from."""
        return Answer(
            kind="answer",
            confidence=confidence,
            title=title,
            sections=self.compose.fact_sections(facts, language=language),
            source=self.compose.cite(facts, language),
            topic_id=topic,
            partner_ids=tuple(partner_ids),
        )

    def _events_answer(
        self,
        title: str,
        events: Sequence[Event],
        *,
        about: Sequence[Event] | None = None,
        label: str = "",
        lines: Sequence[str] | None = None,
        confidence: float = 0.9,
        now: datetime | None = None,
        language: str = "ja",
    ) -> Answer:
        """An answer that lists ceremonies (one line each) and remembers the ones it is `about`
        (by default all of them) for 「その次は?」「そのうち早いほうは?」."""
        about = events if about is None else about
        shown = tuple(lines) if lines is not None else tuple(self.compose.event_line(e, language) for e in events)
        return Answer(
            kind="answer",
            confidence=confidence,
            title=title,
            sections=(Section(label, items=shown),) if shown else (),
            statuses=tuple(self._status(e, now, language) for e in about) if now else (),
            source=self.compose.cite_events(events, language),
            topic_id="ceremony",
            partner_ids=tuple(e.partner_id for e in about if e.partner_id),
            conversation=Conversation(event_ids=tuple(e.id for e in about)),
        )

    def _status(self, event: Event, now: datetime, language: str) -> EventStatus:
        return to_status(event, now, language, self.compose.event_title(event, language))

    def _clarify_partner(self, topics: list[str], language: str = "ja") -> Answer:
        label = self._topic_label(topics[0], language)
        choices = [self._topic_choice(p, topics[0], language) for p in self.kb.partners[:MAX_NAMES]]
        choices = [Choice(p.name_in(language), c.question) for p, c in zip(self.kb.partners, choices, strict=False)]
        choices.append(Choice(say("every_partner", language), say("ask_topic_every", language, topic=label)))
        return Answer(
            kind="clarify",
            confidence=0.5,
            title=say("which_partner", language, topic=label),
            suggestions=tuple(choices),
            topic_id=topics[0],
            language=to_language(language),
        )

    def _did_you_mean(self, answer: Answer) -> Answer:
        question = say("ask_title", answer.language, title=answer.title)
        if answer.language == "en" and answer.topic_id and len(answer.partner_ids) == 1:
            # An English title names the city in kanji too: asked back as it is, it would read as Japanese.
            question = self._topic_choice(self.kb.partner(answer.partner_ids[0]), answer.topic_id, "en").question
        return Answer(
            kind="clarify",
            confidence=answer.confidence,
            title=say("did_you_mean", answer.language, title=answer.title),
            notes=answer.notes,
            suggestions=(Choice(answer.title, question),),
            topic_id=answer.topic_id,
            partner_ids=answer.partner_ids,
            language=answer.language,
        )

    def _fallback(self, turn: Turn | None, message: str, language: str | None = None) -> Answer:
        partner_ids = turn.intent.partner_ids if turn else ()
        language = language or (turn.language if turn else "ja")
        terms = say("word_separator", language).join(g.term for g in self.kb.glossary)
        can = (
            say("can_partners", language),
            say("can_ceremonies", language),
            say("can_terms", language, terms=terms) if terms else say("can_plans", language),
        )
        return Answer(
            kind="fallback",
            confidence=0.0,
            title=message,
            sections=(Section(say("can_answer", language), text=to_intro(self.kb, language), items=can),),
            suggestions=self._follow_ups(partner_ids[0] if partner_ids else self.kb.partners[0].id, (), language),
            partner_ids=tuple(partner_ids),
            language=to_language(language),
        )


def is_found(hit: Hit) -> bool:
    """Most of what was asked is in the fact, or all that the documents know of it and that is a lot
    (「スノースポーツのやつのターゲット」: ターゲット is nowhere, スノースポーツ points at one project)."""
    return (
        hit.score >= CONFIDENT
        or (hit.coverage >= 0.85 and hit.matched >= 6.0 and hit.score >= 0.3)
        or (hit.coverage >= 0.99 and hit.matched >= 3.5 and hit.score >= 0.4)
    )


def with_secondary_note(answer: Answer) -> Answer:
    """Facts from a report about a document (news) say so in the answer itself, not only the source line."""
    reports = [c.secondary for c in answer.source.citations if c.secondary] if answer.source else []
    if not reports:
        return answer
    separator = say("section_separator", answer.language)
    note = say("secondary_note", answer.language, reports=separator.join(dict.fromkeys(reports)))
    return replace(answer, notes=(*answer.notes, note))


# What to answer when a partner's documents lack the field asked: the nearest that they have.
NEAREST = {"period": "plans", "theme": "headline", "address": "ceremony_where", "projects": "cooperation"}

EXPANDS: dict[str, set[str]] = {
    "projects": {"project_title", "projects"},
    "ceremony": {"ceremony_when", "ceremony_where", "ceremony_who", "address"},
    "ceremony_where": {"ceremony_where", "address"},
    "plans": {"plans"},
    "address": {"address", "ceremony_where"},
}


def to_topic(fact_topic: str) -> str:
    return {"project_title": "projects"}.get(fact_topic, fact_topic)


# How a bare いつ / 誰 / どこ asks about a topic that is not a ceremony (「総合計画はいつから?」).
WH_TARGETS = {
    ("plans", "when"): "period",
    ("period", "when"): "period",
    ("announcement", "when"): "announcement_date",
    ("announcement", "who"): "announcement_issuer",
    ("announcement", "where"): "announcement_issuer",
    ("contact", "who"): "contact_person",
    ("contact", "where"): "contact_department",
}


def retarget_topics(intent: Intent, context_topic: str | None) -> list[str]:
    topics = intent.topics
    if not intent.asked_wh:
        return topics
    named = [t for t in topics if t not in ("ceremony_when", "ceremony_where", "ceremony_who")]
    base = named or ([context_topic] if context_topic and not intent.partner_ids else [])
    for topic in base:
        for wh in sorted(intent.asked_wh):
            target = WH_TARGETS.get((topic.split("_")[0] if topic.startswith("announcement") else topic, wh))
            if target:
                return [target] + [t for t in named if t != topic]
    return topics


def group_facts(facts: list[Fact], key: Callable[[Fact], str]) -> dict[str, list[Fact]]:
    """Facts by partner, topic or document, so that a question costs the same at 3,000 partners."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(key(fact), []).append(fact)
    return groups


def to_known_readings(kb: KnowledgeBase, index: FactIndex) -> frozenset[str]:
    """Readings (and lemmas) of every word the documents and the vocabulary use: a question word
    with one of these is understood, even when written with other characters (開場 for 会場)."""
    names = [n for p in kb.partners for n in p.names]
    # The pieces the fact index read (names blanked): each is tokenized once per build.
    texts = [part for pieces in index.pieces for part in pieces]
    texts += [s for t in kb.vocabulary.topics for s in t.synonyms] + names
    known: set[str] = set()
    for text in texts:
        known |= word_forms(text)
    return frozenset(known)


def to_partner_groups(kb: KnowledgeBase) -> dict[int, tuple[str, ...]]:
    """Documents by how many partners they announce, where that number is unique (「3市」)."""
    groups: dict[int, list[tuple[str, ...]]] = {}
    for document in kb.documents:
        ids = tuple(e.partner_id for e in document.engagements)
        groups.setdefault(len(ids), []).append(ids)
    return {size: lists[0] for size, lists in groups.items() if len(lists) == 1 and size > 1}


def to_quoted(words: Sequence[str], language: str = "ja") -> str:
    """What a question named, quoted once as a list: 「IoT・AI」, “IoT, AI”."""
    return say("quoted", language, word=say("word_separator", language).join(words))


def to_language(language: str) -> Language:
    return "en" if language == "en" else "ja"


_EACH = re.compile(
    r"どちらも|どっちも|ドチラモ|ドッチモ|両方|リョウホウ|いずれも|イズレモ|とも|トモ|共に|\bboth\b|\beach\b"
)
_TOGETHER = r"\s*(?:市)?\s*(?:と|や|も|、|,|・|及び|および|\band\b|&)\s*"


def names_together(turn: Turn) -> bool:
    """Whether a question asks of each partner it names: 「旭川と帯広、どちらも〜?」「旭川も帯広も」
    "Asahikawa and Obihiro" (the names side by side, or a word for both)."""
    if _EACH.search(f"{turn.read.text} {turn.read.reading}"):
        return True
    typed = [re.escape(m.typed) for m in turn.intent.partners.values() if m.typed]
    names = "|".join(typed)
    return len(typed) >= 2 and bool(re.search(f"(?:{names}){_TOGETHER}(?:{names})", turn.read.text, re.IGNORECASE))
