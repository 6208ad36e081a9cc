"""What the bot says about itself, the same on every platform; each adapter renders it its way."""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.dates import format_date
from bot.knowledge.model import KnowledgeBase, Partner

MAX_QUESTION_CHARS = 1_000
# A chat message names at most this many partners; it is no place for a directory.
MAX_NAMES = 10


def too_long_text(length: int) -> str:
    return f"ご質問が長すぎます（{length:,}文字）。{MAX_QUESTION_CHARS:,}文字以内で、知りたいことを短くお書きください。"


def to_names(partners: Sequence[Partner], limit: int = MAX_NAMES) -> str:
    """「旭川市・室蘭市・帯広市」, or the first few and how many more."""
    shown = "・".join(p.name for p in partners[:limit])
    more = len(partners) - limit
    return f"{shown} ほか{more:,}市" if more > 0 else shown


def to_intro(kb: KnowledgeBase) -> str:
    names = to_names(kb.partners)
    first, last = kb.documents[0], kb.documents[-1]
    when = (f"{format_date(first.date)}発表" if first is last
            else f"{format_date(first.date)}から{format_date(last.date)}までの発表{len(kb.documents)}件")
    return f"{first.issuer}と{names}の覚書（{when}）について答えます。"


def to_examples(kb: KnowledgeBase) -> list[str]:
    first, last = kb.partners[0], kb.partners[-1]
    return [
        f"{last.short_name}の連携事項は?",
        f"{first.short_name}の締結式はいつ?",
        f"{kb.partners[len(kb.partners) // 2].short_name}のプロジェクトは?",
        "各市のテーマ",
        "問い合わせ先は?",
    ]
