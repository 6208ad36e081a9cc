"""Messages as people write them at work: the reader, and metamorphic tests over the fact set.

Every single-fact case of eval/facts.yaml is rewritten eight times from the inventory in
bot/language/message.py (a greeting, a hedge or a reason, the question in a polite request form, a closing,
or a self-introduction whose business words are not the question), with a fixed seed; each
rewriting must answer with the same kind and contain what the plain question's answer must.
"""

from __future__ import annotations

import random

import pytest

from bot.answering.engine import Engine
from bot.language.message import inventory, read_message
from bot.ops.business_register import INTRODUCTIONS, judge_business_variants, to_business_variants, to_polite_request
from bot.ops.evaluation import Case, load_eval_set
from tests.conftest import NOW, ROOT

pytestmark = pytest.mark.unit

SINGLE_FACT = [c for c in load_eval_set(ROOT / "eval" / "facts.yaml").cases if len(c.facts) == 1]


@pytest.mark.parametrize("case", SINGLE_FACT, ids=lambda case: case.question[:40])
def test_business_rewritings_answer_as_the_plain_question(engine: Engine, case: Case) -> None:
    failed = [o for o in judge_business_variants(engine, case, NOW) if not o.passed]
    assert not failed, [(o.case.question, o.problems, o.answer.title) for o in failed]


def test_the_inventory_is_large_and_each_part_is_read_as_courtesy() -> None:
    parts = inventory()
    assert sum(len(expressions) for expressions in parts.values()) >= 80
    for greeting in parts["greeting"]:
        message = read_message(f"{greeting}。室蘭の会場は?")
        assert message.question == "室蘭の会場は?", greeting
    for closing in parts["closing"]:
        assert read_message(f"帯広のテーマは? {closing}。").question == "帯広のテーマは?", closing


@pytest.mark.parametrize(
    ("message", "question", "subject"),
    [
        ("お世話になっております。室蘭の締結式の会場を教えていただけますか。", "室蘭の締結式の会場は?", ""),
        ("すみません、旭川市との覚書のテーマをご教示ください。", "旭川市との覚書のテーマは?", ""),
        ("帯広の件で確認です。締結式は何時からでしょうか？", "締結式は何時から?", "帯広"),
        ("念のため確認です。帯広の締結式は2月7日という理解で合っていますか?", "帯広の締結式は2月7日?", ""),
        ("Hi team, quick question: when is the Kitami ceremony? Thanks in advance.", "when is the Kitami ceremony?", ""),
        ("北見市の分です", "北見市", ""),
        ("帯広市さんの件で、締結式の出席者を教えていただけますか。また、場所もお願いします。",
         "帯広市さんの締結式の出席者は? 場所は?", ""),
        ("お疲れ様です 来週打合せがありまして、その前に確認なのですが、 室蘭の会場を教えてください。 よろしくお願いします",
         "室蘭の会場は?", ""),
        ("内線は２５２０で認識あってます?", "内線は2520?", ""),
        ("北見市の締結式の会場の住所って分かりますか?", "北見市の締結式の会場の住所は?", ""),
    ],
)
def test_the_request_is_read_out_of_the_courtesy(message: str, question: str, subject: str) -> None:
    read = read_message(message)
    assert (read.question, read.subject) == (question, subject)


def test_a_self_introduction_is_context_and_its_city_completes_the_request(engine: Engine) -> None:
    read = read_message("弊社は旭川でスキー場を運営しています。観光の取組はありますか")
    assert read.introduction.startswith("弊社は旭川") and "スキー場" not in read.question
    answer = engine.answer("弊社は旭川でスキー場を運営しています。観光の取組はありますか", context=None, now=NOW)
    assert answer.kind == "answer" and "スノースポーツ×滞在型観光" in answer.title + str(answer.sections)


def test_a_lead_in_clause_counts_only_when_it_names_something(engine: Engine) -> None:
    faxed = engine.answer("お疲れ様です。企画調査課にFAXを送りたいのですが、番号を教えていただけますか。", context=None, now=NOW)
    assert "011-709-1775" in str(faxed.sections) + faxed.title
    reason = "お疲れ様です。上司に説明する必要がありまして、北見の締結式の出席者を確認させてください。"
    answer = engine.answer(reason, context=None, now=NOW)
    assert answer.kind == "answer" and "辻" in str(answer.sections) and "上司" not in answer.title


def test_variants_are_seeded_and_different() -> None:
    first = to_business_variants("帯広の連携事項は?")
    assert first == to_business_variants("帯広の連携事項は?") and len(set(first)) == 8
    assert any(intro in v for v in first for intro in INTRODUCTIONS)
    assert to_polite_request("帯広の会場は?", random.Random(1)).startswith("帯広の会場")
