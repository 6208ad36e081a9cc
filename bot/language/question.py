"""What kind of question it is, and the conditions it sets, from its wording alone.

Japanese is read three ways at once: the cleaned text, its key (width, case and kana folded to
katakana) and its reading (Sudachi's katakana reading, so 金曜日, きんようび, ｷﾝﾖｳ and kinyoubi
meet as キンヨウ). English is read as lower-case words. Nothing here knows the knowledge base:
the engine checks the conditions against the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import jaconv

from bot.language.text import Token, clean, romaji_to_katakana, to_key

Direction = Literal["first", "last", "next", "previous"]

WEEKDAY_READINGS = ("ゲツヨウ", "カヨウ", "スイヨウ", "モクヨウ", "キンヨウ", "ドヨウ", "ニチヨウ")
_WEEKDAY_KANJI = "月火水木金土日"
_WEEKDAY_ENGLISH = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS_ENGLISH = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


@dataclass(frozen=True)
class Conditions:
    """Checkable conditions a question sets on ceremonies (or, for `year`, on documents)."""

    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()  # Monday is 0
    half_day: Literal["am", "pm"] | None = None
    floors: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()  # 10時台: starts within that hour
    years: tuple[int, ...] = ()
    # 「来年」「去年」 (next year +1, last year -1): resolved against the asking time by the engine.
    years_from_now: tuple[int, ...] = ()
    starts: tuple[tuple[int, int], ...] = ()  # 10時半から, 11:00開始
    starts_before: tuple[int, int] | None = None  # 10時より前に始まる
    starts_after: tuple[int, int] | None = None  # 10時以降に始まる
    ends: tuple[tuple[int, int], ...] = ()  # 11時まで, 11:30終了
    minutes: tuple[int, ...] = ()  # 1時間, 30分間

    def __bool__(self) -> bool:
        return bool(
            self.months
            or self.weekdays
            or self.half_day
            or self.floors
            or self.hours
            or self.years
            or self.years_from_now
            or self.starts
            or self.ends
            or self.minutes
            or self.starts_before
            or self.starts_after
        )


@dataclass(frozen=True)
class Reading:
    """One question, read: its forms, its type and its conditions."""

    text: str
    key: str
    reading: str  # the tokens' readings, then the latin words read as romaji
    words: tuple[str, ...]
    conditions: Conditions
    position: int | None  # 「2番目」「3つ目」「first」: an item of a list
    direction: Direction | None  # order questions
    order_by: Literal["date", "start", "end", "duration"] = "date"
    wh: bool = False
    asks_count: bool = False
    asks_compare: bool = False
    asks_common: bool = False
    asks_why: bool = False
    asks_duration: bool = False
    asks_list: bool = False
    refers_back: bool = False
    refers_person: bool = False
    spoken: str = ""  # the tokens' readings alone, in order (how the sentence ends)


_WH_READINGS = (
    "イツ",
    "ドコ",
    "ドチラ",
    "ダレ",
    "ドナタ",
    "ナニ",
    "ナン",
    "ドノ",
    "ドウ",
    "ドンナ",
    "イクツ",
    "イクラ",
    "ナゼ",
    "ドレ",
    "ドッチ",
)
_WH_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "how", "why"}
_SMALLTALK_WORDS = {"hi", "hello", "hey", "thanks", "thank", "thx", "ty", "bye", "morning", "yo"}
_HELP_WORDS = {"help", "usage", "commands", "command"}
_GREETING = re.compile(
    r"^(コンニチ[ハワ]|コンバンハ|オハヨウ(ゴザイマス)?|ハジメマシテ|ヨロシク(オネガイシマス)?|オツカレ(サマ)?(デス)?|オツカレサマデシタ|"
    r"アリガト(ウ)?(ゴザイマス|ゴザイマシタ)?|ドウモ(アリガトウ)?|タスカリマシタ|タスカル|サンキュー?|リョウカイ(デス|シマシタ)?|"
    r"ワカリマシタ|OK|オッケー|ハイ|イイエ|サヨウナラ|ジャアネ|マタネ)+$"
)
_HELP = re.compile(
    r"ツカイカタ|ナ[ニン](ガ|ヲ)(デキ|キケ|キイ|シツモン|タズネ|キク)|ナ[ニン](キケ|キイタラ)|ドウキケバ|ドンナシツモン|ドンナコトヲキ|ヘルプ|ドウツカウ|ドウヤッテツカ|デキルコト"
)


def _has_wh(tokens: list[Token], words: tuple[str, ...]) -> bool:
    if any(w in _WH_WORDS for w in words):
        return True
    for index, token in enumerate(tokens):
        if index + 1 < len(tokens) and tokens[index + 1].surface == "も":
            continue  # どちらも・いずれも・誰も: "both", "all", "nobody", not a question word
        if token.reading in (
            "イクラ",
            "イクツ",
            "ナニ",
            "ナン",
            "ナゼ",
            "ダレ",
            "イツ",
            "ドコ",
            "ドナタ",
            "ドレ",
            "ドノ",
            "ドウ",
        ):
            return True
        if token.pos[0] in ("代名詞", "連体詞") and token.reading.startswith(_WH_READINGS):
            return True
        if token.lemma in ("何", "幾つ", "何故", "如何", "誰", "何処", "何時") or token.surface.startswith(
            ("誰", "何")
        ):
            return True
    return False


def _to_numbers(pattern: str, *texts: str) -> tuple[int, ...]:
    found: list[int] = []
    for text in texts:
        found += [int(m) for m in re.findall(pattern, text)]
    return tuple(dict.fromkeys(found))


# Years named relative to now (not 年度: a fiscal year is not a calendar year).
RELATIVE_YEARS = (
    (r"再来年(?!度)|the year after next", 2),
    (r"(?<!再)来年(?!度)|next year", 1),
    (r"(?:今年|本年|ことし|コトシ)(?!度)|this year", 0),
    (r"(?:去年|昨年|きょねん|キョネン)(?!度)|last year", -1),
    (r"(?:一昨年|おととし|オトトシ)(?!度)|the year before last", -2),
)


def _read_relative_years(key: str, text: str) -> tuple[int, ...]:
    lowered = text.lower()
    found = [offset for pattern, offset in RELATIVE_YEARS if re.search(pattern, key) or re.search(pattern, lowered)]
    if -2 in found and -1 in found and not re.search(r"(?<!一)昨年|去年|last year(?! *before)", key + lowered):
        found.remove(-1)  # 一昨年 contains 昨年
    if 2 in found and 1 in found and not re.search(r"(?<!再)来年|next year", key + lowered):
        found.remove(1)
    return tuple(found)


def read_conditions(text: str, key: str, reading: str, words: tuple[str, ...]) -> Conditions:
    without_dates = re.sub(r"\d{1,2}月\d{1,2}日", "", key)
    months = _to_numbers(r"(?<!\d)(1[0-2]|[1-9])月(?!\d{1,2}日)", without_dates)
    months += tuple(i + 1 for i, m in enumerate(_MONTHS_ENGLISH) if m in words)
    weekdays = [i for i, r in enumerate(WEEKDAY_READINGS) if r in reading or r in key]
    weekdays += [i for i, k in enumerate(_WEEKDAY_KANJI) if f"({k})" in text or f"{k}曜" in key]
    weekdays += [i for i, w in enumerate(_WEEKDAY_ENGLISH) if w in words or f"{w}s" in words]  # on Fridays
    weekdays += [0, 1, 2, 3, 4] if {"weekday", "weekdays"} & set(words) or "平日" in key else []
    weekdays += [5, 6] if {"weekend", "weekends"} & set(words) or re.search(r"週末|土日", key) else []
    half: Literal["am", "pm"] | None = None
    if re.search(r"ゴゴ|ヒルカラ|ユウガタ|午後", reading + key) or {"afternoon", "pm", "evening"} & set(words):
        half = "pm"
    elif re.search(r"ゴゼン|午前|朝(?!日)", reading + key) or {"morning", "am"} & set(words):
        half = "am"
    floors = _to_numbers(r"(\d{1,2})(?:階|f(?![a-z]))", key) + _to_numbers(
        r"(\d{1,2})(?:st|nd|rd|th)[\s-]*floor", text.lower()
    )
    hours = _to_numbers(r"(\d{1,2})時台", key)
    years = _to_numbers(r"((?:19|20)\d\d)年(?!\d{1,2}月\d)", key) + tuple(
        int(w) for w in words if re.fullmatch(r"(19|20)\d\d", w)
    )
    before, after = _read_bounds(key)
    starts, ends = _read_times(re.sub(_BOUND, "", key), text if not (before or after) else "")
    return Conditions(
        months=tuple(months),
        weekdays=tuple(dict.fromkeys(weekdays)),
        half_day=half,
        floors=floors,
        hours=hours,
        years=tuple(dict.fromkeys(years)),
        years_from_now=_read_relative_years(key, text),
        starts=starts,
        ends=ends,
        minutes=_read_minutes(key) or _read_minutes_english(text.lower()),
        starts_before=before,
        starts_after=after,
    )


def _read_minutes_english(text: str) -> tuple[int, ...]:
    """A length claimed in English: "30 minutes", "half an hour", "an hour", "2 hours"."""
    found = [int(m) for m in re.findall(r"(?<![\d:])(\d{1,3})[- ]?(?:minutes?|mins?)\b", text)]
    found += [int(m) * 60 for m in re.findall(r"(?<![\d:])(\d{1,2})[- ]?hours?\b", text)]
    found += [30] if re.search(r"\bhalf an hour\b", text) else []
    found += [60] if re.search(r"\b(?:an|one) hour\b", text) else []
    return tuple(dict.fromkeys(found))


_BOUND = r"(\d{1,2})時(半)?(ヨリ前|前ニ|前|マデ|以前|ヨリ後|以降|過ギ|ヨリアト|カラ後)"


def _read_bounds(key: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """「10時より前に」「11時以降に」 始まる: a bound on the start, not a time claimed."""
    match = re.search(_BOUND, key)
    if not match:
        return None, None
    moment = (int(match[1]), 30 if match[2] else 0)
    return (moment, None) if match[3] in ("ヨリ前", "前ニ", "前", "マデ", "以前") else (None, moment)


_TIME = re.compile(r"(?<![\d何])(\d{1,2})(?:時(?!台|間)(半|(\d{1,2})分)?|:(\d{2}))")


def _read_times(key: str, text: str) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Clock times a question claims: 「10時半から」 is a start, 「11時まで」「11:30に終わる」 an end."""
    starts: list[tuple[int, int]] = []
    ends: list[tuple[int, int]] = []
    for match in _TIME.finditer(key.replace("：", ":") + " " + text):
        hour = int(match[1])
        minute = 30 if match[2] == "半" else int(match[3] or match[4] or 0)
        if hour > 23 or minute > 59:
            continue
        after = (key + " " + text)[match.end() : match.end() + 4]
        target = ends if re.match(r"(まで|マデ|に終|ニ終|ニオワ|終了|シュウリョウ|~|～)", after) else starts
        if (hour, minute) not in target:
            target.append((hour, minute))
    for match in _HOUR_EN.finditer(text.lower()):  # "at 10", "from 11 am": a whole hour in English
        hour = int(match[2]) + (12 if match[3] and match[3].startswith("p") and int(match[2]) < 12 else 0)
        target = ends if match[1] in ("until", "till", "to") else starts
        if hour <= 23 and (hour, 0) not in target:
            target.append((hour, 0))
    return tuple(starts), tuple(ends)


