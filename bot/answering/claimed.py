"""What a Japanese yes/no question claims, as values to find in an answer.

「旭川の締結式は2階3号会議室で行われた?」 claims 3号会議室 (the floor is a condition, judged by the
condition check; で行われた only frames it); 「第2期室蘭市総合戦略は帯広の計画?」 names a value whole
(the plan) and claims whose it is (帯広's). A はい must show every value claimed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answering.base import ASKING_NOUNS
from bot.answering.understand import GENERIC_LEMMAS, Understander
from bot.knowledge.facts import Names
from bot.language.question import read_claim
from bot.language.text import Token, has_kanji, to_key, tokenize

# What frames a claimed value rather than being one.
_CONDITION_WORDS = re.compile(
    r"(?:19|20)\d\d年|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日|\d{1,2}階|\d{1,2}(?:時|:)(?:\d{1,2}分?|半)?|\d+分間?|\d+時間"
    r"|午前中?|午後|朝|昼|夕方|平日|週末|土日|[月火水木金土日]曜日?|から|まで|開始|終了|頃|ごろ"
)
# A role or an honorific after a name (青山市長, 安藤さん), not inside a value (市長応接室).
_FRAME_WORDS = re.compile(r"(?:副?市長|局長|部長|課長|さん|様|氏|さま|の方|ご本人|本人)(?=$|[・のとや、,\s])")
# The parts of a claim that names several values: 「辻さんと宮本さん」「米沢市長、安藤局長」.
CLAIM_PARTS = re.compile(r"と|、|・|,|及び|および|や")
_CHUNK_SEPARATORS = re.compile(r"[・のとや、,\s]|及び|および")


# "held at Obihiro City Hall?", "Is the venue in Room 3?": where an English claim names a place.
_PLACE_CLAIM_EN = re.compile(r"\b(?:at|in)\s+(?:the\s+|a\s+)?([a-z][a-z ]*[a-z])\s*[?.!]*\s*$", re.IGNORECASE)


class ClaimedValues:
    def __init__(self, understander: Understander, partner_names: Names) -> None:
        self.understander = understander
        self.partner_names = partner_names

    def unshown(self, question: str, shown: str) -> list[str]:
        """The values `question` names whole or claims that `shown` does not hold."""
        said = to_key(shown)
        return [value for value in self.named_and_claimed(question) if value not in said]

    def named_and_claimed(self, question: str) -> list[str]:
        return [*self.understander.values_named(question), *self.claimed(read_claim(question))]

    def owner(self, question: str) -> str | None:
        """「〜は室蘭の計画?」「〜って帯広の取組?」: the one partner a claim says the thing is of, when it
        claims nothing else."""
        claim = read_claim(question)
        named = self.understander.understand(claim).partner_ids if claim else ()
        return named[0] if len(named) == 1 and not self.claimed(claim) else None

    def english_place(self, question: str) -> tuple[str, str] | None:
        """"Was the Muroran ceremony held at Obihiro City Hall?": the place as typed, and its
        Japanese key (帯広市役所) when every word of it is a city's romaji or in the vocabulary."""
        match = _PLACE_CLAIM_EN.search(question)
        if not match:
            return None
        words, japanese = match[1].lower().split(), ""
        while words:
            step = self._to_japanese(words)
            if step is None:
                return None  # a word we cannot write in Japanese: no claim we could check
            used, written = step
            words, japanese = words[used:], japanese + written
        return match[1], to_key(japanese)

    def _to_japanese(self, words: list[str]) -> tuple[int, str] | None:
        """The longest start of `words` a city's romaji or a translation writes, and its Japanese."""
        kb = self.understander.kb
        for length in range(len(words), 0, -1):
            phrase = " ".join(words[:length])
            partner = next((p for p in kb.partners if p.readings.romaji == phrase), None)
            if partner:
                return length, partner.short_name
            japanese = next((ja for en, ja in kb.vocabulary.translations if en in (phrase, phrase.rstrip("s"))), None)
            if japanese:
                return length, japanese[0]
        return None

    def claimed(self, claim: str) -> list[str]:
        """The keys of the values in a claim: not its conditions, the partners and roles that frame
        it, the words that name a topic (計画, 取組) or the act claimed (開催, 実施)."""
        plain = _FRAME_WORDS.sub("・", _CONDITION_WORDS.sub("・", self.partner_names.blank(claim)))
        # A city written another way (むろらん, a typo: 室欄) is a city too, not a value.
        cities = [m.typed for m in self.understander.understand(claim).partners.values()] if claim else []
        values = []
        for chunk in _CHUNK_SEPARATORS.split(plain):
            tokens = _trim(tokenize(chunk), lambda t: t.pos[0] not in ("名詞", "接頭辞"))
            while tokens and tokens[-1].pos[2] == "サ変可能":
                tokens.pop()  # 「10時半から開催」「室蘭市役所で実施」
            if not any(self._is_value_word(t) for t in tokens):
                continue  # 「予定」「覚書」「プロジェクト」: it only frames the claim
            value = to_key("".join(t.surface for t in tokens))  # a compound whole: 市長応接室
            for city in cities:
                value = value.replace(city, "")
            if len(value) >= 2 or (value and has_kanji(value)):  # 辻 of 「辻市長」 is a name
                values.append(value)
        return values

    def is_shown(self, claim: str, shown: str, partner_ids: tuple[str, ...]) -> bool:
        """Whether an answer about `partner_ids` saying `shown` holds every part of a claim:
        「秘書課の応接室」 in 秘書課第2応接室, 「むろらん市役所」 in 室蘭市役所 of 室蘭's ceremony."""
        values = self.claimed(claim)
        named = self.understander.understand(claim).partner_ids
        said = to_key(shown)
        return bool(values) and all(v in said for v in values) and set(named) <= set(partner_ids)

    def _is_value_word(self, token: Token) -> bool:
        # A topic's word (計画, 取組) or a word the vocabulary marks neutral (覚書) names no value.
        names_topic = any(e.kind in ("topic", "neutral") for e in self.understander.lexicon.keys.get(token.key, ()))
        return (
            token.pos[0] in ("名詞", "接頭辞")
            and not names_topic
            and token.lemma not in GENERIC_LEMMAS | ASKING_NOUNS
        )


def _trim(tokens: list[Token], is_frame: Callable[[Token], bool]) -> list[Token]:
    """The tokens without the framing ones at either end (「出席」 of 「出席しますか」)."""
    start = next((i for i, t in enumerate(tokens) if not is_frame(t)), len(tokens))
    end = next((i for i in range(len(tokens), start, -1) if not is_frame(tokens[i - 1])), start)
    return tokens[start:end]
