"""The same question written as staff write at work: metamorphic variants for evaluation.

`to_business_variants` wraps a plain question in courtesy drawn from `bot.language.message`'s inventory —
a greeting, a hedge or a reason, the question in a polite request form, a closing, or a
self-introduction whose business words (家具, 旅館, スキー場, 金属加工) are not the question — so
that an answer that holds for the plain question must hold for each variant. The draw is seeded:
the same question always gets the same variants.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.language.message import CLOSINGS, GREETINGS, HEDGES
from bot.language.text import clean
from bot.ops.evaluation import Answerer, Case, Outcome, judge

# Self-introductions that name no partner: their words are context the answer must not deny.
INTRODUCTIONS = (
    "株式会社北都家具の佐藤と申します",
    "弊社は家具を製造しております",
    "市内で旅館を営んでおります田中と申します",
    "スキー場を運営している会社の者です",
    "金属加工の会社で営業を担当しております",
    "商工会議所の鈴木です",
    "観光協会の担当です",
    "弊社では食品の加工と販売を行っております",
)
REASONS = (
    "上司に説明する必要がありまして、",
    "社内の資料を作っているのですが、",
    "会議の準備をしておりまして、",
    "念のための確認ですが、",
    "来週打合せがありまして、その前に確認なのですが、",
    "取引先から聞かれまして、",
)
ENGLISH_OPENERS = ("Hi, ", "Hello, quick question: ", "Sorry to bother you, ", "Hi team, ")
ENGLISH_CLOSINGS = (" Thanks!", " Thanks in advance.", " Thank you.", "")
_OPENERS = tuple(g for g in GREETINGS if g.endswith(("です", "ります", "ます", "ございます")))
_HEDGES = tuple(h for h in HEDGES if h.endswith("が") or h in ("すみません", "念のため"))
_CLOSINGS = tuple(c for c in CLOSINGS if "お願い" in c)


def to_business_variants(question: str, count: int = 8, seed: int = 16, *, claim: bool = False) -> list[str]:
    """`count` rewritings of a plain question in business register (English stays English);
    `claim`: the question states something to confirm (a yes/no without a question word)."""
    rng = random.Random(f"{seed}:{question}")
    if _is_english(question):
        return [f"{rng.choice(ENGLISH_OPENERS)}{question}{rng.choice(ENGLISH_CLOSINGS)}" for _ in range(count)]
    variants = []
    for index in range(count):
        polite = to_polite_request(question, rng, claim=claim)
        if index % 4 == 3:
            variants.append(f"{rng.choice(_OPENERS)}。{rng.choice(INTRODUCTIONS)}。{polite}")
            continue
        if index == 6:  # as typed in Teams: a line each
            variants.append(f"{rng.choice(_OPENERS)}\n{rng.choice(REASONS)}\n{polite}\n{rng.choice(_CLOSINGS)}")
            continue
        opener = f"{rng.choice(_OPENERS)}。" if index % 2 == 0 else ""
        hedge = rng.choice((*(f"{h}、" for h in _HEDGES), *REASONS)) if index % 3 != 1 else ""
        closing = rng.choice(_CLOSINGS) + "。" if index % 2 == 1 or index == 0 else ""
        variants.append(f"{opener}{hedge}{polite}{closing}")
    return variants


def to_polite_request(question: str, rng: random.Random, *, claim: bool = False) -> str:
    """「帯広の会場は?」 → 帯広の会場を教えていただけますでしょうか。; 「いつ?」 → いつでしょうか。"""
    stem = re.sub(r"[?？!！。\s]+$", "", clean(question))
    asked = re.search(r"(を|について)?(教えて|おしえて)(ください|下さい|ほしい)?$", stem)
    if asked and asked.start() > 0:
        return f"{stem[: asked.start()]}{rng.choice(('を教えていただけますでしょうか', 'をご教示ください'))}。"
    if re.search(r"(は|って)$", stem):
        ask = rng.choice(
            ("を教えていただけますでしょうか", "をご教示いただけますか", "を教えていただけますか", "をご教示ください")
        )
        return f"{re.sub(r'(は|って)$', '', stem)}{ask}。"
    if re.search(r"(ですか|ますか|でしょうか|か)$", stem):
        return f"{stem}。"
    if _WH.search(stem):
        return f"{stem}でしょうか。"
    if not claim:
        return f"{stem}{rng.choice(('について教えていただけますか', 'を教えてください', 'についてご教示ください'))}。"
    # A claim to confirm: 「帯広の式って金曜」.
    return f"{stem}{rng.choice(('でしょうか', 'という理解で合っていますか', 'で間違いないでしょうか'))}。"


_WH = re.compile(r"何|なに|なん|いつ|どこ|誰|だれ|どれ|どの|どう|どちら|どなた|いくつ|ナン|ドコ|イツ|ﾅﾝ|ﾄﾞｺ|ｲﾂ")


def _is_english(question: str) -> bool:
    return not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", question)


def to_business_cases(case: Case, count: int = 8) -> list[Case]:
    """A single-fact case rewritten `count` times, with the same expectations."""
    variants = to_business_variants(case.question, count, claim=case.type == "yes-no")
    return [replace(case, question=variant) for variant in variants]


def is_single_fact(case: Case) -> bool:
    return len(case.facts) == 1 and case.type not in ("greeting", "help", "out-of-scope")


def judge_business_variants(engine: Answerer, case: Case, now: datetime, count: int = 8) -> list[Outcome]:
    """Each rewriting must contain what the case expects and be of the same kind as the plain answer."""
    plain_kind = engine.answer(case.question, context=None, now=now).kind
    outcomes = []
    for variant in to_business_cases(case, count):
        outcome = judge(variant, engine.answer(variant.question, context=None, now=now))
        if outcome.answer.kind != plain_kind:
            outcome = replace(outcome, problems=(*outcome.problems, f"kind {outcome.answer.kind}, plain {plain_kind}"))
        outcomes.append(outcome)
    return outcomes


def compare_registers(engine: Answerer, cases: Sequence[Case], now: datetime) -> tuple[list[Outcome], list[Outcome]]:
    """The single-fact cases asked plainly, and their business-register rewritings."""
    single = [case for case in cases if is_single_fact(case)]
    plain = [judge(case, engine.answer(case.question, context=None, now=now)) for case in single]
    business = [o for case in single for o in judge_business_variants(engine, case, now)]
    return plain, business
