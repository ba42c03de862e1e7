"""Per-folder health: success, failure, and the alert when a mailbox fails for too long.

A failing mailbox is never switched off: the watcher keeps retrying with backoff.
Once a run of failures has lasted ``policy.mailbox_alert_after_minutes``, one
``alert.mailbox_unhealthy`` outbox row is enqueued for the run (its key names
the run's start, so repeats are no-ops); the next success ends the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.ingest import lock_state
from mailrouter.store import outbox
from mailrouter.store.models import MailboxState

log = logging.getLogger(__name__)

ALERT_KIND = "alert.mailbox_unhealthy"


@dataclass(frozen=True, slots=True)
class Failure:
    consecutive: int
    failing_since: datetime
    alerted: bool  # an alert was enqueued by this call


def describe(exc: BaseException) -> str:
    """An error for logs and the status table: never a statement's parameters."""
    if isinstance(exc, StatementError) and exc.orig is not None:
        return f"{type(exc).__name__}: {type(exc.orig).__name__}: {str(exc.orig)[:500]}"
    return f"{type(exc).__name__}: {str(exc)[:500]}"


def record_success(
    sessions: sessionmaker[Session], mailbox: str, folder: str, now: datetime
) -> None:
    with sessions() as session, session.begin():
        state = lock_state(session, mailbox, folder, now)
        if state.status == "failing":
            log.info("mailbox.recovered after=%d failures", state.consecutive_failures)
        state.status = "ok"
        state.last_success_at = now
        state.consecutive_failures = 0
        state.failing_since = None
        state.alerted_at = None
        state.updated_at = now


def record_failure(
    sessions: sessionmaker[Session],
    mailbox: str,
    folder: str,
    error: str,
    *,
    now: datetime,
    alert_after: timedelta,
) -> Failure:
    with sessions() as session, session.begin():
        state = lock_state(session, mailbox, folder, now)
        state.status = "failing"
        state.last_error = error[:2000]
        state.last_error_at = now
        state.consecutive_failures += 1
        state.failing_since = state.failing_since or now
        state.updated_at = now
        alerted = False
        if state.alerted_at is None and now - state.failing_since >= alert_after:
            alerted = _alert(session, state, now)
            state.alerted_at = now
        return Failure(state.consecutive_failures, state.failing_since, alerted)


def _alert(session: Session, state: MailboxState, now: datetime) -> bool:
    assert state.failing_since is not None
    since = state.failing_since.isoformat()
    payload: dict[str, object] = {
        "mailbox": state.mailbox,
        "folder": state.folder,
        "failing_since": since,
        "consecutive_failures": state.consecutive_failures,
        "last_error": state.last_error or "",
        "last_success_at": state.last_success_at.isoformat() if state.last_success_at else None,
    }
    added = outbox.enqueue(
        session,
        key=f"{ALERT_KIND}:{state.mailbox}:{state.folder}:{since}",
        kind=ALERT_KIND,
        payload=payload,
        now=now,
    )
    log.error("mailbox.unhealthy_alerted since=%s failures=%d", since, state.consecutive_failures)
    return added


def all_states(sessions: sessionmaker[Session]) -> list[MailboxState]:
    with sessions() as session:
        return list(
            session.scalars(
                select(MailboxState).order_by(MailboxState.mailbox, MailboxState.folder)
            )
        )
