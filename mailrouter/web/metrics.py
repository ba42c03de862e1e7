"""``/metrics``: Prometheus text computed from the database at scrape time.

A fresh registry per scrape holds one collector over a snapshot taken just
before, so nothing is cached between scrapes and two daemons report the same
figures (they read the same tables).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mailrouter.store.models import OutboxState
from mailrouter.web.queries import Counts

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Snapshot(Collector):
    def __init__(self, counts: Counts, unhealthy_mailboxes: int) -> None:
        self.counts = counts
        self.unhealthy = unhealthy_mailboxes

    def collect(self) -> Iterator[Metric]:
        c = self.counts
        for name, doc, value in (
            ("mailrouter_messages_ingested", "Messages stored from watched folders.", c.ingested),
            ("mailrouter_messages_routed", "Messages the router has decided about.", c.routed),
            ("mailrouter_messages_diverted", "Messages diverted to a SPOC.", c.diverted),
            ("mailrouter_messages_quarantined", "Messages quarantined unparsed.", c.quarantined),
        ):
            yield CounterMetricFamily(name, doc, value=value)
        depth = GaugeMetricFamily(
            "mailrouter_outbox_rows", "Outbox rows by state.", labels=["state"]
        )
        for state in OutboxState:
            depth.add_metric([state.value], c.outbox_by_state.get(state.value, 0))
        yield depth
        for name, doc, value in (
            (
                "mailrouter_outbox_parked",
                "Outbox rows parked for a person.",
                c.outbox_by_state.get(OutboxState.parked.value, 0),
            ),
            ("mailrouter_mailboxes_unhealthy", "Mailboxes with a failing folder.", self.unhealthy),
            ("mailrouter_held_replies_due", "Held replies due for release.", c.held_replies_due),
            ("mailrouter_diverted_unread", "Diverted mail not yet read.", c.unread_diverted),
            ("mailrouter_flags_open", "Flags waiting in the IG queue.", c.open_flags),
        ):
            yield GaugeMetricFamily(name, doc, value=value)


def exposition(counts: Counts, unhealthy_mailboxes: int) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(counts, unhealthy_mailboxes))
    return generate_latest(registry)
