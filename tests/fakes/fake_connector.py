"""A local fake of the Bot Connector service (what a Teams activity's `serviceUrl` points to).

Runs an aiohttp server on 127.0.0.1 (random port) speaking the Bot Connector REST API's wire
format for what the bot sends, and records every request:

- `POST /v3/conversations/{conversation_id}/activities`               — send to a conversation
- `POST /v3/conversations/{conversation_id}/activities/{activity_id}` — reply to an activity
- `PUT  /v3/conversations/{conversation_id}/activities/{activity_id}` — update an activity
- `POST /v3/conversations`                                            — create a conversation

Each answers like the real service (`{"id": …}`), unless a failure was queued with
`fail(status, times=…, retry_after=…)`. No token endpoint is needed: in the tests the bot runs
anonymously (TEAMS_ANONYMOUS), and the Agents SDK then sends no Authorization header, which
`Call.authorization` lets a test check.

Use: `async with FakeConnector() as connector:` then put `connector.service_url` in the
activities; `await connector.wait_for(count)` returns the first `count` calls.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

SEND, REPLY, UPDATE, CREATE = "send", "reply", "update", "create"


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    kind: str
    http_method: str
    path: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None
    status: int

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards in the activity sent."""
        return [attachment["content"] for attachment in self.body.get("attachments") or []
                if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    @property
    def card(self) -> dict[str, Any]:
        (card,) = self.cards
        return card

    @property
    def card_text(self) -> str:
        """Every string in the card, joined: what a person would read (and the buttons' titles)."""
        return "\n".join(_strings(self.card))


@dataclass
class _Failure:
    status: int
    remaining: int
    retry_after: int | None


class FakeConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: list[_Failure] = []
        self._drops = 0
        self._ids = itertools.count(1)
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> FakeConnector:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/v3/conversations", self._handle_create)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._handle_send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._handle_reply)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._handle_update)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeConnector:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/"

    # --- configuring and inspecting ----------------------------------------------------------------

    def fail(self, status: int = 500, *, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` requests with `status` (429 carries Retry-After)."""
        self._failures.append(_Failure(status, times, retry_after))

    def drop(self, times: int = 1) -> None:
        """Take the next `times` activities (they count as posted) and close the connection
        without an answer, as when the reply is lost on the way back."""
        self._drops += times

    def clear(self) -> None:
        self.calls.clear()

    def calls_of(self, kind: str) -> list[Call]:
        return [call for call in self.calls if call.kind == kind]

    async def wait_for(self, count: int = 1, timeout: float = 5.0, kind: str | None = None) -> list[Call]:
        def matching() -> list[Call]:
            return self.calls_of(kind) if kind else list(self.calls)

        try:
            await self._wait_until(lambda: len(matching()) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} {kind or 'any'} call(s) within {timeout}s; received {[c.kind for c in self.calls]}"
            ) from None
        return matching()[:count]

    async def _wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        assert self._changed is not None, "start() the fake first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)

    # --- serving ---------------------------------------------------------------------------------

    async def _handle_send(self, request: web.Request) -> web.Response:
        return await self._handle(request, SEND)

    async def _handle_reply(self, request: web.Request) -> web.Response:
        return await self._handle(request, REPLY)

    async def _handle_update(self, request: web.Request) -> web.Response:
        return await self._handle(request, UPDATE)

    async def _handle_create(self, request: web.Request) -> web.Response:
        return await self._handle(request, CREATE)

    async def _handle(self, request: web.Request, kind: str) -> web.Response:
        body = await request.json()
        failure = self._take_failure()
        status = failure.status if failure else (200 if kind == UPDATE else 201)
        activity_id = request.match_info.get("activity_id")
        call = Call(kind, request.method, request.path, request.match_info.get("conversation_id", ""), activity_id,
                    body if isinstance(body, dict) else {}, request.headers.get("Authorization"), status)
        self.calls.append(call)
        await self._notify()
        if failure is None and self._drops:
            self._drops -= 1
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # aiohttp stops handling a request whose client is gone
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = {"error": {"code": "ServiceError" if failure.status >= 500 else "BadArgument",
                               "message": "failure queued by the test"}}
            return web.json_response(error, status=failure.status, headers=headers)
        if kind == UPDATE:
            return web.json_response({"id": activity_id}, status=status)
        if kind == CREATE:
            return web.json_response({"id": f"a:created-{next(self._ids)}", "activityId": "1"}, status=status)
        return web.json_response({"id": f"1{next(self._ids):012d}"}, status=status)

    def _take_failure(self) -> _Failure | None:
        if not self._failures:
            return None
        failure = self._failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            self._failures.pop(0)
        return failure

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()


_TEXT_KEYS = ("text", "title", "value")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key in _TEXT_KEYS or isinstance(item, list | dict)
                for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []
