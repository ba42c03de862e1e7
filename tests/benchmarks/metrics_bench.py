"""Metrics upkeep cost per message against the size of the history already counted.

Run: ``python tests/benchmarks/metrics_bench.py [--url URL] [--messages N]``.
A plain script, not a test: it reports the cost per message of
``record_message_metrics`` (groups of 50 per transaction, as the router commits)
with 10,000 and with 1,000,000 messages of history already in the counter
tables, and their ratio, which should be close to 1 because every update is an
upsert on a small key. Nothing is asserted. SQLite in a temporary folder unless
``--url`` names a database (it must be empty: the script migrates it).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.record import record_message_metrics
from mailrouter.store import db
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.metrics import SenderDay, SenderWeekRecipient

START = date(2025, 1, 1)
GROUP = 50
SETTINGS = Settings()


def seed_history(sessions: sessionmaker[Session], messages: int, already: int) -> None:
    """Counter rows as ``messages`` routed messages would leave them (a year, heavy-tailed)."""
    rng = random.Random(messages)
    days: dict[tuple[str, date], int] = {}
    weeks: set[tuple[str, date, str]] = set()
    for _ in range(messages - already):
        sender = f"p{int(rng.paretovariate(1.2)) * 1000 + rng.randrange(1000)}@example.net"
        day = START + timedelta(days=rng.randrange(365))
        days[sender, day] = days.get((sender, day), 0) + 1
        weeks.add((sender, week_of(day), f"officer{rng.randrange(300)}@council.example"))
    with db.transaction(sessions) as s:
        conn = s.connection()
        rows = [
            {
                "sender": k[0],
                "day": k[1],
                "messages": v,
                "manual": 0,
                "senior": 0,
                "out_of_hours": 0,
                "abusive": 0,
                "while_open": 0,
                "complaints": 0,
            }
            for k, v in days.items()
        ]
        # The second seeding adds to the first: rows already there are kept as they are.
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        for i in range(0, len(rows), 20_000):
            stmt = dialect.insert(SenderDay).on_conflict_do_nothing()
            conn.execute(stmt, rows[i : i + 20_000])
        wrows = [{"sender": a, "week": b, "recipient": c, "messages": 1} for a, b, c in weeks]
        for i in range(0, len(wrows), 20_000):
            stmt = dialect.insert(SenderWeekRecipient).on_conflict_do_nothing()
            conn.execute(stmt, wrows[i : i + 20_000])


def measure(sessions: sessionmaker[Session], count: int) -> float:
    """Seconds per message for ``count`` new messages from a mix of old and new senders."""
    rng = random.Random(7)
    when = datetime(2025, 12, 1, 9, tzinfo=UTC)
    records = []
    for n in range(count):
        sender = f"p{rng.randrange(50_000)}@example.net"
        record = MessageRecord(
            sender=sender, mailbox="intake", received_at=when + timedelta(minutes=n)
        )
        to = [("from", sender), ("to", f"officer{rng.randrange(300)}@council.example")]
        records.append((record, to))
    began = time.perf_counter()
    for i in range(0, count, GROUP):
        with db.transaction(sessions) as s:
            for record, to in records[i : i + GROUP]:
                record_message_metrics(s, record, to, set(), SETTINGS)
    return (time.perf_counter() - began) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="an empty database (default: SQLite in a temporary folder)")
    parser.add_argument("--messages", type=int, default=2000, help="messages timed per size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        sessions = db.session_factory(engine)
        results = {}
        seeded = 0
        for size in (10_000, 1_000_000):
            began = time.perf_counter()
            seed_history(sessions, size, seeded)
            seeded = size
            print(f"history of {size:>9,} messages seeded in {time.perf_counter() - began:.1f} s")
            results[size] = measure(sessions, args.messages)
            print(f"  {results[size] * 1e6:8.1f} us per message ({args.messages} messages)")
        ratio = results[1_000_000] / results[10_000]
        print(f"ratio 1M / 10k: {ratio:.2f} (close to 1 means no growth with history)")
        engine.dispose()


if __name__ == "__main__":
    main()
