"""A TCP relay on 127.0.0.1 that delays every packet: a remote database on a local machine.

`DelayRelay(host, port, round_trip_seconds)` listens on a free port of 127.0.0.1 and forwards
each connection to host:port; every chunk waits half the round trip before it goes on, in each
direction, so a request and its reply take `round_trip_seconds` longer. Chunks keep their order
and overlap in flight (a queue per direction), so the relay adds latency, not a bandwidth limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from types import TracebackType


class DelayRelay:
    def __init__(self, host: str, port: int, round_trip_seconds: float) -> None:
        self.host = host
        self.port = port
        self.delay = round_trip_seconds / 2
        self.listening_port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> DelayRelay:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.listening_port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.port)
        for reader, writer in ((client_reader, upstream_writer), (upstream_reader, client_writer)):
            task = asyncio.create_task(self._pump(reader, writer))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def forward() -> None:
            while True:
                due, chunk = await queue.get()
                await asyncio.sleep(max(due - loop.time(), 0))
                if not chunk:
                    writer.close()
                    return
                writer.write(chunk)
                await writer.drain()

        forwarding = asyncio.create_task(forward())
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((loop.time() + self.delay, chunk))
            queue.put_nowait((loop.time() + self.delay, b""))
            await forwarding
        except (ConnectionError, asyncio.CancelledError):
            forwarding.cancel()
            with contextlib.suppress(Exception):
                writer.close()
            raise


async def serve_forever(host: str, port: int, round_trip_seconds: float) -> None:
    async with DelayRelay(host, port, round_trip_seconds) as relay:
        print(relay.listening_port, flush=True)  # the parent reads where to connect
        await asyncio.Event().wait()


def main() -> None:
    """`python bench/relay.py HOST PORT ROUND_TRIP_SECONDS`: a relay in a process of its own, so
    the benchmark's own load neither delays it nor is delayed by it."""
    host, port, round_trip = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(host, port, round_trip))


if __name__ == "__main__":
    main()
