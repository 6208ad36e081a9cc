"""The side-by-side benchmark (not a test): `python bench/compare.py` or `make bench-compare`.

In one process on this machine it measures, for Renkei Bot and two baselines (rapidfuzz
`extractOne` over one question per FAQ entry, and difflib):
- accuracy on ../shared/eval/questions.yaml and on the generated variants (kana, romaji,
  half-width, typos) of it;
- latency p50/p99 per question;
- Renkei Bot's latency against knowledge-base size (3 / 30 / 300 / 3,000 partners);
- end-to-end ack latency for Slack HTTP and Teams under concurrency 50 (when `--e2e`).
It writes docs/comparison.md and docs/comparison.png (docs/benchmarks.md links to them).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.baselines import FaqBaseline, difflib_matcher, rapidfuzz_matcher, to_faq  # noqa: E402
from bench.engine import freeze_startup_objects, measure_latency  # noqa: E402
from bench.stats import percentile  # noqa: E402
from bench.synthetic import to_synthetic_kb  # noqa: E402
from bench.variants import to_variants  # noqa: E402
from bot.answering.answer import Answer  # noqa: E402
from bot.answering.dispatch import now_jst  # noqa: E402
from bot.answering.engine import Engine  # noqa: E402
from bot.knowledge.model import load_knowledge  # noqa: E402
from bot.ops.evaluation import Case, judge, load_cases, load_eval_set  # noqa: E402

SIZES = (3, 30, 300, 3000)


class Answerer(Protocol):
    def answer(self, question: str, *, context: None = None, now: datetime) -> Answer: ...


@dataclass(frozen=True)
class Row:
    system: str
    sample: float
    variants: float
    facts: float
    holdout: float
    p50_ms: float
    p99_ms: float


def score(system: Answerer, cases: list[Case], now: datetime) -> tuple[float, list[float]]:
    """(accuracy, per-question latencies in ms)."""
    passed, latencies = 0, []
    for case in cases:
        started = time.perf_counter()
        answer = system.answer(case.question, context=None, now=now)
        latencies.append((time.perf_counter() - started) * 1000)
        passed += judge(case, answer).passed
    return passed / len(cases), latencies


def load_own_sets() -> tuple[list[Case], list[Case]]:
    """The project's fact set (every atomic fact, several phrasings) and its held-out set."""
    return (
        list(load_eval_set(ROOT / "eval" / "facts.yaml").cases),
        list(load_eval_set(ROOT / "eval" / "holdout.yaml").cases),
    )


def compare_systems(sample: list[Case], variants: list[Case], now: datetime) -> list[Row]:
    engine = Engine(load_knowledge(ROOT / "data" / "partnerships.yaml"))
    faq = to_faq(engine, now)
    systems: list[tuple[str, Answerer]] = [
        ("Renkei Bot", engine),
        ("rapidfuzz extractOne (FAQ)", FaqBaseline("rapidfuzz", faq, rapidfuzz_matcher)),
        ("difflib (FAQ)", FaqBaseline("difflib", faq, difflib_matcher)),
    ]
    freeze_startup_objects()
    facts, holdout = load_own_sets()
    rows = []
    for name, system in systems:
        score(system, sample, now)  # warm-up
        sample_accuracy, _ = score(system, sample, now)
        variant_accuracy, latencies = score(system, variants, now)
        fact_accuracy, _ = score(system, facts, now)
        holdout_accuracy, _ = score(system, holdout, now)
        rows.append(
            Row(
                name,
                sample_accuracy,
                variant_accuracy,
                fact_accuracy,
                holdout_accuracy,
                statistics.median(latencies),
                percentile(latencies, 0.99),
            )
        )
    return rows


def latency_by_size(questions: int) -> list[tuple[int, float, float]]:
    bundled = load_knowledge(ROOT / "data" / "partnerships.yaml")
    out = []
    for size in SIZES:
        _, p50, p99 = measure_latency(to_synthetic_kb(bundled, size), questions)
        out.append((size, p50, p99))
    return out


def run_e2e(requests: int) -> list[tuple[str, float, float, float]]:
    """(platform, ack p50 ms, ack p99 ms, answers/s) from the platform benches, when present."""
    results = []
    for module, label in (("bench.slack_http", "Slack HTTP"), ("bench.teams_http", "Teams")):
        try:
            bench = __import__(module, fromlist=["measure"])
        except ImportError:
            continue
        measure: Callable[..., Coroutine[Any, Any, tuple[float, float, float]]] = bench.measure
        p50, p99, rate = asyncio.run(measure(requests=requests, concurrency=50))
        results.append((label, p50, p99, rate))
    return results


