"""Japanese text handling, backed by SudachiPy (sudachidict-core) and jaconv.

Everything the bot compares goes through one of three keys:
- `to_key`: NFKC (so half-width ｵﾋﾞﾋﾛ and full-width ＡＢＣ fold), lower case, hiragana folded
  to katakana, whitespace and punctuation dropped. 「おびひろ」「オビヒロ」「ｵﾋﾞﾋﾛ」 share a key.
- a token's `reading`: Sudachi's katakana reading, so kanji and kana spellings meet.
- `char_readings`: the reading of each character alone, so a homophone kanji typo
  (室欄 for 室蘭: both ムロ+ラン) can still be recognised.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jaconv
import snowballstemmer
from sudachipy import Dictionary, SplitMode, Tokenizer

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff0-\uffff]"
)
_NOT_KEY = re.compile(r"[^\w\u30fc]|_", re.UNICODE)
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
KANA_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc]+")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_STEMMER = snowballstemmer.stemmer("english")
_lock = threading.Lock()
_dictionary: Dictionary | None = None
# A Sudachi tokenizer must never be used by two threads at once ("Tokenizer is already in use"):
# answers tokenize on the event loop while a reload builds the new knowledge base in a thread.
# One tokenizer per thread over the one dictionary (memory-mapped, loaded once) costs a few
# microseconds per thread (measured: about 3 µs to create one) and no lock on the answer path.
_per_thread = threading.local()


def get_tokenizer() -> Tokenizer:
    """This thread's Sudachi tokenizer (each thread its own, over the one process-wide dictionary)."""
    tokenizer: Tokenizer | None = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _per_thread.tokenizer = load_dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer


def load_dictionary() -> Dictionary:
    """The Sudachi core dictionary, loaded on first use."""
    global _dictionary
    if _dictionary is None:
        with _lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
    return _dictionary


def clean(text: str) -> str:
    """NFKC, control and zero-width characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def to_key(text: str) -> str:
    """The comparison key of a phrase: width, case and kana folded; spaces and punctuation gone."""
    folded = jaconv.hira2kata(clean(text).lower())
    return _NOT_KEY.sub("", folded)


def is_kana(text: str) -> bool:
    return bool(text) and KANA_RUN.fullmatch(text) is not None


def has_kanji(text: str) -> bool:
    return _KANJI.search(text) is not None


def latin_words(text: str) -> list[str]:
    """Lower-case latin words of a text, each folded to its stem (attends → attend, items → item)."""
    return [to_stem(word) for word in _LATIN_WORD.findall(clean(text).lower())]


def raw_latin_words(text: str) -> list[str]:
    """Lower-case latin words as typed (romaji must not be stemmed: nanreime is 何例目)."""
    return [word.removesuffix("'s") for word in _LATIN_WORD.findall(clean(text).lower())]


@lru_cache(maxsize=16_384)
def to_stem(word: str) -> str:
    # "'s" is a possessive, not a word of its own (Muroran's theme).
    word = word.removesuffix("'s").removesuffix("’s")
    return str(_STEMMER.stemWord(word)) if len(word) > 3 else word


@dataclass(frozen=True)
class Token:
    surface: str
    key: str
    reading: str
    lemma: str
    pos: tuple[str, ...]

    @property
    def is_place(self) -> bool:
        return self.pos[:3] == ("名詞", "固有名詞", "地名")

    @property
    def is_latin(self) -> bool:
        return bool(self.key) and self.key.isascii()


_FUNCTION_POS = {
    "助詞",
    "助動詞",
    "補助記号",
    "記号",
    "空白",
    "接尾辞",
    "接頭辞",
    "代名詞",
    "感動詞",
    "連体詞",
    "接続詞",
    "副詞",
    "形状詞",
}


def is_function_word(token: Token) -> bool:
    """Particles, punctuation, pronouns and light verbs: words that carry no subject matter."""
    if token.pos[0] in _FUNCTION_POS:
        return True
    return token.pos[0] == "動詞" and token.pos[1] == "非自立可能"


def tokenize(text: str) -> list[Token]:
    """Sudachi tokens of cleaned text, each with its key and katakana reading."""
    tokens = []
    for morpheme in get_tokenizer().tokenize(clean(text)):
        surface = morpheme.surface()
        key = to_key(surface)
        if not key:
            continue
        reading = to_key(morpheme.reading_form()) if not key.isascii() else key
        tokens.append(Token(surface, key, reading, morpheme.normalized_form(), tuple(morpheme.part_of_speech())))
    return tokens


# Readings are cached across knowledge bases: a hot reload of 3,000 partners re-reads only the
# texts that changed (Sudachi is most of the cost of building the engine).
_READINGS_CACHED = 262_144


@lru_cache(maxsize=_READINGS_CACHED)
def _analyse(phrase: str) -> tuple[str, frozenset[str]]:
    tokens = tokenize(phrase)
    return "".join(t.reading for t in tokens), frozenset(form for t in tokens for form in (t.reading, t.lemma))


def reading_of(phrase: str) -> str:
    """The katakana reading key of a phrase (latin words stay as they are)."""
    return _analyse(phrase)[0]


def word_forms(phrase: str) -> frozenset[str]:
    """The readings and lemmas of a phrase's words."""
    return _analyse(phrase)[1]


@lru_cache(maxsize=65_536)
def char_reading(char: str) -> str:
    """The reading of one character on its own (室 → ムロ, 蘭 → ラン, 欄 → ラン)."""
    if not has_kanji(char):
        return char
    return reading_of(char) or char


def char_readings(key: str) -> tuple[str, ...]:
    return tuple(char_reading(char) for char in key)


@lru_cache(maxsize=4_096)
def romaji_to_katakana(word: str) -> str:
    """`sapporo` → サッポロ, or "" when the word is not plausible romaji."""
    kana = jaconv.hira2kata(jaconv.alphabet2kana(word))
    plausible = "ッッ" not in kana and not kana.startswith(("ッ", "ン")) and not kana.endswith("ッ")
    return kana if is_kana(kana) and plausible else ""


def bigrams(key: str) -> set[str]:
    """Character bigrams of a key (a one-character key is its own feature)."""
    if len(key) < 2:
        return {key} if key else set()
    return {key[i : i + 2] for i in range(len(key) - 1)}
