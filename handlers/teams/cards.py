"""Adaptive Card (schema 1.5) building blocks for Microsoft Teams, shared by the answer, command
and reminder cards (answer_cards.py, command_cards.py, reminder_cards.py): Teams' limits, the
card and its activity, and the small element builders.

Every function is a pure function from bot values to card JSON (plain dicts), so the cards can be
checked against the Adaptive Card 1.5 JSON schema without a network. The content mirrors the
Slack rendering (handlers/slack/answer_blocks.py, command_blocks.py): title, the question asked,
notes, sections, the ceremony status, choices, the source line and 👍 / 👎 under an answer.

Two safety rules hold for every card built on these:
- Text never reaches a card unchanged: `to_card_text` turns the characters Teams' card markdown
  reacts to (`*`, `_`, `[`, `]`) into their full-width forms, so a question typed as
  `[here](https://…)` can never become a link in the bot's own card.
- Teams' limits are respected by truncating with "…" rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from bot.language.messages import say

Card = dict[str, Any]
Element = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
BOT_NAME = say("bot_name")

# Teams refuses a message over about 28 KB; these keep a card far below that.
MAX_TEXT_CHARS = 2000
MAX_BODY_ELEMENTS = 60
MAX_FALLBACK_CHARS = 2000
ELLIPSIS = "…"

_MARKDOWN_TO_PLAIN = str.maketrans({"*": "＊", "_": "＿", "[": "［", "]": "］"})


# --- text and elements ---------------------------------------------------------------------------


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def to_card_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Text safe for a card: markdown's active characters made full-width, cut to `limit`."""
    return truncate(text.translate(_MARKDOWN_TO_PLAIN), limit) or " "


def to_text_block(text: str, *, weight: str | None = None, size: str | None = None, subtle: bool = False,
                  color: str | None = None, spacing: str | None = None, heading: bool = False) -> Element:
    block: Element = {"type": "TextBlock", "text": to_card_text(text), "wrap": True}
    if heading:
        block["style"] = "heading"
    optional = {"weight": weight, "size": size, "color": color, "spacing": spacing}
    block.update({key: value for key, value in optional.items() if value})
    if subtle:
        block["isSubtle"] = True
    return block


def to_paragraphs(text: str, **style: Any) -> list[Element]:
    """One TextBlock per line: how a line break renders in card markdown differs by client."""
    lines = [line for line in text.splitlines() if line.strip()]
    blocks = [to_text_block(line, **style) for line in lines]
    for block in blocks[1:]:
        block["spacing"] = "None"
    return blocks


def to_title(text: str) -> Element:
    return to_text_block(text or BOT_NAME, weight="Bolder", size="Medium", heading=True)


def to_small_note(text: str) -> Element:
    return to_text_block(text, size="Small", subtle=True)


def to_bullets(items: Iterable[str], language: str = "ja") -> list[Element]:
    blocks = [to_text_block(say("text_item", language, item=item), spacing="None") for item in items]
    if blocks:
        blocks[0].pop("spacing")
    return blocks


def to_fact_set(facts: Sequence[tuple[str, str]]) -> Element:
    return {"type": "FactSet",
            "facts": [{"title": to_card_text(title, 200), "value": to_card_text(value)} for title, value in facts]}



def to_card(body: list[Element], actions: Sequence[Element] = (), *, fallback_text: str = "",
            language: str = "ja") -> Card:
    """A card; `lang` is the language of its own words (the documents' stay as written)."""
    card: Card = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA_URL, "version": CARD_VERSION, "lang": language,
                  "body": fit_elements(body, language=language)}
    if actions:
        card["actions"] = list(actions)
    if fallback_text:
        card["fallbackText"] = truncate(fallback_text, MAX_FALLBACK_CHARS)
    return card


def to_card_activity(card: Card) -> Activity:
    """A message activity carrying one card; `summary` is what notifications show."""
    activity = Activity(type=ActivityTypes.message, attachments=[Attachment(content_type=CARD_CONTENT_TYPE,
                                                                            content=card)])
    summary = truncate(str(card.get("fallbackText", "")).split("\n")[0], 200)
    if summary:
        activity.summary = summary
    return activity


def fit_elements(body: list[Element], limit: int = MAX_BODY_ELEMENTS, *, language: str = "ja") -> list[Element]:
    """At most `limit` elements, keeping the last (source) one and saying something was cut."""
    if len(body) <= limit:
        return body
    return [*body[: limit - 2], to_small_note(say("cut_short", language)), body[-1]]
