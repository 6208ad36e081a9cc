"""Figures and counts in docs/ agree with what produces them: the comparison tables with
docs/comparison.json (bench/compare.py renders both from it), the partner count of the engine
benchmark and the variants count with the data, the reminders example with `schedule`, and the
test count of docs/testing.md with pytest's own count."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from bench.compare import FIGURES, render_report, to_benchmarks_block
from bot.commands.registry import Commands, Services
from bot.knowledge.model import load_knowledge
from handlers.subcommands import run_named_command
from tests.conftest import DATA_PATH, ROOT, SHARED, WHOLE_SUITE_COUNT

pytestmark = pytest.mark.unit

DOCS = ROOT / "docs"


def figures() -> dict[str, object]:
    loaded = json.loads((DOCS / FIGURES).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_comparison_page_is_rendered_from_the_figures() -> None:
    assert (DOCS / "comparison.md").read_text(encoding="utf-8") == render_report(figures())


def test_benchmarks_table_is_rendered_from_the_same_figures() -> None:
    assert to_benchmarks_block(figures()) in (DOCS / "benchmarks.md").read_text(encoding="utf-8")


def test_the_counts_in_the_figures_are_those_of_the_data() -> None:
    from bench.variants import to_variants
    from bot.ops.evaluation import load_cases

    questions = SHARED / "eval" / "questions.yaml"
    if not questions.exists():
        pytest.skip(f"{questions} is not here")
    sample = load_cases(questions)
    assert figures()["sample_questions"] == len(sample)
    assert figures()["variant_questions"] == len(to_variants(load_knowledge(DATA_PATH), sample))


def test_the_engine_benchmark_names_the_bundled_partner_count() -> None:
    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    stated = re.search(r"\| bundled \((\d+) partners\)", page)
    assert stated, "docs/benchmarks.md no longer names the bundled partner count"
    assert int(stated[1]) == len(load_knowledge(DATA_PATH).partners)


def test_the_reminders_example_is_what_schedule_prints() -> None:
    page = (DOCS / "reminders.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- schedule:.*?-->\n```\n(.*?)\n```", page, re.DOTALL)
    assert example, "docs/reminders.md no longer shows the schedule example"
    kb = load_knowledge(DATA_PATH)
    assert example[1] == run_named_command("schedule", Commands(Services(knowledge=lambda: kb)))


def count_every_test(config: pytest.Config) -> int:
    """The suite's size: this session's own collection when it is the whole suite (`make test`),
    else a collection of its own in a child pytest (a minute of importing on a busy machine)."""
    if WHOLE_SUITE_COUNT in config.stash:
        return config.stash[WHOLE_SUITE_COUNT]
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    collected = re.search(r"(\d+) tests? collected", result.stdout)
    assert collected, result.stdout[-2000:]
    return int(collected[1])


@pytest.mark.process
def test_the_test_count_in_testing_md_is_within_ten_percent(pytestconfig: pytest.Config) -> None:
    page = (DOCS / "testing.md").read_text(encoding="utf-8")
    stated = re.search(r"about ([\d,]+) tests", page)
    assert stated, "docs/testing.md no longer states the test count"
    count, claimed = count_every_test(pytestconfig), int(stated[1].replace(",", ""))
    assert abs(count - claimed) <= claimed * 0.10, f"docs/testing.md says about {claimed}, pytest collects {count}"
