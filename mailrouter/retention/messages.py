"""Reading candidate messages in batches, and tombstoning the ones that go.

Batches are read by keyset (oldest first) inside the transaction that purges
them. On PostgreSQL the rows are locked with ``SKIP LOCKED``, so two daemons
purging at once share the work and never wait on each other; SQLite's
``BEGIN IMMEDIATE`` admits one writer at a time and the second sees the first's
tombstones. Either way each message is purged once and a repeat does nothing.

A tombstone keeps what ingestion's dedupe and cursors need (id, source, mailbox,
folder, source key, Message-ID, raw and body hashes, dates, size) and nothing
personal. The raw bytes go once no message that is not a tombstone uses their
hash; the ``raw_messages`` row stays (tombstones refer to it) with its data
erased and ``purged_at`` set. Files of the filesystem store are removed after
the commit, so a rolled-back purge never loses bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from mailrouter.rawstore import FilesystemRawStore
from mailrouter.retention.rules import PARSED, PURGED, QUARANTINE, Candidate, Cutoffs
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.register import Case
from mailrouter.store.models.routing import CaseContact, DecisionRow

# Keeps the IN lists of one statement well inside SQLite's bound-parameter limit.
CHUNK = 900

_LINKED = (
    exists()
    .where(CaseContact.message_pk == MessageRecord.id)
    .where(Case.id == CaseContact.case_id)
    .correlate(MessageRecord)
)
_COLUMNS = (
    MessageRecord.id,
    MessageRecord.status,
    MessageRecord.sender,
    MessageRecord.routed_at,
    MessageRecord.received_at,
    MessageRecord.ingested_at,
    MessageRecord.raw_sha256,
    _LINKED.label("linked"),
)


@dataclass(frozen=True, slots=True)
class Scan:
    """One ordered walk over candidates: old mail by arrival, quarantined mail by storage."""

    name: str
    order: Any  # the timestamp column the walk is ordered and cut off by

    def batch(
        self,
        session: Session,
        cutoffs: Cutoffs,
        after: tuple[datetime, int] | None,
        limit: int,
        *,
        lock: bool,
    ) -> list[Any]:
        if self.name == "quarantined":
            where = [MessageRecord.status == QUARANTINE, self.order < cutoffs.quarantine]
        else:
            where = [
                MessageRecord.purged_at.is_(None),
                self.order < cutoffs.mail,
                MessageRecord.status != QUARANTINE,
            ]
        if after is not None:
            at, pk = after
            # The plain bound lets the index start at the last batch (skipping the rows
            # just purged, whose dead index entries PostgreSQL would otherwise re-read).
            where.append(self.order >= at)
            where.append(or_(self.order > at, and_(self.order == at, MessageRecord.id > pk)))
        query = select(*_COLUMNS).where(*where).order_by(self.order, MessageRecord.id).limit(limit)
        if lock and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=MessageRecord)
        return list(session.execute(query).all())

    def key(self, row: Any) -> tuple[datetime, int]:
        at = row.ingested_at if self.name == "quarantined" else row.received_at
        return at, row.id


OLD_MAIL = Scan("old mail", MessageRecord.received_at)
QUARANTINED_MAIL = Scan("quarantined", MessageRecord.ingested_at)
SCANS = (OLD_MAIL, QUARANTINED_MAIL)


def candidates(session: Session, rows: Sequence[Any], *, with_addresses: bool) -> list[Candidate]:
    addresses: dict[int, set[str]] = {}
    if with_addresses:
        for chunk in _chunks([r.id for r in rows]):
            found = session.execute(
                select(MessageAddress.message_pk, MessageAddress.address).where(
                    MessageAddress.message_pk.in_(chunk)
                )
            )
            for pk, address in found:
                addresses.setdefault(pk, set()).add(address)
    return [
        Candidate(
            id=r.id,
            status=r.status,
            sender=r.sender,
            routed=r.routed_at is not None,
            received_at=r.received_at,
            ingested_at=r.ingested_at,
            linked_case=bool(r.linked),
            addresses=frozenset(addresses.get(r.id, ())),
        )
        for r in rows
    ]


def count_candidates(session: Session, cutoffs: Cutoffs) -> int:
    """How many messages the scans will read (for a progress bar)."""
    old = select(func.count()).where(
        MessageRecord.purged_at.is_(None),
        MessageRecord.received_at < cutoffs.mail,
        MessageRecord.status != QUARANTINE,
    )
    quarantined = select(func.count()).where(
        MessageRecord.status == QUARANTINE, MessageRecord.ingested_at < cutoffs.quarantine
    )
    return (session.scalar(old) or 0) + (session.scalar(quarantined) or 0)


def tombstone(session: Session, ids: Sequence[int], now: datetime) -> list[str]:
    """Clear the messages' personal data; return the hashes whose bytes were erased."""
    hashes: set[str] = set()
    for chunk in _chunks(ids):
        hashes.update(
            session.scalars(
                select(MessageRecord.raw_sha256).where(
                    MessageRecord.id.in_(chunk), MessageRecord.purged_at.is_(None)
                )
            )
        )
        session.execute(
            update(MessageRecord)
            .where(MessageRecord.id.in_(chunk), MessageRecord.purged_at.is_(None))
            .values(
                status=PURGED,
                purged_at=now,
                sender=None,
                sender_name=None,
                subject="",
                in_reply_to=None,
                references=None,
                authentication_results=None,
                attachments=[],
                headers=None,
                quarantine_reason=None,
            )
        )
        session.execute(delete(MessageAddress).where(MessageAddress.message_pk.in_(chunk)))
        # Only contacts of deleted cases remain here: a live case's mail is never a candidate.
        session.execute(delete(CaseContact).where(CaseContact.message_pk.in_(chunk)))
        session.execute(
            update(DecisionRow)
            .where(DecisionRow.message_pk.in_(chunk))
            .values(reasons=[], hits=[], detections=[])
        )
    return _erase_unused(session, sorted(hashes), now)


