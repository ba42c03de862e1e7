"""Ingestion's bulk path stores exactly what the ORM stores, and SQLite's log is checkpointed."""

from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.config import Settings
from mailrouter.errors import StoreError
from mailrouter.parsing import parse
from mailrouter.rawstore import DatabaseRawStore, FilesystemRawStore, RawItem
from mailrouter.records import address_rows, parse_rows, record_values
from mailrouter.sources.base import Batch, Cursor, FetchedMessage
from mailrouter.store import db
from mailrouter.store.bulk import BulkInsert, dialect_for, dialect_key, dialect_of
from mailrouter.store.checkpoint import WalCheckpointer
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from tests.ingest_support import message

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
# Ordinary, no Received: (arrival time used), 8-bit and encoded words, a forged future
# Received:, unreadable (quarantined), and one with attachments.
RAWS = [
    message(1),
    b"From: a@example.org\r\nTo: b@council.example\r\nSubject: no received\r\n\r\nhi\r\n",
    "From: =?utf-8?q?J=C3=B3=20Bloggs?= <jo@example.org>\r\nTo: x@council.example, "
    "Y <y@council.example>\r\nCc: z@council.example\r\nSubject: caf\u00e9 \u2014 r\u00e9sum\u00e9"
    "\r\nReferences: <a@x> <b@x>\r\nIn-Reply-To: <b@x>\r\n"
    "Authentication-Results: mx; dmarc=fail\r\n\r\nbody\r\n".encode(),
    b"Received: from x by y; Tue, 3 Feb 2099 09:15:02 +0000\r\nFrom: f@example.org\r\n"
    b"Subject: future\r\n\r\nx\r\n",
    b"",
    b"From: p@example.org\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
    b'hi\r\n--b\r\nContent-Type: application/pdf; name="r.pdf"\r\n'
    b'Content-Disposition: attachment; filename="r.pdf"\r\n\r\nJVBERi0=\r\n--b--\r\n',
]
# All but the key, and the parse time (a measurement, different on every parse).
COLUMNS = [
    c.key for c in MessageRecord.__table__.columns if c.key not in ("id", "source_key", "parse_ms")
]


def _orm_rows(sessions: sessionmaker[Session], settings: Settings) -> None:
    with sessions() as session, session.begin():
        for n, raw in enumerate(RAWS):
            parsed = parse(raw, settings.limits, fold_subaddress=True)
            session.merge(
                RawMessage(sha256=parsed.raw_sha256, size=len(raw), data=raw, stored_at=NOW)
            )
            session.flush()
            record = MessageRecord(
                **record_values(parsed, NOW),
                source="orm/INBOX",
                source_key=f"orm:{n}",
                mailbox="orm",
                folder="INBOX",
                ingested_at=NOW,
                routed_at=None,
            )
            session.add(record)
            session.flush()
            for row in address_rows(record.id, parsed):
                session.add(MessageAddress(**row))


def _stored(sessions: sessionmaker[Session], mailbox: str) -> list[tuple[object, ...]]:
    with sessions() as session:
        records = session.scalars(
            select(MessageRecord).where(MessageRecord.mailbox == mailbox).order_by(MessageRecord.id)
        ).all()
        out: list[tuple[object, ...]] = []
        for record in records:
            values = {c: getattr(record, c) for c in COLUMNS}
            values.update(source=None, mailbox=None)
            addresses = session.execute(
                select(MessageAddress.role, MessageAddress.address, MessageAddress.display_name)
                .where(MessageAddress.message_pk == record.id)
                .order_by(MessageAddress.id)
            ).all()
            out.append((sorted(values.items()), [tuple(a) for a in addresses]))
        return out


def test_bulk_rows_read_back_exactly_as_orm_rows(engine: Engine, tmp_path: Path) -> None:
    settings = Settings()
    sessions = db.session_factory(engine)
    _orm_rows(sessions, settings)
    batch = Batch(
        messages=tuple(FetchedMessage(uid=n + 1, raw=raw) for n, raw in enumerate(RAWS)),
        cursor=Cursor(7, len(RAWS)),
    )
    prepared = ingest.prepare(batch, settings, dialect_of(sessions), NOW)
    # Same content as the ORM rows: stored under another mailbox, so dedupe keeps them.
    stored = ingest.store_batch(
        sessions,
        DatabaseRawStore(),
        mailbox="bulk",
        folder="INBOX",
        batch=batch,
        prepared=prepared,
        now=NOW,
    )
    assert stored.stored + stored.quarantined == len(RAWS) and stored.quarantined >= 1
    orm, bulk = _stored(sessions, "orm"), _stored(sessions, "bulk")
    assert len(orm) == len(RAWS)
    assert bulk == orm
    with sessions() as session:
        future = session.scalar(
            select(MessageRecord.received_at).where(
                MessageRecord.mailbox == "bulk", MessageRecord.subject == "future"
            )
        )
    assert future == NOW  # a Received: date from a wrong clock is not believed


