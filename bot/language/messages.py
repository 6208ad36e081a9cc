"""The bot's own words — help, refusals, thanks, the console's, the commands' — in one catalog,
in Japanese and English. Facts never come from here: they are the documents' words.

    say("admins_only", "en")                      → "Only admins can do this."
    say("too_long", "ja", length=1_200, limit=…)  → 「ご質問が長すぎます（1,200文字）。…」

Which language: a user's locale where the platform gives one (Teams sends it with every activity;
Slack's users.info with include_locale), for help and greetings; for an answer, the question's own
language wins (the engine decides that).
"""

from __future__ import annotations

import re
import string
from typing import Literal

from bot.language.catalog import to_catalog
from bot.language.catalog.labels import LABELS

Language = Literal["ja", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "en")
DEFAULT: Language = "ja"

CATALOG: dict[str, dict[Language, str]] = to_catalog()  # type: ignore[assignment]


def say(key: str, language: str = DEFAULT, **values: object) -> str:
    """The catalog's text for `key` in `language` (Japanese for any language it does not have),
    with ${name} filled from `values` (numbers with thousands separators)."""
    texts = CATALOG[key]
    text = texts.get(language, texts[DEFAULT])  # type: ignore[call-overload]
    shown = {name: f"{value:,}" if isinstance(value, int) else str(value) for name, value in values.items()}
    return string.Template(text).substitute(shown)


def to_label(label: str, language: str = DEFAULT) -> str:
    """A structural label (「日時」, a topic's label) in `language`; «Kitami › 日時» is translated part
    by part. What the catalog does not know is a document's own words and stays as written."""
    if language != "en":
        return label
    return " › ".join(LABELS.get(part, part) for part in label.split(" › "))


def language_of_locale(locale: str | None) -> Language:
    """`en-US`, `en_GB`, `en` → English; anything else (ja-JP, none) → Japanese."""
    return "en" if locale and re.match(r"en(?:[-_]|$)", locale.strip(), re.IGNORECASE) else "ja"


def language_of_text(text: str) -> Language:
    """A question in Latin letters only (no kana or kanji) is English; anything else Japanese."""
    has_japanese = re.search(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]", text)
    return "en" if not has_japanese and re.search(r"[A-Za-z]{2,}", text) else "ja"


# Romaji Japanese (「kitami no shikiten wa itsu」) is Japanese, though written in Latin letters.
ROMAJI_WORDS = frozenset("no wa ha wo ga desu desuka ka masu itsu doko dare nani nan oshiete kudasai".split())
ENGLISH_WORDS = frozenset("the is are was were did does do what which who when where why how of for with a an".split())


def language_of_question(text: str) -> Language:
    """English for a question in English; Japanese for one in Japanese, romaji included."""
    if language_of_text(text) == "ja":
        return "ja"
    words = set(re.findall(r"[a-z]+", text.lower()))
    return "ja" if words & ROMAJI_WORDS and not words & ENGLISH_WORDS else "en"


def placeholders(text: str) -> set[str]:
    return {match[1] or match[2] for match in re.finditer(r"\$(?:\{(\w+)\}|(\w+))", text)}
