"""Mail arriving in many mailboxes while the watcher runs: every message stored exactly once.

The full acceptance figure (10,000 messages across 20 mailboxes) runs in
tests/benchmarks/ingest_bench.py; this is the same scenario at 2,000 so the
suite stays quick.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.store.models import MailboxState, MessageRecord
from mailrouter.testing.servers import Dovecot
from mailrouter.watch import WatchOptions
from tests.ingest_support import (
    BackgroundIngest,
    count,
    mailbox,
    make_settings,
    message,
    seed,
    wait_until,
)

pytestmark = pytest.mark.slow

MAILBOXES = 20
MESSAGES = 2000


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    server = Dovecot(mail_format="sdbox").start()
    yield server
    server.cleanup()


def _deliver(port: int, box: int) -> None:
    """This mailbox's share, in ten waves while the watcher runs."""
    mine = list(range(box, MESSAGES, MAILBOXES))
    for wave in range(10):
        seed(port, f"box{box}", [message(i, tag="many") for i in mine[wave::10]])


def test_mail_across_twenty_mailboxes_is_stored_once(
    own_dovecot: Dovecot, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = own_dovecot.port
    boxes = [mailbox(f"box{i}", f"box{i}", port) for i in range(MAILBOXES)]
    settings = make_settings(*boxes, base_dir=tmp_path)
    options = WatchOptions(workers=4, backoff_base_seconds=0.1, backoff_max_seconds=1)
    with BackgroundIngest(settings, sessions, options):
        wait_until(lambda: _folders(sessions) == MAILBOXES, 60, "every mailbox checked once")
        senders = [threading.Thread(target=_deliver, args=(port, i)) for i in range(MAILBOXES)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        wait_until(lambda: count(sessions) >= MESSAGES, 120, "every message")
    with sessions() as session:
        per_id = dict(
            session.execute(
                select(MessageRecord.message_id, func.count()).group_by(MessageRecord.message_id)
            ).all()
        )
        states = session.scalars(select(MailboxState)).all()
    assert set(per_id) == {f"<many{i}@example.org>" for i in range(MESSAGES)}
    assert set(per_id.values()) == {1}
    assert {s.status for s in states} == {"ok"}
    assert sum(s.last_uid for s in states) == MESSAGES


def _folders(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(MailboxState)) or 0
