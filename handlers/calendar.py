"""The calendar feed as one of the server's plug-ins: `GET /calendar.ics` (every ceremony and
event) and `GET /calendar/<event-id>.ics` (one), as bot/reminders/ical.py builds them.

Calendar clients poll a subscribed feed; each response carries an ETag (a hash of the body) and
Last-Modified (the latest LAST-MODIFIED in it), and a request whose If-None-Match (or, without
one, If-Modified-Since) still matches gets 304 with no body. With CALENDAR_TOKEN set, both routes
require `?token=` (compared in constant time; never logged: the server keeps no access log).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from bot.reminders.calendar_files import CalendarFiles
from bot.reminders.ical import CONTENT_TYPE, FEED_PATH, UnknownEvent, last_modified, to_ics
from handlers.server import Plugin

log = logging.getLogger(__name__)

EVENT_ROUTE = "/calendar/{name}"
ICS_SUFFIX = ".ics"
TOKEN_REQUIRED = "calendar token required: add ?token= with CALENDAR_TOKEN's value\n"


class CalendarFeed(Plugin):
    def __init__(self, files: CalendarFiles, *, token: str = "") -> None:
        self.files = files
        self.token = token

    def routes(self) -> Sequence[web.RouteDef]:
        return [web.get(FEED_PATH, self.handle_feed), web.get(EVENT_ROUTE, self.handle_event)]

    async def start(self) -> None:
        await self.files.current()

    async def handle_feed(self, request: web.Request) -> web.StreamResponse:
        return await self.respond(request, None)

    async def handle_event(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not name.endswith(ICS_SUFFIX):
            raise web.HTTPNotFound(text="not a calendar file (expected /calendar/<event-id>.ics)\n")
        return await self.respond(request, name.removesuffix(ICS_SUFFIX))

    async def respond(self, request: web.Request, event_id: str | None) -> web.StreamResponse:
        if self.token and not hmac.compare_digest(request.query.get("token", "").encode(), self.token.encode()):
            return web.Response(status=401, text=TOKEN_REQUIRED)
        kb, revisions = await self.files.current()
        try:
            body = to_ics(kb, revisions, event_id)
        except UnknownEvent:
            return web.Response(status=404, text="no event has this id\n")
        modified = last_modified(kb, revisions, event_id)
        headers = {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            "Last-Modified": format_datetime(modified.astimezone(UTC).replace(microsecond=0), usegmt=True),
            # Clients keep the file but ask again each time: an unchanged feed costs a 304.
            "Cache-Control": "private, no-cache" if self.token else "no-cache",
        }
        if is_not_modified(request, headers["ETag"], modified):
            return web.Response(status=304, headers=headers)
        filename = "renkei-calendar.ics" if event_id is None else f"{event_id}.ics"
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
        return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPE})


def is_not_modified(request: web.Request, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return modified.replace(microsecond=0) <= since