# An hour alone ends its phrase ("at 10?", "from 10 to 10:30"): "to 5 companies" is no time.
_HOUR_EN = re.compile(
    r"\b(at|from|starts? at|starting at|begins? at|until|till|to)\s+(\d{1,2})(?![\d:])\s*"
    r"(a\.?m\.?|p\.?m\.?|o'?clock)?(?=\s*(?:[?.!,]|$|(?:and|on|in|at|to|until|or)\b))"
)


def _read_minutes(key: str) -> tuple[int, ...]:
    """A length a question claims: 「1時間」「30分間」 (not 何分, which asks it)."""
    found = [int(m) * 60 for m in re.findall(r"(?<![\d何])(\d{1,2})時間", key)]
    found += [int(m) for m in re.findall(r"(?<![\d時何:])(\d{1,3})分", key)]
    return tuple(dict.fromkeys(found))


_POSITION_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANA_DIGITS = {"イチ": 1, "ニ": 2, "サン": 3, "ヨン": 4, "ゴ": 5}


def read_position(key: str, reading: str, words: tuple[str, ...], text: str = "") -> int | None:
    """「2番目」「3つ目」「二つ目」「いちばんめ」「1個目」, or an English ordinal: an item of a list."""
    match = re.search(r"(\d{1,2}|[一二三四五六七八九])(?:番目|ツ目|個目|件目|項目目|ツメ|番メ)", key)
    if match:
        value = match[1]
        return int(value) if value.isdigit() else _KANJI_DIGITS[value]
    # 「(2)の項目」: the key has no brackets, the text does.
    match = re.search(r"\((\d{1,2})\)", clean(text)) or re.search(r"(?:^|ノ)(\d{1,2})(?:ハ|$)", key)
    if match:
        return int(match[1])
    match = re.search(r"(イチ|ニ|サン|ヨン|ゴ)バンメ", reading)
    if match:
        return _KANA_DIGITS[match[1]]
    for word, number in _POSITION_WORDS.items():
        # "the first ceremony" is the earliest (an order); "the second ceremony" is an item of a list;
        # "the 2nd floor" is a place.
        a_floor = re.search(rf"\b{word}[\s-]*floor", text.lower())
        if word in words and (number > 1 or not {"ceremony", "ceremonies"} & set(words)) and not a_floor:
            return number
    return None


