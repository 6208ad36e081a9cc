"""Universal and exclusive claims: 「〜だけ?」「全部〜?」「〜以外に〜はある?」「〜ない市はある?」.

A claim is checked over every partner in the data (or the group it names: 「3市とも」), never just
the one named: the engine finds what holds the property (a ceremony condition, a place, a person
at the ceremony, a word in the partner's facts, or simply having a memorandum), then compares that
set with the claim and answers はい/いいえ naming the complete set or the exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from bot.answering.answer import Answer, Section
from bot.answering.base import ASKING_NOUNS, Answering, Turn, to_topic
from bot.answering.claimed import CLAIM_PARTS, ClaimedValues
from bot.answering.reasoning import meets
from bot.knowledge.facts import Fact
from bot.language.messages import say
from bot.language.question import Conditions, is_yes_no
from bot.language.text import raw_latin_words, to_key
from bot.store.records import Conversation

_EXCLUSIVE = re.compile(r"ダケ|ノミ(?!ナラ)|シカ(?!シ)|ニ限|限定")
_UNIVERSAL = re.compile(
    r"ゼンブ|全部|全て|スベテ|ミンナ|ドレモ|イズレモ|ドコモ|ドノ.{0,6}モ|全市|(\d|三|四|二)市トモ|トモニ|各市トモ"
)
_HAS_MEMORANDUM = re.compile(
    r"(覚書|協定)(ヲ|ガ)?(結ン|締結シ|交ワシ|アル)|結ンダ|結ンデ|締結シタ|締結シテ|締結先|連携先"
)
# 「〜は雇用を創出するだけ?」: what is claimed to be all there is (after the topic particle).
# The lists a partner has, by the topic that names them (a project is its title and description).
_LIST_TOPICS = {
    "projects": ("projects",),
    "project_title": ("projects",),
    "cooperation": ("cooperation",),
    "ceremony_who": ("ceremony_who",),
    "plans": ("plans",),
}
# 「〜は全部X?」「〜はどれもX?」「3つともX?」: X claimed of every item of a list.
_EVERY_ITEM = re.compile(
    r"(?:全部|すべて|全て|どれも|いずれも|\d+つとも|みんな)(?:が|、)?\s*(?P<what>[^?？。]{1,30}?)[?？。]*$"
)
_CLAIM_TAIL = re.compile(
    r"(?:に)?(?:関係|関連|絡み|がらみ|の話|の取組|に関するもの)?(?:ですか|でしょうか|ですよね|だよね|なの|か|でした(?:か)?)?$"
)
_COUNT_IN_CLAIM = re.compile(r"\d+\s*(?:つ|件|個|項目|人|名|市)")
_COUNT_TAIL = re.compile(r"の?\d+(?:人|名|つ|件|個|項目)$")
_CONTENT_ONLY = re.compile(r"(?:は|って|が|、)\s*(?P<what>「.+」|[^はがっ、]{2,16}?)(?:だけ|のみ|しか)")
# What a text says when it says more than the claim: 〜することにとどまらず, 〜だけでなく.
_MORE_THAN = re.compile(r"(?:こと)?(?:にとどまらず|に留まらず|だけでなく|だけではなく|のみならず|ばかりでなく|に加え)")
_ROLE = re.compile(r"市長|局長")
# The same roles as English writes them: "the mayor", "the Director-General".
_ROLES_EN = (
    (re.compile(r"\bmayors?\b"), "市長"),
    (re.compile(r"\bdirector[- ]generals?\b|\bbureau chief\b|\bhead of the bureau\b"), "局長"),
)
_COUNTED = re.compile(r"(\d+)(?:市|都市|自治体)")
_NUMBERS_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_COUNTED_EN = re.compile(rf"\b(\d+|{'|'.join(_NUMBERS_EN)}) (?:partner )?(?:cities|municipalities|partners|towns)\b")
# "other than Kitami", "except for Muroran", "besides Obihiro", "apart from Asahikawa".
_EXCEPT_EN = re.compile(r"\b(?:other than|except(?: for)?|besides|apart from|aside from) (?P<what>[a-z][a-z ]{2,30})")
# "a ceremony the mayor did not attend", "a city without …": a property denied.
_NEGATED_EN = re.compile(r"\b(?:not|without)\b|n't\b")
_EXISTS_WORDS = frozenset({"there", "any"})
# "Hi, is Obihiro the only city whose …": a clause that opens with a verb asks whether (whose, that
# and which only relate a clause, they do not ask).
_ASKS_WHETHER_EN = re.compile(r"(?:^|[,.!:;]\s*)(?:is|are|was|were|does|do|did|has|have|had)\b")
_SAME = re.compile(r"同ジ|同一|共通|違ウ|違イ|チガ")
_LIST_ALL = re.compile(r"(ゼンブ|全部|全テ|スベテ)(デ|ヲ)?[?？]?$")
_LISTING = re.compile(r"教エ|挙ゲ|クダサイ|下サイ|一覧|リスト|見セ|出シテ|知リタイ|ホシイ|欲シイ")
_EACH_OF = re.compile(r"ドノ.{0,8}モ|ドレモ|イズレモ|ドコモ")
_ASKS_EXISTS = re.compile(r"アル|アリ|ある|あり|イル|いる")
_CITY_WORDS_EN = frozenset({"city", "cities", "one", "ones", "municipality", "municipalities", "partner", "partners"})
_UNIVERSAL_WORDS = frozenset({"all", "every", "each"})
_OUTSIDE = re.compile(r"以外")
_NEGATED = re.compile(
    r"(?<!シカ)(?:ナイ|ナカッタ|ネエ)(?:市|シ|トコロ|モノ|ノ|覚書|締結式|式)|以外[デノニ]|(?<!シカ)ナイ[?？]?$"
)
# Words that state the claim's shape, not the property claimed.
_CLAIM_WORDS = frozenset(
    to_key(w)
    for w in "だけ のみ しか 全部 全て すべて みんな どれ いずれ 以外 市 都市 自治体 覚書 締結式 式 締結 "
    "出てくる 入る 記載 資料 場所 会場 部屋 とも 含む うち 中 なか ほか 他 ところ もの".split()
)


@dataclass(frozen=True)
class Property:
    """What a claim says the partners have, and how to show it for one partner."""

    holds: Callable[[str], bool]
    show: Callable[[str, str], str]  # (partner id, language) → the line that shows it


class ClaimAnswers(Answering):
    def only_content(self, turn: Turn) -> Answer | None:
        """「北見の戦略は雇用を創出するだけ?」「旭川が狙う富裕層は国内だけ?」: the text that says so
        also says more (〜にとどまらず, 国内外) — answered いいえ with it. Any other reading passes."""
        claimed = _CONTENT_ONLY.search(turn.read.text)
        if not claimed or self.understander.understand(claimed["what"]).partner_ids:
            return None
        what = claimed["what"]
        scope = [f for pid in turn.partner_ids for f in self.by_partner.get(pid, [])] or self.facts
        for fact in scope:
            at = fact.text.find(what)
            after = fact.text[at + len(what) : at + len(what) + 12] if at >= 0 else ""
            if at >= 0 and (_MORE_THAN.match(after) or (what.endswith("内") and after.startswith("外"))):
                return self._facts_answer(
                    turn.say("claim_says_more", owner=self.compose.owner(fact, turn.language)),
                    [fact],
                    topic=fact.topic,
                    partner_ids=turn.partner_ids,
                    confidence=0.85,
                    language=turn.language,
                )
        return None

    def all_items(self, turn: Turn) -> Answer | None:
        """「帯広の連携事項は全部プロモーション関係?」「室蘭のプロジェクトはどれもものづくり?」: whether every
        item of the one partner's list says what is claimed (not whether every city does)."""
        every = _EVERY_ITEM.search(turn.read.text)
        if not every or len(turn.partner_ids) != 1 or turn.read.wh or _COUNT_IN_CLAIM.search(every["what"]):
            return None  # 「全部で3つ?」 claims a count
        claim = _CLAIM_TAIL.sub("", every["what"])
        keys = self.claimed.claimed(claim) or _bare(claim)  # 「支援」 is an act, and here the value
        items = self._listed_items(turn)
        if not keys or len(items) < 2 or self.understander.understand(every["what"]).partner_ids:
            return None
        lacking = [f for f in items if not all(k in to_key(f"{f.label} {f.text}") for k in keys)]
        return self._items_answer(turn, "claim_items_all_no" if lacking else "claim_items_all_yes", claim,
                                  items, lacking or items)

    def only_items(self, turn: Turn) -> Answer | None:
        """「室蘭のプロジェクトは航空宇宙だけ?」「帯広の出席者は米沢市長と安藤局長だけ?」「北見の覚書は
        カーリングの話だけ?」: whether every item of the partner's list is one of those the claim
        names (its projects, items, attendees, plans; of a memorandum, its contents)."""
        claimed = _CONTENT_ONLY.search(turn.read.text)
        if not claimed or len(turn.partner_ids) != 1:
            return None
        if not claimed["what"].startswith("「") and self.understander.understand(claimed["what"]).partner_ids:
            return None  # 「旭川だけ?」 claims a city: `claim`; a quoted title may name one (「…旭川の魅力…」)
        what = _COUNT_TAIL.sub("", claimed["what"])  # 「米沢市長と安藤局長の2人」
        parts = [keys for part in CLAIM_PARTS.split(what) if (keys := self.claimed.claimed(part) or _bare(part))]
        items = self._listed_items(turn)
        if not parts or len(items) < 2:
            return None

        def is_named(fact: Fact) -> bool:
            said = to_key(f"{fact.label} {fact.text}")
            return any(all(k in said for k in keys) for keys in parts)

        others = [f for f in items if not is_named(f)]
        if len(others) == len(items):
            return None  # the claim names none of them: not a claim about this list
        return self._items_answer(turn, "claim_items_only_no" if others else "claim_items_only_yes", what,
                                  items, others or items)

    def _items_answer(self, turn: Turn, key: str, claim: str, items: list[Fact], shown: list[Fact]) -> Answer:
        """The verdict on a partner's list (`key` of the catalog), with the items that show it."""
        title = turn.say(key, owner=self.compose.owner(items[0], turn.language), claim=claim,
                         label=self._topic_label(items[0].topic, turn.language))
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=self.compose.fact_sections(shown, with_owner=False, language=turn.language),
            source=self.compose.cite(shown, turn.language),
            topic_id=to_topic(items[0].topic),
            partner_ids=turn.partner_ids,
        )

    def _listed_items(self, turn: Turn) -> list[Fact]:
        """The partner's list the question names (「プロジェクト」「出席者」), or its memorandum's contents."""
        facts = self.by_partner.get(turn.partner_ids[0], [])
        named = list(dict.fromkeys([*turn.topics, *self._specific_topics(turn)]))
        for topic in named:
            listed_topics = _LIST_TOPICS.get(topic, (topic,) if topic.startswith("section:") else ())
            listed = [f for f in facts if f.topic in listed_topics]
            if listed:
                return listed
        if named:
            return []  # 「旭川のテーマはデザインだけ?」 names no list
        return [f for f in facts if f.topic in ("cooperation", "projects") or f.topic.startswith("section:")]

    @cached_property
    def claimed(self) -> ClaimedValues:
        return ClaimedValues(self.understander, self._partner_names)

    def claim(self, turn: Turn) -> Answer | None:
        key, words, key_en = turn.read.key, set(turn.read.words), turn.read.text.lower()
        exclusive = self._is_exclusive(key) or self._is_exclusive_en(turn.read.text)
        universal = bool(_UNIVERSAL.search(key) or words & _UNIVERSAL_WORDS)
        outside_ja = _OUTSIDE.search(key)
        # 「北見以外に」 excludes a city; 「応接室以外で」 negates a property.
        before = key[: outside_ja.start()][-8:] if outside_ja else ""
        except_en = self._except_city_en(turn.read.text)
        except_city = except_en or (bool(before) and bool(self.understander.understand(before).partner_ids))
        outside = bool(outside_ja) or except_en
        negated = bool(_NEGATED.search(re.sub(r"以外[デノニ]", "以外", key) if except_city else key))
        negated = negated or bool(_NEGATED_EN.search(turn.read.text.lower()))
        existential = negated and bool(_ASKS_EXISTS.search(key + turn.read.reading) or words & _EXISTS_WORDS)
        if not (exclusive or universal or outside or existential):
            return None
        if _SAME.search(key) or _LIST_ALL.search(key):
            return None  # 「どれも同じ長さ?」 compares; 「金曜の式を全部」 lists
        if turn.read.wh and not (outside or existential or _EACH_OF.search(key) or asks_whether_en(key_en)):
            return None
        if (exclusive or universal) and not (outside or existential) and not _is_claim_shape(turn):
            return None  # 「全部挙げて」「曜日だけ教えて」「全市の日時は?」 ask for a list or a part, not whether
        prop = self._property(turn)
        if prop is None:
            return None
        scope = self._claim_scope(turn, exclusive and not universal)
        named = tuple(p for p in turn.intent.partner_ids if p in scope)
        if exclusive and not named and not universal:
            counted = _claimed_count(turn)
            if counted is not None:  # 「覚書は3市だけ?」: a count of every partner that holds it
                return self._count_claim(turn, prop, [p for p in scope if prop.holds(p)], counted)
        if universal and except_city:
            scope = tuple(p for p in scope if p not in named)  # 「北見以外はすべて〜?」
        holders = [p for p in scope if prop.holds(p) != negated]
        if (outside and not universal) or existential:
            return self._outside(turn, prop, holders, named if outside else (), scope)
        if exclusive and named and not universal:
            return self._only(turn, prop, holders, named)
        return self._every(turn, prop, holders, scope)

    def _is_exclusive_en(self, text: str) -> bool:
        """"only the Kitami ceremony", "the only city", "Kitami the only one": only a city. "Were only
        the mayor and the Director-General at …?" restricts the people, not the cities."""
        for match in re.finditer(r"\b(?:only|just)\b((?:\W+\w+){1,4})", text.lower()):
            following = match[1]
            if set(raw_latin_words(following)) & _CITY_WORDS_EN or self.understander.understand(following).partner_ids:
                return True
        return False

    def _except_city_en(self, text: str) -> bool:
        """ "other than Kitami", "except Muroran", "besides Obihiro": a city left out of the claim."""
        excepted = _EXCEPT_EN.search(text.lower())
        return bool(excepted) and bool(excepted and self.understander.understand(excepted["what"]).partner_ids)

    def _count_claim(self, turn: Turn, prop: Property, holders: list[str], claimed: int) -> Answer:
        """「覚書は4市だけ?」 where no announcement has that many: the count of those that hold it."""
        verdict = turn.say("yn_yes" if len(holders) == claimed else "yn_no")
        names = self._names(turn, holders)
        return self._claim_answer(
            turn, turn.say("claim_count", verdict=verdict, count=str(len(holders)), names=names), prop, holders
        )

    def _is_exclusive(self, key: str) -> bool:
        """「室蘭だけ」「3市だけ」「北見しか」: only after a partner or a group of them; 「曜日だけ教えて」
        narrows what to show."""
        for match in _EXCLUSIVE.finditer(key):
            before = key[max(0, match.start() - 8) : match.start()]
            if (
                re.search(r"(\d|三|四|二)市$|市$|都市$|自治体$", before)
                or self.understander.understand(before).partner_ids
            ):
                return True
        return False

    def _claim_scope(self, turn: Turn, exclusive: bool) -> tuple[str, ...]:
        """Every partner (of the years named); 「3市とも」「旭川・室蘭とも」 narrow a universal claim,
        never an exclusive one (「3市だけ?」 is the claim itself)."""
        years = () if self._is_about_ceremonies(turn) else turn.read.conditions.years
        every = tuple(
            dict.fromkeys(
                e.partner_id for d in self.kb.documents if not years or d.date.year in years for e in d.engagements
            )
        )
        if exclusive:
            return every
        group = self._group_named(turn.read)
        if group:
            return group
        if len(turn.intent.partner_ids) >= 2:
            return turn.intent.partner_ids
        return every

    def _only(self, turn: Turn, prop: Property, holders: list[str], named: tuple[str, ...]) -> Answer:
        others = [p for p in holders if p not in named]
        if not others and set(named) <= set(holders):
            return self._claim_answer(turn, turn.say("claim_only_yes", names=self._names(turn, named)), prop, holders)
        if others:
            lead = turn.say("claim_also", names=self._names(turn, others))
        else:
            lead = turn.say("claim_not_met", names=self._names(turn, [p for p in named if p not in holders]))
        return self._claim_answer(turn, lead, prop, holders or list(named))

    def _every(self, turn: Turn, prop: Property, holders: list[str], scope: tuple[str, ...]) -> Answer:
        exceptions = [p for p in scope if p not in holders]
        if not exceptions:
            return self._claim_answer(turn, turn.say("claim_every_yes", names=self._names(turn, scope)), prop, scope)
        return self._claim_answer(turn, turn.say("claim_not_met", names=self._names(turn, exceptions)), prop, scope)

    def _outside(
        self, turn: Turn, prop: Property, holders: list[str], named: tuple[str, ...], scope: tuple[str, ...]
    ) -> Answer:
        others = [p for p in holders if p not in named]
        if others:
            # 「北見以外に4階の式はある?」 asks whether (はい); 「金曜日以外の締結式は?」 asks which.
            whether = is_yes_no(turn.read) or asks_whether_en(turn.read.text.lower())
            key = "claim_outside_yes" if whether else "claim_outside_list"
            return self._claim_answer(turn, turn.say(key, names=self._names(turn, others)), prop, others)
        return self._claim_answer(turn, turn.say("claim_outside_none"), prop, scope)

    def _names(self, turn: Turn, partner_ids: Sequence[str]) -> str:
        return self.compose.names(partner_ids, turn.language)

    def _claim_answer(self, turn: Turn, title: str, prop: Property, shown: list[str] | tuple[str, ...]) -> Answer:
        lines = tuple(self._shown_line(p, prop, turn.language) for p in shown)
        events = [e for p in shown if (e := self.kb.partner(p).ceremony) is not None]
        return Answer(
            kind="answer",
            confidence=0.9,
            title=title,
            sections=(Section("", items=lines),) if lines else (),
            source=self._cite_partners(shown),
            topic_id=turn.topics[0] if turn.topics else None,
            partner_ids=tuple(shown),
            conversation=Conversation(event_ids=tuple(e.id for e in events)),
        )

    def _shown_line(self, partner_id: str, prop: Property, language: str) -> str:
        name, shown = self.kb.partner(partner_id).name_in(language), prop.show(partner_id, language)
        return shown if shown.startswith(name) else say("claim_line", language, name=name, shown=shown)

    # ------------------------------------------------------------------ properties

    def _property(self, turn: Turn) -> Property | None:
        for find in (
            self._announced_property,
            self._condition_property,
            self._person_property,
            self._role_property,
            self._place_property,
            self._word_property,
        ):
            found = find(turn)
            if found is not None:
                return found
        memorandum_count = ("覚書" in turn.read.key and _COUNTED.search(turn.read.key)) or _COUNTED_EN.search(
            turn.read.text.lower()
        )
        if (
            memorandum_count
            or _HAS_MEMORANDUM.search(turn.read.key)
            or {"partner", "partners", "signed"} & set(turn.read.words)
        ):
            return Property(lambda p: bool(self.kb.partner(p).engagements), self._memorandum_line)
        return None

    def _announced_property(self, turn: Turn) -> Property | None:
        """「覚書はぜんぶ2019年12月17日に発表?」: the day of the partner's announcement."""
        day = re.search(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", turn.read.text)
        if not day or "発表" not in turn.read.text:
            return None
        year, month, date = (int(day[1]) if day[1] else None), int(day[2]), int(day[3])

        def announced(partner_id: str) -> bool:
            dates = [self.kb.document_by_id(e.document_id).date for e in self.kb.partner(partner_id).engagements]
            return any(d.month == month and d.day == date and year in (None, d.year) for d in dates)

        return Property(announced, self._memorandum_line)

    def _condition_property(self, turn: Turn) -> Property | None:
        about_ceremonies = self._is_about_ceremonies(turn)
        conditions = turn.read.conditions if about_ceremonies else replace(turn.read.conditions, years=())
        if not conditions or (not self._is_about_ceremonies(turn) and not _is_ceremony_condition(conditions)):
            return None
        return Property(lambda p: self._ceremony_meets(p, conditions), self._ceremony_line)

    def _person_property(self, turn: Turn) -> Property | None:
        people = turn.intent.people
        if not people:
            return None

        def attends(partner_id: str) -> bool:
            ceremony = self.kb.partner(partner_id).ceremony
            return ceremony is not None and any(
                any(name in a.name.replace(" ", "") or name == a.family for name in people) for a in ceremony.attendees
            )

        return Property(attends, self._attendees_line)

    def _role_property(self, turn: Turn) -> Property | None:
        """「すべての締結式に市長が出席?」: an attendee of that role at the ceremony."""
        role = _role_in(turn.read.text)
        if not role or turn.intent.people:
            return None

        def attends(partner_id: str) -> bool:
            ceremony = self.kb.partner(partner_id).ceremony
            return ceremony is not None and any(a.role.endswith(role) for a in ceremony.attendees)

        return Property(attends, self._attendees_line)

    def _place_property(self, turn: Turn) -> Property | None:
        events = [e for e in self._ceremonies(self._all_ids())]
        keys = [to_key(t.surface) for t in turn.intent.content if len(to_key(t.surface)) >= 2]
        keys += [key for group in self._translated_keys(turn) for key in group]  # "city halls": 市役所
        keys = [k for k in keys if any(k in to_key(e.place) for e in events)]
        if not keys:
            return None

        def held_there(partner_id: str) -> bool:
            ceremony = self.kb.partner(partner_id).ceremony
            return ceremony is not None and any(k in to_key(ceremony.place) for k in keys)

        return Property(held_there, self._place_line)

    def _word_property(self, turn: Turn) -> Property | None:
        words = [
            t.surface
            for t in turn.intent.content
            if self._is_content_noun(t)
            and to_key(t.surface) not in _CLAIM_WORDS
            and t.lemma not in ASKING_NOUNS
            and not self._names_partner(t.surface)
        ]
        topical = {to_key(m.typed) for m in turn.intent.topic_matches} | {
            to_key(m.entry.phrase) for m in turn.intent.topic_matches
        }
        keys = [k for w in words if len(k := to_key(w)) >= 2 and not any(k in t for t in topical)]
        # Each key or one of its alternatives: an English word is looked for as the Japanese the
        # vocabulary translates it to ("skiing": スノースポーツ or ウィンタースポーツ).
        groups = [(k,) for k in keys if not k.isascii() or k in self._documents_key] + self._translated_keys(turn)
        if not groups:
            return None
        topics = self._specific_topics(turn)

        def facts_with(partner_id: str) -> list[str]:
            facts = self.by_partner.get(partner_id, [])
            if topics:
                facts = [f for f in facts if self._fact_in_topics(f, topics)] or facts
            return [f.text for f in facts if all(any(_says(f.text, f.label, k) for k in g) for g in groups)]

        if not any(facts_with(p) for p in self._all_ids()):
            return None
        return Property(
            lambda p: bool(facts_with(p)), lambda p, language: (facts_with(p) or [say("claim_not_stated", language)])[0]
        )

    @cached_property
    def _documents_key(self) -> str:
        """Every fact's text and label as keys: a latin word counts where the documents write it (MaaS)."""
        return "\n".join(to_key(f.text) + "\n" + to_key(f.label) for f in self.facts)

    def _translated_keys(self, turn: Turn) -> list[tuple[str, ...]]:
        """The Japanese of the English words of a question the vocabulary translates, one group of
        alternatives per word, not those a longer match holds ("aerospace" in "aerospace industry")."""
        text = " " + " ".join(turn.read.text.lower().replace("-", " ").split()) + " "
        found = [
            (english, tuple(to_key(j) for j in japanese))
            for english, japanese in self.kb.vocabulary.translations
            if re.search(rf"(?<![a-z]){re.escape(english)}(?:s|es)?(?![a-z])", text)
        ]
        return [keys for english, keys in found if not any(english != e and english in e for e, _ in found)]

    def _ceremony_meets(self, partner_id: str, conditions: Conditions) -> bool:
        ceremony = self.kb.partner(partner_id).ceremony
        return ceremony is not None and meets(ceremony, conditions)

    def _ceremony_line(self, partner_id: str, language: str) -> str:
        ceremony = self.kb.partner(partner_id).ceremony
        return self.compose.event_line(ceremony, language) if ceremony else say("claim_no_ceremony", language)

    def _place_line(self, partner_id: str, language: str) -> str:
        ceremony = self.kb.partner(partner_id).ceremony
        return ceremony.place if ceremony else say("claim_no_ceremony", language)

    def _attendees_line(self, partner_id: str, language: str) -> str:
        ceremony = self.kb.partner(partner_id).ceremony
        if ceremony is None:
            return say("claim_no_ceremony", language)
        attendees = [say("claim_attendee", language, role=a.role, name=a.name) for a in ceremony.attendees]
        return say("section_separator", language).join(attendees)

    def _memorandum_line(self, partner_id: str, language: str) -> str:
        engagements = self.kb.partner(partner_id).engagements
        documents = [self.kb.document_by_id(e.document_id) for e in engagements]
        return say("section_separator", language).join(
            say("claim_announced", language, date=_announced_on(d.date, language), title=d.title) for d in documents
        )


def _is_claim_shape(turn: Turn) -> bool:
    """A claim ends in what it claims (「全部金曜?」「室蘭だけですか」), not in a topic (「全市の日時は?」)
    or a request (「全部教えて」)."""
    if is_yes_no(turn.read):
        return True
    key = turn.read.key
    words = [t for t in turn.intent.tokens if t.pos[0] not in ("補助記号", "空白")]
    ends_in_particle = bool(words) and words[-1].pos[0] == "助詞" and words[-1].surface in ("は", "って", "の", "を")
    if _LISTING.search(key) or ends_in_particle:
        return False
    return bool(
        re.search(r"[?？]\s*$", turn.read.text) or re.search(r"(カ|タ|ダ|デス|マス|ヨネ|デシタ|ル|イ|ケ)$", key)
    )


def _is_ceremony_condition(conditions: Conditions) -> bool:
    return bool(
        conditions.weekdays or conditions.half_day or conditions.floors or conditions.minutes or conditions.starts
    )


def _announced_on(day: date, language: str) -> str:
    """「2019年12月17日」 (no weekday, as the documents date an announcement); ISO in English."""
    padded = language == "en"
    month, day_of_month = (f"{day.month:02d}", f"{day.day:02d}") if padded else (str(day.month), str(day.day))
    return say("claim_announced_on", language, year=str(day.year), month=month, day=day_of_month)


def _says(text: str, label: str, key: str) -> bool:
    return key in to_key(text) or key in to_key(label)


def _claimed_count(turn: Turn) -> int | None:
    """「3市だけ?」, "only three cities?": the number of partners claimed."""
    counted = _COUNTED.search(turn.read.key)
    if counted:
        return int(counted[1])
    english = _COUNTED_EN.search(turn.read.text.lower())
    if not english:
        return None
    number = english[1]
    return int(number) if number.isdigit() else _NUMBERS_EN.index(number) + 1


def _role_in(text: str) -> str | None:
    """「市長」「局長」, in Japanese or in English, as the attendees' roles end."""
    role = _ROLE.search(text)
    if role:
        return role[0]
    return next((japanese for pattern, japanese in _ROLES_EN if pattern.search(text.lower())), None)


def asks_whether_en(text: str) -> bool:
    """ "Hi, is Obihiro the only city whose …", "Had it been held when …": an English clause that
    opens with a verb asks whether, though a wh-word relates a clause inside it."""
    return bool(_ASKS_WHETHER_EN.search(text.lower()))


def _bare(part: str) -> list[str]:
    """A claimed part that is all framing (「市長」) is looked for as typed."""
    key = to_key(part.strip())
    return [key] if len(key) >= 2 else []
