"""Understanding a question: which partners, which topic, how sure.

A `Lexicon` is built once per knowledge base from every name, reading, alias and synonym in it.
A question is matched against it in passes, cheapest and surest first:
1. exact keys (width, case and kana folded) over the question's key;
2. readings (a kanji phrase typed in kana, or in other kanji with the same reading);
3. latin words (romaji and English), with one-letter typos;
4. only where something is still missing: homophone-kanji typos (室欄 → 室蘭) and one-edit typos
   of kana (おびひら → おびひろ), via a deletion index so the cost does not grow with the data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

import jaconv
from rapidfuzz.distance import Levenshtein

from bot.knowledge.facts import section_topic
from bot.knowledge.model import FreeSection, KnowledgeBase, Person
from bot.language.text import (
    KANA_RUN,
    Token,
    char_readings,
    clean,
    has_kanji,
    is_function_word,
    is_kana,
    latin_words,
    raw_latin_words,
    reading_of,
    romaji_to_katakana,
    to_key,
    tokenize,
)

_WH_KEYS = frozenset(
    to_key(w)
    for w in "いつ どこ 誰 だれ どなた 何日 何時 なんじ なんにち 時間 日付 日にち 日時 日程 "
    "when where who start end time date day".split()
)

EntryKind = Literal["partner", "topic", "all", "glossary", "neutral", "person", "document"]
How = Literal["exact", "reading", "word", "homophone", "typo"]

CONFIDENCE: dict[How, float] = {"exact": 1.0, "word": 1.0, "reading": 0.9, "homophone": 0.85, "typo": 0.75}

# Words that say "tell me" rather than what about; they never make a question about something else.
GENERIC_LEMMAS = frozenset(
    """
    教える 知る 聞く 言う 思う 分かる わかる 見る 調べる 頂く 下さる くださる ください お願い 願う 欲しい
    市 何 こと 事 もの 物 方 件 内容 詳細 情報 中身 具体 詳しい どう について 関する 為る 有る 居る 成る 良い いい
    名前 氏名 説明 まとめ 要約 リスト 全文 奴 やつ 話 はなし 辺り ところ 所 ほか 他 ざっくり 簡単 ついで
    ある いる する やる 行う 結ぶ 出る 使う 今 いま 教えて 知りたい 全部 全て すべて 場合 感じ 付く 就く 書く 載る
    為 ため 形 かたち あり方 関係 関連 系 ちなみ ちなみに
    please tell me what is are the a an of about for in on with and do does did can you i we to show give list ?
    """.split()
)


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    target: str
    phrase: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int
    how: How
    typed: str

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.how]

    @property
    def length(self) -> int:
        return len(to_key(self.entry.phrase))


@dataclass
class Intent:
    """What a question asks, before any context is applied."""

    partners: dict[str, Match] = field(default_factory=dict)
    all_partners: bool = False
    topics: list[str] = field(default_factory=list)
    facet_only: bool = False
    topic_matches: list[Match] = field(default_factory=list)
    glossary: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    foreign_places: list[str] = field(default_factory=list)
    content: list[Token] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    asked_wh: set[str] = field(default_factory=set)
    weak_topics: set[str] = field(default_factory=set)
    documents: list[str] = field(default_factory=list)
    asked_dates: list[AskedDate] = field(default_factory=list)

    @property
    def partner_ids(self) -> tuple[str, ...]:
        return tuple(self.partners)

    @property
    def partner_confidence(self) -> float:
        return min((m.confidence for m in self.partners.values()), default=1.0)

    @property
    def topic_confidence(self) -> float:
        return min((m.confidence for m in self.topic_matches), default=1.0)

    def fuzzy_matches(self) -> list[Match]:
        """Matches worth telling the user about: typos, and partners written with other characters."""
        partners = [m for m in self.partners.values() if m.how == "reading" and has_kanji(m.typed)]
        return partners + [m for m in [*self.partners.values(), *self.topic_matches] if m.how in ("homophone", "typo")]


_BREAK_POS = frozenset({"助詞", "補助記号", "記号", "空白", "代名詞", "連体詞", "接続詞", "感動詞", "副詞"})
_COPULAS = frozenset({"です", "だ", "でしょう", "な", "らしい", "ます", "た", "ない", "たい"})


def _is_break(token: Token, previous: Token | None) -> bool:
    """Where a stretch of content ends: particles, question words, light verbs, copulas, counters.

    Inside a word typed in hiragana that Sudachi split (かーりんぐほーる → かー/りん/ぐ/ほー/る), a
    piece that looks like a generic word (ほー → 方) or a one-kana 助動詞 (る) is kept."""
    in_kana_word = previous is not None and previous.pos[0] in ("名詞", "接尾辞") and is_kana(previous.key)
    if token.pos[0] in _BREAK_POS or (token.pos[0] == "動詞" and token.pos[1] == "非自立可能"):
        return True
    if previous is not None and (previous.pos[1] == "数詞" or previous.lemma == "何") and len(token.key) <= 2:
        return True  # the counter of a number (2月, 4階, 10時): a condition, not content
    if token.lemma in GENERIC_LEMMAS or token.key in GENERIC_LEMMAS:
        return not (in_kana_word and is_kana(token.key))
    if token.pos[0] == "助動詞":
        return not in_kana_word or token.surface in _COPULAS
    return False


def _is_so_far(tokens: list[Token], index: int) -> bool:
    pair = "".join(t.key for t in tokens[index : index + 2])
    before = "".join(t.key for t in tokens[max(0, index - 1) : index + 1])
    return pair == "コレマデ" or before == "コレマデ"


def _to_segments(q: _Question, spans: list[tuple[int, int]], matched_words: set[str]) -> list[str]:
    """The question's unmatched content as contiguous stretches of text, for the fact search."""
    segments: list[str] = []
    current = ""
    previous: Token | None = None
    for index, (token, (start, end)) in enumerate(zip(q.tokens, q.spans, strict=False)):
        covered = (
            any(s < end and start < e for s, e in spans)
            or token.key in matched_words
            or (token.is_latin and set(latin_words(token.surface)) <= matched_words)
        )
        if _is_so_far(q.tokens, index):
            current += token.surface  # 「これまで」 (so far) is what a question about past work asks
        elif covered or token.is_latin or token.pos[1] == "数詞" or token.key.isdigit() or _is_break(token, previous):
            if current:
                segments.append(current)
            current = ""
        else:
            current += token.surface
        previous = token if not covered else None
    if current:
        segments.append(current)
    segments += [
        t.surface
        for t in q.tokens
        if t.is_latin and not set(latin_words(t.surface)) <= matched_words and not t.key.isdigit()
    ]
    return segments


