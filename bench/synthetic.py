"""Synthetic knowledge bases and question sets for benchmarks (same schema, made-up names)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, time

from bot.knowledge.model import (
    Document,
    Engagement,
    Event,
    KnowledgeBase,
    Partner,
    Person,
    Plan,
    Project,
    Readings,
    SourceRef,
)

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


def to_synthetic_kb(base: KnowledgeBase, size: int, seed: int = 7, per_document: int = 10) -> KnowledgeBase:
    """`base` plus made-up partners up to `size` in all, announced `per_document` at a time (3,000
    partners make 300 more documents)."""
    rng = random.Random(seed)
    partners = list(base.partners)
    names = {p.short_name for p in partners}
    made: list[Partner] = []
    while len(partners) + len(made) < size:
        short = "".join(rng.sample(_KANJI, 3))
        syllables = [rng.choice(_SYLLABLES) for _ in range(4)]
        katakana, romaji = "".join(s[0] for s in syllables), "".join(s[1] for s in syllables)
        if short in names:
            continue
        names.add(short)
        made.append(Partner(f"p{len(made)}", f"{short}市", short, Readings(katakana, katakana, romaji), ()))
    documents = list(base.documents)
    for start in range(0, len(made), per_document):
        documents.append(_document(rng, len(documents), made[start : start + per_document]))
    engagements = {e.partner_id: e for d in documents for e in d.engagements}
    synthetic = [replace(p, engagements=(engagements[p.id],)) for p in made]
    return replace(base, documents=tuple(documents), partners=(*partners, *synthetic), _by_id={}, _documents_by_id={})


def _document(rng: random.Random, index: int, partners: list[Partner]) -> Document:
    document_id = f"synthetic-{index}"
    day = date(2030 + index // 300, 1 + index % 12, 1 + index % 28)
    return Document(
        id=document_id,
        title=f"試験用の発表{index}",
        subtitle="",
        issuer="北海道経済産業局",
        date=day,
        source=SourceRef(file=f"{document_id}.md"),
        contact=None,
        lead=(f"{'、'.join(p.name for p in partners)}と覚書を締結します。",),
        purpose=(1,),
        precedent=None,
        sections=(),
        engagements=tuple(_engagement(rng, p, document_id, day) for p in partners),
    )


def _engagement(rng: random.Random, partner: Partner, document_id: str, day: date) -> Engagement:
    words = rng.sample(_WORDS, 4)
    short = partner.short_name
    return Engagement(
        partner_id=partner.id,
        document_id=document_id,
        theme=f"{words[0]}と{words[1]}による{short}の振興",
        projects=tuple(Project(f"{w}の{short}プロジェクト", f"{short}で{w}分野の取組を支援する。") for w in words[:3]),
        promotion=f"{short}市の計画に基づき{words[3]}を進める。",
        plans=(Plan(f"{short}市総合計画"),),
        cooperation_items=(f"{words[0]}分野の支援", f"{words[2]}に関する連携"),
        ceremony=Event(
            f"{partner.id}-ceremony",
            f"{short}市との覚書締結式",
            day,
            time(10, 0),
            time(10, 30),
            f"{short}市役所",
            (Person(f"{short}市長", "試験 太郎", "試験"),),
            partner.id,
            (),
            document_id=document_id,
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