def test_rows_built_for_one_database_name_its_dialect() -> None:
    assert dialect_key(dialect_for("sqlite+pysqlite")) == "sqlite+pysqlite"
    assert dialect_key(dialect_for("postgresql+psycopg")) == "postgresql+psycopg"
    rows = parse_rows([message(1)], Settings().limits, True, "sqlite+pysqlite", NOW)
    assert rows[0].message_id == "<m1@example.org>" and not rows[0].quarantined


def _write(sessions: sessionmaker[Session], start: int, n: int) -> None:
    with sessions() as session, session.begin():
        for i in range(start, start + n):
            session.add(RawMessage(sha256=f"{i:064x}", size=4096, data=b"x" * 4096, stored_at=NOW))


def _database_file_grows(sqlite_url: str, *, interval: float | None) -> bool:
    """Whether ~2 MB written reach the database file itself (not only its log) in 3 s."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    path = Path(engine.url.database or "")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == db.WAL_AUTOCHECKPOINT_PAGES
    grown = False
    checkpointer = WalCheckpointer(engine, interval=interval or 3600)
    with checkpointer if interval else contextlib.nullcontext():
        before = path.stat().st_size
        # Below the automatic checkpoint's mark: only a checkpointer moves it into the file.
        _write(sessions, 0, 500)
        deadline = time.monotonic() + 3
        while not grown and time.monotonic() < deadline:
            grown = path.stat().st_size >= before + 500 * 4096
            time.sleep(0.05)
    assert checkpointer._thread is None or not checkpointer._thread.is_alive()
    engine.dispose()
    return grown


def test_checkpointer_copies_the_log_in_the_background(tmp_path: Path) -> None:
    assert not _database_file_grows(f"sqlite:///{tmp_path}/a.sqlite3", interval=None)
    assert _database_file_grows(f"sqlite:///{tmp_path}/b.sqlite3", interval=0.05)


def test_checkpointer_does_nothing_on_postgresql(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    with WalCheckpointer(engine, interval=0.01) as checkpointer:
        assert checkpointer._thread is None
    engine.dispose()


def test_a_copy_arriving_after_retention_erased_the_bytes_brings_them_back(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    raw = message(9)
    sha = hashlib.sha256(raw).hexdigest()
    stores = (DatabaseRawStore(), FilesystemRawStore(tmp_path / "raw", fsync=False))
    for store in stores:
        with sessions() as session, session.begin():
            store.put(session, [RawItem(sha, raw)], NOW)
            store.put(session, [RawItem(sha, raw)], NOW)  # a second copy: nothing changes
        with sessions() as session, session.begin():
            # What retention does once no message uses the hash (files are deleted too).
            session.execute(
                update(RawMessage).where(RawMessage.sha256 == sha).values(data=None, purged_at=NOW)
            )
        if isinstance(store, FilesystemRawStore):
            store.path_of(sha).unlink()
        with sessions() as session, session.begin():
            store.put(session, [RawItem(sha, raw)], NOW)
        with sessions() as session:
            row = session.get(RawMessage, sha)
            assert row is not None and row.purged_at is None
            assert store.get(session, sha) == raw
        with sessions() as session, session.begin():
            session.execute(delete(RawMessage).where(RawMessage.sha256 == sha))


def test_a_failed_copy_says_what_failed_but_quotes_no_value(postgres_url: str) -> None:
    # PostgreSQL's own message would quote the key ("Key (message_pk)=(1) is not present").
    engine = db.make_engine(postgres_url)
    try:
        db.upgrade(engine)
        row = (1, "resident@example.org", "to", None)
        insert = BulkInsert(MessageAddress, ("message_pk", "address", "role", "display_name"))
        with engine.begin() as connection, pytest.raises(StoreError) as caught:
            insert(connection, [row])
        text = str(caught.value)
        assert "copying rows into message_addresses failed" in text
        assert "SQLSTATE 23503" in text  # foreign key violation: no message 1
        assert "resident@example.org" not in text and "(1)" not in text
    finally:
        engine.dispose()