_ORDER = (
    (
        "first",
        r"イチバン(ハヤ|サイショ|サキ|マエ|ミジカ|アサハヤ)|モットモミジカ|ド[ッ]?チ[ラ]?ガ(ハヤ|サキ|ミジカ)|モットモ(ハヤ|サキ)|サイショ|ハジメ(ニ|テノシキ)|最初|一番早|最も早|一番先|ハヤイホウ|ハヤカッタホウ|早いほう|早い方",
    ),
    (
        "last",
        r"イチバン(オソ|サイゴ|アト|アタラシ|ナガ)|モットモナガ|ド[ッ]?チ[ラ]?ガ(オソ|アト|ナガ|アタラシ)|モットモ(オソ|アタラシ)|サイゴ|サイシン|最新|最後|一番遅|直近|サイキン|オソイホウ|遅いほう|遅い方|アタラシイホウ",
    ),
    ("next", r"ツギ(ノ|ハ|ニ|デ|$)|ソノアト|次の|次は|ソノツギ|アトニ|ニツイデ|に次いで|次イデ"),
    ("previous", r"(ノ|ヨリ)マエ(ニ|ノ|デ|$)|ヒトツマエ|ソノマエ|前に|前の"),
)
_ORDER_ENGLISH: dict[str, Direction] = {
    "earliest": "first",
    "first": "first",
    "earlier": "first",
    "shortest": "first",
    "latest": "last",
    "later": "last",
    "longest": "last",
    "last": "last",
    "newest": "last",
    "most": "last",
    "recent": "last",
    "next": "next",
    "after": "next",
    "before": "previous",
    "previous": "previous",
}


