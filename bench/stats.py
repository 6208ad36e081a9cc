"""Small statistics shared by the benchmarks."""

from __future__ import annotations

import statistics


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def format_latencies(latencies_ms: list[float]) -> str:
    p50, p90, p99 = (percentile(latencies_ms, f) for f in (0.5, 0.9, 0.99))
    return (f"ack latency ms: p50 {p50:.1f}  p90 {p90:.1f}  p99 {p99:.1f}  max {max(latencies_ms):.1f}  "
            f"mean {statistics.fmean(latencies_ms):.1f}")
