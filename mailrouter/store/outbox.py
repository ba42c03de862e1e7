"""The outbox's storage operations: enqueue, claim with a lease, finish, retry, park.

Delivery is at-least-once and every effect is idempotent:

- ``enqueue`` inserts with ``ON CONFLICT DO NOTHING`` on the idempotency key, in
  the caller's transaction, so a decision and its effects commit together and a
  replayed decision adds nothing.
- ``claim`` leases due rows to one worker in a single ``UPDATE ... RETURNING``.
  On PostgreSQL the candidate rows are picked ``FOR UPDATE SKIP LOCKED`` so
  several daemons share the queue without blocking; SQLite has one writer at a
  time, so the statement is atomic there anyway.
- A worker that dies leaves its lease to expire; the next ``claim`` after
  ``leased_until`` takes the row again (Mailman's and APScheduler's reaping).
- ``complete`` / ``retry`` / ``park`` check the lease holder, so a worker whose
  lease was taken over cannot overwrite the new holder's result.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mailrouter.store.models.outbox import OutboxRow, OutboxState

MAX_ATTEMPTS = 12
BASE_BACKOFF = timedelta(seconds=15)
MAX_BACKOFF = timedelta(hours=1)


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    payload: Mapping[str, object],
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Add an effect unless one with this key exists; True if it was added."""
    values = {
        "idempotency_key": key,
        "kind": kind,
        "payload": dict(payload),
        "state": OutboxState.pending,
        "attempts": 0,
        "not_before": not_before or now,
        "created_at": now,
    }
    table = OutboxRow.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING tells us reliably whether the row was new; rowcount is -1 on some drivers.
    stmt = dialect.insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(stmt).first() is not None


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease: timedelta = timedelta(minutes=5),
    limit: int = 50,
    kinds: Sequence[str] | None = None,
) -> list[OutboxRow]:
    """Lease up to ``limit`` due rows (pending, or leased with an expired lease)."""
    due = or_(
        and_(OutboxRow.state == OutboxState.pending, OutboxRow.not_before <= now),
        and_(OutboxRow.state == OutboxState.leased, OutboxRow.leased_until < now),
    )
    candidates = select(OutboxRow.id).where(due).order_by(OutboxRow.id).limit(limit)
    if kinds:
        candidates = candidates.where(OutboxRow.kind.in_(kinds))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxRow)
        .where(OutboxRow.id.in_(candidates.scalar_subquery()))
        .values(
            state=OutboxState.leased,
            leased_by=worker,
            leased_until=now + lease,
            attempts=OutboxRow.attempts + 1,
        )
        .returning(OutboxRow)
        .execution_options(synchronize_session=False)
    )
    rows = list(session.scalars(stmt))
    rows.sort(key=lambda row: row.id)
    return rows


def _held_by(row_id: int, worker: str) -> object:
    return and_(
        OutboxRow.id == row_id,
        OutboxRow.state == OutboxState.leased,
        OutboxRow.leased_by == worker,
    )


def complete(session: Session, row_id: int, *, worker: str, now: datetime) -> bool:
    """Mark done; False if this worker no longer holds the lease."""
    result = session.execute(
        update(OutboxRow)
        .where(_held_by(row_id, worker))  # type: ignore[arg-type]
        .values(state=OutboxState.done, done_at=now, leased_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter, capped: spreads retries after an outage."""
    ceiling = min(MAX_BACKOFF, BASE_BACKOFF * (2 ** max(0, attempts - 1)))
    fraction: float = (rng or random.Random()).uniform(0.5, 1.0)  # noqa: S311 - jitter only
    return timedelta(seconds=ceiling.total_seconds() * fraction)


def retry(
    session: Session, row: OutboxRow, *, worker: str, now: datetime, error: str
) -> OutboxState:
    """After a transient failure: back off, or park once attempts run out."""
    if row.attempts >= MAX_ATTEMPTS:
        park(
            session, row.id, worker=worker, error=f"gave up after {row.attempts} attempts: {error}"
        )
        return OutboxState.parked
    session.execute(
        update(OutboxRow)
        .where(_held_by(row.id, worker))  # type: ignore[arg-type]
        .values(
            state=OutboxState.pending,
            not_before=now + backoff(row.attempts),
            leased_until=None,
            leased_by=None,
            last_error=error[:2000],
        )
        .execution_options(synchronize_session=False)
    )
    return OutboxState.pending


def park(session: Session, row_id: int, *, worker: str, error: str) -> None:
    """A permanent failure: keep the row, stop trying, show the error to a person."""
    session.execute(
        update(OutboxRow)
        .where(_held_by(row_id, worker))  # type: ignore[arg-type]
        .values(state=OutboxState.parked, leased_until=None, last_error=error[:2000])
        .execution_options(synchronize_session=False)
    )


def requeue(session: Session, row_id: int, *, now: datetime) -> bool:
    """A person retries a parked row: it starts again with a fresh attempt count."""
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.state == OutboxState.parked)
        .values(state=OutboxState.pending, attempts=0, not_before=now, leased_by=None)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def release_dead_leases(session: Session, host: str, alive: Callable[[int], bool]) -> int:
    """Free rows leased by workers on ``host`` whose process has gone (killed, crashed).

    Worker ids are "host:pid". Without this a restarted daemon would wait out
    the dead worker's lease before performing those rows again.
    """
    rows = session.execute(
        select(OutboxRow.id, OutboxRow.leased_by).where(
            OutboxRow.state == OutboxState.leased, OutboxRow.leased_by.like(f"{host}:%")
        )
    ).all()
    dead = [
        row_id
        for row_id, worker in rows
        if worker is not None
        and worker.rpartition(":")[2].isdigit()
        and not alive(int(worker.rpartition(":")[2]))
    ]
    if dead:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(dead), OutboxRow.state == OutboxState.leased)
            .values(state=OutboxState.pending, leased_by=None, leased_until=None)
            .execution_options(synchronize_session=False)
        )
    return len(dead)
