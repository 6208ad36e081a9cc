"""The renderers' words on Slack and Teams (buttons, card labels), in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
}
