"""Which stored messages retention may purge: a pure decision over facts read beforehand.

A message goes only when it is old enough for its kind (routed mail by when it
was received, quarantined mail by when it was stored) and nothing still needs
it. The checks run in a fixed order and the first that holds is the reason it
is kept, so a dry run can say why mail stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mailrouter.addresses import try_normalize
from mailrouter.config import RetentionSettings

# What goes.
UNMATCHED = "unmatched mail"
QUARANTINED = "quarantined mail"
# Why mail stays.
YOUNG = "not old enough"
UNROUTED = "not routed yet"
CASE = "linked to a case"
REGISTER = "from a register customer"
OUTBOX = "outbox effect not finished"
REPLY = "held reply not sent"
EVIDENCE = "evidence of a flag under review"
HOLD = "legal hold"

PURGE_CATEGORIES = (UNMATCHED, QUARANTINED)
KEEP_REASONS = (UNROUTED, CASE, REGISTER, OUTBOX, REPLY, EVIDENCE, HOLD)

PARSED, QUARANTINE, PURGED = "parsed", "quarantined", "purged"


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Everything before these instants or days is old enough to go."""

    mail: datetime
    quarantine: datetime
    sender_day: date
    sender_at: datetime

    @classmethod
    def at(cls, now: datetime, settings: RetentionSettings, tz: ZoneInfo) -> Cutoffs:
        # Per-sender rows are by local calendar day: a day goes once it is wholly too old.
        day = now.astimezone(tz).date() - timedelta(days=settings.sender_data_days)
        return cls(
            mail=now - timedelta(days=settings.unmatched_mail_days),
            quarantine=now - timedelta(days=settings.quarantine_days),
            sender_day=day,
            sender_at=datetime.combine(day, time(), tz),
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """One stored message, with what the store says about it."""

    id: int
    status: str
    sender: str | None
    routed: bool
    received_at: datetime
    ingested_at: datetime
    linked_case: bool
    # Every address on it (from, to, cc, reply-to, ...), normalised.
    addresses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Guards:
    """What protects mail at the moment of the decision."""

    # Register customers' addresses.
    register: frozenset[str] = frozenset()
    # Addresses of customers under an open legal hold, and of their representatives.
    held: frozenset[str] = frozenset()
    # Messages with an outbox row not done (pending, leased or parked for an operator).
    outbox: frozenset[int] = frozenset()
    # Messages a held reply was captured from or answers, until it is sent or cancelled.
    replies: frozenset[int] = frozenset()
    # Messages named as evidence by a flag IG has not dismissed.
    evidence: frozenset[int] = frozenset()
    fold_subaddress: bool = True


def decide(candidate: Candidate, guards: Guards, cutoffs: Cutoffs) -> str:
    """A purge category from ``PURGE_CATEGORIES``, or the reason the message stays."""
    c = candidate
    if c.status == QUARANTINE:
        if c.ingested_at >= cutoffs.quarantine:
            return YOUNG
        category = QUARANTINED
    elif c.status == PARSED:
        if not c.routed:
            return UNROUTED
        if c.received_at >= cutoffs.mail:
            return YOUNG
        category = UNMATCHED
    else:
        return YOUNG  # already a tombstone, or a state this version does not know
    kept = _kept_because(c, guards)
    return kept if kept is not None else category


def _kept_because(c: Candidate, guards: Guards) -> str | None:  # noqa: PLR0911 - one per rule
    sender = try_normalize(c.sender, fold_subaddress=guards.fold_subaddress) if c.sender else None
    if c.linked_case:
        return CASE
    if sender is not None and sender in guards.register:
        return REGISTER
    if c.id in guards.outbox:
        return OUTBOX
    if c.id in guards.replies:
        return REPLY
    if c.id in guards.evidence:
        return EVIDENCE
    if (sender is not None and sender in guards.held) or (c.addresses & guards.held):
        return HOLD
    return None
