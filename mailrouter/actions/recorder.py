"""Recording what happened to outbox rows, with group commit.

Each row's outcome and its follow-up (a forward's move) are written in one
transaction. Outcomes that arrive while a commit is running go into the next
one, so a burst of sends costs a few commits rather than one each (per-row
commits cap throughput near 1,500/s on SQLite, and several worker threads
committing at once contend for its single write lock). A failed commit leaves
its rows leased: they are performed again once the lease expires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.payloads import OutboxAction, payload_of
from mailrouter.domain import ForwardToOfficer
from mailrouter.errors import PermanentError, TransientError
from mailrouter.store import db, outbox
from mailrouter.store.models import OutboxRow, OutboxState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One row's result: done (no error), or the error that stopped it."""

    row: OutboxRow
    action: OutboxAction | None  # None when the payload could not be read
    error: BaseException | None = None
    note: str | None = None


class OutcomeRecorder:
    def __init__(
        self, sessions: sessionmaker[Session], worker_id: str, clock: Callable[[], datetime]
    ) -> None:
        self.sessions = sessions
        self.worker_id = worker_id
        self.clock = clock
        self._pending: list[Outcome] = []
        self._lock = asyncio.Lock()

    async def record(self, *outcomes: Outcome) -> None:
        """Return once ``outcomes`` are committed (possibly by another caller's commit)."""
        self._pending.extend(outcomes)
        async with self._lock:
            batch, self._pending = self._pending, []
            if batch:
                await asyncio.to_thread(self._write, batch)

    def _write(self, batch: Sequence[Outcome]) -> None:
        with db.transaction(self.sessions) as session:
            now = self.clock()
            states = [self._apply(session, outcome, now) for outcome in batch]
        for outcome, state in zip(batch, states, strict=True):
            _log(outcome, state)

    def _apply(self, session: Session, outcome: Outcome, now: datetime) -> str:
        row, action, error = outcome.row, outcome.action, outcome.error
        if error is None:
            held = outbox.complete(session, row.id, worker=self.worker_id, now=now)
            # The relay accepted the forward, so its move is due even if our lease
            # was taken over meanwhile (the enqueue is idempotent).
            if isinstance(action, ForwardToOfficer) and action.then is not None:
                kind, payload = payload_of(action.then)
                key = action.then.idempotency_key
                outbox.enqueue(session, key=key, kind=kind, payload=payload, now=now)
            if outcome.note and held:
                # Kept with the row so `outbox list` shows why nothing was moved.
                session.get_one(OutboxRow, row.id).payload = {**row.payload, "note": outcome.note}
            return "done" if held else "done, lease lost"
        if isinstance(error, TransientError):
            state = outbox.retry(session, row, worker=self.worker_id, now=now, error=str(error))
            return state.value
        outbox.park(session, row.id, worker=self.worker_id, error=describe_error(error))
        return OutboxState.parked.value


def describe_error(error: BaseException) -> str:
    """Our own errors explain themselves; anything else is named by its type."""
    if isinstance(error, TransientError | PermanentError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _log(outcome: Outcome, state: str) -> None:
    row = outcome.row
    if outcome.error is None:
        if outcome.note:
            log.warning(
                "outbox.move_skipped id=%s key=%s: %s", row.id, row.idempotency_key, outcome.note
            )
        log.info(
            "outbox.done id=%s kind=%s key=%s state=%s",
            row.id,
            row.kind,
            row.idempotency_key,
            state,
        )
        return
    log.warning(
        "outbox.failed id=%s kind=%s key=%s attempts=%s state=%s error=%s",
        row.id,
        row.kind,
        row.idempotency_key,
        row.attempts,
        state,
        describe_error(outcome.error),
    )
