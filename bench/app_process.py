"""The bot as the end-to-end benchmarks run it: `python app.py` in a child process.

`running_bot(env)` starts app.py exactly as an operator would (the whole runtime: SQLite store,
observers, metrics), on a free port of 127.0.0.1 with a throw-away database, waits for /healthz,
and stops it with SIGTERM afterwards. Its stderr goes to a file shown when it fails to start.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# Variables of the caller's shell that would change what the child runs.
_CLEARED_PREFIXES = ("SLACK_", "TEAMS_", "CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__", "REMINDER_",
                     "DATABASE_", "LOG_", "ADMIN_", "SCHEDULER", "WATCH_DATA", "DATA_PATH", "HOST", "PORT")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def to_child_env(settings: Mapping[str, str], database: Path, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_CLEARED_PREFIXES)}
    env.update({
        "HOST": "127.0.0.1", "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}",
        "DATA_PATH": str(ROOT / "data" / "partnerships.yaml"), "SCHEDULER": "off", "WATCH_DATA": "false",
        "LOG_LEVEL": "WARNING",
    })
    env.update(settings)
    return env


async def wait_until_healthy(http: aiohttp.ClientSession, base_url: str, process: asyncio.subprocess.Process,
                             log: Path) -> None:
    for _ in range(1500):
        if process.returncode is not None:
            raise SystemExit(f"the app exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            async with http.get(f"{base_url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.02)
    raise SystemExit(f"the app did not start:\n{log.read_text(errors='replace')}")


@asynccontextmanager
async def running_bot(settings: Mapping[str, str]) -> AsyncIterator[str]:
    """`python app.py` with `settings` added to its environment; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="renkei-bench-") as scratch:
        port = free_port()
        log = Path(scratch) / "stderr.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "app.py"), cwd=ROOT,
                env=to_child_env(settings, Path(scratch) / "renkei.db", port),
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=stderr)
        base_url = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                await wait_until_healthy(http, base_url, process, log)
            yield base_url
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