def _erase_unused(session: Session, hashes: Sequence[str], now: datetime) -> list[str]:
    erased: list[str] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(hashes):
        # Lock first: a copy being stored concurrently either commits before we look
        # (and keeps the bytes) or waits for us.
        rows = select(RawMessage.sha256).where(
            RawMessage.sha256.in_(chunk), RawMessage.purged_at.is_(None)
        )
        if postgres:
            rows = rows.with_for_update()
        live = set(session.scalars(rows))
        used = set(
            session.scalars(
                select(MessageRecord.raw_sha256)
                .where(MessageRecord.raw_sha256.in_(live), MessageRecord.purged_at.is_(None))
                .distinct()
            )
        )
        gone = sorted(live - used)
        if gone:
            session.execute(
                update(RawMessage)
                .where(RawMessage.sha256.in_(gone))
                .values(data=None, purged_at=now)
            )
        erased.extend(gone)
    return erased


def unused_after(session: Session, going: dict[str, int]) -> int:
    """How many hashes no message would use once ``going`` (hash -> messages) are purged."""
    total = 0
    for chunk in _chunks(sorted(going)):
        uses = session.execute(
            select(MessageRecord.raw_sha256, func.count())
            .where(MessageRecord.raw_sha256.in_(chunk), MessageRecord.purged_at.is_(None))
            .group_by(MessageRecord.raw_sha256)
        )
        total += sum(1 for sha, n in uses if n <= going[sha])
    return total


def remove_files(root: Path, hashes: Sequence[str]) -> int:
    """Delete the filesystem store's files for ``hashes``; missing ones are already gone."""
    store = FilesystemRawStore(root, fsync=False)
    removed = 0
    for sha in hashes:
        path = store.path_of(sha)
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def recently_erased(session: Session, since: datetime) -> list[str]:
    """Hashes erased since ``since``: their files are removed again in case a run died."""
    return unused(
        session,
        list(
            session.scalars(
                select(RawMessage.sha256).where(
                    RawMessage.purged_at.is_not(None), RawMessage.purged_at >= since
                )
            )
        ),
    )


def live_without_bytes(session: Session, since: datetime) -> int:
    """Messages stored since ``since`` whose bytes had been erased (an identical copy).

    Storing a copy brings erased bytes back (``rawstore``), so this should stay 0:
    a check that retention reports rather than trusts.
    """
    query = (
        select(func.count())
        .select_from(MessageRecord)
        .join(RawMessage, RawMessage.sha256 == MessageRecord.raw_sha256)
        .where(
            MessageRecord.status.in_((PARSED, QUARANTINE)),
            MessageRecord.ingested_at >= since,
            RawMessage.purged_at.is_not(None),
        )
    )
    return session.scalar(query) or 0


def unused(session: Session, hashes: Sequence[str]) -> list[str]:
    """Those of ``hashes`` no live message uses: a copy stored since may need the file."""
    used: set[str] = set()
    for chunk in _chunks(hashes):
        used.update(
            session.scalars(
                select(MessageRecord.raw_sha256)
                .where(MessageRecord.raw_sha256.in_(chunk), MessageRecord.purged_at.is_(None))
                .distinct()
            )
        )
    return [h for h in hashes if h not in used]


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]
