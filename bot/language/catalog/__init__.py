"""The bot's own words, one module per area, merged into one catalog (`bot.language.messages`).

Each area module holds `WORDS: {key: {"ja": …, "en": …}}`; a key belongs to one area only.
`labels.LABELS` turns the structural labels the knowledge model writes (「日時」「主な連携・協力事項」)
into English; the facts themselves are never translated.
"""

from __future__ import annotations

from bot.language.catalog import answers, ceremonies, claims, documents, lookups, platforms, replies, yes_no

AREAS = (replies, answers, lookups, ceremonies, claims, documents, yes_no, platforms)


def to_catalog() -> dict[str, dict[str, str]]:
    """Every area's words in one dict; a key written in two areas is an error at import."""
    catalog: dict[str, dict[str, str]] = {}
    for area in AREAS:
        for key, texts in area.WORDS.items():
            if key in catalog:
                raise ValueError(f"catalog key {key!r} is defined twice ({area.__name__})")
            catalog[key] = texts
    return catalog
