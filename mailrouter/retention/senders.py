"""Deleting per-sender rows older than ``sender_data_days``, outside the register.

The counters, traits, fingerprints and alias findings exist for the flags,
whose longest window is checked against this age in the config. Rows of
register customers follow the register; rows of senders a flag under review
is about are that flag's evidence and stay until IG decide it. Deleted in
batches of keys, each its own transaction, so a long first run never holds the
database for long; a repeat, or a second daemon at once, deletes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.retention import guards
from mailrouter.retention.rules import Cutoffs
from mailrouter.store.models.flags_alias import AliasHit, SenderFingerprint, SenderTrait
from mailrouter.store.models.metrics import ContactLogEntry, SenderDay, SenderWeekRecipient
from mailrouter.store.models.register import CustomerEmail, LegalHold

Condition = Callable[[Cutoffs], ColumnElement[bool]]
_SIX_DAYS = timedelta(days=6)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    model: Any
    keys: tuple[Any, ...]
    old: Condition


KINDS = (
    Kind(
        "sender_days",
        SenderDay,
        (SenderDay.sender, SenderDay.day),
        lambda c: SenderDay.day < c.sender_day,
    ),
    Kind(
        "sender_week_recipients",
        SenderWeekRecipient,
        (SenderWeekRecipient.sender, SenderWeekRecipient.week, SenderWeekRecipient.recipient),
        # A week (Monday start) goes once its last day is too old.
        lambda c: SenderWeekRecipient.week < c.sender_day - _SIX_DAYS,
    ),
    Kind(
        "contact_log",
        ContactLogEntry,
        (ContactLogEntry.id,),
        lambda c: ContactLogEntry.at < c.sender_at,
    ),
    Kind(
        "sender_traits",
        SenderTrait,
        (SenderTrait.sender, SenderTrait.kind, SenderTrait.key),
        lambda c: SenderTrait.last_seen < c.sender_day,
    ),
    Kind(
        "sender_fingerprints",
        SenderFingerprint,
        (SenderFingerprint.sender, SenderFingerprint.slot),
        lambda c: SenderFingerprint.day < c.sender_day,
    ),
    Kind(
        "alias_hits",
        AliasHit,
        (AliasHit.id,),
        lambda c: AliasHit.last_seen < c.sender_day,
    ),
)


def _where(session: Session, kind: Kind, cutoffs: Cutoffs) -> list[ColumnElement[bool]]:
    sender = kind.model.sender
    where = [
        kind.old(cutoffs),
        sender.not_in(select(CustomerEmail.normalized)),
        ~sender.startswith("customer:"),
    ]
    subjects = guards.flag_subjects(session)
    if subjects:
        where.append(sender.not_in(sorted(subjects)))
    if kind.model is ContactLogEntry:
        contacts = guards.flag_contacts(session)
        if contacts:
            where.append(ContactLogEntry.id.not_in(sorted(contacts)))
    if kind.model is AliasHit:
        held = select(LegalHold.customer_id).where(LegalHold.released_on.is_(None))
        where.append(AliasHit.customer_id.not_in(held))
    return where


def purge(
    sessions: sessionmaker[Session], cutoffs: Cutoffs, *, batch: int, dry_run: bool
) -> dict[str, int]:
    """Rows deleted per table (or, for a dry run, that would be)."""
    return {kind.name: _purge_kind(sessions, kind, cutoffs, batch, dry_run) for kind in KINDS}


def _purge_kind(
    sessions: sessionmaker[Session], kind: Kind, cutoffs: Cutoffs, batch: int, dry_run: bool
) -> int:
    if dry_run:
        with sessions() as session:
            query = select(func.count()).select_from(kind.model)
            return session.scalar(query.where(*_where(session, kind, cutoffs))) or 0
    total = 0
    while True:
        with sessions() as session, session.begin():
            keys = select(*kind.keys).where(*_where(session, kind, cutoffs)).limit(batch)
            if session.get_bind().dialect.name == "postgresql":
                keys = keys.with_for_update(skip_locked=True)
            # One statement: the keys as a subquery, so each batch is found by its index
            # (a long literal list of composite keys makes PostgreSQL scan the table).
            result = session.execute(delete(kind.model).where(tuple_(*kind.keys).in_(keys)))
            deleted = int(getattr(result, "rowcount", 0) or 0)
        if not deleted:
            return total
        total += deleted
