"""The flag queue: flags stored for IG review, and IG's decisions on them.

Design note. A flag is keyed by (subject, kind, period start), unique in the
table, so scanning again updates an open flag's evidence but never reopens one
IG has dismissed, watched or proposed: the same evidence is not raised twice.
Each scan and each decision is one transaction; every decision (and every
viewing of a flag's evidence) is appended to the register's audit chain in the
same transaction. ``propose`` opens a stage 1 (monitoring) case through the
register's own ``people.add_customer``, in the same transaction as the flag's
update, for a manager to approve; nothing here ever opens stage 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.metrics import dormant
from mailrouter.metrics.aliases import alias_flag
from mailrouter.metrics.anomaly import anomaly_flags
from mailrouter.metrics.flags import Flag, evaluate
from mailrouter.metrics.snapshot import load_snapshot
from mailrouter.metrics.upsert import insert_new
from mailrouter.register import audit, people
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models.flags_alias import AliasHit, RecommencedContact
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.metrics import ContactLogEntry, FlagRow
from mailrouter.store.models.register import Case, Customer

STATUSES = ("open", "watching", "dismissed", "proposed")
MAX_EVIDENCE_IDS = 200
URGENT_KINDS = frozenset({dormant.KIND})


@dataclass(frozen=True, slots=True)
class ScanResult:
    raised: int
    updated: int
    unchanged: int


def customer_id_of(subject: str) -> int | None:
    prefix, _, rest = subject.partition(":")
    return int(rest) if prefix == "customer" and rest.isdigit() else None


def scan(
    sessions: sessionmaker[Session], settings: Settings, *, start: date, end: date, now: datetime
) -> ScanResult:
    """Evaluate everyone's counters for ``start``..``end`` and queue what the rules raise."""
    raised = updated = unchanged = 0
    with db.transaction(sessions) as session:
        population = load_snapshot(session, start, end)
        found = [f for m in population for f in evaluate(m, settings.thresholds)]
        window = (start.isoformat(), end.isoformat())
        found += anomaly_flags(population, settings.thresholds.anomaly_quantile, window)
        found += _alias_flags(session, start, end)
        found += _recommenced_flags(session, start, end)
        for flag in found:
            outcome = _store(session, settings, flag, now)
            raised += outcome == "raised"
            updated += outcome == "updated"
            unchanged += outcome == "unchanged"
    return ScanResult(raised, updated, unchanged)


def _customer_label(session: Session, customer_id: int) -> str:
    customer = session.get(Customer, customer_id)
    name = customer.full_name if customer is not None else "(deleted)"
    return f"{name} (customer {customer_id})"


def _alias_flags(session: Session, start: date, end: date) -> list[Flag]:
    query = select(AliasHit).where(AliasHit.last_seen >= start, AliasHit.first_seen <= end)
    return [
        alias_flag(
            hit.sender,
            _customer_label(session, hit.customer_id),
            customer_id=hit.customer_id,
            kinds=tuple(hit.kinds.split(",")),
            evidence=hit.evidence,
            first_seen=hit.first_seen,
            last_seen=hit.last_seen,
            messages=hit.messages,
        )
        for hit in session.scalars(query.order_by(AliasHit.id))
    ]


def _recommenced_flags(session: Session, start: date, end: date) -> list[Flag]:
    query = select(RecommencedContact).where(
        RecommencedContact.last_day >= start, RecommencedContact.first_day <= end
    )
    flags = []
    for row in session.scalars(query.order_by(RecommencedContact.id)):
        case = session.get(Case, row.case_id)
        reference = case.reference if case is not None else str(row.case_id)
        label = _customer_label(session, row.customer_id)
        flags.append(dormant.recommenced_flag(row, label, reference))
    return flags


def _store(session: Session, settings: Settings, flag: Flag, now: datetime) -> str:
    query = select(FlagRow).where(
        FlagRow.subject == flag.subject,
        FlagRow.kind == flag.kind,
        FlagRow.period_start == flag.period_start,
    )
    row = session.scalars(query).first()
    # A flag that names its own messages (a renewed contact) keeps them.
    evidence = {**_message_ids(session, settings, flag), **flag.evidence}
    if row is None:
        # Insert-if-new: a scan running at the same time in another daemon may raise it first.
        inserted = insert_new(
            session,
            FlagRow.__table__,
            subject=flag.subject,
            kind=flag.kind,
            period_start=flag.period_start,
            period_end=flag.period_end,
            value=flag.value,
            threshold=flag.threshold,
            explanation=flag.explanation,
            evidence=evidence,
            status="open",
            urgent=flag.kind in URGENT_KINDS,
            created_at=now,
            updated_at=now,
        )
        return "raised" if inserted else "unchanged"
    # Only an undecided flag follows new evidence; a decision stands for its period.
    if row.status != "open" or row.value == flag.value:
        return "unchanged"
    row.value, row.explanation, row.evidence, row.updated_at = (
        flag.value,
        flag.explanation,
        evidence,
        now,
    )
    return "updated"


