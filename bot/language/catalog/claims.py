"""The words of the claims answers, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
}