def read_direction(key: str, reading: str, words: tuple[str, ...]) -> Direction | None:
    for direction, pattern in _ORDER:
        if re.search(pattern, reading) or re.search(pattern, key):
            return direction  # type: ignore[return-value]
    for index, word in enumerate(words):
        # "How long did the ceremonies last?": the verb, not an order.
        if word == "last" and index == len(words) - 1 and "long" in words:
            continue
        if word in _ORDER_ENGLISH:
            return _ORDER_ENGLISH[word]
    return None


_ORDER_BY_ENGLISH: dict[str, Literal["start", "end", "duration"]] = {
    "start": "start",
    "starts": "start",
    "started": "start",
    "begin": "start",
    "begins": "start",
    "began": "start",
    "end": "end",
    "ends": "end",
    "ended": "end",
    "finish": "end",
    "finishes": "end",
    "finished": "end",
    "longest": "duration",
    "shortest": "duration",
}


def _order_by(key: str, reading: str, words: tuple[str, ...] = ()) -> Literal["date", "start", "end", "duration"]:
    if re.search(r"開始時刻|開始時間|始まる時間|スタート|カイシジ|ハジマル|ハジメル|始ま", key + reading):
        return "start"
    if re.search(r"終了|終わる|シュウリョウ|オワ", key + reading):
        return "end"
    if re.search(r"長い|短い|ナガイ|ミジカイ|ナガサ|所要", key + reading):
        return "duration"
    return next((_ORDER_BY_ENGLISH[w] for w in words if w in _ORDER_BY_ENGLISH), "date")


