"""Synthetic knowledge bases and question sets for benchmarks (same schema, made-up names)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, time

from bot.knowledge import Attendee, Event, KnowledgeBase, Partner, Project, Promotion, Readings

_SYLLABLES = [
    ("カ", "ka"),
    ("キ", "ki"),
    ("ク", "ku"),
    ("サ", "sa"),
    ("シ", "shi"),
    ("タ", "ta"),
    ("ナ", "na"),
    ("ノ", "no"),
    ("ハ", "ha"),
    ("ミ", "mi"),
    ("ム", "mu"),
    ("ヤ", "ya"),
    ("ラ", "ra"),
    ("リ", "ri"),
    ("ワ", "wa"),
    ("ト", "to"),
    ("モ", "mo"),
    ("ネ", "ne"),
    ("ヒ", "hi"),
    ("コ", "ko"),
]
_KANJI = "東西南北上下中大小山川田野原森林沢池浜島崎岡谷村松竹梅桜春夏秋冬金銀銅鉄石岩砂星月日"
_WORDS = [
    "観光",
    "産業",
    "製造",
    "農業",
    "漁業",
    "医療",
    "教育",
    "環境",
    "交通",
    "物流",
    "文化",
    "研究",
    "人材",
    "創業",
]


def to_synthetic_kb(base: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """`base` plus made-up partners up to `size` in all."""
    rng = random.Random(seed)
    partners = list(base.partners)
    names = {p.short_name for p in partners}
    while len(partners) < size:
        short = "".join(rng.sample(_KANJI, 3))
        syllables = [rng.choice(_SYLLABLES) for _ in range(4)]
        katakana, romaji = "".join(s[0] for s in syllables), "".join(s[1] for s in syllables)
        if short in names:
            continue
        names.add(short)
        partners.append(_partner(rng, len(partners), short, katakana, romaji))
    return replace(base, partners=tuple(partners), _by_id={})


def _partner(rng: random.Random, index: int, short: str, katakana: str, romaji: str) -> Partner:
    words = rng.sample(_WORDS, 4)
    pid = f"p{index}"
    return Partner(
        id=pid,
        name=f"{short}市",
        short_name=short,
        readings=Readings(katakana, katakana, romaji),
        aliases=(),
        theme=f"{words[0]}と{words[1]}による{short}の振興",
        projects=tuple(Project(f"{w}の{short}プロジェクト", f"{short}で{w}分野の取組を支援する。") for w in words[:3]),
        promotion=Promotion(f"{short}市の計画に基づき{words[3]}を進める。", (f"{short}市総合計画",)),
        cooperation_items=(f"{words[0]}分野の支援", f"{words[2]}に関する連携"),
        ceremony=Event(
            f"{pid}-ceremony",
            f"{short}市との覚書締結式",
            date(2030, 1 + index % 12, 1 + index % 28),
            time(10, 0),
            time(10, 30),
            f"{short}市役所",
            (Attendee(f"{short}市長", "試験 太郎"),),
            pid,
            (),
        ),
    )


def to_questions(kb: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    """Varied questions: topics, kana and romaji names, typos, passages, English, noise."""
    rng = random.Random(seed)
    templates = [
        "{n}の連携事項は?",
        "{n} 協力事項",
        "{n}の締結式はいつ?",
        "{n}の式典の場所",
        "{n}の出席者は誰",
        "{n}のプロジェクト",
        "{n}のテーマは",
        "{n}の総合計画",
        "{r} cooperation items",
        "{r} ceremony date",
        "{k}",
        "{n}",
        "{k}の連携事項",
    ]
    fixed = [
        "各市の締結式の日時",
        "MaaSって何?",
        "ロボットやIoT",
        "スノースポーツのプロジェクトはどこ?",
        "小樽の連携事項",
        "こんにちは",
        "qwertyuiop",
        "電話番号",
        "覚書を結んだ市は?",
        "連携事項は?",
        "室欄の連携事項",
        "おびひらのテーマ",
        "温泉を活用した集客",
        "明日の予定は?",
        "Which cities signed?",
    ]
    questions = []
    for i in range(count):
        if i % 4 == 0:
            questions.append(fixed[(i // 4) % len(fixed)])
            continue
        partner = rng.choice(kb.partners)
        template = rng.choice(templates)
        questions.append(template.format(n=partner.short_name, r=partner.readings.romaji, k=partner.readings.katakana))
    return questions