def _message_ids(session: Session, settings: Settings, flag: Flag) -> dict[str, object]:
    """The stored messages and logged contacts behind a flag (ids only, no content)."""
    identities = flag.evidence.get("identities")
    senders = [str(i) for i in identities] if isinstance(identities, list) else [flag.subject]
    tz = settings.tz
    since = datetime.combine(flag.period_start, time(), tz)
    until = datetime.combine(flag.period_end + timedelta(days=1), time(), tz)
    messages = select(MessageRecord.id).where(
        MessageRecord.sender.in_(senders),
        MessageRecord.received_at >= since,
        MessageRecord.received_at < until,
    )
    contacts = select(ContactLogEntry.id).where(
        ContactLogEntry.sender.in_(senders),
        ContactLogEntry.at >= since,
        ContactLogEntry.at < until,
    )
    return {
        "message_ids": list(
            session.scalars(messages.order_by(MessageRecord.id).limit(MAX_EVIDENCE_IDS))
        ),
        "contact_ids": list(
            session.scalars(contacts.order_by(ContactLogEntry.id).limit(MAX_EVIDENCE_IDS))
        ),
    }


def list_flags(sessions: sessionmaker[Session], status: str | None = "open") -> list[FlagRow]:
    with sessions() as session:
        # Urgent flags (a dormant customer writing again) first, then oldest first.
        query = select(FlagRow).order_by(FlagRow.urgent.desc(), FlagRow.created_at, FlagRow.id)
        if status is not None:
            query = query.where(FlagRow.status == status)
        return list(session.scalars(query))


def show(sessions: sessionmaker[Session], flag_id: int, *, actor: str, now: datetime) -> FlagRow:
    """A flag with its evidence; the viewing is audited like a register read."""
    with db.transaction(sessions) as session:
        row = _get(session, flag_id)
        _audit(session, row, "flag.viewed", actor, now, before=None)
        return row


def decide(
    sessions: sessionmaker[Session],
    flag_id: int,
    *,
    status: str,
    reason: str,
    actor: str,
    now: datetime,
) -> FlagRow:
    """Dismiss or watch a flag, with IG's reason."""
    if status not in ("dismissed", "watching"):
        raise PolicyError(f"a flag can be dismissed or watched here, not {status!r}")
    if not reason.strip():
        raise PolicyError("give a reason: every decision on a flag is recorded with its reason")
    with db.transaction(sessions) as session:
        row = _get(session, flag_id)
        if row.status in ("dismissed", "proposed"):
            raise PolicyError(f"flag {flag_id} is already {row.status}")
        before = _state(row)
        row.status, row.reason, row.decided_by, row.decided_at = status, reason.strip(), actor, now
        row.updated_at = now
        _audit(session, row, f"flag.{status}", actor, now, before=before)
        return row


def propose(
    sessions: sessionmaker[Session],
    settings: Settings,
    flag_id: int,
    *,
    full_name: str,
    reason: str,
    actor: str,
    now: datetime,
) -> str:
    """Open a stage 1 case from a flag for a manager to approve; returns its reference."""
    if not reason.strip():
        raise PolicyError("give a reason for proposing stage 1")
    register = Register(sessions, settings)
    with db.transaction(sessions) as session:
        row = _get(session, flag_id)
        if row.status in ("dismissed", "proposed"):
            raise PolicyError(f"flag {flag_id} is already {row.status}")
        if customer_id_of(row.subject) is not None:
            raise PolicyError("this customer is already on the register: review their case")
        if row.kind == "possible-alias":
            raise PolicyError(
                "a possible alias is not a new customer: if IG confirm it, add the address"
                " to the existing customer with the register commands"
            )
        ctx = register.context(actor, now)
        identities = people.Identities(emails=(row.subject,))
        note = f"Proposed from flag {row.id} ({row.kind}): {row.explanation}. Reason: {reason}"
        case = people.add_customer(
            session,
            ctx,
            people.NewCustomer(full_name=full_name, identities=identities),
            people.NewCase(stage=CaseStatus.monitoring, opened_on=ctx.today, staff_note=note),
        )
        before = _state(row)
        row.status, row.reason, row.decided_by, row.decided_at = "proposed", reason, actor, now
        row.case_reference, row.updated_at = case.reference, now
        _audit(session, row, "flag.proposed", actor, now, before=before, case_id=case.id)
        return case.reference


def _get(session: Session, flag_id: int) -> FlagRow:
    row = session.get(FlagRow, flag_id)
    if row is None:
        raise PolicyError(f"no flag {flag_id}")
    return row


def _state(row: FlagRow) -> dict[str, object]:
    return {"status": row.status, "reason": row.reason, "case_reference": row.case_reference}


def _audit(
    session: Session,
    row: FlagRow,
    action: str,
    actor: str,
    now: datetime,
    *,
    before: dict[str, object] | None,
    case_id: int | None = None,
) -> None:
    audit.append(
        session,
        actor=actor,
        action=action,
        at=now,
        entity="flag",
        entity_id=row.id,
        customer_id=customer_id_of(row.subject),
        case_id=case_id,
        before=before,
        after={"kind": row.kind, "period_start": row.period_start, **_state(row)},
    )
