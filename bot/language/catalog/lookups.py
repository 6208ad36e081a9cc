"""The words of the answers that look facts up — one value, a passage, a person, a word's mentions,
what the documents lack — in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
}