def _is_yes_no_shape(text: str, reading: str, words: tuple[str, ...]) -> bool:
    if words and words[0] in ("is", "are", "was", "were", "does", "do", "did", "can", "will", "has", "have"):
        return True
    if re.search(r"(は|って|とは|ってば)\s*[?？]*\s*$", text):
        return False  # 「〜は?」「〜って?」 ask about a topic; a yes/no ends in what it claims
    tail = reading[-8:]
    return text.rstrip().endswith(("?", "？")) or bool(
        re.search(
            r"(デスカ|マスカ|デショウカ|ダッケ|デシタッケ|ッケ|カナ|ノ|ヨネ|ダヨネ|デスヨネ|カ|ナノ|ッテコト|アッテル|アッテマス"
            r"|タダシイ|マチガイナイ)$",
            tail,
        )
    )


_COMMANDS = re.compile(r"オシエ|シリタイ|ミセ|リスト|イチラン|ゼンブ|スベテ|マトメ|セツメイ|クワシク|オネガイ")


def _asks_list(reading: str, key: str) -> bool:
    """「全部教えて」 asks for a list; 「全部で3つ?」 claims a count."""
    commands = set(_COMMANDS.findall(reading))
    if commands <= {"ゼンブ", "スベテ"} and re.search(r"\d+(?:つ|ツ|件|個|本|項目|人|名|市)(?!目)", key):
        return False
    return bool(commands)


def _romaji_reading(word: str) -> str:
    # 「kinyoubi」 is 金曜日 (kin'youbi), though jaconv reads "ny" as にょ.
    kana = romaji_to_katakana(word)
    if "ny" in word:
        kana += jaconv.hira2kata(jaconv.alphabet2kana(word.replace("ny", "n'y")))
    return kana or word


