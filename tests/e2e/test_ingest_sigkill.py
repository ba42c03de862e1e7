"""Kill the ingester with SIGKILL at random moments, 20 times: no message lost, none twice.

The ingester runs as a real process (``tests.e2e.ingest_child``) against a real
Dovecot, while more mail keeps arriving. Each round starts it, waits until it
has stored something, lets it run a random moment longer and kills it; the
last round lets it finish. Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.store.models import MailboxState, MessageRecord
from mailrouter.testing.servers import Dovecot
from tests.ingest_support import PASSWORD, count, message, seed, wait_until

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAILBOXES = 4
PER_ROUND = 300  # arrive before each round, spread over the mailboxes
ROUNDS = 20


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    server = Dovecot(mail_format="sdbox").start()
    yield server
    server.cleanup()


def _config(path: Path, db_url: str, port: int) -> Path:
    lines = [f'[database]\nurl = "{db_url}"\n']
    for i in range(MAILBOXES):
        lines.append(
            f'[[mailboxes]]\nname = "mb{i}"\nusername = "kill{i}"\n'
            f'password_env = "MR_TEST_PASSWORD"\nhost = "127.0.0.1"\nport = {port}\n'
            'security = "none"\n'
        )
    path.write_text("\n".join(lines))
    return path


def _start(config: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MR_TEST_PASSWORD": PASSWORD, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.ingest_child", str(config)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _append(port: int, first: int, n: int) -> None:
    """Messages first..first+n-1, dealt round-robin to the mailboxes."""
    for box in range(MAILBOXES):
        ids = range(first + box, first + n, MAILBOXES)
        seed(port, f"kill{box}", [message(i, tag="k") for i in ids])


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    own_dovecot: Dovecot, sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    rng = random.Random()
    seed_value = rng.randrange(1 << 30)
    rng.seed(seed_value)
    print(f"random seed {seed_value}")
    config = _config(tmp_path / "mailrouter.toml", db_url, own_dovecot.port)
    total = killed_mid_run = 0
    for _ in range(ROUNDS):
        _append(own_dovecot.port, total, PER_ROUND)
        total += PER_ROUND
        before = count(sessions)
        child = _start(config)
        _wait_for_progress(sessions, before, child)
        time.sleep(rng.uniform(0.0, 0.2))
        killed_mid_run += count(sessions) < total
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.stderr is not None
        child.stderr.close()
    print(f"{killed_mid_run} of {ROUNDS} kills landed with messages still pending")
    assert killed_mid_run >= ROUNDS // 2, "most kills should land while work was pending"
    child = _start(config)
    try:
        wait_until(lambda: count(sessions) >= total, 120, "every message")
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
        assert child.stderr is not None
        child.stderr.close()
    _assert_each_stored_once(sessions, total)


def _wait_for_progress(
    sessions: sessionmaker[Session], before: int, child: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 60
    while count(sessions) <= before:
        if child.poll() is not None:
            assert child.stderr is not None
            raise AssertionError(f"the ingester died: {child.stderr.read().decode()}")
        assert time.monotonic() < deadline, "no progress in 60 s"
        time.sleep(0.02)


def _assert_each_stored_once(sessions: sessionmaker[Session], total: int) -> None:
    with sessions() as session:
        rows = session.execute(
            select(MessageRecord.message_id, func.count()).group_by(MessageRecord.message_id)
        ).all()
        stored = dict(rows)
        assert len(stored) == total, "lost messages"
        assert set(stored.values()) == {1}, "duplicated messages"
        assert set(stored) == {f"<k{i}@example.org>" for i in range(total)}
        cursors = session.scalars(select(MailboxState.last_uid)).all()
    assert sum(cursors) == total, "each cursor covers exactly its folder"
