"""Ingestion benchmarks against a real Dovecot started by this script.

Run: ``python tests/benchmarks/ingest_bench.py [--messages N] [--mailboxes M] [--samples S]
[--database sqlite|postgresql] [--parse-processes 0,1] [--runs R]``.
A plain script, not a test: figures are printed, never asserted (except that
the acceptance run stores every message exactly once).

1. Throughput: N small messages in one mailbox, ingested by ``ingest_once``
   (fetch, parse, store raw + record + addresses + cursor in SQLite, or a
   throwaway PostgreSQL cluster with ``--database postgresql``) as a ratio
   to a bare imapclient ``FETCH RFC822`` loop over the same mailbox, in the same
   run, interleaved three times; medians reported.
   Then the running daemon's rate (``steady``): N messages copied at once into
   an INBOX the watcher is already idling on.
2. Acceptance: N messages appended across M mailboxes while the watcher runs;
   every one must be stored once.
3. Latency with IDLE: S messages appended one at a time to a watched mailbox,
   time from the APPEND's completion to the row being visible, p50/p95; beside
   it Dovecot's own floor, the time from APPEND to EXISTS on an idling client.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from imapclient import IMAPClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import MailboxSettings, Secret, Settings
from mailrouter.ingest_runner import ingest_once, run_ingest
from mailrouter.store import db
from mailrouter.store.models import MessageRecord
from mailrouter.testing.servers import Dovecot, PostgresCluster
from mailrouter.watch import WatchOptions

# Makes a migrated, empty database by name: SQLite files, or PostgreSQL databases.
Databases = Callable[[str], sessionmaker[Session]]

BATCH = 500
WORDS = [
    "bins",
    "council",
    "tax",
    "parking",
    "housing",
    "repair",
    "complaint",
    "request",
    "planning",
    "library",
]


def message(n: int, rng: random.Random) -> bytes:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(200, 800)))
    return (
        f"Received: from mx.example.org by imap.council.example; Tue, 3 Feb 2026 09:15:02 +0000\r\n"
        f'From: "Resident {n}" <resident{n}@example.org>\r\nTo: intake@council.example\r\n'
        f"Subject: Enquiry {n} about {rng.choice(WORDS)}\r\nMessage-ID: <bench{n}@example.org>\r\n"
        f"Date: Tue, 3 Feb 2026 09:14:00 +0000\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def client(port: int, user: str) -> IMAPClient:
    imap = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=60)
    imap.login(user, "secret")
    return imap


def seed(port: int, user: str, raws: Sequence[bytes], folder: str = "INBOX") -> None:
    imap = client(port, user)
    if folder != "INBOX":
        imap.create_folder(folder)
    for start in range(0, len(raws), 200):
        imap.multiappend(folder, raws[start : start + 200])
    imap.logout()


def mailbox(name: str, port: int) -> MailboxSettings:
    return MailboxSettings(
        name=name, username=name, password=Secret("secret"), port=port, security="none"
    )


def fresh_db(
    root: Path, name: str, cluster: PostgresCluster | None = None
) -> sessionmaker[Session]:
    url = cluster.create_database(name) if cluster else f"sqlite:///{root}/{name}.sqlite3"
    engine = db.make_engine(url)
    db.upgrade(engine)
    return db.session_factory(engine)


def stored(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(MessageRecord)) or 0


def baseline(port: int, user: str) -> float:
    """Messages a second: a bare imapclient FETCH RFC822 loop, batches of 500."""
    imap = client(port, user)
    imap.select_folder("INBOX", readonly=True)
    uids = imap.search()
    started = time.perf_counter()
    for start in range(0, len(uids), BATCH):
        imap.fetch(uids[start : start + BATCH], ["RFC822"])
    elapsed = time.perf_counter() - started
    imap.logout()
    return len(uids) / elapsed


def throughput(
    port: int, databases: Databases, n: int, variants: Sequence[WatchOptions], runs: int
) -> None:
    """Each variant (parse processes 0, 1...) against the baseline, interleaved ``runs`` times.

    Besides msgs/s, the CPU the daemon's own process spent per message (all its
    threads; parsing processes not included): the figure a loaded machine moves least.
    """
    rng = random.Random(1)
    seed(port, "throughput", [message(i, rng) for i in range(n)])
    settings = Settings(mailboxes=(mailbox("throughput", port),))
    bases: list[float] = []
    ours: dict[int, list[float]] = {v.parse_processes: [] for v in variants}
    cpu: dict[int, list[float]] = {v.parse_processes: [] for v in variants}
    for attempt in range(runs):
        for options in variants:
            bases.append(baseline(port, "throughput"))
            sessions = databases(f"throughput{attempt}p{options.parse_processes}")
            started, used = time.perf_counter(), time.process_time()
            asyncio.run(ingest_once(settings, sessions, options=options))
            ours[options.parse_processes].append(n / (time.perf_counter() - started))
            cpu[options.parse_processes].append((time.process_time() - used) / n * 1e6)
            assert stored(sessions) == n
    base = statistics.median(bases)
    print(f"throughput: bare imapclient FETCH RFC822 {base:,.0f} msgs/s (runs {_list(bases)})")
    for processes, found in ours.items():
        mine = statistics.median(found)
        print(
            f"throughput: ingest_once, parse_processes={processes}: {mine:,.0f} msgs/s "
            f"(runs {_list(found)}), ratio {mine / base:.2f} (target >= 0.5); "
            f"daemon process CPU {statistics.median(cpu[processes]):.0f} us/msg"
        )


def steady(
    port: int, databases: Databases, n: int, variants: Sequence[WatchOptions], runs: int
) -> None:
    """The running daemon's rate: n messages arrive at once in a watched mailbox.

    ``ingest_once`` above pays for logging in and starting the parsing processes
    every time; a daemon pays that once. Here the watcher is already running
    (IDLE) when n messages are copied into its INBOX in one server-side COPY; the
    time runs from the COPY's completion to the last row stored, against the
    same bare fetch loop over the same INBOX, in the same run.
    """
    rng = random.Random(5)
    raws = [message(i, rng) for i in range(n)]
    bases: list[float] = []
    ours: dict[int, list[float]] = {v.parse_processes: [] for v in variants}
    for attempt in range(runs):
        for options in variants:
            user = f"steady{attempt}p{options.parse_processes}"
            seed(port, user, raws, folder="Staging")
            settings = Settings(mailboxes=(mailbox(user, port),))
            sessions = databases(user)
            with Watcher(settings, sessions, options):
                time.sleep(2)
                imap = client(port, user)
                imap.select_folder("Staging")
                imap.copy(imap.search(), "INBOX")
                arrived = time.perf_counter()
                # Polling less often: a count in this process competes with the daemon for the GIL.
                wait_until(_more_than(sessions, n - 1), 600, poll=0.05)
                ours[options.parse_processes].append(n / (time.perf_counter() - arrived))
                imap.logout()
            assert stored(sessions) == n
            bases.append(baseline(port, user))
    base = statistics.median(bases)
    print(f"steady: bare imapclient FETCH RFC822 {base:,.0f} msgs/s (runs {_list(bases)})")
    for processes, found in ours.items():
        mine = statistics.median(found)
        print(
            f"steady: running daemon, parse_processes={processes}: {mine:,.0f} msgs/s "
            f"(runs {_list(found)}), ratio {mine / base:.2f}"
        )


def _list(values: Sequence[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values)


class Watcher:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        options: WatchOptions | None = None,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        options = options or WatchOptions()
        coroutine = run_ingest(settings, sessions, self.stop, options=options)
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(coroutine,))

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join()
        self.loop.close()


def wait_until(check: Callable[[], bool], timeout: float, poll: float = 0.05) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("gave up waiting")
        time.sleep(poll)
    return time.perf_counter() - started


def acceptance(port: int, databases: Databases, n: int, boxes: int) -> None:
    names = [f"accept{i}" for i in range(boxes)]
    settings = Settings(mailboxes=tuple(mailbox(b, port) for b in names))
    sessions = databases("acceptance")
    rng = random.Random(2)
    raws = [message(i, rng) for i in range(n)]
    with Watcher(settings, sessions):
        time.sleep(2)
        started = time.perf_counter()
        senders = [
            threading.Thread(target=seed, args=(port, name, raws[i::boxes]))
            for i, name in enumerate(names)
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        wait_until(lambda: stored(sessions) >= n, 600, poll=0.2)
        elapsed = time.perf_counter() - started
    with sessions() as session:
        per_id = session.execute(
            select(MessageRecord.message_id, func.count()).group_by(MessageRecord.message_id)
        ).all()
    once = len(per_id) == n and all(c == 1 for _, c in per_id)
    verdict = "PASS" if once else "FAIL"
    print(
        f"acceptance: {n:,} messages across {boxes} mailboxes while running: {verdict} "
        f"(every one stored once: {once}; {elapsed:.1f} s from first APPEND to last row)"
    )


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def notify_floor(port: int, samples: int) -> list[float]:
    watcher, writer = client(port, "floor"), client(port, "floor")
    watcher.select_folder("INBOX")
    rng, found = random.Random(3), []
    for i in range(samples):
        watcher.idle()
        writer.append("INBOX", message(i, rng))
        appended = time.perf_counter()
        while not any(r[1] == b"EXISTS" for r in watcher.idle_check(timeout=5) if len(r) > 1):
            pass
        found.append(time.perf_counter() - appended)
        watcher.idle_done()
    watcher.logout()
    writer.logout()
    return found


def _more_than(sessions: sessionmaker[Session], n: int) -> Callable[[], bool]:
    return lambda: stored(sessions) > n


def latency(port: int, databases: Databases, samples: int) -> None:
    settings = Settings(mailboxes=(mailbox("latency", port),))
    sessions = databases("latency")
    writer, rng, found = client(port, "latency"), random.Random(4), []
    with Watcher(settings, sessions):
        time.sleep(2)
        for i in range(samples):
            time.sleep(rng.uniform(0.05, 0.3))
            writer.append("INBOX", message(i, rng))
            found.append(wait_until(_more_than(sessions, i), 30, poll=0.005))
    writer.logout()
    floor = notify_floor(port, min(samples, 50))
    for label, values in (
        ("mailrouter new-message-to-stored", found),
        ("dovecot APPEND-to-EXISTS", floor),
    ):
        print(
            f"latency: {label}: p50 {percentile(values, 0.5):.3f} s, "
            f"p95 {percentile(values, 0.95):.3f} s over {len(values)}"
        )
    print("latency: target p95 < 1 s; Dovecot's notify floor is the second line")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--mailboxes", type=int, default=20)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--skip",
        choices=["throughput", "steady", "acceptance", "latency"],
        action="append",
        default=[],
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--parse-processes",
        default="0,1",
        help="comma-separated values to compare in the throughput run (default 0,1)",
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    variants = [WatchOptions(parse_processes=int(p)) for p in args.parse_processes.split(",")]
    print(f"database: {args.database}; parse_processes: {args.parse_processes}")
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Dovecot(mail_format="sdbox"))
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mrbench")))
        cluster = None
        if args.database == "postgresql":
            cluster = stack.enter_context(PostgresCluster())

        def databases(name: str) -> sessionmaker[Session]:
            return fresh_db(root, name, cluster)

        if "throughput" not in args.skip:
            throughput(server.port, databases, args.messages, variants, args.runs)
        if "steady" not in args.skip:
            steady(server.port, databases, args.messages, variants, args.runs)
        if "acceptance" not in args.skip:
            acceptance(server.port, databases, args.messages, args.mailboxes)
        if "latency" not in args.skip:
            latency(server.port, databases, args.samples)


if __name__ == "__main__":
    main()