def read_question(text: str, tokens: list[Token]) -> Reading:
    cleaned = clean(text)
    key = to_key(cleaned)
    reading = "".join(t.reading for t in tokens)
    words = tuple(re.findall(r"[a-z0-9]+", cleaned.lower()))
    romaji = "".join(_romaji_reading(w) for w in words if w.isalpha())
    reading_all = reading + romaji
    conditions = read_conditions(cleaned, key, reading_all, words)
    wh = _has_wh(tokens, words) or bool(re.search(r"ナニ|ナン|イクツ|イクラ|ダレ|ドコ|イツ|ドノ|ドウ|ドナタ", romaji))
    reading_read = Reading(
        spoken=reading,
        text=cleaned,
        key=key,
        reading=reading_all,
        words=words,
        conditions=conditions,
        position=read_position(key, reading_all, words, text),
        direction=read_direction(key, reading_all, words),
        order_by=_order_by(key, reading_all, words),
        wh=wh,
        asks_count=not re.search(r"何市[のノがガ]|ナンシノ|ナンシガ", key + reading_all)
        and (
            bool(re.search(r"(?<!件|人|回)数(ハ|$|ヲ|ノ)|ノ数|件数|総数|(?<!総)合計", key))
            or bool(
                re.search(
                    r"ナン(シ|ケン|ニン|メイ|コ|ツ|カショ|ホン|コウモク|ジチタイ|シチョウソン)(?!ョ|ュ|ャ|メ)|イクツ",
                    reading_all,
                )
            )
            or bool(re.search(r"何(市|件|人|名|個|つ|か所|箇所|本|項目|自治体)(?!目)|幾つ", key))
            or "how many" in " ".join(words)
        ),
        asks_compare=bool(re.search(r"クラベ|チガイ|チガウ|ヒカク|比べ|違い|違う|比較|差", reading_all + key))
        or bool({"compare", "difference", "differ", "vs", "versus", "apart"} & set(words)),
        asks_common=bool(re.search(r"キョウツウ|共通|オナジ|同じ", reading_all + key)) or "common" in words,
        asks_why=bool(
            re.search(
                r"ナゼ|ナンデ(?!ス|シ|ショ)|ドウシテ|リユウ|モクテキ|ネライ|シュシ|メザ|何故|理由|目的|狙い|趣旨|意図|目指",
                reading_all + key,
            )
        )
        or bool({"why", "purpose", "reason", "aim"} & set(words)),
        asks_duration=bool(
            re.search(
                r"ナンプン|ナンジカン|ドノクライ(ノ)?ジカン|ドレクライ|ドノグライ|ナガサ|ナガイ|ミジカイ|何分|何時間|長さ|長い|短い|所要|カカル",
                reading_all + key,
            )
        )
        or "how long" in " ".join(words),
        # Romaji is read word by word: 「kitami ceremony」 is no ミセ (見せ) across the two words.
        asks_list=_asks_list(reading, key)
        or any(_COMMANDS.search(_romaji_reading(w)) for w in words if w.isalpha())
        or bool({"list", "all", "every"} & set(words)),
        refers_person=bool(re.search(r"(ソノ|アノ)(人|ヒト|方|カタ|市長|局長)|彼(?!ら)|カノジョ", key))
        or bool({"he", "she", "him", "her"} & set(words)),
        refers_back=bool(
            re.search(
                r"^(ソコ|ソノ|ソレ|ソッチ|ソチラ|コノ|ソノヒト|アノ)|ソコノ|ソノヒト|ソレッテ|ソコッテ", reading_all
            )
        )
        or bool({"it", "that", "there", "they", "them"} & set(words)),
    )
    return reading_read


# Values a knowledge base of announcements may not hold at all: a question that asks for one is
# answerable only if some fact in scope has a value of that kind (「建設費は?」 needs an amount in 円).
VALUE_KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "金額",
        r"イクラ|キンガク|金額|予算額|費用|建設費|事業費|経費|コスト|価格|値段|売上|売り上げ|収益|利益"
        r"|how much|cost|price|what is the budget|budget of|sales",
        r"\d[\d,]*(万|億)?円",
    ),
    ("年齢", r"年齢|何歳|ナンサイ|ネンレイ|how old|\bage\b", r"\d+歳"),
    ("職員数", r"職員数|従業員|社員数|人員|employees|staff|headcount", r"職員数|従業員|\d+人の職員"),
    (
        "人口",
        r"(?<!関係)人口|(?<!カンケイ)ジンコウ|population|how many (?:people|residents|inhabitants) live|inhabitants",
        r"(?<!関係)人口[はがの]?約?\d|\d[\d,]*万?人(?!口)",
    ),
    ("天気", r"天気|天候|気温|テンキ|weather|temperature", r"天気|天候|気温"),
    ("面積", r"面積|広さ|\barea\b", r"面積|(km|ｋｍ)2|平方"),
    ("任期", r"何期目|任期|期目|ナンキメ|\bterm\b", r"\d+期目|任期"),
    ("その後の経過", r"どうなった|ドウナッタ|その後|ソノゴ|後日|結果は|成果は", r"開催されました|締結しました"),
    (
        "有効期間",
        r"有効期間|有効期限|期限|いつまで有効|expir|valid until|validity|how long is \w+ (?:\w+ )?valid",
        r"有効期間|有効期限|期限",
    ),
    (
        "企業名",
        r"企業名|会社名|社名|どの企業|どこの企業|ドノキギョウ"
        r"|company names|which companies|how many companies|participating companies|companies (?:take|taking) part",
        r"株式会社|（株）|\(株\)",
    ),
    (
        "発言",
        r"何ヲ話|ナ[ニン]ヲハナ|話シタ|発言|挨拶|スピーチ|コメント|speech|what did \w+ (?:\w+ )?say",
        r"挨拶|発言|コメント",
    ),
    ("配信", r"配信|中継|ライブ|録画|オンライン|live ?stream|streamed|broadcast", r"配信|中継|ライブ|オンライン"),
    ("行き方", r"行き方|イキカタ|道順|最寄り|交通手段|アクセス方法|how to get", r"徒歩|駅から|バス停|最寄り"),
)


