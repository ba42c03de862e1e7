"""Routing: each stored, unrouted message -> context -> ``decide()`` -> decision + outbox rows.

Design note. A message is routed exactly once: the batch is selected by
``routed_at IS NULL`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
daemons can share the work), and one transaction per group of messages writes
each one's decision row, the contacts recorded against cases, every outbox row
(unique idempotency keys, ``ON CONFLICT DO NOTHING``) and ``routed_at``. If
anything in a group fails, the group rolls back and its messages are routed
one transaction each, so only the bad one is quarantined. A crash before
commit leaves messages unrouted, to be decided again with the same result; a
crash after commit leaves the outbox rows to the worker. Nothing
here touches the network. A message whose routing raises is quarantined with
the reason (never silently skipped) so one bad message cannot block the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions import outbox as outbox_actions
from mailrouter.config import Settings
from mailrouter.domain import (
    CaseMatch,
    Decision,
    DecisionContext,
    DetectedHit,
    RecordContact,
    RoutedMessage,
)
from mailrouter.logs import message_key_var
from mailrouter.metrics.record import record_message_metrics
from mailrouter.pipeline import decide
from mailrouter.replies.capture import capture_stored
from mailrouter.store.models import MessageAddress, MessageRecord
from mailrouter.store.models.register import Case
from mailrouter.store.models.routing import CaseContact, DecisionRow

log = logging.getLogger(__name__)

# Messages decided per transaction.
GROUP = 50

# Who is on the register: normalised addresses -> the cases they belong to, as of ``now``.
RegisterLookup = Callable[[Session, Sequence[str], datetime], tuple[CaseMatch, ...]]
# Detection over a message's text; None where detection is not configured.
Detector = Callable[[RoutedMessage, datetime], tuple[DetectedHit, ...]]
# The plain-text excerpt of a stored message (parsed only when a decision needs it).
TextLoader = Callable[[Session, MessageRecord], str]


@dataclass(frozen=True)
class RoutingStats:
    routed: int = 0
    diverted: int = 0
    recorded: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Router:
    settings: Settings
    lookup: RegisterLookup
    detect: Detector | None
    load_text: TextLoader
    detect_everyone: bool = False

    def route_pending(
        self, sessions: sessionmaker[Session], now: datetime, limit: int = 200
    ) -> RoutingStats:
        """Route up to ``limit`` unrouted messages, committing them in groups."""
        with sessions() as session:
            query = (
                select(MessageRecord.id)
                .where(MessageRecord.routed_at.is_(None), MessageRecord.status == "parsed")
                .order_by(MessageRecord.id)
                .limit(limit)
            )
            ids = list(session.scalars(query))
        counts = {"routed": 0, "diverted": 0, "recorded": 0, "failed": 0}
        for start in range(0, len(ids), GROUP):
            chunk = ids[start : start + GROUP]
            try:
                outcomes = self._route_group(sessions, chunk, now)
            except Exception:  # one bad message must not hold back the others
                log.warning("message.group_failed size=%d: routing one by one", len(chunk))
                outcomes = [self._route_one(sessions, pk, now) for pk in chunk]
            for outcome in outcomes:
                counts[outcome] += 1
                counts["routed"] += outcome != "failed"
        return RoutingStats(**counts)

    def _route_group(
        self, sessions: sessionmaker[Session], pks: Sequence[int], now: datetime
    ) -> list[str]:
        # One commit for many messages: per-message commits cap SQLite near 1,500/s.
        with sessions() as session, session.begin():
            return [self._route_in(session, pk, now) for pk in pks]

    def _route_one(self, sessions: sessionmaker[Session], pk: int, now: datetime) -> str:
        try:
            with sessions() as session, session.begin():
                return self._route_in(session, pk, now)
        except Exception as exc:  # one bad message must not block the rest
            log.exception("message.routing_failed pk=%s", pk)
            _quarantine(sessions, pk, f"routing failed: {type(exc).__name__}: {exc}")
            return "failed"

    def _route_in(self, session: Session, pk: int, now: datetime) -> str:
        record = _lock_unrouted(session, pk)
        if record is None:
            return "recorded"  # another daemon routed it meanwhile
        token = message_key_var.set(f"{record.source}:{record.source_key}")
        try:
            if self._is_capture(record):
                # A SPOC's reply saved for release, not mail to route: never diverted.
                capture_stored(session, record, now=now, settings=self.settings)
                return "recorded"
            decision, hits = self._decide(session, record, now)
            _record(session, record, decision, hits, now)
        finally:
            message_key_var.reset(token)
        if decision.verdict.value in ("divert", "deliver-and-copy"):
            return "diverted"
        return "recorded"

    def context_for(
        self, session: Session, record: MessageRecord, now: datetime
    ) -> tuple[RoutedMessage, DecisionContext]:
        addresses = _addresses(session, record.id)
        senders = [a for role, a in addresses if role in ("from", "reply-to")]
        matches = self.lookup(session, senders, now) if senders else ()
        text = ""
        if matches or self.detect_everyone:
            text = self.load_text(session, record)
        msg = routed_message(record, addresses, text)
        hits = self.detect(msg, now) if self.detect and (matches or self.detect_everyone) else ()
        contacts = self.settings.contacts
        ctx = DecisionContext(
            now=now,
            matches=matches,
            hits=hits,
            managed_folder=self._managed_folder(record),
            ig_address=contacts.ig_address,
            alert_addresses=contacts.service_alert_addresses,
        )
        return msg, ctx

    def _decide(
        self, session: Session, record: MessageRecord, now: datetime
    ) -> tuple[Decision, tuple[DetectedHit, ...]]:
        msg, ctx = self.context_for(session, record, now)
        decision = decide(msg, ctx)
        # Contact metrics, O(1) upserts in this same transaction: counted exactly once.
        record_message_metrics(
            session,
            record,
            [("to", a) for a in msg.recipients],
            {h.label for h in ctx.hits},
            self.settings,
            text=lambda: msg.text or self.load_text(session, record),
            matches=ctx.matches,
        )
        log.info(
            "message.decided verdict=%s reasons=%s actions=%d",
            decision.verdict.value,
            ",".join(decision.reasons),
            len(decision.actions),
        )
        return decision, ctx.hits

    def _is_capture(self, record: MessageRecord) -> bool:
        mailbox = record.mailbox or record.source.partition("/")[0]
        folder = record.folder or record.source.partition("/")[2]
        return bool(self.settings.capture_owners(mailbox, folder))

    def _managed_folder(self, record: MessageRecord) -> str:
        for mailbox in self.settings.mailboxes:
            if mailbox.name == record.mailbox:
                return mailbox.managed_folder
        return "Managed contact"


def routed_message(
    record: MessageRecord, addresses: Sequence[tuple[str, str]], text: str
) -> RoutedMessage:
    return RoutedMessage(
        key=f"{record.source}:{record.source_key}",
        pk=record.id,
        source=record.source,
        # Ingestion sets both; the source name ("mailbox/folder") is the fallback.
        mailbox=record.mailbox or record.source.partition("/")[0],
        folder=record.folder or record.source.partition("/")[2],
        source_key=record.source_key,
        sender=record.sender,
        sender_name=record.sender_name or "",
        recipients=tuple(a for role, a in addresses if role not in ("from", "reply-to")),
        subject=record.subject,
        received_at=record.received_at,
        text=text,
        authentication_results=record.authentication_results,
        message_id=record.message_id,
    )


def _lock_unrouted(session: Session, pk: int) -> MessageRecord | None:
    query = select(MessageRecord).where(MessageRecord.id == pk, MessageRecord.routed_at.is_(None))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def _addresses(session: Session, pk: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(MessageAddress.role, MessageAddress.address).where(MessageAddress.message_pk == pk)
    )
    return [(role, address) for role, address in rows]


def _record(
    session: Session,
    record: MessageRecord,
    decision: Decision,
    detections: Sequence[DetectedHit],
    now: datetime,
) -> None:
    session.add(
        DecisionRow(
            message_pk=record.id,
            verdict=decision.verdict.value,
            reasons=list(decision.reasons),
            hits=[
                {"step": h.step, "verdict": h.verdict.value, "detail": h.detail}
                for h in decision.hits
            ],
            # What the detectors found, with evidence and deadlines, whatever the verdict.
            detections=[d.as_json() for d in detections],
            decided_at=now,
        )
    )
    for action in decision.actions:
        if isinstance(action, RecordContact):
            session.add(
                CaseContact(
                    case_id=action.case_id,
                    message_pk=action.message_pk,
                    kind=action.kind,
                    recorded_at=now,
                )
            )
    outbox_actions.record_actions(session, decision.actions, now)
    cases = {a.case_id for a in decision.actions if isinstance(a, RecordContact)}
    if cases:
        # Any contact is activity: it restarts the dormant-retention clock (policy, "Retention").
        session.execute(update(Case).where(Case.id.in_(cases)).values(last_activity_on=now.date()))
    record.routed_at = now


def _quarantine(sessions: sessionmaker[Session], pk: int, reason: str) -> None:
    with sessions() as session, session.begin():
        record = session.get(MessageRecord, pk)
        if record is not None:
            record.status = "quarantined"
            record.quarantine_reason = reason[:2000]
