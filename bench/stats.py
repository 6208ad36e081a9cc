"""Small statistics shared by the benchmarks."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def format_latencies(latencies_ms: list[float]) -> str:
    p50, p90, p99 = (percentile(latencies_ms, f) for f in (0.5, 0.9, 0.99))
    return (f"ack latency ms: p50 {p50:.1f}  p90 {p90:.1f}  p99 {p99:.1f}  max {max(latencies_ms):.1f}  "
            f"mean {statistics.fmean(latencies_ms):.1f}")


@dataclass(frozen=True)
class Result:
    """One end-to-end run: every acknowledgement's latency, the refusals, the answers per second,
    and whether every event was answered exactly once."""

    latencies_ms: list[float]
    failures: int
    answers_per_second: float
    answered_once: bool = True

    def summary(self) -> tuple[float, float, float]:
        """(ack p50 ms, ack p99 ms, answers/s), for bench/compare.py --e2e."""
        if self.failures:
            raise RuntimeError(f"{self.failures} requests were refused")
        return percentile(self.latencies_ms, 0.5), percentile(self.latencies_ms, 0.99), self.answers_per_second

    def describe(self, what: str, args: argparse.Namespace) -> str:
        return "\n".join([
            f"{what} {args.count}, concurrency {args.concurrency}, database {args.database}, "
            f"instances {args.instances}, failures {self.failures}, "
            f"every one answered exactly once: {self.answered_once}",
            format_latencies(self.latencies_ms),
            f"answers/s: {self.answers_per_second:.0f}",
        ])


def to_arguments(description: str | None, count_flag: str, databases: tuple[str, ...]) -> argparse.Namespace:
    """The end-to-end benchmarks' options: how many requests, how many at once, which database."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(count_flag, dest="count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--database", choices=databases, default="sqlite")
    parser.add_argument("--instances", type=int, default=1, help="bots on the one database, sent to in turn")
    return parser.parse_args()
