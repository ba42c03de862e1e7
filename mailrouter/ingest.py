"""Ingestion: a fetched batch -> parsed -> deduplicated -> stored with its cursor, in one txn.

Design note.

- ``prepare`` parses each message and builds its rows, converted for the
  database's driver (pure CPU, no database), before the transaction opens, so
  the transaction stays short and stores with plain ``executemany``. The
  watcher may do this in a separate process (``records.parse_rows``) and join
  the results with ``attach``: it is pure, so where it runs changes nothing
  stored.
- ``store_batch`` runs one transaction that (1) locks the mailbox (PostgreSQL:
  an advisory transaction lock; SQLite: ``BEGIN IMMEDIATE`` already admits one
  writer), (2) drops messages already stored under the same
  ``(source, source_key)``, (3) drops duplicates by content within the mailbox
  (same raw SHA-256, or same Message-ID and same body SHA-256: a copy recreated
  or re-delivered with new headers), (4) stores new raw bytes once by hash,
  (5) inserts the message rows (parsed, or quarantined with the reason) and
  their addresses, and (6) moves the folder's cursor in ``mailbox_state`` and
  marks it healthy.
- Crash or error before the commit: nothing is visible and the cursor has not
  moved, so the same messages are fetched again. After the commit: the cursor
  covers exactly the stored messages. Either way no message is lost, and the
  unique ``(source, source_key)`` plus the content checks make any re-fetch a
  no-op. The cursor never moves backwards within one UIDVALIDITY.
- Routing picks up rows with ``status = 'parsed' AND routed_at IS NULL``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.rawstore import RawItem, RawStore
from mailrouter.records import RECORD_COLUMNS, MessageRows, parse_rows
from mailrouter.sources.base import Batch, Cursor
from mailrouter.store.bulk import BulkInsert, RowConverter
from mailrouter.store.keylookup import KeyLookup
from mailrouter.store.models import MailboxState, MessageAddress, MessageRecord

log = logging.getLogger(__name__)

# Every column ingestion writes: the parsed record's, then where and when it was found.
_WHERE_COLUMNS = ("source", "source_key", "mailbox", "folder", "ingested_at", "routed_at")
_WHERE = RowConverter(MessageRecord, _WHERE_COLUMNS)
_INSERT_MESSAGE = BulkInsert(MessageRecord, (*RECORD_COLUMNS, *_WHERE_COLUMNS))
_INSERT_ADDRESS = BulkInsert(MessageAddress, ("message_pk", "role", "address", "display_name"))
# Dedupe and id lookups (``keylookup`` says why not ``in_()``).
_BY_SOURCE_KEY = KeyLookup(MessageRecord, ("source_key", "id"), scope="source", key="source_key")
_BY_RAW = KeyLookup(MessageRecord, ("raw_sha256",), scope="mailbox", key="raw_sha256")
_BY_MESSAGE_ID = KeyLookup(
    MessageRecord, ("message_id", "body_sha256"), scope="mailbox", key="message_id"
)


@dataclass(frozen=True, slots=True)
class Prepared:
    source_key: str
    raw: bytes
    rows: MessageRows


@dataclass(frozen=True, slots=True)
class Stored:
    """What one batch did; ``cursor`` is the folder's cursor after the commit."""

    cursor: Cursor
    stored: int = 0
    quarantined: int = 0
    duplicates: int = 0
    already: int = 0


def source_name(mailbox: str, folder: str) -> str:
    return f"{mailbox}/{folder}"


def prepare(batch: Batch, settings: Settings, dialect: str, now: datetime) -> list[Prepared]:
    """Parse ``batch`` into rows for the database ``dialect`` (``bulk.dialect_key``)."""
    raws = [m.raw for m in batch.messages]
    limits, fold = settings.limits, settings.policy.fold_subaddress
    return attach(batch, parse_rows(raws, limits, fold, dialect, now))


def attach(batch: Batch, rows: Sequence[MessageRows]) -> list[Prepared]:
    """The batch's messages with their parsed rows, in the batch's order."""
    return [
        Prepared(batch.source_key(m), m.raw, r) for m, r in zip(batch.messages, rows, strict=True)
    ]


def load_cursor(sessions: sessionmaker[Session], mailbox: str, folder: str) -> Cursor:
    with sessions() as session:
        state = session.scalar(
            select(MailboxState).where(
                MailboxState.mailbox == mailbox, MailboxState.folder == folder
            )
        )
    if state is None or state.uidvalidity is None:
        return Cursor()
    return Cursor(state.uidvalidity, state.last_uid, state.highestmodseq)


