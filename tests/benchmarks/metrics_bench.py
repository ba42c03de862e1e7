"""Metrics upkeep cost per message against the size of the history already counted.

Run: ``python tests/benchmarks/metrics_bench.py [--url URL] [--messages N]``.
A plain script, not a test: it reports the cost per message of
``record_message_metrics`` (groups of 50 per transaction, as the router commits)
with 10,000 and with 1,000,000 messages of history already in the tables, and
their ratio, which should be close to 1 because every update is an upsert or a
look-up on a small key. Two figures per size: the counters alone, and the full
work with the message text (near-duplicate ring, traits, the alias look-ups and,
for register customers, their writing profile). The history seeds every table
that work reads: counters, traits (names from a small pool, so a name is shared
by many senders), a full ring of fingerprints per sender (real vectors), and a
register of 500 customers with phones and writing profiles. Nothing is asserted.
SQLite in a temporary folder unless ``--url`` names a database (it must be
empty: the script migrates it).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.domain import CaseMatch, CaseStatus
from mailrouter.metrics import fingerprint
from mailrouter.metrics.identity import body_text, own_text, traits
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.record import record_message_metrics
from mailrouter.metrics.repeats import RING
from mailrouter.store import db
from mailrouter.store.models.flags_alias import SenderFingerprint, SenderTrait, WritingProfile
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.metrics import SenderDay, SenderWeekRecipient
from mailrouter.store.models.register import Customer, CustomerAlias, CustomerEmail

START = date(2025, 1, 1)
GROUP = 50
SETTINGS = Settings()
CUSTOMERS = 500
FIRST = ["John", "Sarah", "David", "Emma", "James", "Olivia", "Peter", "Susan", "Mark", "Amy"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Patel", "Wilson", "Evans", "Walker", "Green"]
TOPICS = [
    "The bins on {street} were not collected on Tuesday and the recycling is overflowing.",
    "There is a pothole outside number {n} {street} that has damaged two cars this week.",
    "I have been charged twice for council tax and would like a refund please.",
    "My neighbour at number {n} {street} plays loud music every night after midnight.",
    "The boiler in my flat at {n} {street} has not worked since Friday: no hot water.",
    "Someone has dumped a mattress and bags of rubbish at the end of {street} again.",
]
STREETS = ["Elm Road", "Station Street", "Mill Lane", "Church Walk", "Park View"]


def sender_of(n: int) -> tuple[str, str, str]:
    """Sender ``n``'s address, display name and phone number (names repeat; phones do not)."""
    rng = random.Random(n)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"p{n}@example.net", name, f"07{700 + n % 300} {100000 + n % 899999}"


def message_text(rng: random.Random, n: int) -> str:
    _, name, phone = sender_of(n)
    topic = rng.choice(TOPICS).format(street=rng.choice(STREETS), n=rng.randrange(1, 99))
    return f"Dear Sir,\n\n{topic} Please reply.\n\nKind regards\n{name}\n{phone}\n"


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
        per_sender: dict[str, int] = {}
        for (sender, _day), count in days.items():
            per_sender[sender] = per_sender.get(sender, 0) + count
        seed_text_tables(conn, dialect, per_sender, rng)


def seed_text_tables(conn: Any, dialect: Any, per_sender: dict[str, int], rng: Any) -> None:
    """Traits and a ring of real fingerprints (as many as the sender's messages, up to RING)."""
    traits_rows, rings = [], []
    for address, count in per_sender.items():
        n = int(address[1:].partition("@")[0])
        found = traits(own_text(message_text(rng, n)), sender_of(n)[1])
        traits_rows += [
            {"sender": address, "kind": k, "key": v, "first_seen": START, "last_seen": START}
            for k, v in found.pairs()
        ]
        for slot in range(min(count, RING)):
            vector = fingerprint.vectorise(body_text(own_text(message_text(rng, n))))
            assert vector is not None
            rings.append(
                {
                    "sender": address,
                    "slot": slot,
                    "seq": slot + 1,
                    "day": START,
                    "vector": fingerprint.dump(vector),
                }
            )
    for table, rows in ((SenderTrait, traits_rows), (SenderFingerprint, rings)):
        for i in range(0, len(rows), 5_000):
            conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows[i : i + 5_000])


def seed_register(sessions: sessionmaker[Session]) -> list[CaseMatch]:
    """500 register customers: senders p0.. p499, each with a phone alias and a profile."""
    rng = random.Random(3)
    matches = []
    with db.transaction(sessions) as s:
        for n in range(CUSTOMERS):
            address, name, phone = sender_of(n)
            customer = Customer(full_name=name)
            s.add(customer)
            s.flush()
            s.add(
                CustomerEmail(
                    customer_id=customer.id, address=address, normalized=address, added_on=START
                )
            )
            digits = phone.replace(" ", "")
            s.add(
                CustomerAlias(customer_id=customer.id, kind="phone", value=phone, normalized=digits)
            )
            vector = fingerprint.vectorise(body_text(own_text(message_text(rng, n))))
            assert vector is not None
            s.add(
                WritingProfile(customer_id=customer.id, messages=1, vector=fingerprint.dump(vector))
            )
            status = CaseStatus.stage2
            matches.append(CaseMatch(n + 1, customer.id, name, status, diversion_effective=True))
    return matches


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def measure(
    sessions: sessionmaker[Session], count: int, matches: list[CaseMatch], *, with_text: bool
) -> float:
    """Seconds per message for ``count`` new messages from a mix of old and new senders
    (about 1 in 100 from a register customer); a new alias of a customer now and then."""
    rng = random.Random(7 + with_text)
    when = datetime(2025, 12, 1, 9, tzinfo=UTC)
    records = []
    for k in range(count):
        n = rng.randrange(CUSTOMERS) if k % 100 in (0, 50) else rng.randrange(50_000)
        sender, name, _ = sender_of(n)
        text = message_text(rng, n)
        if k % 100 == 50:  # a customer's phone and name from a new address
            sender = f"new{k}-{with_text}@example.org"
        record = MessageRecord(
            sender=sender,
            sender_name=name,
            mailbox="intake",
            received_at=when + timedelta(minutes=k),
        )
        to = [("from", sender), ("to", f"officer{rng.randrange(300)}@council.example")]
        match = [matches[n]] if k % 100 == 0 else []
        records.append((record, to, text, match))
    began = time.perf_counter()
    for i in range(0, count, GROUP):
        with db.transaction(sessions) as s:
            for record, to, text, match in records[i : i + GROUP]:
                record_message_metrics(
                    s,
                    record,
                    to,
                    set(),
                    SETTINGS,
                    text=_constant(text) if with_text else None,
                    matches=match,
                )
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
        matches = seed_register(sessions)
        results: dict[tuple[int, bool], float] = {}
        seeded = 0
        for size in (10_000, 1_000_000):
            began = time.perf_counter()
            seed_history(sessions, size, seeded)
            seeded = size
            print(f"history of {size:>9,} messages seeded in {time.perf_counter() - began:.1f} s")
            for with_text in (False, True):
                cost = measure(sessions, args.messages, matches, with_text=with_text)
                results[size, with_text] = cost
                what = "full, with text" if with_text else "counters only  "
                print(f"  {what}: {cost * 1e6:8.1f} us per message ({args.messages} messages)")
        for with_text in (False, True):
            ratio = results[1_000_000, with_text] / results[10_000, with_text]
            what = "full, with text" if with_text else "counters only"
            print(f"ratio 1M / 10k, {what}: {ratio:.2f} (close to 1: no growth with history)")
        engine.dispose()


if __name__ == "__main__":
    main()
