"""Shared helpers for the reminder tests: a copy of data/partnerships.yaml with events added."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import JST, KnowledgeBase, load_knowledge
from tests.conftest import DATA_PATH


def event_entry(
    event_id: str, starts_at: datetime, *, offsets: list[str] | None = None, title: str | None = None,
    place: str = "旭川市役所 3階 会議室", partner: str | None = "asahikawa",
) -> dict[str, Any]:
    """An `events:` entry starting at `starts_at` (JST), to the second when seconds are given."""
    local = starts_at.astimezone(JST)
    entry: dict[str, Any] = {
        "id": event_id,
        "title": title or f"{event_id} の会議",
        "date": local.date().isoformat(),
        "start": f"{local:%H:%M}",
        "place": place,
        "attendees": [{"role": "旭川市長", "name": "西川将人"}, {"role": "北海道経済産業局長", "name": "安藤保彦"}],
    }
    if partner:
        entry["partner"] = partner
    if offsets is not None:
        entry["reminder_offsets"] = offsets
    return entry


def write_knowledge(
    path: Path, events: list[dict[str, Any]], *, default_offsets: list[str] | None = None,
) -> Path:
    """data/partnerships.yaml with `events` replaced (and optionally the default offsets)."""
    text = DATA_PATH.read_text(encoding="utf-8")
    dumped = yaml.safe_dump({"events": events}, allow_unicode=True, sort_keys=False, default_flow_style=False)
    assert "events: []" in text
    text = text.replace("events: []", dumped.strip())
    if default_offsets is not None:
        assert "offsets: [7d, 1d, 1h]" in text
        text = text.replace("offsets: [7d, 1d, 1h]", f"offsets: [{', '.join(default_offsets)}]")
    path.write_text(text, encoding="utf-8")
    return path


def load_with_events(
    tmp_path: Path, events: list[dict[str, Any]], *, default_offsets: list[str] | None = None,
) -> KnowledgeBase:
    return load_knowledge(write_knowledge(tmp_path / "partnerships.yaml", events, default_offsets=default_offsets))


def whole_minute_after(moment: datetime, at_least: timedelta) -> datetime:
    """The first whole minute at least `at_least` after `moment` (YAML times are to the minute)."""
    target = (moment + at_least).astimezone(JST)
    return target.replace(second=0, microsecond=0) + timedelta(minutes=1)


def offset_until(start: datetime, due: datetime) -> str:
    """The offset (in whole seconds, as YAML notation) that makes a reminder due at about `due`."""
    return f"{int((start - due).total_seconds())}s"
