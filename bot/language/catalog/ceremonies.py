"""The words of the ceremonies answers, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
}
