"""The side-by-side benchmark (not a test): `python bench/compare.py` or `make bench-compare`.

In one process on this machine it measures, for Renkei Bot and two baselines (rapidfuzz
`extractOne` over one question per FAQ entry, and difflib):
- accuracy on ../shared/eval/questions.yaml and on the generated variants (kana, romaji,
  half-width, typos) of it;
- latency p50/p99 per question;
- Renkei Bot's latency against knowledge-base size (3 / 30 / 300 / 3,000 partners);
- end-to-end ack latency for Slack HTTP and Teams under concurrency 50 (when `--e2e`).
It writes docs/comparison.json (every figure, once) and renders from it docs/comparison.md,
docs/comparison.png and the comparison table of docs/benchmarks.md (`--render`: again, measuring nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
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


# --- the one generated source, and what is rendered from it -----------------------------------------

FIGURES = "comparison.json"
BLOCK_START, BLOCK_END = "<!-- comparison: generated by bench/compare.py -->", "<!-- /comparison -->"


def to_figures(rows: list[Row], sizes: list[tuple[int, float, float]], e2e: list[tuple[str, float, float, float]],
               counts: tuple[int, int]) -> dict[str, Any]:
    """Every figure the docs show, measured once (docs/comparison.json)."""
    return {
        "date": f"{datetime.now():%Y-%m-%d}",
        "sample_questions": counts[0],
        "variant_questions": counts[1],
        "systems": [asdict(row) for row in rows],
        "sizes": [{"partners": size, "p50_ms": p50, "p99_ms": p99} for size, p50, p99 in sizes],
        "e2e": [{"platform": name, "p50_ms": p50, "p99_ms": p99, "rate": rate} for name, p50, p99, rate in e2e],
    }


def to_rows(figures: dict[str, Any]) -> list[Row]:
    return [Row(**row) for row in figures["systems"]]


def to_accuracy_table(figures: dict[str, Any]) -> list[str]:
    """The accuracy and latency table, as both docs/comparison.md and docs/benchmarks.md show it."""
    lines = [
        "| system | sample | variants | fact set | held-out | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    return lines + [
        f"| {r.system} | {r.sample:.1%} | {r.variants:.1%} | {r.facts:.1%} | {r.holdout:.1%} | {r.p50_ms:.3f} "
        f"| {r.p99_ms:.3f} |"
        for r in to_rows(figures)
    ]


def to_benchmarks_block(figures: dict[str, Any]) -> str:
    """What docs/benchmarks.md shows between its comparison markers."""
    lines = [
        BLOCK_START,
        f"Measured {figures['date']}: {figures['sample_questions']} sample questions, "
        f"{figures['variant_questions']} variants.",
        "",
        *to_accuracy_table(figures),
        BLOCK_END,
    ]
    return "\n".join(lines)


def render_report(figures: dict[str, Any]) -> str:
    lines = [
        "# Renkei Bot against FAQ baselines",
        "",
        f"Generated by `python bench/compare.py` on {figures['date']} (2 cores) into `comparison.json`, from which "
        f"this page, the plot and the table in benchmarks.md are rendered. Sample: {figures['sample_questions']} "
        f"questions of `../shared/eval/questions.yaml`; variants: {figures['variant_questions']} questions "
        "generated from it (city in hiragana, katakana, half-width, romaji, one-kana typo; half-width and "
        "unpunctuated questions).",
        "",
        "## Accuracy and latency",
        "",
        "Fact set: the single questions of `eval/facts.yaml` (every atomic fact of both sources, several "
        "phrasings each); held-out: `eval/holdout.yaml`, written without looking at the bot.",
        "",
        *to_accuracy_table(figures),
        "",
        "## Renkei Bot latency against knowledge-base size",
        "",
        "| partners | p50 ms | p99 ms |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {size['partners']:,} | {size['p50_ms']:.3f} | {size['p99_ms']:.3f} |" for size in figures["sizes"]]
    if figures["e2e"]:
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
        lines += [f"| {e['platform']} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} | {e['rate']:.0f} |"
                  for e in figures["e2e"]]
    lines += ["", "![latency against size, accuracy per system](comparison.png)", ""]
    return "\n".join(lines)


def with_block(page: str, block: str) -> str:
    """`page` with its comparison block replaced by `block`."""
    start, end = page.index(BLOCK_START), page.index(BLOCK_END) + len(BLOCK_END)
    return page[:start] + block + page[end:]


def write_docs(figures: dict[str, Any], docs: Path, *, plot: bool = True) -> None:
    """docs/comparison.json, and everything rendered from it: comparison.md, comparison.png and the
    table in benchmarks.md."""
    (docs / FIGURES).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (docs / "comparison.md").write_text(render_report(figures), encoding="utf-8")
    benchmarks = docs / "benchmarks.md"
    benchmarks.write_text(with_block(benchmarks.read_text(encoding="utf-8"), to_benchmarks_block(figures)),
                          encoding="utf-8")
    if plot:
        write_plot(to_rows(figures), [(s["partners"], s["p50_ms"], s["p99_ms"]) for s in figures["sizes"]],
                   docs / "comparison.png")


def write_plot(rows: list[Row], sizes: list[tuple[int, float, float]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.plot([s for s, _, _ in sizes], [p50 for _, p50, _ in sizes], marker="o", label="p50")
    left.plot([s for s, _, _ in sizes], [p99 for _, _, p99 in sizes], marker="o", label="p99")
    for size, p50, p99 in sizes:
        left.annotate(f"{p99:.2f}", (size, p99), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        left.annotate(f"{p50:.2f}", (size, p50), textcoords="offset points", xytext=(0, -12), ha="center", fontsize=8)
    left.set_xscale("log")
    left.set_ylim(0, max(p99 for _, _, p99 in sizes) * 1.25)
    left.set_xlabel("partners in the knowledge base")
    left.set_ylabel("ms per question")
    left.set_title("Renkei Bot latency against size")
    left.legend(loc="upper left")
    names = [r.system for r in rows]
    positions = range(len(rows))
    for offset, label, values in (
        (-0.3, "sample", [r.sample for r in rows]),
        (-0.1, "variants", [r.variants for r in rows]),
        (0.1, "fact set", [r.facts for r in rows]),
        (0.3, "held-out", [r.holdout for r in rows]),
    ):
        bars = right.bar([p + offset for p in positions], [v * 100 for v in values], width=0.2, label=label)
        right.bar_label(bars, labels=[f"{v * 100:.0f}" for v in values], fontsize=7, padding=2)
    right.set_xticks(list(positions), names, fontsize=8)
    right.set_ylabel("accuracy %")
    right.set_ylim(0, 125)  # headroom above 100 % for the labels and the legend
    right.set_yticks(range(0, 101, 20))
    right.set_title("Accuracy per system")
    right.legend(loc="upper right", ncols=4, fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "questions.yaml"))
    parser.add_argument("--size-questions", type=int, default=300)
    parser.add_argument("--e2e", action="store_true", help="also measure Slack HTTP and Teams acknowledgements")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: render the docs again from the last comparison.json")
    args = parser.parse_args()
    out = Path(args.out)
    if args.render:
        write_docs(json.loads((out / FIGURES).read_text(encoding="utf-8")), out)
        return
    now = now_jst()
    sample = load_cases(args.questions)
    bundled = load_knowledge(ROOT / "data" / "partnerships.yaml")
    variants = to_variants(bundled, sample)
    rows = compare_systems(sample, variants, now)
    sizes = latency_by_size(args.size_questions)
    e2e = run_e2e(args.requests) if args.e2e else []
    out.mkdir(exist_ok=True)
    write_docs(to_figures(rows, sizes, e2e, (len(sample), len(variants))), out)
    print((out / "comparison.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
