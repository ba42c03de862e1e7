"""The append-only, tamper-evident audit log of every register change and read.

Design note. Each row carries ``seq`` (1, 2, 3, ... with no gaps), the previous
row's hash and its own: ``row_hash = sha256(prev_hash + canonical JSON of the
row's fields)``. The before/after ``payload`` is hashed separately
(``payload_sha256``) and only its digest enters the chain, so that deleting a
case can erase the personal data in old payloads (``payload`` set to null,
``redacted_at`` set) without breaking the chain; ``verify`` accepts a nulled
payload only for a customer whose deletion is itself on the chain.

Appends are serialised by locking the single ``audit_head`` row (``SELECT ...
FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already admits one
writer), which also names the last link, so truncating the tail is caught.
``prev_hash`` is unique as a second guard: a forked chain cannot commit.
An append happens inside the caller's transaction, so a change and its audit
row commit together or not at all.

Limits: someone able to rewrite the whole table *and* the head consistently
(recomputing every hash) is not detected; ``verify`` prints the head hash so
it can be noted somewhere they cannot reach.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from mailrouter.store.models.register import AuditHead, AuditRow

GENESIS = "0" * 64
DELETED = "case.deleted"
_WRITER_KEY = "mailrouter.audit.head"


def canonical(value: object) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, dates as ISO text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in an audit payload: {type(value).__name__}")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types, as it will read back from the database."""
    return json.loads(canonical(value))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chained_fields(row: AuditRow) -> dict[str, object]:
    return {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(),
        "actor": row.actor,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "customer_id": row.customer_id,
        "case_id": row.case_id,
        "payload_sha256": row.payload_sha256,
    }


def compute_hash(row: AuditRow) -> str:
    return sha256(row.prev_hash + canonical(_chained_fields(row)))


def _head(session: Session) -> AuditHead:
    cached = session.info.get(_WRITER_KEY)
    if isinstance(cached, AuditHead):
        return cached
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.scalars(query).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, row_hash=GENESIS)
        session.add(head)
    # The lock lasts until the transaction ends; so does this cache.
    session.info[_WRITER_KEY] = head
    if not event.contains(session, "after_transaction_end", _forget_head):
        event.listen(session, "after_transaction_end", _forget_head)
    return head


def _forget_head(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WRITER_KEY, None)


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    at: datetime,
    entity: str,
    entity_id: object,
    customer_id: int | None = None,
    case_id: int | None = None,
    before: object = None,
    after: object = None,
) -> AuditRow:
    """Add the next link in the caller's transaction."""
    head = _head(session)
    payload = jsonable({"before": before, "after": after})
    row = AuditRow(
        seq=head.seq + 1,
        at=at.astimezone(UTC),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        customer_id=customer_id,
        case_id=case_id,
        payload=payload,
        payload_sha256=sha256(canonical(payload)),
        prev_hash=head.row_hash,
    )
    row.row_hash = compute_hash(row)
    session.add(row)
    head.seq, head.row_hash = row.seq, row.row_hash
    return row


def redact_customer(session: Session, customer_id: int, at: datetime) -> int:
    """Erase old payloads about a deleted customer; the chain itself is untouched."""
    rows = session.scalars(
        select(AuditRow).where(AuditRow.customer_id == customer_id, AuditRow.payload.is_not(None))
    ).all()
    for row in rows:
        row.payload = None
        row.redacted_at = at
    return len(rows)


@dataclass(frozen=True, slots=True)
class Verification:
    rows: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session) -> Verification:
    """Walk the chain from the start; report the first row that does not hold."""
    deleted = set(
        session.scalars(select(AuditRow.customer_id).where(AuditRow.action == DELETED)).all()
    )
    prev, expected, count = GENESIS, 1, 0
    query = select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
    # Streamed (a server-side cursor on PostgreSQL), so closed even when stopping early.
    with closing(session.scalars(query)) as rows:
        for row in rows:
            problem = _check_row(row, expected, prev, deleted)
            if problem:
                return Verification(count, prev, broken_seq=expected, problem=problem)
            prev, expected, count = row.row_hash, expected + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq, head.row_hash) != (count, prev):
        problem = f"the chain ends at row {count}, but the head records row {head.seq}"
        if head.seq == count:
            problem = f"the last row's hash does not match the head (row {count})"
        return Verification(count, prev, broken_seq=count + 1, problem=problem)
    return Verification(count, prev)


def _check_row(row: AuditRow, expected: int, prev: str, deleted: set[int | None]) -> str | None:
    if row.seq != expected:
        return f"row {expected} is missing (next row found is {row.seq})"
    if row.prev_hash != prev:
        return f"row {row.seq} does not follow row {row.seq - 1} (previous hash differs)"
    if compute_hash(row) != row.row_hash:
        return f"row {row.seq} was altered (its hash does not match its contents)"
    if row.payload is None:
        if row.redacted_at is None or row.customer_id not in deleted:
            return f"row {row.seq} lost its before/after data without a recorded deletion"
    elif sha256(canonical(row.payload)) != row.payload_sha256:
        return f"row {row.seq} had its before/after data altered"
    return None