def store_batch(
    sessions: sessionmaker[Session],
    raw_store: RawStore,
    *,
    mailbox: str,
    folder: str,
    batch: Batch,
    prepared: Sequence[Prepared],
    now: datetime,
) -> Stored:
    with sessions() as session, session.begin():
        _lock_mailbox(session, mailbox)
        state = lock_state(session, mailbox, folder, now)
        source = source_name(mailbox, folder)
        fresh, already = _not_stored(session, source, prepared)
        new, duplicates = _unique_content(session, mailbox, fresh)
        raw_store.put(session, [RawItem(p.rows.raw_sha256, p.raw) for p in new], now)
        ids = _insert_records(session, mailbox, folder, new, now)
        _insert_addresses(session, ids, new)
        cursor = _advance(state, batch, now)
        quarantined = sum(1 for p in new if p.rows.quarantined)
        state.messages_stored += len(new)
        state.duplicates_skipped += duplicates
    if batch.resync:
        log.warning(
            "mailbox.resynced uidvalidity=%s skipped_by_cap=%d",
            batch.cursor.uidvalidity,
            batch.skipped,
        )
    return Stored(cursor, len(new) - quarantined, quarantined, duplicates, already)


def _lock_mailbox(session: Session, mailbox: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"mailrouter.ingest:{mailbox}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def lock_state(session: Session, mailbox: str, folder: str, now: datetime) -> MailboxState:
    """The folder's state row, created if new, locked for this transaction."""
    query = select(MailboxState).where(
        MailboxState.mailbox == mailbox, MailboxState.folder == folder
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    state = session.scalar(query)
    if state is None:
        state = MailboxState(
            mailbox=mailbox,
            folder=folder,
            last_uid=0,
            status="new",
            consecutive_failures=0,
            messages_stored=0,
            duplicates_skipped=0,
            resyncs=0,
            updated_at=now,
        )
        session.add(state)
        session.flush()
    return state


def _not_stored(
    session: Session, source: str, prepared: Sequence[Prepared]
) -> tuple[list[Prepared], int]:
    keys = [p.source_key for p in prepared]
    stored = {key for key, _ in _BY_SOURCE_KEY(session.connection(), source, keys)}
    fresh = [p for p in prepared if p.source_key not in stored]
    return fresh, len(prepared) - len(fresh)


def _unique_content(
    session: Session, mailbox: str, prepared: Sequence[Prepared]
) -> tuple[list[Prepared], int]:
    connection = session.connection()
    raws = [p.rows.raw_sha256 for p in prepared]
    hashes: set[str] = {raw for (raw,) in _BY_RAW(connection, mailbox, raws)}
    ids = [p.rows.message_id for p in prepared if p.rows.message_id]
    bodies: set[tuple[str | None, str | None]] = {
        (mid, body) for mid, body in _BY_MESSAGE_ID(connection, mailbox, ids)
    }
    unique: list[Prepared] = []
    for p in prepared:
        content = (p.rows.message_id, p.rows.body_sha256)
        if p.rows.raw_sha256 in hashes or (p.rows.message_id and content in bodies):
            continue
        unique.append(p)
        hashes.add(p.rows.raw_sha256)
        bodies.add(content)
    return unique, len(prepared) - len(unique)


def _insert_records(
    session: Session, mailbox: str, folder: str, prepared: Sequence[Prepared], now: datetime
) -> list[int]:
    if not prepared:
        return []
    source = source_name(mailbox, folder)
    connection = session.connection()
    # The columns after the record's: (source, source_key, mailbox, folder, ingested_at,
    # routed_at), converted once for the batch; the record part came converted.
    fixed = _WHERE.convert(connection.dialect, (source, "", mailbox, folder, now, None))
    rows = [(*p.rows.record, fixed[0], p.source_key, *fixed[2:]) for p in prepared]
    _INSERT_MESSAGE(connection, rows, converted=True)
    # executemany reports no ids: read them back by key (unique within the source).
    keys = [p.source_key for p in prepared]
    ids = dict(_BY_SOURCE_KEY(connection, source, keys))
    return [ids[p.source_key] for p in prepared]


def _insert_addresses(session: Session, ids: Sequence[int], prepared: Sequence[Prepared]) -> None:
    rows = [(pk, *a) for pk, p in zip(ids, prepared, strict=True) for a in p.rows.addresses]
    _INSERT_ADDRESS(session.connection(), rows)


def _advance(state: MailboxState, batch: Batch, now: datetime) -> Cursor:
    target = batch.cursor
    if state.uidvalidity == target.uidvalidity:
        last_uid = max(state.last_uid, target.last_uid)
    else:
        last_uid = target.last_uid
        if state.uidvalidity is not None:
            state.resyncs += 1
    state.uidvalidity = target.uidvalidity
    state.last_uid = last_uid
    state.highestmodseq = target.highestmodseq
    state.status = "ok"
    state.last_success_at = now
    state.consecutive_failures = 0
    state.failing_since = None
    state.alerted_at = None
    state.updated_at = now
    return Cursor(target.uidvalidity, last_uid, target.highestmodseq)
