"""End-to-end diversion benchmark: APPEND -> stored -> decided -> forwarded -> moved.

Run: ``python tests/benchmarks/route_bench.py [--messages N] [--samples S]``.
A plain script, not a test: figures are printed as ratios to a baseline
measured in the same run (a bare imapclient ``FETCH RFC822`` loop over the same
mailbox), never asserted. Real Dovecot (started here), real aiosmtpd, SQLite.

1. Throughput: N messages from a stage 2 customer in one staff mailbox (the
   worst case: every one is forwarded and moved), one ``run_once`` pass.
2. Latency: the daemon running (IDLE), S stage 2 messages appended one at a
   time; time from the APPEND's completion until the original has been moved
   (its move row is done), p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config, daemon
from mailrouter.demo import seed
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models import OutboxRow, OutboxState
from mailrouter.testing.servers import Dovecot, SmtpSink
from tests.benchmarks.ingest_bench import baseline, client
from tests.benchmarks.ingest_bench import seed as multiappend

CUSTOMER = "d.harker@example.org"


def message(n: int) -> bytes:
    return (
        f"From: Derek Harker <{CUSTOMER}>\r\nTo: planning@council.example\r\n"
        f"Subject: Planning application {n}\r\nMessage-ID: <route{n}@example.org>\r\n"
        "Date: Mon, 30 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n"
        f"Which day is the hedge survey for application {n}?\r\n" + "Regards, Derek\r\n" * 40
    ).encode()


def world(
    root: Path, name: str, dovecot: Dovecot, sink: SmtpSink
) -> tuple[config.Settings, sessionmaker[Session]]:
    text = (
        f'[database]\nurl = "sqlite:///{root}/{name}.sqlite3"\n[smtp]\nport = {sink.port}\n'
        '[logging]\nlevel = "WARNING"\n'
        '[[spocs]]\nid = "jsmith"\nname = "Jane Smith"\nemail = "jane.smith@council.example"\n'
        f'[[mailboxes]]\nname = "{name}"\nusername = "{name}"\npassword_env = "PW"\n'
        f'host = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
    )
    settings = config.loads(text, {"PW": dovecot.password})
    engine = db.make_engine(settings.database_url())
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    now = datetime.now(UTC)
    seed.add_stage2(
        Register(sessions, settings),
        "Derek Harker",
        (CUSTOMER,),
        spoc="jsmith",
        decided=(now - timedelta(days=30)).date(),
        now=now,
    )
    return settings, sessions


def moves_done(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        query = select(func.count()).where(
            OutboxRow.kind == "move", OutboxRow.state == OutboxState.done
        )
        return session.scalar(query) or 0


def throughput(dovecot: Dovecot, sink: SmtpSink, root: Path, n: int) -> float:
    multiappend(dovecot.port, "bulk", [message(i) for i in range(n)])
    fetch_rate = baseline(dovecot.port, "bulk")
    settings, sessions = world(root, "bulk", dovecot, sink)
    started = time.perf_counter()
    summary = asyncio.run(daemon.run_once(settings, sessions))
    elapsed = time.perf_counter() - started
    rate = n / elapsed
    assert moves_done(sessions) == n, "every message forwarded and moved"
    print(f"baseline bare FETCH RFC822: {fetch_rate:,.0f} msgs/s")
    print(
        f"end-to-end (stored {summary.stored}, forwarded and moved {n}): {rate:,.0f} msgs/s "
        f"= {rate / fetch_rate:.3f} x baseline"
    )
    return fetch_rate


def latency(dovecot: Dovecot, sink: SmtpSink, root: Path, samples: int, fetch_rate: float) -> None:
    settings, sessions = world(root, "live", dovecot, sink)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(daemon.run_forever(settings, sessions, stop),)
    )
    thread.start()
    imap = client(dovecot.port, "live")
    time.sleep(2.0)  # let IDLE start
    delays = []
    for i in range(samples):
        imap.append("INBOX", message(100_000 + i))
        appended = time.perf_counter()
        while moves_done(sessions) <= i:
            time.sleep(0.005)
        delays.append(time.perf_counter() - appended)
    imap.logout()
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=60)
    cuts = statistics.quantiles(delays, n=20)
    p50, p95 = statistics.median(delays), cuts[18]
    per_message_fetch = 1 / fetch_rate
    print(f"latency over {samples}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(
        f"  as multiples of one message's bare fetch time ({per_message_fetch * 1000:.2f} ms): "
        f"p50 {p50 / per_message_fetch:,.0f} x, p95 {p95 / per_message_fetch:,.0f} x "
        "(Dovecot's IDLE notification alone takes about 0.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    with (
        Dovecot(mail_format="sdbox") as dovecot,
        SmtpSink() as sink,
        tempfile.TemporaryDirectory(prefix="mrroute") as tmp,
    ):
        fetch_rate = throughput(dovecot, sink, Path(tmp), args.messages)
        latency(dovecot, sink, Path(tmp), args.samples, fetch_rate)


if __name__ == "__main__":
    main()
