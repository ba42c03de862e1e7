"""Pipelined ingestion against a real Dovecot: the SELECT's UIDNEXT/HIGHESTMODSEQ shortcut,
parsing in a process of its own, and a parsing process that dies. Both databases."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.config import MailboxSettings, Settings
from mailrouter.errors import TransientError
from mailrouter.ingest_runner import ParsePool, ingest_once
from mailrouter.parsing import parse
from mailrouter.rawstore import from_settings
from mailrouter.sources.base import Cursor
from mailrouter.sources.imap import ImapSource
from mailrouter.store.bulk import dialect_of
from mailrouter.store.models import MailboxState, MessageAddress, MessageRecord
from mailrouter.watch import WatchOptions
from tests.conftest import ImapAccount
from tests.ingest_support import FAST, client, count, mailbox, make_settings, message, seed


class CountingSource(ImapSource):
    """The real IMAP source, counting the UID SEARCHes it makes."""

    def __init__(self, settings: MailboxSettings, folder: str) -> None:
        super().__init__(settings, folder)
        self.searches = 0

    def _search(self, *args: object, **kwargs: object) -> tuple[list[tuple[int, int]], int]:
        self.searches += 1
        return super()._search(*args, **kwargs)  # type: ignore[arg-type]


def _once(settings: Settings, sessions: sessionmaker[Session], options: WatchOptions) -> None:
    reports = asyncio.run(ingest_once(settings, sessions, options=options))
    assert all(r.error is None for r in reports), reports


def _state(sessions: sessionmaker[Session]) -> MailboxState:
    with sessions() as session:
        found = session.scalar(select(MailboxState).where(MailboxState.mailbox == "intake"))
    assert found is not None
    return found


def _folder_modseq(account: ImapAccount) -> int:
    imap = client(account.port, account.username)
    try:
        status = imap.folder_status("INBOX", ["HIGHESTMODSEQ"])
    finally:
        imap.logout()
    return int(status[b"HIGHESTMODSEQ"])


def _fetch_once(settings: Settings, sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(messages found, SEARCHes made) by a fresh connection from the stored cursor."""
    source = CountingSource(settings.mailboxes[0], "INBOX")
    source.open()
    try:
        cursor = ingest.load_cursor(sessions, "intake", "INBOX")
        batch = source.fetch(cursor, max_messages=100, max_bytes=1 << 20, resync_limit=100)
    finally:
        source.close()
    return len(batch.messages), source.searches


def test_an_unchanged_folder_is_not_searched(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(imap_account.port, imap_account.username, [message(i) for i in range(30)])
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    _once(settings, sessions, FAST)
    assert _state(sessions).highestmodseq == _folder_modseq(imap_account)
    assert _fetch_once(settings, sessions) == (0, 0)
    seed(imap_account.port, imap_account.username, [message(30)])
    assert _fetch_once(settings, sessions) == (1, 1)


def test_a_backlog_cut_short_keeps_no_modseq_and_is_finished_later(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """A crash after the first of several batches must not make the rest look done."""
    seed(imap_account.port, imap_account.username, [message(i) for i in range(30)])
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    source = ImapSource(settings.mailboxes[0], "INBOX")
    source.open()
    try:
        batch = source.fetch(Cursor(), max_messages=10, max_bytes=1 << 20, resync_limit=100)
    finally:
        source.close()
    assert batch.more and batch.cursor.highestmodseq is None
    ingest.store_batch(
        sessions,
        from_settings(settings),
        mailbox="intake",
        folder="INBOX",
        batch=batch,
        prepared=ingest.prepare(batch, settings, dialect_of(sessions), datetime.now(UTC)),
        now=datetime.now(UTC),
    )
    assert (_state(sessions).last_uid, _state(sessions).highestmodseq) == (10, None)
    assert _fetch_once(settings, sessions) == (20, 1)
    _once(settings, sessions, FAST)
    assert count(sessions) == 30
    assert _state(sessions).highestmodseq == _folder_modseq(imap_account)


def test_parsing_in_a_process_stores_what_parsing_in_threads_stores(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    raws = [message(i, size=i * 50) for i in range(120)]
    seed(imap_account.port, imap_account.username, raws)
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    options = WatchOptions(workers=2, batch_messages=25, parse_processes=1)
    _once(settings, sessions, options)
    fold = settings.policy.fold_subaddress
    expected = [parse(raw, settings.limits, fold_subaddress=fold) for raw in raws]
    with sessions() as session:
        rows = session.execute(
            select(
                MessageRecord.message_id,
                MessageRecord.raw_sha256,
                MessageRecord.subject,
                MessageRecord.sender,
                MessageRecord.status,
            ).order_by(MessageRecord.id)
        ).all()
        addresses = session.scalars(select(MessageAddress.address)).all()
    assert [tuple(r) for r in rows] == [
        (p.message_id, p.raw_sha256, p.subject, p.sender, "parsed") for p in expected
    ]
    assert len(addresses) == sum(len(p.addresses) for p in expected)
    assert _state(sessions).last_uid == 120


@pytest.mark.timeout(120)
def test_a_parsing_process_that_dies_fails_one_batch_and_is_replaced() -> None:
    settings = Settings()
    raws = [message(i) for i in range(5)]

    async def scenario() -> None:
        pool = ParsePool(settings, 1, "sqlite+pysqlite")
        now = datetime.now(UTC)
        try:
            assert [p.message_id for p in await pool(raws, now)] == [
                f"<m{i}@example.org>" for i in range(5)
            ]
            for pid in list(pool._pool._processes):  # the worker, started by the pool
                os.kill(pid, signal.SIGKILL)
            with pytest.raises(TransientError):
                for _ in range(50):  # until the pool has noticed
                    await pool(raws, now)
                    await asyncio.sleep(0.05)
            assert len(await pool(raws, now)) == 5
        finally:
            await pool.close()

    asyncio.run(scenario())
