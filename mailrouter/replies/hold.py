"""Holding a SPOC's reply until its release date, and turning due replies into outbox rows.

Transactions: ``capture`` writes one ``held_replies`` row in the caller's
transaction. ``release_due`` moves every due reply from ``held`` to ``queued``
and enqueues its outbox row (kind "reply") in the same transaction, so a reply
is never queued without its row nor sent twice by two release runs. The rows it
takes are locked (``FOR UPDATE`` on PostgreSQL; SQLite has one writer at a
time): a concurrent run waits, then finds nothing left to release.

Before anything is released, each held reply's date is checked again against
facts that may have changed since capture (``release_rules``): its case ended
or lapsed, or the customer has an open statutory request. A changed date is
stored with its reason, and every release is audited with why it went.

Idempotency: a reply sent alone has the key ``reply:{id}``; a case that batches
gets one row per release day, keyed by the day and the replies in it. The
Message-ID derives from the key, so a resend after a crash is the same message.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.actions.compose import clean_line, message_id_for
from mailrouter.addresses import try_normalize
from mailrouter.config import Settings
from mailrouter.domain import CaseStatus
from mailrouter.errors import MailrouterError
from mailrouter.replies import audit
from mailrouter.replies.cadence import ReplyTiming, release_by, statutory_deadline_in
from mailrouter.replies.release_rules import CaseFacts, HeldFacts, plan_release
from mailrouter.replies.statutory import STATUTORY_STEP, details_of, open_requests
from mailrouter.store import outbox
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.register import Case, CustomerEmail
from mailrouter.store.models.replies import CANCELLED, HELD, QUEUED, HeldReply, ReplyPreference
from mailrouter.store.models.routing import DecisionRow

log = logging.getLogger(__name__)

REPLY = "reply"
__all__ = ["REPLY", "STATUTORY_STEP", "ReplyError", "cancel", "capture", "release_due"]


class ReplyError(MailrouterError):
    """A reply that cannot be held: no such case, no diversion, no customer address."""


@dataclass(frozen=True, slots=True)
class Released:
    key: str
    case_id: int
    reply_ids: tuple[int, ...]


def capture(
    session: Session,
    *,
    case_reference: str,
    raw: bytes,
    actor: str,
    now: datetime,
    settings: Settings,
    in_reply_to: str | None = None,
    source_message_pk: int | None = None,
) -> HeldReply:
    """Hold ``raw`` (the SPOC's draft) for the case's next release; returns the new row."""
    case = session.scalars(select(Case).where(Case.reference == case_reference)).first()
    if case is None:
        raise ReplyError(f"no case {case_reference!r}")
    if case.status != CaseStatus.stage2.value or case.decision_on is None or not case.spoc_id:
        raise ReplyError(
            f"case {case.reference} has no stage 2 decision with a SPOC: its replies are not held"
        )
    headers = BytesHeaderParser(policy=default_policy).parsebytes(raw)
    wanted = in_reply_to or _message_id(str(headers.get("In-Reply-To", "")))
    customer = set(
        session.scalars(
            select(CustomerEmail.normalized).where(CustomerEmail.customer_id == case.customer_id)
        )
    )
    answered = _customer_message(session, wanted, customer) if wanted else None
    if answered is not None and answered.sender:
        to_address = answered.sender
    else:
        to_address = _customer_recipient(str(headers.get("To", "")), customer)
    deadline = statutory_deadline_in(_statutory_details(session, answered))
    timing = ReplyTiming(
        decision_on=case.decision_on,
        cadence="monthly" if case.reply_cadence == "monthly" else "fortnightly",
        captured_on=now.astimezone(settings.tz).date(),
        nation=settings.general.nation,
    )
    release_on, early_reason = release_by(timing, deadline)
    # A statutory request the draft does not name still bounds it (the law wins).
    plan = plan_release(
        HeldFacts(release_on, early_reason),
        _case_facts(case),
        open_requests(session, [case.id], today=timing.captured_on).get(case.id, []),
        today=timing.captured_on,
        nation=settings.general.nation,
    )
    if plan.release_on != release_on:
        release_on, early_reason = plan.release_on, plan.reason
    reply = HeldReply(
        case_id=case.id,
        spoc_id=case.spoc_id,
        captured_by=actor,
        to_address=to_address,
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        subject=clean_line(str(headers.get("Subject", ""))),
        in_reply_to=answered.message_id if answered else wanted,
        references=_references(answered),
        replied_message_pk=answered.id if answered else None,
        captured_at=now,
        release_on=release_on,
        early_reason=early_reason,
        state=HELD,
        source_message_pk=source_message_pk,
    )
    session.add(reply)
    session.flush()
    audit.record(
        session,
        reply,
        audit.CAPTURED,
        at=now,
        actor=actor,
        early_reason=early_reason,
        in_reply_to=reply.in_reply_to,
        source_message_pk=source_message_pk,
    )
    log.info("reply.held id=%s case=%s release_on=%s", reply.id, case.id, release_on)
    return reply


def set_batching(
    session: Session, case_reference: str, batch: bool, *, actor: str, now: datetime
) -> None:
    case_id = session.scalars(select(Case.id).where(Case.reference == case_reference)).first()
    if case_id is None:
        raise ReplyError(f"no case {case_reference!r}")
    pref = session.get(ReplyPreference, case_id)
    if pref is None:
        session.add(ReplyPreference(case_id=case_id, batch=batch, updated_by=actor, updated_at=now))
    else:
        pref.batch, pref.updated_by, pref.updated_at = batch, actor, now


def cancel(session: Session, reply_id: int, *, actor: str, reason: str, now: datetime) -> HeldReply:
    """Withdraw a held reply before release (a SPOC's or IG's decision, with the reason)."""
    if not reason.strip():
        raise ReplyError("a reason is required to cancel a reply")
    reply = session.get(HeldReply, reply_id)
    if reply is None:
        raise ReplyError(f"no held reply {reply_id}")
    if reply.state != HELD:
        raise ReplyError(f"reply {reply_id} is {reply.state}: only held replies can be cancelled")
    reply.state, reply.cancel_reason = CANCELLED, clean_line(reason, 500)
    audit.record(session, reply, audit.CANCELLED, at=now, actor=actor, reason=reply.cancel_reason)
    log.info("reply.cancelled id=%s case=%s", reply.id, reply.case_id)
    return reply


def release_due(
    session: Session, *, now: datetime, settings: Settings, ended_only: bool = False
) -> list[Released]:
    """Queue every held reply due now; safe to run again for the window.

    ``ended_only`` checks only for cases whose restriction has ended: cheap
    enough for every performer pass, so such replies need not wait for the
    daily run.
    """
    today = now.astimezone(settings.tz).date()
    query = (
        select(HeldReply, Case)
        .join(Case, Case.id == HeldReply.case_id)
        .where(HeldReply.state == HELD)
        .order_by(HeldReply.case_id, HeldReply.id)
    )
    if ended_only:
        query = query.where(
            (Case.status != CaseStatus.stage2.value)
            | (Case.expires_on.is_not(None) & (Case.expires_on < today))
        )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=HeldReply)
    held = [(row[0], row[1]) for row in session.execute(query)]
    requests = {} if ended_only else open_requests(session, {c.id for _, c in held}, today=today)
    due: list[HeldReply] = []
    reasons: dict[int, str] = {}
    for reply, case in held:
        plan = plan_release(
            HeldFacts(reply.release_on, reply.early_reason),
            _case_facts(case),
            requests.get(case.id, []),
            today=today,
            nation=settings.general.nation,
        )
        if plan.release_on != reply.release_on:
            # Kept so `replies list` and the audit show the new date and why.
            reply.release_on, reply.early_reason = plan.release_on, plan.reason
        if plan.due(today):
            due.append(reply)
            reasons[reply.id] = plan.reason
    batching = set(
        session.scalars(select(ReplyPreference.case_id).where(ReplyPreference.batch.is_(True)))
    )
    released = []
    for group in _groups(due, batching):
        released.append(_queue(session, group, today=today, now=now, settings=settings))
        for reply in group:
            reply.release_reason = reasons[reply.id]
            audit.record(
                session,
                reply,
                audit.RELEASED,
                at=now,
                reason=reasons[reply.id],
                outbox_key=released[-1].key,
                message_id=reply.message_id,
            )
    return released


def _case_facts(case: Case) -> CaseFacts:
    return CaseFacts(case.status, case.expires_on, case.closed_on)


def _groups(due: Sequence[HeldReply], batching: set[int]) -> list[list[HeldReply]]:
    groups: list[list[HeldReply]] = []
    for reply in due:
        previous = groups[-1][0] if groups else None
        # Batched replies share one message only when they go to the same address.
        same = (
            previous is not None
            and reply.case_id in batching
            and previous.case_id == reply.case_id
            and previous.to_address == reply.to_address
        )
        if same:
            groups[-1].append(reply)
        else:
            groups.append([reply])
    return groups


def _queue(
    session: Session, group: list[HeldReply], *, today: date, now: datetime, settings: Settings
) -> Released:
    ids = tuple(reply.id for reply in group)
    first = group[0]
    if len(ids) == 1:
        key = f"reply:{first.id}"
    else:
        digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
        key = f"reply:case{first.case_id}:{today.isoformat()}:{digest}"
    message_id = message_id_for(key, settings.smtp.from_address)
    payload: dict[str, object] = {
        "reply_ids": list(ids),
        "case_id": first.case_id,
        "to": first.to_address,
        "message_id": message_id,
        # Fixed here so a resend after a crash is byte-for-byte the same message.
        "date": now.isoformat(),
    }
    outbox.enqueue(session, key=key, kind=REPLY, payload=payload, now=now)
    for reply in group:
        reply.state, reply.outbox_key = QUEUED, key
        reply.queued_at, reply.message_id = now, message_id
    session.flush()
    log.info("reply.queued key=%s case=%s replies=%d", key, first.case_id, len(ids))
    return Released(key, first.case_id, ids)


def _message_id(value: str) -> str | None:
    value = value.strip()
    start, end = value.find("<"), value.find(">")
    if 0 <= start < end:
        return value[start : end + 1]
    return value or None


def _customer_message(
    session: Session, message_id: str, customer: set[str]
) -> MessageRecord | None:
    query = (
        select(MessageRecord)
        .where(MessageRecord.message_id == message_id, MessageRecord.sender.in_(sorted(customer)))
        .order_by(MessageRecord.id.desc())
    )
    return session.scalars(query).first()


def _customer_recipient(to_header: str, customer: set[str]) -> str:
    for _name, address in getaddresses([to_header]):
        normalized = try_normalize(address)
        if normalized is not None and normalized in customer:
            return normalized
    raise ReplyError(
        "the reply answers no stored message from this customer and is not addressed to them"
    )


def _statutory_details(session: Session, answered: MessageRecord | None) -> list[str]:
    if answered is None:
        return []
    decision = session.scalars(
        select(DecisionRow).where(DecisionRow.message_pk == answered.id)
    ).first()
    return [] if decision is None else details_of(decision.hits)


def _references(answered: MessageRecord | None) -> str | None:
    if answered is None or not answered.message_id:
        return None
    earlier = (answered.references or "").split()
    return " ".join([*earlier[-10:], answered.message_id])
