"""Prometheus metrics, in a registry of their own so every test can build a fresh set."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter("renkei_questions", "Questions answered, by platform and kind of reply",
                                 ["platform", "kind"], registry=self.registry)
        self.answer_seconds = Histogram(
            "renkei_answer_seconds", "From a question's arrival to its answer posted", ["platform"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=self.registry,
        )
        self.engine_seconds = Histogram(
            "renkei_engine_seconds", "The engine's share of an answer", ["platform"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0), registry=self.registry,
        )
        self.answer_posts = Counter("renkei_answer_posts", "Answers posted in channels and DMs by outcome "
                                    "(posted, failed, unknown: may or may not have reached the platform)",
                                    ["platform", "outcome"], registry=self.registry)
        self.reloads = Counter("renkei_knowledge_reloads", "Knowledge-base reloads by result (ok, rejected, failed)",
                               ["result"], registry=self.registry)

    def watch_deliveries(self, counts: Callable[[], Mapping[str, int]]) -> None:
        """Export the delivery ledger's rows by status; read at scrape time, so every process
        sharing the database reports the same totals."""
        self.registry.register(_LedgerCollector(counts))

    def watch_announcements(self, counts: Callable[[], Mapping[str, int]]) -> None:
        """Export the new-memorandum announcements in the ledger by status, like the reminders."""
        self.registry.register(_LedgerCollector(counts, "renkei_announcements",
                                                "New-memorandum announcements (and corrections) in the ledger by "
                                                "status (sent, failed, unknown, claimed, included)"))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _LedgerCollector(Collector):
    def __init__(self, counts: Callable[[], Mapping[str, int]], name: str = "renkei_reminder_deliveries",
                 description: str = "Reminder deliveries in the ledger by status (sent, late, failed, unknown, "
                                    "missed, claimed)") -> None:
        self.counts = counts
        self.name = name
        self.description = description

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.description, labels=["status"])
        for status, count in sorted(self.counts().items()):
            family.add_metric([status], count)
        yield family
