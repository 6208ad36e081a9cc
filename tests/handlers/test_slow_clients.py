"""Slow clients (issue 20, item 9): a request whose headers or body trickle in (slowloris) is cut
off after the read timeout, even without a reverse proxy in front; the real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from handlers.server import build_server, serve

pytestmark = pytest.mark.adapter

READ_TIMEOUT = 0.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def port() -> AsyncIterator[int]:
    chosen, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(serve(build_server([], read_timeout_seconds=READ_TIMEOUT), "127.0.0.1", chosen,
                                        stop=stop))
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", chosen)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        break
    yield chosen
    stop.set()
    await asyncio.wait_for(serving, 10)


async def answer_within(port: int, sent: bytes, seconds: float) -> bytes:
    """The first line the server says (b"" when it closes without a word) to a client that sends
    `sent` and then nothing more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readline(), seconds)
    finally:
        writer.close()


async def test_a_body_that_trickles_in_gets_408(port: int) -> None:
    head = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    answer = await answer_within(port, head + b"{", 5 * READ_TIMEOUT)
    assert answer.startswith(b"HTTP/1.1 408")


async def test_headers_that_trickle_in_lose_the_connection(port: int) -> None:
    answer = await answer_within(port, b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n", 5 * READ_TIMEOUT)
    assert answer == b""  # closed, not held open


async def test_a_prompt_request_is_served(port: int) -> None:
    answer = await answer_within(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5)
    assert answer.startswith(b"HTTP/1.1 200")
