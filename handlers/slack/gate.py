"""The door of `/slack/events` (HTTP mode): the signature is checked on the raw bytes before
anything is decoded or parsed, and a request that is not a well-formed Slack request is refused
with 400/401, never a 500 or a traceback, and at most one short log line a minute per kind of
refusal (with how many were refused since), so a flood cannot fill the log.

Slack signs `v0:{timestamp}:{body}` with the signing secret (HMAC-SHA256); a request more than
five minutes old is refused too (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest

from handlers.refusals import RateLimitedLog

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 5 * 60


class DropUnhandled(logging.Filter):
    """Bolt's multi-line "Unhandled request" warning (with a code suggestion) for a signed event
    type nothing listens for: such a request is acknowledged and ignored, by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unhandled request")


@dataclass(frozen=True)
class Refusal:
    status: int
    kind: str


@dataclass
class SlackGate:
    """Checks a request's signature, age and shape; builds Bolt's request only for a good one."""

    signing_secret: str
    clock: Callable[[], float] = time.time
    refusals: RateLimitedLog = field(default_factory=lambda: RateLimitedLog("Slack request refused"))

    async def admit(self, request: web.Request) -> AsyncBoltRequest | web.Response:
        body = await request.read()
        headers = request.headers
        timestamp, signature = headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")
        refusal = self.check_signature(body, timestamp, signature) or check_shape(body, request.content_type)
        if refusal is not None:
            self.refusals.warn(refusal.kind)
            return web.Response(status=refusal.status, text="invalid request")
        return AsyncBoltRequest(body=body.decode("utf-8"), query=request.query_string,
                                headers=request.headers)  # type: ignore[arg-type]

    def check_signature(self, body: bytes, timestamp: str | None, signature: str | None) -> Refusal | None:
        if not timestamp or not signature:
            return Refusal(401, "unsigned")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return Refusal(401, "bad timestamp")
        if abs(self.clock() - int(timestamp)) > MAX_AGE_SECONDS:
            return Refusal(401, "stale timestamp")
        expected = "v0=" + hmac.new(self.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return Refusal(401, "bad signature")
        return None


def check_shape(body: bytes, content_type: str) -> Refusal | None:
    """A signed body Bolt can read (it parses as Bolt does): UTF-8, and a JSON object, or a form
    whose `payload` (if any) is a JSON object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "not UTF-8")
    if not text:
        return Refusal(400, "empty body")
    if content_type == "application/json" or text.startswith("{"):
        return None if is_json_object(text) else Refusal(400, "not a JSON object")
    payload = dict(urllib.parse.parse_qsl(text, keep_blank_values=True)).get("payload")
    if payload is not None and not is_json_object(payload):
        return Refusal(400, "payload is not a JSON object")
    return None


def is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return False