def _unvoiced(kana: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", kana) if ch not in "\u3099\u309a")


def _sounds_alike(typed: str, name: str) -> bool:
    return Levenshtein.distance(_unvoiced(reading_of(typed)), _unvoiced(reading_of(name))) <= 1


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


class Lexicon:
    """Every phrase of the knowledge base, indexed for the matching passes."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.keys: dict[str, list[Entry]] = defaultdict(list)
        self.readings: dict[str, list[Entry]] = defaultdict(list)
        self.words: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.homophones: dict[tuple[str, ...], list[tuple[Entry, str]]] = defaultdict(list)
        self.typos: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
        self.word_typos: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
        self.typo_lengths: dict[str, set[int]] = defaultdict(set)
        self.neutral_keys: set[str] = set()
        self.kanji_names: dict[tuple[str, int], list[tuple[Entry, str]]] = defaultdict(list)
        for entry in _entries(kb):
            self._add(entry)
        self.key_lengths = sorted({len(k) for k in self.keys}, reverse=True)
        self.reading_lengths = sorted({len(k) for k in self.readings}, reverse=True)
        self.homophone_lengths = sorted({len(k) for k in self.homophones}, reverse=True)
        self.max_words = max((len(k) for k in self.words), default=1)

    def _add(self, entry: Entry) -> None:
        key = to_key(entry.phrase)
        if not key:
            return
        if entry.kind == "neutral":
            self.neutral_keys.add(key)
        if key.isascii():
            words = tuple(latin_words(entry.phrase))
            self.words[words].append(entry)
            if len(words) == 1 and len(words[0]) >= 6 and entry.kind != "all":
                for variant in {words[0], *_deletions(words[0])}:
                    self.word_typos[variant].append((entry, words[0]))
            return
        self.keys[key].append(entry)
        if entry.kind == "all":
            return
        reading = reading_of(entry.phrase) if has_kanji(key) else key
        if len(reading) >= 3 and reading != key:
            self.readings[reading].append(entry)
        if has_kanji(key) and len(key) >= 2:
            self.homophones[char_readings(key)].append((entry, key))
        if entry.kind == "partner" and has_kanji(key) and 2 <= len(key) <= 4:
            self.kanji_names[(key[0], len(key))].append((entry, key))
            self.kanji_names[(key[-1], -len(key))].append((entry, key))
        for kana in {reading, key}:
            if is_kana(kana) and len(kana) >= _min_typo_length(entry):
                self.typo_lengths[entry.kind].add(len(kana))
                for variant in {kana, *_deletions(kana)}:
                    self.typos[variant].append((entry, kana))


def _min_typo_length(entry: Entry) -> int:
    # Partner names are distinctive at four kana; topic words need more to not catch greetings
    # (こんにちは is one edit from 何日 = ナンニチ).
    return 4 if entry.kind == "partner" else 6


def _entries(kb: KnowledgeBase) -> Iterator[Entry]:
    for partner in kb.partners:
        for name in partner.names:
            yield Entry("partner", partner.id, name)
    for topic in kb.vocabulary.topics:
        for synonym in topic.synonyms:
            yield Entry("topic", topic.id, synonym)
    for phrase in kb.vocabulary.all_partners:
        yield Entry("all", "", phrase)
    for place in (*kb.vocabulary.neutral_places, *kb.vocabulary.neutral_words):
        yield Entry("neutral", "", place)
    for term in kb.glossary:
        for phrase in (term.term, *term.readings):
            yield Entry("glossary", term.term, phrase)
    for document in kb.documents:
        for phrase in (document.title, document.subtitle):
            if len(phrase) >= 6:
                yield Entry("document", document.id, phrase)
    for section in _free_sections(kb):
        for phrase in (section.label, *section.synonyms):
            yield Entry("topic", section_topic(section.label), phrase)
    for person in _people(kb):
        for phrase in {person.name, person.name.replace(" ", ""), person.family_name}:
            yield Entry("person", person.family_name, phrase)


def _free_sections(kb: KnowledgeBase) -> Iterator[FreeSection]:
    for document in kb.documents:
        yield from document.sections
        for engagement in document.engagements:
            yield from engagement.sections


def _people(kb: KnowledgeBase) -> Iterator[Person]:
    for event in kb.all_events():
        yield from event.attendees
    for document in kb.documents:
        if document.contact:
            yield from (Person("担当者", name) for name in document.contact.persons)


@dataclass
class _Question:
    tokens: list[Token]
    key: str
    reading: str
    spans: list[tuple[int, int]]
    reading_spans: list[tuple[int, int]]
    boundaries: set[int]

    @classmethod
    def parse(cls, text: str) -> _Question:
        tokens = tokenize(_to_hiragana_if_katakana(text))
        spans = _spans([t.key for t in tokens])
        reading_spans = _spans([t.reading for t in tokens])
        boundaries = {0} | {end for _, end in spans}
        key, reading = "".join(t.key for t in tokens), "".join(t.reading for t in tokens)
        return cls(tokens, key, reading, spans, reading_spans, boundaries)

    def to_key_span(self, start: int, end: int) -> tuple[int, int]:
        """The key span of the tokens a reading span touches."""
        touched = [
            k for k, (s, e) in zip(self.spans, self.reading_spans, strict=False) if s < e and (s < end and start < e)
        ]
        if not touched:
            return -1, -1
        return touched[0][0], touched[-1][1]


def _to_hiragana_if_katakana(text: str) -> str:
    """A question typed all in katakana (ﾑﾛﾗﾝ ﾉ ｼｷ ﾊ ﾅﾝｼﾞ?) is read as hiragana, where Sudachi
    knows particles (ハ → は) from words. Keys fold kana anyway, so matching is unchanged."""
    folded = clean(text)
    hiragana = sum(1 for ch in folded if "\u3041" <= ch <= "\u3096")
    katakana = sum(1 for ch in folded if "\u30a1" <= ch <= "\u30fa")
    return jaconv.kata2hira(folded) if katakana >= 4 and hiragana == 0 and not has_kanji(folded) else text


def _spans(parts: list[str]) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for part in parts:
        spans.append((offset, offset + len(part)))
        offset += len(part)
    return spans


def _is_short_kana(key: str) -> bool:
    # Short kana synonyms (いつ, どこ) hide inside other words (ドイツ), so they must be whole tokens.
    return is_kana(key) and len(key) <= 3


def kana_runs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, run) of every maximal stretch of kana in `text`."""
    for match in KANA_RUN.finditer(text):
        yield match.start(), match.group()


def _windows(text: str, lengths: Iterable[int]) -> Iterator[tuple[int, int, str]]:
    for length in lengths:
        for start in range(len(text) - length + 1):
            yield start, start + length, text[start : start + length]


class Understander:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lexicon = Lexicon(kb)
        self.facets = {t.id: t.facet_of for t in kb.vocabulary.topics if t.facet_of}

    def understand(self, text: str) -> Intent:
        question = _Question.parse(text)
        dates = to_asked_dates(question.key, clean(text))
        exact = self._exact(question)
        spans = {(m.start, m.end) for m in exact}
        # A homophone read over a word typed exactly (期間 read as 機関) is not what was meant.
        readings = [m for m in self._by_reading(question) if not any(s <= m.start and m.end <= e for s, e in spans)]
        matches = _outside_titles(_partners_over_people(exact + readings + self._by_words(question)))
        values = self._value_spans(question.key)
        matches = self._partners_outside_values(values, matches)
        matches += self._by_dates(dates)
        places = self._foreign_places(question, matches, values)
        matches += self._fuzzy(question, matches, places)
        intent = self._to_intent(question, matches, places)
        intent.asked_dates = dates
        intent.tokens = question.tokens
        return intent

    @cached_property
    def _value_names(self) -> tuple[str, ...]:
        """The keys of values people name whole: a plan, a project, a theme, a part of a place."""
        values = {
            value
            for partner in self.kb.partners
            for engagement in partner.engagements
            for value in (
                engagement.theme,
                *(plan.name for plan in engagement.plans),
                *(project.title for project in engagement.projects),
            )
        }
        values |= {part for event in self.kb.all_events() for part in event.place.split()}
        return tuple(sorted({to_key(value) for value in values if len(value) >= 4}))

    @cached_property
    def _values_naming_partners(self) -> tuple[str, ...]:
        """Values whose name holds a partner's: 第七期帯広市総合計画, 室蘭市役所."""
        names = {to_key(name) for partner in self.kb.partners for name in partner.names}
        return tuple(key for key in self._value_names if any(name in key and name != key for name in names))

    def values_named(self, text: str) -> list[str]:
        """The keys of the values `text` names whole (「第2期室蘭市総合戦略は帯広の計画?」)."""
        key = to_key(text)
        return [value for value in self._value_names if value in key]

    def _value_spans(self, key: str) -> list[tuple[int, int]]:
        """Where the question names a value whole that holds a partner's name."""
        naming = self._values_naming_partners
        return [(m.start(), m.end()) for value in naming for m in re.finditer(re.escape(value), key)]

    def _partners_outside_values(self, spans: list[tuple[int, int]], matches: list[Match]) -> list[Match]:
        """「旭川の計画は第七期帯広市総合計画?」「旭川の式は室蘭市役所で?」 ask about 旭川: a partner named
        only inside a value is part of the value, when another is named outside one."""

        def is_inside(match: Match) -> bool:
            return match.entry.kind == "partner" and any(s <= match.start and match.end <= e for s, e in spans)

        if not spans or not any(m.entry.kind == "partner" and not is_inside(m) for m in matches):
            return matches
        return [m for m in matches if not is_inside(m)]

    def _by_dates(self, dates: list[AskedDate]) -> list[Match]:
        """A ceremony's date names its partner (「2月7日の式典」 is 帯広's)."""
        return [
            Match(Entry("partner", partner.id, asked.text), asked.start, asked.end, "exact", asked.text)
            for asked in dates
            for ceremony in self.kb.ceremonies()
            if asked.is_on(ceremony.date)
            for partner in [self.kb.partner(ceremony.partner_id or "")]
        ]

    def _exact(self, q: _Question) -> list[Match]:
        found = []
        for start, end, sub in _windows(q.key, self.lexicon.key_lengths):
            entries = self.lexicon.keys.get(sub)
            if not entries or sub.isascii():
                continue
            named = any(e.kind in ("glossary", "partner") for e in entries) and len(sub) >= 3
            if _is_short_kana(sub) and not named and not (start in q.boundaries and end in q.boundaries):
                continue
            found += [Match(e, start, end, "exact", sub) for e in entries]
        return found

    def _by_reading(self, q: _Question) -> list[Match]:
        found = []
        for start, end, sub in _windows(q.reading, self.lexicon.reading_lengths):
            for entry in self.lexicon.readings.get(sub, ()):
                key_start, key_end = q.to_key_span(start, end)
                typed = q.key[key_start:key_end] if key_start >= 0 else sub
                found.append(Match(entry, key_start, key_end, "reading", typed))
        return found

    def _by_words(self, q: _Question) -> list[Match]:
        words = [w for t in q.tokens if t.is_latin for w in latin_words(t.surface)]
        raw = [w for t in q.tokens if t.is_latin for w in raw_latin_words(t.surface)]
        found: list[Match] = []
        used: set[int] = set()
        for size in range(self.lexicon.max_words, 0, -1):
            for i in range(len(words) - size + 1):
                entries = self.lexicon.words.get(tuple(words[i : i + size]))
                if entries and not used.intersection(range(i, i + size)):
                    used.update(range(i, i + size))
                    found += [Match(e, -1, -1, "word", " ".join(words[i : i + size])) for e in entries]
        # Romaji, one word or a few run together (renkei kyouryoku jikou → レンケイキョウリョクジコウ).
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                if used.intersection(range(i, i + size)):
                    continue
                kana = "".join(romaji_to_katakana(w) for w in raw[i : i + size])
                entries = self.lexicon.keys.get(kana, []) + self.lexicon.readings.get(kana, [])
                if kana and all(romaji_to_katakana(w) for w in raw[i : i + size]) and entries:
                    used.update(range(i, i + size))
                    found += [Match(e, -1, -1, "reading", " ".join(words[i : i + size])) for e in entries]
        return found

    def _fuzzy(self, q: _Question, exact: list[Match], places: list[str]) -> list[Match]:
        known_kinds = {m.entry.kind for m in exact}
        taken = [(m.start, m.end) for m in exact if m.start >= 0]
        found: list[Match] = []

        def is_new(entry: Entry, start: int, end: int) -> bool:
            # A second partner may be misspelt next to one typed right (「あにひかわと帯広を比べて」).
            overlaps = any(s < end and start < e for s, e in taken)
            wanted = entry.kind == "partner" or (entry.kind == "topic" and "topic" not in known_kinds)
            return wanted and not overlaps and (start >= 0 or entry.kind not in known_kinds)

        for start, end, sub in _windows(q.key, self.lexicon.homophone_lengths):
            if not has_kanji(sub):
                continue
            for entry, key in self.lexicon.homophones.get(char_readings(sub), ()):
                if sub != key and is_new(entry, start, end) and any(a == b for a, b in zip(sub, key, strict=False)):
                    found.append(Match(entry, start, end, "homophone", sub))
        missing = ({"partner", "topic"} - known_kinds) | {"partner"}
        lengths = {n for kind in missing for k in self.lexicon.typo_lengths.get(kind, ()) for n in (k - 1, k, k + 1)}
        # Typos live in what the user typed in kana: Sudachi's reading of typed kanji has none.
        for run_start, run in kana_runs(q.key):
            for start, end, sub in _windows(run, sorted(n for n in lengths if n >= 4)):
                span = (run_start + start, run_start + end)
                for variant in {sub, *_deletions(sub)}:
                    for entry, key in self.lexicon.typos.get(variant, ()):
                        if is_typo_of(sub, key) and is_new(entry, *span):
                            found.append(Match(entry, span[0], span[1], "typo", sub))
        words = [w for t in q.tokens if t.is_latin for w in latin_words(t.surface)]
        for word in words:
            for variant in {word, *_deletions(word)}:
                for entry, target in self.lexicon.word_typos.get(variant, ()):
                    if word != target and Levenshtein.distance(word, target) <= 1 and is_new(entry, -1, -1):
                        found.append(Match(entry, -1, -1, "typo", word))
        found += [m for m in self._kanji_typos(q) if is_new(m.entry, m.start, m.end)]
        # A typo that lands on a place we know is not a partner is that place, not a partner.
        return [m for m in found if not (m.entry.kind == "partner" and m.typed in places)]

    def _kanji_typos(self, q: _Question) -> list[Match]:
        """旭側 for 旭川: one kanji of a partner's name replaced by one that sounds alike (ガワ/カワ)."""
        found = []
        for start, end, sub in _windows(q.key, (2, 3, 4)):
            if not has_kanji(sub):
                continue
            candidates = self.lexicon.kanji_names.get((sub[0], len(sub)), []) + self.lexicon.kanji_names.get(
                (sub[-1], -len(sub)), []
            )
            for entry, name in candidates:
                if sub != name and Levenshtein.distance(sub, name) == 1 and _sounds_alike(sub, name):
                    found.append(Match(entry, start, end, "typo", sub))
        return found

    def _foreign_places(self, q: _Question, matches: list[Match], values: list[tuple[int, int]]) -> list[str]:
        """Places named that no memorandum is with (札幌), not those inside a value (室蘭市役所)."""
        covered = values + [
            (m.start, m.end)
            for m in matches
            if m.entry.kind in ("partner", "neutral", "person", "document") and m.start >= 0
        ]
        places = []
        for token, (start, end) in zip(q.tokens, q.spans, strict=False):
            if token.is_latin:
                continue
            inside = any(s <= start and end <= e for s, e in covered)
            if token.is_place and not inside and token.key not in self.lexicon.neutral_keys:
                places.append(token.surface)
        matched_words = {m.typed for m in matches if m.how == "word"}
        for token in q.tokens:
            if token.is_latin and token.key not in matched_words and _is_romaji_place(token.key):
                places.append(token.surface)
        return places

    def _to_intent(self, q: _Question, matches: list[Match], places: list[str]) -> Intent:
        intent = Intent(foreign_places=places)
        for match in sorted(matches, key=lambda m: -m.confidence):
            kind, target = match.entry.kind, match.entry.target
            if kind == "partner" and target not in intent.partners:
                intent.partners[target] = match
            elif kind == "all":
                intent.all_partners = True
            elif kind == "glossary" and target not in intent.glossary:
                intent.glossary.append(target)
            elif kind == "person" and target not in intent.people:
                intent.people.append(target)
            elif kind == "document" and target not in intent.documents:
                intent.documents.append(target)
        self._choose_topics(intent, [m for m in matches if m.entry.kind == "topic"])
        spans = [(m.start, m.end) for m in matches if m.start >= 0]
        words = {w for m in matches if m.how in ("word", "reading", "typo") and m.start < 0 for w in m.typed.split()}
        intent.content = [
            token
            for token, (start, end) in zip(q.tokens, q.spans, strict=False)
            if not is_function_word(token)
            and token.pos[1] != "数詞"
            and token.lemma not in GENERIC_LEMMAS
            and token.key not in GENERIC_LEMMAS
            and not any(s < end and start < e for s, e in spans)
            and token.key not in words
            and token.surface not in places
        ]
        intent.segments = _to_segments(q, spans, words | set(places))
        return intent

    def _choose_topics(self, intent: Intent, matches: list[Match]) -> None:
        # The longer word typed wins where two overlap: 「FAX番号」 is the FAX, not 番号 (a phone number).
        matches = [m for m in matches if not any(_contains(o, m) for o in matches)]
        best: dict[str, Match] = {}
        for match in matches:
            current = best.get(match.entry.target)
            if current is None or (match.confidence, match.length) > (current.confidence, current.length):
                best[match.entry.target] = match
        primary = [m for t, m in best.items() if t not in self.facets]
        facets = [m for t, m in best.items() if t in self.facets]
        strong = [m for m in primary if m.length >= 3]
        # Japanese puts the head last (連携の目的 asks about the purpose): on a tie, the later word.
        chosen = strong or sorted(primary, key=lambda m: (-m.length, -m.start))[:1]
        topic_ids = [m.entry.target for m in sorted(chosen, key=lambda m: m.start)]
        weak = [m for m in facets if to_key(m.entry.phrase) in _WH_KEYS]
        own_parents = {self.facets[m.entry.target] for m in facets} & set(topic_ids)
        intent.weak_topics = {m.entry.target for m in weak if self.facets[m.entry.target] not in own_parents}
        intent.asked_wh = {_WH_KINDS[m.entry.target] for m in weak if m.entry.target in _WH_KINDS}
        # Facets of a named topic (締結式の場所) first; else facets named in content words (担当者, 期間,
        # 機関) over a bare どこ/いつ/誰, which only says how a named topic is asked.
        own = [m for m in facets if self.facets[m.entry.target] in topic_ids]
        named = [m for m in facets if m not in weak]
        generic = {"announcement", "ceremony", "contact"}
        if own:
            picked = own
        elif named and set(topic_ids) <= generic:
            picked = named
        elif not topic_ids:
            picked = named or facets
        else:
            picked = []
        if picked:
            parents = {self.facets[m.entry.target] for m in picked}
            kept = [m for m in chosen if m.entry.target not in parents | generic]
            chosen = sorted(picked + kept, key=lambda m: m.start)
            topic_ids = [m.entry.target for m in chosen]
            intent.facet_only = not kept and not own
        intent.topics = topic_ids
        intent.topic_matches = chosen


_WH_KINDS = {"ceremony_when": "when", "ceremony_where": "where", "ceremony_who": "who"}


@dataclass(frozen=True)
class AskedDate:
    """A date named in a question; `start`/`end` in the question's key, or -1 when not there."""

    text: str
    year: int | None
    month: int
    day: int
    start: int = -1
    end: int = -1

    def is_on(self, day: date) -> bool:
        return (self.month, self.day) == (day.month, day.day) and self.year in (None, day.year)


_DATE_IN_KEY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_DATE_IN_TEXT = re.compile(r"(?<![\d.])(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})(?![\d.])")


def to_asked_dates(key: str, text: str) -> list[AskedDate]:
    """「2020年2月7日」「2月7日」 (found in the key, with their span), 2020-02-07 and 2/7 (in the text)."""
    found = [
        AskedDate(m.group(), _to_int(m[1]), int(m[2]), int(m[3]), m.start(), m.end())
        for m in _DATE_IN_KEY.finditer(key)
    ]
    found += [AskedDate(m.group(), _to_int(m[1]), int(m[2]), int(m[3])) for m in _DATE_IN_TEXT.finditer(text)]
    return [d for d in found if 1 <= d.month <= 12 and 1 <= d.day <= 31]


def _to_int(text: str | None) -> int | None:
    return int(text) if text else None


def is_typo_of(typed: str, key: str) -> bool:
    """One edit away, keeping the first or last character (a window that only clips a word is no typo)."""
    if typed == key or Levenshtein.distance(typed, key) > 1:
        return False
    return typed[0] == key[0] or typed[-1] == key[-1]


def _contains(outer: Match, inner: Match) -> bool:
    """An exact match that strictly contains another (a reading across two words does not count)."""
    if outer is inner or outer.how != "exact" or outer.start < 0 or inner.start < 0:
        return False
    return outer.start <= inner.start and inner.end <= outer.end and outer.end - outer.start > inner.end - inner.start


def _partners_over_people(matches: list[Match]) -> list[Match]:
    """A word that names a partner is the partner, even when someone's family name is the same."""
    partners = {(m.start, m.end) for m in matches if m.entry.kind == "partner"}
    return [m for m in matches if not (m.entry.kind == "person" and (m.start, m.end) in partners)]


def _outside_titles(matches: list[Match]) -> list[Match]:
    """Words inside a document's quoted title (「道内基礎自治体との連携の推進」) name the document,
    not topics of their own."""
    titles = [(m.start, m.end) for m in matches if m.entry.kind == "document"]
    return [
        m
        for m in matches
        if m.entry.kind in ("document", "partner")
        or not any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in titles)
    ]


def _has(matches: list[Match], kind: EntryKind) -> bool:
    return any(m.entry.kind == kind for m in matches)


def _is_romaji_place(word: str) -> bool:
    kana = romaji_to_katakana(word)
    if len(kana) < 3:
        return False
    tokens = tokenize(kana)
    return len(tokens) == 1 and tokens[0].is_place
