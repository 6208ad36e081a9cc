"""Engine latency and footprint (not a test): `python bench/engine.py`.

Prints per-question latency p50/p99 over a few hundred varied questions on the bundled data and
on a synthetic knowledge base of 3,000 partners, the cold start of `python app.py ask`, and the
resident memory. Targets on the 2-core reference machine: p99 ≤ 1 ms (bundled), ≤ 10 ms (3,000),
cold start ≤ 1 s, memory ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stats import percentile  # noqa: E402
from bench.synthetic import to_questions, to_synthetic_kb  # noqa: E402
from bot.answering.dispatch import now_jst  # noqa: E402
from bot.answering.engine import Engine  # noqa: E402
from bot.knowledge.model import KnowledgeBase, load_knowledge  # noqa: E402


def freeze_startup_objects() -> None:
    """As the server does after start-up (handlers/server.py): long-lived objects leave the GC's passes."""
    gc.collect()
    gc.freeze()


def measure_latency(kb: KnowledgeBase, count: int) -> tuple[float, float, float]:
    """(build seconds, p50 ms, p99 ms) after one warm-up pass."""
    started = time.perf_counter()
    engine = Engine(kb)
    build = time.perf_counter() - started
    questions = to_questions(kb, count)
    now = now_jst()
    for question in questions:
        engine.answer(question, context=None, now=now)
    freeze_startup_objects()
    samples = []
    for question in questions:
        started = time.perf_counter()
        engine.answer(question, context=None, now=now)
        samples.append((time.perf_counter() - started) * 1000)
    return build, statistics.median(samples), percentile(samples, 0.99)


def measure_cold_start(runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "ask", "帯広の連携事項は?"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


_REPORT_PEAK = """
import runpy, sys
sys.argv = ["app.py", "ask", "帯広の連携事項は?"]
try:
    runpy.run_path("app.py", run_name="__main__")
except SystemExit:
    pass
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(peak.split()[1], file=sys.stderr)
"""


def measure_bot_memory_mb() -> float:
    """Peak resident memory (VmHWM) of one `app.py ask` process, read by that process itself."""
    result = subprocess.run([sys.executable, "-c", _REPORT_PEAK], cwd=ROOT, check=True, capture_output=True, text=True)
    return int(result.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--partners", type=int, default=3000)
    args = parser.parse_args()
    bundled = load_knowledge(ROOT / "data" / "partnerships.yaml")
    print(f"{'knowledge base':<24}{'build s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for label, kb in (
        (f"bundled ({len(bundled.partners)} partners)", bundled),
        (f"synthetic ({args.partners:,})", to_synthetic_kb(bundled, args.partners)),
    ):
        build, p50, p99 = measure_latency(kb, args.questions)
        print(f"{label:<24}{build:>9.2f}{p50:>9.3f}{p99:>9.3f}")
    print(f"cold start `app.py ask`: {measure_cold_start(5):.2f} s (median of 5)")
    bench_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: `app.py ask` {measure_bot_memory_mb():.0f} MB; "
          f"this benchmark with both knowledge bases {bench_mb:.0f} MB")

if __name__ == "__main__":
    main()
