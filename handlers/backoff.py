"""Waiting between checks of a service that cannot be reached (the Slack API, the Bot Connector):
1, 2, 4, … seconds, at most a minute, so a long outage costs one log line a minute."""

from __future__ import annotations

from collections.abc import Iterator

MAX_BACKOFF_SECONDS = 60


def backoff_delays(first: float = 1.0) -> Iterator[int]:
    """1, 2, 4, … seconds, at most a minute: forever."""
    delay = first
    while True:
        yield int(delay)
        delay = min(delay * 2, MAX_BACKOFF_SECONDS)


def describe_network_error(error: BaseException) -> str:
    """One line: the kind of network failure and its first words (never a URL's query or a token)."""
    if isinstance(error, TimeoutError):
        return "no answer in time"
    reason = str(error).split(" [")[0] or type(error).__name__
    return f"{type(error).__name__}: {reason}"
