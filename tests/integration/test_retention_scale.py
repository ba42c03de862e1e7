"""Retention at volume: two runs at once purge each message once; a large purge is timed.

``MAILROUTER_RETENTION_BENCH=100000`` sets the size of the timed purge (the suite
uses 3,000 to stay quick); the time is printed with ``-s``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.register import audit
from mailrouter.retention import rules
from mailrouter.retention.run import ACTION, Summary, run
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.metrics import SenderDay
from mailrouter.store.models.register import AuditRow
from mailrouter.store.models.routing import DecisionRow

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
BENCH = int(os.environ.get("MAILROUTER_RETENTION_BENCH", "3000"))


def bulk_old_mail(sessions: sessionmaker[Session], count: int, *, kept_every: int = 0) -> None:
    """``count`` routed strangers' messages, each with its bytes, two addresses, a decision.

    With ``kept_every``, every such message is unrouted instead (and must stay).
    """
    chunk = 5000
    for start in range(0, count, chunk):
        numbers = range(start, min(start + chunk, count))
        raws = {n: f"From: s{n}@example.org\r\n\r\nbody {n}\r\n".encode() for n in numbers}
        shas = {n: hashlib.sha256(raw).hexdigest() for n, raw in raws.items()}
        with db.transaction(sessions) as s:
            s.execute(
                insert(RawMessage),
                [
                    {"sha256": shas[n], "size": len(raws[n]), "data": raws[n], "stored_at": OLD}
                    for n in numbers
                ],
            )
            s.execute(
                insert(MessageRecord),
                [
                    {
                        "id": n + 1,
                        "source": "intake/INBOX",
                        "source_key": f"1:{n}",
                        "raw_sha256": shas[n],
                        "message_id": f"<b{n}@example.org>",
                        "sender": f"s{n}@example.org",
                        "sender_name": "Someone",
                        "subject": f"Subject {n}",
                        "received_at": OLD + timedelta(seconds=n),
                        "ingested_at": OLD + timedelta(seconds=n),
                        "mailbox": "intake",
                        "folder": "INBOX",
                        "attachments": [],
                        "status": "parsed",
                        "routed_at": None if kept_every and n % kept_every == 0 else OLD,
                    }
                    for n in numbers
                ],
            )
            s.execute(
                insert(MessageAddress),
                [
                    {"message_pk": n + 1, "role": role, "address": address}
                    for n in numbers
                    for role, address in (
                        ("from", f"s{n}@example.org"),
                        ("to", "intake@council.example"),
                    )
                ],
            )
            s.execute(
                insert(DecisionRow),
                [
                    {
                        "message_pk": n + 1,
                        "verdict": "deliver",
                        "reasons": ["no match"],
                        "hits": [],
                        "detections": [],
                        "decided_at": OLD,
                    }
                    for n in numbers
                ],
            )
            s.execute(
                insert(SenderDay),
                [
                    {"sender": f"s{n}@example.org", "day": OLD.date(), "messages": 1}
                    for n in numbers
                ],
            )


def _fix_sequence(engine: Engine) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequence past them."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval('messages_id_seq', (SELECT max(id) FROM messages))")


def test_two_runs_at_once_purge_each_message_once(engine: Engine, db_url: str) -> None:
    sessions = db.session_factory(engine)
    bulk_old_mail(sessions, 1200, kept_every=10)
    _fix_sequence(engine)
    settings = replace(Settings(), retention=replace(Settings().retention, batch_size=50))
    results: dict[str, Summary] = {}
    errors: list[BaseException] = []

    def daemon(name: str) -> None:
        # A daemon of its own: its own engine and connections.
        own = db.make_engine(engine.url.render_as_string(hide_password=False))
        try:
            results[name] = run(db.session_factory(own), settings, now=NOW, actor=name)
        except BaseException as exc:  # reported below, with the other thread's result
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=daemon, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    purged = sum(r.purged[rules.UNMATCHED] for r in results.values())
    assert purged == 1080, {n: r.as_dict() for n, r in results.items()}
    assert sum(r.raw_erased for r in results.values()) == 1080
    assert sum(r.sender_rows["sender_days"] for r in results.values()) == 1200
    with sessions() as s:
        statuses = dict(
            s.execute(
                select(MessageRecord.status, func.count()).group_by(MessageRecord.status)
            ).all()
        )
        assert statuses == {"purged": 1080, "parsed": 120}
        assert s.scalar(select(func.count()).where(RawMessage.data.is_(None))) == 1080
        assert s.scalar(select(func.count()).select_from(MessageAddress)) == 240
        assert s.scalar(select(func.count()).where(AuditRow.action == ACTION)) == 2
        assert audit.verify(s).ok
    # The same result as one run: a third finds nothing.
    assert sum(run(sessions, settings, now=NOW).purged.values()) == 0


@pytest.mark.timeout(1800)
def test_a_large_purge_is_timed(engine: Engine, db_url: str) -> None:
    sessions = db.session_factory(engine)
    started = time.perf_counter()
    bulk_old_mail(sessions, BENCH)
    _fix_sequence(engine)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    summary = run(sessions, Settings(), now=NOW)
    took = time.perf_counter() - started
    assert summary.purged[rules.UNMATCHED] == BENCH and summary.raw_erased == BENCH
    assert summary.sender_rows["sender_days"] == BENCH
    print(
        f"\nretention {engine.dialect.name}: {BENCH} messages purged in {took:.1f} s "
        f"({BENCH / took:.0f}/s; loading took {loaded:.1f} s)"
    )
    started = time.perf_counter()
    assert sum(run(sessions, Settings(), now=NOW).purged.values()) == 0
    print(
        f"retention {engine.dialect.name}: a repeat over {BENCH} tombstones took "
        f"{time.perf_counter() - started:.2f} s"
    )
