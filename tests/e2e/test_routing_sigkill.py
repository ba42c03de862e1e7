"""SIGKILL the whole daemon 20 times during a 2,000-message run with 20 % stage 2 mail.

The daemon is the real `mailrouter run` process against a real Dovecot and a
real SMTP server. After the last restart finishes, every stage 2 message has
been forwarded and moved; a SPOC never receives two different messages for one
original (a repeat after a kill carries the same Message-ID, and the repeats
are counted and printed); everything else is still in the inboxes.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config
from mailrouter.demo import seed
from mailrouter.register.service import Register
from mailrouter.store.models import MailboxState
from mailrouter.testing.servers import Dovecot, SmtpSink
from tests.ingest_support import client, wait_until
from tests.ingest_support import seed as append_many

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAILBOXES = 5
ROUNDS = 20
PER_ROUND = 100  # 2,000 in all
STAGE2 = "d.harker@example.org"


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    server = Dovecot(mail_format="sdbox").start()
    yield server
    server.cleanup()


def _message(n: int) -> bytes:
    # Every fifth message is from the stage 2 customer.
    sender = STAGE2 if n % 5 == 0 else f"resident{n}@example.com"
    return (
        f"From: {sender}\r\nTo: staff@council.example\r\nSubject: Garden waste round {n}\r\n"
        f"Message-ID: <r{n}@example.org>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n\r\n"
        f"Which day is the garden waste collected on my road? ({n})\r\n"
    ).encode()


def _config_text(db_url: str, imap_port: int, smtp_port: int) -> str:
    boxes = "".join(
        f'[[mailboxes]]\nname = "mb{i}"\nusername = "route{i}"\npassword_env = "MR_TEST_PW"\n'
        f'host = "127.0.0.1"\nport = {imap_port}\nsecurity = "none"\npoll_seconds = 0.5\n'
        for i in range(MAILBOXES)
    )
    return (
        f'[database]\nurl = "{db_url}"\n[smtp]\nport = {smtp_port}\n'
        '[logging]\nlevel = "WARNING"\n'
        '[[spocs]]\nid = "jsmith"\nname = "Jane Smith"\nemail = "jane.smith@council.example"\n'
        + boxes
    )


def _start(config_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MR_TEST_PW": "secret", "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "mailrouter", "--config", str(config_path), "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _watching_since(sessions: sessionmaker[Session], started: datetime) -> bool:
    with sessions() as session:
        seen = session.scalars(select(MailboxState.last_success_at)).all()
    return len(seen) >= MAILBOXES and all(t is not None and t >= started for t in seen)


def _forwards(sink: SmtpSink) -> list[tuple[str, str]]:
    """(original Message-ID, forward Message-ID) for every forward the SPOC got."""
    found = []
    for received in list(sink.messages):
        message = received.message
        if str(message["Subject"]).startswith("[Managed contact"):
            key = str(message["X-Mailrouter-Message-Key"])
            found.append((key, str(message["Message-ID"])))
    return found


def _folder(port: int, user: str, folder: str) -> list[int]:
    imap = client(port, user)
    try:
        if not imap.folder_exists(folder):
            return []
        imap.select_folder(folder, readonly=True)
        return list(imap.search())
    finally:
        imap.logout()


def test_sigkill_during_diversion_loses_and_confuses_nothing(
    own_dovecot: Dovecot,
    smtp_sink: SmtpSink,
    sessions: sessionmaker[Session],
    db_url: str,
    tmp_path: Path,
) -> None:
    rng = random.Random()
    seed_value = rng.randrange(1 << 30)
    rng.seed(seed_value)
    print(f"random seed {seed_value}")
    text = _config_text(db_url, own_dovecot.port, smtp_sink.port)
    config_path = tmp_path / "mailrouter.toml"
    config_path.write_text(text)
    settings = config.loads(text, {"MR_TEST_PW": "secret"})
    now = datetime.now(UTC)
    seed.add_stage2(
        Register(sessions, settings),
        "Derek Harker",
        (STAGE2,),
        spoc="jsmith",
        decided=(now - timedelta(days=30)).date(),
        now=now,
    )
    total = 0
    for _ in range(ROUNDS):
        for box in range(MAILBOXES):
            ids = range(total + box, total + PER_ROUND, MAILBOXES)
            append_many(own_dovecot.port, f"route{box}", [_message(i) for i in ids])
        total += PER_ROUND
        before = len(smtp_sink.messages)
        child = _start(config_path)
        # Kill once it is visibly working (or after a while), at a random moment.
        wait_until(
            lambda b=before, c=child: len(smtp_sink.messages) > b or c.poll() is not None,
            60,
            "work",
        )
        assert child.poll() is None, "the daemon exited on its own"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    expected = total // 5
    started = datetime.now(UTC)
    child = _start(config_path)
    try:
        wait_until(
            lambda: (
                len({k for k, _ in _forwards(smtp_sink)}) >= expected
                and sum(
                    len(_folder(own_dovecot.port, f"route{b}", "Managed contact"))
                    for b in range(MAILBOXES)
                )
                >= expected
            ),
            180,
            "every stage 2 message forwarded and moved",
        )
        # The work may all have been done before this start: stop the daemon once it is
        # up (every folder watched), so the stop below is the daemon's, not startup's.
        wait_until(lambda: _watching_since(sessions, started), 60, "the daemon up")
    finally:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0, "SIGTERM should end the daemon cleanly"
    forwards = _forwards(smtp_sink)
    ids_per_original: dict[str, set[str]] = collections.defaultdict(set)
    for original, forward_id in forwards:
        ids_per_original[original].add(forward_id)
    assert len(ids_per_original) == expected
    assert all(len(ids) == 1 for ids in ids_per_original.values()), "two different forwards"
    print(f"{len(forwards) - expected} repeated forward(s) after kills, same Message-ID each")
    managed = sum(
        len(_folder(own_dovecot.port, f"route{b}", "Managed contact")) for b in range(MAILBOXES)
    )
    inbox = sum(len(_folder(own_dovecot.port, f"route{b}", "INBOX")) for b in range(MAILBOXES))
    assert (managed, inbox) == (expected, total - expected)
