"""A larger question set built from the sample: the same questions written the ways people type.

Each sample case yields variants in which the city is written in hiragana, katakana, half-width
katakana, romaji, or with a one-kana typo, and the whole question in half-width or without
punctuation. The expectations of the case carry over unchanged.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import jaconv

from bot.knowledge.model import KnowledgeBase, Partner
from bot.ops.evaluation import Case

_KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"


def to_variants(kb: KnowledgeBase, cases: list[Case], seed: int = 5) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for case in cases:
        out += _city_variants(kb, case, rng)
        out.append(replace(case, question=jaconv.z2h(case.question, kana=True, digit=True, ascii=True)))
        out.append(replace(case, question=re.sub(r"[?？!！、。・]", " ", case.question).strip()))
    return [c for c in out if c.question]


def _city_variants(kb: KnowledgeBase, case: Case, rng: random.Random) -> list[Case]:
    for partner in kb.partners:
        # The short name first: 「室蘭市長」 is 室蘭 + 市長, not 室蘭市 + 長.
        for written in (partner.short_name, partner.name, partner.readings.hiragana):
            if written in case.question:
                return [replace(case, question=case.question.replace(written, form, 1))
                        for form in _forms(partner, rng)]
    return []


def _forms(partner: Partner, rng: random.Random) -> list[str]:
    r = partner.readings
    return [r.hiragana, r.katakana, jaconv.z2h(r.katakana, kana=True), r.romaji, r.romaji.capitalize(),
            _typo(r.hiragana, rng)]


def _typo(word: str, rng: random.Random) -> str:
    """One kana replaced, keeping the first and last (a slip of the finger, not another word)."""
    if len(word) < 4:
        return word
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + rng.choice(_KANA.replace(word[position], "")) + word[position + 1:]
