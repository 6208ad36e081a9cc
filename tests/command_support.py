"""Declaring a command for one test only, the way a new command is declared in bot/commands/registry.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.commands.registry import COMMANDS, Handler, command


@contextmanager
def declared(name: str, run: Handler, **options: Any) -> Iterator[Handler]:
    """`@command(name, **options)` on `run` while the block runs; removed again afterwards."""
    options.setdefault("description", f"{name} のテスト")
    command(name, **options)(run)
    try:
        yield run
    finally:
        COMMANDS.remove(name)
