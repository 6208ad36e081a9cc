"""A fake Slack Web API (and Socket Mode) server on 127.0.0.1, for tests and benchmarks.

It speaks Slack's wire format over real HTTP: `POST /api/<method>` with a JSON or form body and
a `Bearer` token, answering `{"ok": true, ...}` like Slack does. It records every call so a test
can assert what the app sent, and it can be told to fail (429 with Retry-After, 500, or
`{"ok": false, "error": ...}`) for chosen methods.

    from tests.fakes.fake_slack import FakeSlack

    async with FakeSlack() as slack:
        settings = Settings(sections=(SlackSettings(bot_token="xoxb-test", api_url=slack.api_url, ...),))
        ...                                     # run the app against it
        [post] = await slack.wait_for("chat.postMessage")
        assert post.body["channel"] == "C1" and post.token == "xoxb-test"

API
- `FakeSlack(*, team_id="T0TEST", bot_user_id="UBOT", bot_id="BBOT", tokens=None)` —
  `tokens`: if given, only these tokens are accepted (others get `invalid_auth`, none
  `not_authed`); by default any token is accepted.
- `await start()` / `await stop()`, or `async with FakeSlack() as slack`.
- `url` (`http://127.0.0.1:PORT`), `api_url` (`…/api/`, use it as SLACK_API_URL).
- `calls`: every request in arrival order, as `Call(method, body, token, status, path,
  content_type, headers)`. `body` is the JSON body, or the form/query fields with JSON-valued
  fields (`blocks`, `view`, `attachments`, `metadata`) decoded. `status` is what the fake
  answered, so failed attempts are visible too.
- `calls_to(method)`, `methods()`, `clear()`.
- `await wait_for(method, count=1, timeout=5.0)`: the first `count` calls to `method`, waiting
  for them; raises AssertionError (listing what did arrive) on timeout.
- `fail(method, status=500, *, error=None, retry_after=None, times=1)`: the next `times` calls
  to `method` fail (`times=None`: all of them). 429 sends `Retry-After: retry_after` (default
  1) and `{"ok": false, "error": "ratelimited"}`; another status sends `{"ok": false, "error":
  error or "fatal_error"}`; `status=200, error="channel_not_found"` is Slack's usual refusal.
- `reply(method, payload)`: merge `payload` into the success response of `method` (e.g. a
  `conversations.open` channel id).
- `delay(method, seconds)`: answer every call to `method` only after `seconds` (a slow Slack; a
  call is in `calls` once answered). `arrived` lists the methods of the calls received so far,
  answered or not; `await wait_for_arrival(method, count=1, timeout=5.0)` waits for them.
- Faults after the request was received (the message *is* posted, as when Slack got it and the
  reply was lost): `drop(method, times=1)` closes the connection without an answer,
  `hang(method, times=1)` answers only after `release()` (or never: the fake stops);
  `faults(method, drop=0.1, hang=0.05, ratelimit=0.1, retry_after=1, seed=0, spared=())` picks
  one at random for every call but those to a `spared` channel (429 posts nothing). `messages`
  holds every message Slack has (posted, including dropped and hung posts), and `conversations.history` / `conversations.replies` return them with their `metadata`
  (`fail("conversations.replies", 200, error="missing_scope", times=None)` for a token without
  the history scopes).
- `recover(method)`: drop the failures queued for `method`; `await wait_until(ready)`: until a
  condition on the calls holds.
- `response_url(name="default")`: a URL to put in payloads as `response_url`; POSTs to it are
  recorded as calls with method `"response_url"` (and `path` ending in the name), so
  `fail("response_url", 404)` works too.
- Socket Mode: `apps.connections.open` returns `socket_url`, a WebSocket on this server.
  `await wait_for_socket()`, `await wait_for_no_socket()`, `socket_count`, `await send_envelope(payload, type="events_api",
  retry_attempt=None, retry_reason=None, accepts_response_payload=None)` returns the
  envelope_id; `await wait_for_ack(envelope_id)` returns the app's acknowledgement message.

Default success responses: `auth.test` (team/bot ids above), `chat.postMessage` (a fresh
`ts`), `chat.postEphemeral`, `chat.update`, `chat.delete`, `views.publish`,
`conversations.open` (`D` + user id), `apps.connections.open`; any other method `{"ok": true}`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    body: dict[str, Any]
    token: str | None
    status: int
    path: str
    content_type: str
    headers: Mapping[str, str] = field(repr=False)


@dataclass
class _Faults:
    drop: float
    hang: float
    ratelimit: float
    retry_after: int
    random: random.Random
    spared: frozenset[str]


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    remaining: int | None


class FakeSlack:
    def __init__(self, *, team_id: str = "T0TEST", bot_user_id: str = "UBOT", bot_id: str = "BBOT",
                 tokens: Collection[str] | None = None) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        # users.info's locale per user (include_locale): ja-JP unless a test sets another.
        self.locales: dict[str, str] = {}
        self.tokens = set(tokens) if tokens is not None else None
        self.calls: list[Call] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._replies: dict[str, dict[str, Any]] = {}
        self._delays: dict[str, float] = {}
        self._after_receiving: dict[str, list[str]] = {}
        self._faults: dict[str, _Faults] = {}
        self._hung: asyncio.Event | None = None
        self.messages: list[dict[str, Any]] = []
        # files.getUploadURLExternal → POST to its upload_url → files.completeUploadExternal.
        self.uploads: dict[str, bytes] = {}
        self.arrived: list[str] = []
        self._ts = itertools.count(1)
        self._changed: asyncio.Condition | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self._port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        self._changed = asyncio.Condition()
        self._hung = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{name}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket-mode", self._handle_socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._hung is not None:
            self._hung.set()
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/socket-mode"

    def response_url(self, name: str = "default") -> str:
        return f"{self.url}/response/{name}"

    # --- configuring -----------------------------------------------------------------------------

    def fail(self, method: str, status: int = 500, *, error: str | None = None, retry_after: int | None = None,
             times: int | None = 1) -> None:
        self._failures.setdefault(method, []).append(_Failure(status, error, retry_after, times))

    def reply(self, method: str, payload: Mapping[str, Any]) -> None:
        self._replies[method] = dict(payload)

    def delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def drop(self, method: str, times: int = 1) -> None:
        self._after_receiving.setdefault(method, []).extend(["drop"] * times)

    def hang(self, method: str, times: int = 1) -> None:
        self._after_receiving.setdefault(method, []).extend(["hang"] * times)

    def recover(self, method: str) -> None:
        """`method` fails no more (the failures queued by `fail` are dropped)."""
        self._failures.pop(method, None)

    async def wait_until(self, ready: Callable[[], bool], timeout: float = 5.0) -> None:
        """Until `ready()` holds, checked after every call (AssertionError on timeout)."""
        try:
            await self._wait_until(ready, timeout)
        except TimeoutError:
            raise AssertionError(f"not ready within {timeout}s; calls: {self.methods()}") from None

    def release(self) -> None:
        """Answer every hung call now (hangs after this one hang again)."""
        assert self._hung is not None
        self._hung.set()
        self._hung = asyncio.Event()

    def faults(self, method: str, *, drop: float = 0.0, hang: float = 0.0, ratelimit: float = 0.0,
               retry_after: int = 1, seed: int = 0, spared: Collection[str] = ()) -> None:
        self._faults[method] = _Faults(drop, hang, ratelimit, retry_after, random.Random(seed), frozenset(spared))

    def clear(self) -> None:
        self.calls.clear()
        self.acks.clear()
        self.arrived.clear()

    # --- inspecting ------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        try:
            await self._wait_until(lambda: len(self.calls_to(method)) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s; received {self.methods()}"
            ) from None
        return self.calls_to(method)[:count]

    async def wait_for_arrival(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        try:
            await self._wait_until(lambda: self.arrived.count(method) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} call(s) to {method} to arrive within {timeout}s; arrived: {self.arrived}"
            ) from None

    async def wait_for_socket(self, timeout: float = 5.0) -> None:
        try:
            await self._wait_until(lambda: bool(self._sockets), timeout)
        except TimeoutError:
            raise AssertionError(f"no Socket Mode connection within {timeout}s") from None

    async def wait_for_no_socket(self, timeout: float = 5.0) -> None:
        try:
            await self._wait_until(lambda: not self._sockets, timeout)
        except TimeoutError:
            raise AssertionError(f"the Socket Mode connection was still open after {timeout}s") from None

    @property
    def socket_count(self) -> int:
        return len(self._sockets)

    async def send_envelope(self, payload: Mapping[str, Any], type: str = "events_api", *,
                            retry_attempt: int | None = None, retry_reason: str | None = None,
                            accepts_response_payload: bool | None = None) -> str:
        if not self._sockets:
            raise AssertionError("no Socket Mode connection to send to")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": type, "payload": dict(payload),
                                    "accepts_response_payload": bool(accepts_response_payload
                                                                     if accepts_response_payload is not None
                                                                     else type != "events_api")}
        if type == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        await self._sockets[-1].send_json(envelope)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        try:
            await self._wait_until(lambda: envelope_id in self.acks, timeout)
        except TimeoutError:
            raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout}s") from None
        return self.acks[envelope_id]

    async def _wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        assert self._changed is not None, "start() the fake first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # --- serving ---------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _read_body(request)
        self.arrived.append(method)
        await self._notify()
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        token = _bearer_token(request) or _optional_str(body.get("token"))
        fault = self._take_fault(method, str(body.get("channel", "")))
        if fault == "ratelimit":
            retry_after = self._faults[method].retry_after
            status, payload, headers = _to_failure_response(_Failure(429, None, retry_after, 1))
        else:
            status, payload, headers = self._respond(method, body, token)
        await self._record(Call(method, body, token, status, request.path, request.content_type,
                                dict(request.headers)))
        if fault == "drop":
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # aiohttp stops handling a request whose client is gone
        if fault == "hang":
            assert self._hung is not None
            await self._hung.wait()
            if self._runner is None:
                raise asyncio.CancelledError  # stopping: no answer at all
        return web.json_response(payload, status=status, headers=headers)

    def _take_fault(self, method: str, channel: str) -> str | None:
        queued = self._after_receiving.get(method)
        if queued:
            return queued.pop(0)
        faults = self._faults.get(method)
        if faults is None or channel in faults.spared:
            return None
        roll = faults.random.random()
        for name, share in (("drop", faults.drop), ("hang", faults.hang), ("ratelimit", faults.ratelimit)):
            if roll < share:
                return name
            roll -= share
        return None

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        body = await _read_body(request)
        failure = self._take_failure("response_url")
        status = failure.status if failure else 200
        await self._record(Call("response_url", body, None, status, request.path, request.content_type,
                                dict(request.headers)))
        fault = self._take_fault("response_url", "")
        if fault == "drop":
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError
        if fault == "hang":
            assert self._hung is not None
            await self._hung.wait()
            if self._runner is None:
                raise asyncio.CancelledError  # stopping: no answer at all
        return web.Response(status=status, text="ok" if status == 200 else "error", content_type="text/plain")

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out: the file's bytes, as Slack takes them."""
        self.uploads[request.match_info["file_id"]] = await request.read()
        await self._notify()
        return web.Response(text="OK - 1", content_type="text/plain")

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await self._notify()
        await socket.send_json({"type": "hello", "num_connections": len(self._sockets),
                                "connection_info": {"app_id": "A0TEST"}, "debug_info": {"host": "fake"}})
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    data = json.loads(message.data)
                    if isinstance(data, dict) and "envelope_id" in data:
                        self.acks[str(data["envelope_id"])] = data
                        await self._notify()
        finally:
            self._sockets.remove(socket)
            await self._notify()
        return socket

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        await self._notify()

    def _respond(self, method: str, body: dict[str, Any], token: str | None
                 ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self.tokens is not None and token not in self.tokens:
            return 200, {"ok": False, "error": "not_authed" if token is None else "invalid_auth"}, {}
        failure = self._take_failure(method)
        if failure is not None:
            return _to_failure_response(failure)
        payload = {"ok": True, **self._success(method, body), **self._replies.get(method, {})}
        return 200, payload, {}

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method, [])
        if not queue:
            return None
        failure = queue[0]
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
        return failure

    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1_700_000_000 + n}.{n:06d}"

    def _success(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"url": "https://fake.slack.test/", "team": "Fake Workspace", "user": "renkei-bot",
                    "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id}
        if method == "chat.postMessage":
            ts = self._next_ts()
            message = {"type": "message", "text": body.get("text", ""), "ts": ts, "bot_id": self.bot_id,
                       "channel": body.get("channel"), "thread_ts": body.get("thread_ts") or ts}
            if isinstance(body.get("metadata"), dict):
                message["metadata"] = body["metadata"]
            self.messages.append(message)
            return {"channel": body.get("channel"), "ts": ts, "message": message}
        if method in {"conversations.history", "conversations.replies"}:
            return {"messages": self._messages_in(method, body), "has_more": False}
        if method == "chat.postEphemeral":
            return {"message_ts": self._next_ts()}
        if method in {"chat.update", "chat.delete"}:
            return {"channel": body.get("channel"), "ts": body.get("ts"), "text": body.get("text", "")}
        if method == "views.publish":
            view = body.get("view")
            return {"view": {"id": "V0TEST", **(view if isinstance(view, dict) else {})}}
        if method == "conversations.open":
            return {"channel": {"id": f"D{body.get('users', 'UNKNOWN')}"}}
        if method == "apps.connections.open":
            return {"url": self.socket_url}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = body.get("files")
            listed = files if isinstance(files, list) else []
            return {"files": [{"id": f.get("id"), "title": f.get("title")} for f in listed if isinstance(f, dict)]}
        if method == "users.info":
            user = str(body.get("user", ""))
            return {"user": {"id": user, "locale": self.locales.get(user, "ja-JP")}}
        return {}

    def _messages_in(self, method: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Newest first, as Slack lists them; replies: the thread of `ts`."""
        found = [m for m in self.messages if m["channel"] == body.get("channel")]
        if method == "conversations.replies":
            found = [m for m in found if m["thread_ts"] == body.get("ts")]
        return list(reversed(found))


def _to_failure_response(failure: _Failure) -> tuple[int, dict[str, Any], dict[str, str]]:
    if failure.status == 429:
        retry_after = failure.retry_after if failure.retry_after is not None else 1
        return 429, {"ok": False, "error": failure.error or "ratelimited"}, {"Retry-After": str(retry_after)}
    return failure.status, {"ok": False, "error": failure.error or "fatal_error"}, {}


async def _read_body(request: web.Request) -> dict[str, Any]:
    fields: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            data = await request.json()
            if isinstance(data, dict):
                fields.update(data)
        else:
            fields.update({key: str(value) for key, value in (await request.post()).items()})
    for name in JSON_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            fields[name] = json.loads(value)
    return fields


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len("Bearer "):] if header.startswith("Bearer ") else None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
