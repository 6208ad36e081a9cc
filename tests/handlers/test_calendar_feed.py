"""`GET /calendar.ics` and `GET /calendar/<event-id>.ics` over real HTTP on 127.0.0.1, from the
server the bot runs (handlers/runtime.py's `assemble`): the files, the token, ETag and 304."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import icalendar
import pytest
from aiohttp import web
from multidict import CIMultiDict

from bot.knowledge.model import JST, load_knowledge
from handlers.runtime import Core, assemble, build_core
from handlers.settings import read_settings
from tests.memorandum_support import KUSHIRO_EVENT_ID, Memorandum, write_memoranda

pytestmark = pytest.mark.adapter

STARTS = datetime(2027, 2, 3, 10, 0, tzinfo=JST)
TOKEN = "feed-token-123"


@dataclass
class Running:
    url: str
    core: Core
    data: Path


@asynccontextmanager
async def running_bot(tmp_path: Path, database_url: str, **env: str) -> AsyncIterator[Running]:
    data = write_memoranda(tmp_path / "kb.yaml", [Memorandum(STARTS)])
    settings = read_settings({"DATA_PATH": str(data), "DATABASE_URL": database_url, "WATCH_DATA": "false",
                                  "SCHEDULER": "off", **env})
    core = build_core(settings, load_knowledge(data))
    runner = web.AppRunner(assemble(core, []).app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield Running(f"http://127.0.0.1:{runner.addresses[0][1]}", core, data)
    finally:
        await runner.cleanup()
        core.store.close()


async def fetch(url: str, **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, CIMultiDict(response.headers), await response.read()


async def test_the_feed_and_one_event_are_served_as_icalendar(tmp_path: Path, database_url: str) -> None:
    async with running_bot(tmp_path, database_url) as bot:
        status, headers, body = await fetch(f"{bot.url}/calendar.ics")
        one_status, _, one = await fetch(f"{bot.url}/calendar/{KUSHIRO_EVENT_ID}.ics")
        missing, _, _ = await fetch(f"{bot.url}/calendar/no-such-event.ics")
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(list(icalendar.Calendar.from_ical(body).walk("VEVENT"))) == 5
    assert one_status == 200
    [event] = icalendar.Calendar.from_ical(one).walk("VEVENT")
    assert event["DTSTART"].dt == STARTS and str(event["UID"]) == f"hkd-2027-01-15.{KUSHIRO_EVENT_ID}@renkei-bot"
    assert missing == 404


async def test_an_unchanged_feed_answers_304_and_a_changed_one_updates(tmp_path: Path, database_url: str) -> None:
    async with running_bot(tmp_path, database_url) as bot:
        _, headers, first = await fetch(f"{bot.url}/calendar.ics")
        etag = headers["ETag"]
        status, again, body = await fetch(f"{bot.url}/calendar.ics", **{"If-None-Match": etag})
        assert (status, body, again["ETag"]) == (304, b"", etag)
        status, _, _ = await fetch(f"{bot.url}/calendar.ics", **{"If-Modified-Since": headers["Last-Modified"]})
        assert status == 304
        # A maintainer moves the ceremony; the bot reloads.
        write_memoranda(bot.data, [Memorandum(STARTS + timedelta(hours=3))])
        assert bot.core.reloader.reload().ok
        status, changed_headers, changed = await fetch(f"{bot.url}/calendar.ics", **{"If-None-Match": etag})
    assert status == 200 and changed_headers["ETag"] != etag and changed != first
    event = next(e for e in icalendar.Calendar.from_ical(changed).walk("VEVENT") if KUSHIRO_EVENT_ID in str(e["UID"]))
    before = next(e for e in icalendar.Calendar.from_ical(first).walk("VEVENT") if KUSHIRO_EVENT_ID in str(e["UID"]))
    assert event["DTSTART"].dt == STARTS + timedelta(hours=3)
    assert event["SEQUENCE"] == before["SEQUENCE"] + 1
    assert event["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt  # to the second: the same one in a fast test
    assert str(event["UID"]) == str(before["UID"])


async def test_with_a_token_the_feed_requires_it(tmp_path: Path, database_url: str) -> None:
    async with running_bot(tmp_path, database_url, CALENDAR_TOKEN=TOKEN) as bot:
        without, _, said = await fetch(f"{bot.url}/calendar.ics")
        wrong, _, _ = await fetch(f"{bot.url}/calendar/{KUSHIRO_EVENT_ID}.ics?token=guess")
        right, headers, body = await fetch(f"{bot.url}/calendar.ics?token={TOKEN}")
        one, _, _ = await fetch(f"{bot.url}/calendar/{KUSHIRO_EVENT_ID}.ics?token={TOKEN}")
    assert (without, wrong, right, one) == (401, 401, 200, 200)
    assert b"?token=" in said and TOKEN.encode() not in said
    assert b"BEGIN:VCALENDAR" in body and "private" in headers["Cache-Control"]


async def test_two_instances_serve_the_same_file(tmp_path: Path, database_url: str) -> None:
    async with running_bot(tmp_path / "a", database_url) as first, \
            running_bot(tmp_path / "b", database_url) as second:
        _, first_headers, first_body = await fetch(f"{first.url}/calendar.ics")
        _, second_headers, second_body = await fetch(f"{second.url}/calendar.ics")
    assert first_body == second_body and first_headers["ETag"] == second_headers["ETag"]