def asked_value_kind(reading: Reading) -> tuple[str, str] | None:
    """The kind of value asked (金額, 年齢, …) and the pattern a fact must match to answer it."""
    haystack = f"{reading.key} {reading.reading} {' '.join(reading.words)}"
    for label, asked, marker in VALUE_KINDS:
        if re.search(asked, haystack, re.IGNORECASE):
            return label, marker
    return None


def asks_source(reading: Reading) -> bool:
    haystack = reading.key + reading.reading
    return bool(
        re.search(
            r"出典|情報源|ソース|ドコカラノジョウホウ|ドコノジョウホウ|ナニニモトヅ|どこからの情報|どこの情報", haystack
        )
    ) or ("source" in reading.words)


_CLAIM = re.compile(
    r"(?:は|って|が|も|、)\s*([^はがっ、]{2,}?)\s*(?:で合って(?:る|ます)|でしょうか|ですよね|ですか|でした(?:っけ)?|だった|ですね|"
    r"(?:で|にて|において)(?:やる|やります|やっ|やり|行う|行います|行っ|行われ|おこなわれ|開催|開かれ|実施|する|します|し[たま])|"
    r"(?:じゃ|では|で)な(?:い|かった)|から|なの|なん|だよね|よね|かな|だっけ|で正しい|で間違いない|(?:で|にて)?[?？]|(?:で|にて)?$)"
)
_NOT_BUT = re.compile(r"^なく|(?:では|じゃ|で)なく(?:て)?")
_CLAIM_SUFFIXES = re.compile(r"(さん|様|氏|さま|くん|に発表された|に発表|の話|のプロジェクト|の覚書|の内容)$")


def read_claim(text: str) -> str:
    """What a yes/no question claims (「室蘭の式は3号会議室?」 → 3号会議室), or ""."""
    matches = list(_CLAIM.finditer(clean(text)))
    if not matches:
        return ""
    claim = _CLAIM_SUFFIXES.sub("", matches[-1][1].strip())
    claim = _NOT_BUT.split(claim)[-1]  # 「帯広市役所ではなく室蘭市役所」 claims 室蘭市役所
    return claim if len(claim) >= 2 else ""


def is_smalltalk(reading: Reading) -> bool:
    """Greetings and thanks, alone (「ありがとう!」「こんにちは」「thx」)."""
    folded = re.sub(r"[^\w]", "", reading.reading)
    fillers = {"you", "so", "much", "a", "lot", "very", "good", "there", "everyone", "cheers", "afternoon", "evening"}
    if reading.words and set(reading.words) <= _SMALLTALK_WORDS | fillers:
        return True
    return bool(folded) and bool(_GREETING.fullmatch(folded))


def is_help(reading: Reading) -> bool:
    if reading.words and set(reading.words) & _HELP_WORDS and len(reading.words) <= 3:
        return True
    if re.search(r"what can you (do|answer)|how (do|can) i use|what do you know", " ".join(reading.words)):
        return True
    return bool(_HELP.search(reading.reading))


def is_yes_no(reading: Reading) -> bool:
    if reading.wh or reading.asks_list:
        return False
    if _is_yes_no_shape(reading.text, reading.spoken, reading.words):
        return True
    # 「室蘭の締結式は2階」「担当者は佐藤さん」 typed without a question mark still claim something
    # checkable: a condition, a person, a number, or that something is done.
    if re.search(r"(は|って|とは|の|を|に)\s*[?？]*\s*$", reading.text):
        return False
    claim = read_claim(reading.text)
    person = re.search(r"(さん|様|氏)\s*$", reading.text)
    return bool(reading.conditions or person or re.search(r"済み|済ん|既に|もう", reading.text)) or bool(
        claim and re.search(r"\d", claim)
    )