def write_report(
    rows: list[Row],
    sizes: list[tuple[int, float, float]],
    e2e: list[tuple[str, float, float, float]],
    counts: tuple[int, int],
    out: Path,
) -> None:
    lines = [
        "# Renkei Bot against FAQ baselines",
        "",
        f"Generated by `python bench/compare.py` on {datetime.now():%Y-%m-%d} (2 cores). "
        f"Sample: {counts[0]} questions of `../shared/eval/questions.yaml`; variants: {counts[1]} questions "
        "generated from it (city in hiragana, katakana, half-width, romaji, one-kana typo; half-width and "
        "unpunctuated questions).",
        "",
        "## Accuracy and latency",
        "",
        "Fact set: the single questions of `eval/facts.yaml` (every atomic fact of both sources, several "
        "phrasings each); held-out: `eval/holdout.yaml`, written without looking at the bot.",
        "",
        "| system | sample | variants | fact set | held-out | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.system} | {r.sample:.1%} | {r.variants:.1%} | {r.facts:.1%} | {r.holdout:.1%} | {r.p50_ms:.3f} "
        f"| {r.p99_ms:.3f} |"
        for r in rows
    ]
    lines += [
        "",
        "## Renkei Bot latency against knowledge-base size",
        "",
        "| partners | p50 ms | p99 ms |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {size:,} | {p50:.3f} | {p99:.3f} |" for size, p50, p99 in sizes]
    if e2e:
        lines += [
            "",
            "## End-to-end acknowledgement under concurrency 50",
            "",
            "`python app.py` (the whole runtime, SQLite store) in a child process against a local fake "
            "(Slack Web API, Bot Connector); 50 concurrent senders after 100 warm-up requests "
            "(bench/slack_http.py, bench/teams_http.py). Slack: ack = the HTTP 200 of /slack/events, "
            "sent before the answer is composed (Slack allows 3 s). Teams: ack = the HTTP response of "
            "/api/messages, which the Agents SDK sends only after the turn (answer composed, reply "
            "posted), so it is the whole answer's latency (Teams allows 15 s).",
            "",
            "| platform | ack p50 ms | ack p99 ms | answers/s |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {name} | {p50:.1f} | {p99:.1f} | {rate:.0f} |" for name, p50, p99, rate in e2e]
    lines += ["", "![latency against size, accuracy per system](comparison.png)", ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def write_plot(rows: list[Row], sizes: list[tuple[int, float, float]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot([s for s, _, _ in sizes], [p50 for _, p50, _ in sizes], marker="o", label="p50")
    left.plot([s for s, _, _ in sizes], [p99 for _, _, p99 in sizes], marker="o", label="p99")
    left.set_xscale("log")
    left.set_xlabel("partners in the knowledge base")
    left.set_ylabel("ms per question")
    left.set_title("Renkei Bot latency against size")
    left.legend()
    names = [r.system for r in rows]
    positions = range(len(rows))
    for offset, label, values in (
        (-0.3, "sample", [r.sample for r in rows]),
        (-0.1, "variants", [r.variants for r in rows]),
        (0.1, "fact set", [r.facts for r in rows]),
        (0.3, "held-out", [r.holdout for r in rows]),
    ):
        right.bar([p + offset for p in positions], [v * 100 for v in values], width=0.2, label=label)
    right.set_xticks(list(positions), names, fontsize=8)
    right.set_ylabel("accuracy %")
    right.set_ylim(0, 100)
    right.set_title("Accuracy per system")
    right.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "questions.yaml"))
    parser.add_argument("--size-questions", type=int, default=300)
    parser.add_argument("--e2e", action="store_true", help="also measure Slack HTTP and Teams acknowledgements")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    now = now_jst()
    sample = load_cases(args.questions)
    bundled = load_knowledge(ROOT / "data" / "partnerships.yaml")
    variants = to_variants(bundled, sample)
    rows = compare_systems(sample, variants, now)
    sizes = latency_by_size(args.size_questions)
    e2e = run_e2e(args.requests) if args.e2e else []
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    write_report(rows, sizes, e2e, (len(sample), len(variants)), out / "comparison.md")
    write_plot(rows, sizes, out / "comparison.png")
    print((out / "comparison.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
