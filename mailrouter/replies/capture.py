"""Capturing a SPOC's reply from mail: find its case, hold it, or bounce it back to the SPOC.

A SPOC replies by sending to the capture address (or saving into a watched
folder). The case is found from, in order:

1. the case reference in the subject, as the cover note writes it:
   ``Re: [Managed contact MC-2026-0001] Repairs``;
2. the In-Reply-To (or References) naming the cover note: each forward's
   Message-ID derives from its outbox key, so the SPOC's recent forwards are
   matched against it, which also names the customer message being answered.

Only a configured SPOC's mail is captured, and only for a case they are the
SPOC or deputy of. Anything else from a SPOC goes back to them (outbox kind
"reply-bounce", keyed by the draft's hash so a re-delivered draft bounces once)
saying why, so a reply is never silently lost; mail from anyone else is left
alone, since answering forged senders would be backscatter. The exception is a
SPOC's own capture folder: whatever is saved there is theirs, so a draft with
a From that is not a SPOC's goes back to that folder's owner.

``capture_stored`` is the router's path for a message stored from a capture
folder: it is captured (never diverted or forwarded), decided as "none" with
the outcome as its reason, and moved out of the capture folder through the
outbox (to the queued folder when held, the rejected one when bounced) so the
SPOC can see it was taken.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.actions.compose import clean_line, message_id_for
from mailrouter.actions.payloads import payload_of
from mailrouter.addresses import try_normalize
from mailrouter.config import Settings, SpocSettings
from mailrouter.domain import MoveToFolder, Verdict
from mailrouter.rawstore import from_settings
from mailrouter.replies import audit, hold
from mailrouter.store import outbox
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.outbox import OutboxRow
from mailrouter.store.models.register import Case
from mailrouter.store.models.routing import CaseContact, DecisionRow

log = logging.getLogger(__name__)

BOUNCE = "reply-bounce"
# The outbox key of the bounce for a draft quarantined in a capture folder (``quarantined``).
QUARANTINE_BOUNCE = f"{BOUNCE}:quarantined:"
TAG = re.compile(r"\[Managed contact ([A-Za-z0-9][A-Za-z0-9/_.-]{0,39})\]\s*", re.IGNORECASE)
# How many of the SPOC's latest forwards are searched for a cover note's Message-ID.
RECENT_FORWARDS = 5000
MESSAGE_ID = re.compile(r"<[^<>\s]{1,990}>")
# The newest References entries looked at; older ones are the customer's own thread.
MAX_REFERENCES = 20


@dataclass(frozen=True, slots=True)
class CaptureResult:
    held_id: int | None
    bounced: bool
    reason: str
    spoc: SpocSettings | None = None


def case_reference_in(subject: str) -> str | None:
    found = TAG.search(subject)
    return found[1] if found else None


def capture_stored(
    session: Session, record: MessageRecord, *, now: datetime, settings: Settings
) -> CaptureResult:
    """Capture a message stored from a SPOC's capture folder, in the router's transaction."""
    mailbox = record.mailbox or record.source.partition("/")[0]
    folder = record.folder or record.source.partition("/")[2]
    owners = settings.capture_owners(mailbox, folder)
    if _bounced_while_quarantined(session, record.id):
        # Parsed again after its owner was told it was NOT held (and it was moved to
        # "Not held"): holding it now would contradict that, so it stays not held.
        result = CaptureResult(None, False, "already returned to its owner while quarantined")
    else:
        raw = from_settings(settings).get(session, record.raw_sha256)
        result = capture_mail(
            session, raw, now=now, settings=settings, owners=owners, source_message_pk=record.id
        )
    session.add(
        DecisionRow(
            message_pk=record.id,
            verdict=Verdict.none.value,
            reasons=[f"reply capture: {result.reason}"],
            hits=[],
            decided_at=now,
        )
    )
    if owners and (result.held_id is not None or result.bounced):
        # The folder's owner says where its drafts go (a deputy may save into it too).
        owner = next((o for o in owners if o == result.spoc), owners[0])
        target = owner.queued_folder if result.held_id else owner.rejected_folder
        move = MoveToFolder(
            message_key=f"{record.source}:{record.source_key}",
            message_pk=record.id,
            mailbox=mailbox,
            folder=folder,
            source_key=record.source_key,
            message_id=record.message_id,
            target=target,
        )
        kind, payload = payload_of(move)
        outbox.enqueue(session, key=move.idempotency_key, kind=kind, payload=payload, now=now)
    record.routed_at = now
    return result


def _bounced_while_quarantined(session: Session, message_pk: int) -> bool:
    key = f"{QUARANTINE_BOUNCE}{message_pk}"
    found = session.scalars(select(OutboxRow.id).where(OutboxRow.idempotency_key == key))
    return found.first() is not None


def capture_mail(
    session: Session,
    raw: bytes,
    *,
    now: datetime,
    settings: Settings,
    owners: tuple[SpocSettings, ...] = (),
    source_message_pk: int | None = None,
) -> CaptureResult:
    """Hold the reply in ``raw`` (mail to the capture address) or bounce it to its SPOC.

    ``owners`` are the SPOCs whose capture folder ``raw`` was saved in, if any.
    """
    headers = BytesHeaderParser(policy=default_policy).parsebytes(raw)
    sender = try_normalize(parseaddr(str(headers.get("From", "")))[1])
    spoc = next((s for s in settings.spocs if try_normalize(s.email) == sender), None)
    subject = str(headers.get("Subject", ""))
    if spoc is None and len(owners) == 1:
        return _bounce(
            session,
            raw,
            owners[0],
            subject,
            now=now,
            reason="its From address is not a configured SPOC's, so it cannot be sent as a reply",
        )
    if spoc is None:
        log.warning("reply.capture_ignored reason=not-a-spoc")
        return CaptureResult(None, False, "not from a configured SPOC")
    reference = case_reference_in(subject)
    answered: str | None = None
    thread = f"{headers.get('In-Reply-To', '')} {headers.get('References', '')}"
    cover = _cover_note(session, thread, spoc, settings)
    if cover is not None:
        reference, answered = reference or cover[0], cover[1]
    if reference is None:
        return _bounce(session, raw, spoc, subject, now=now, reason="no case reference was found")
    case = session.scalars(select(Case).where(Case.reference == reference)).first()
    if case is None or spoc.id not in (case.spoc_id, case.deputy_spoc_id):
        return _bounce(
            session, raw, spoc, subject, now=now, reason=f"you are not the SPOC for {reference}"
        )
    answered = answered or _latest_diverted(session, case.id)
    try:
        reply = hold.capture(
            session,
            case_reference=reference,
            raw=raw,
            actor=spoc.id,
            now=now,
            settings=settings,
            in_reply_to=answered,
            source_message_pk=source_message_pk,
        )
    except hold.ReplyError as exc:
        return _bounce(session, raw, spoc, subject, now=now, reason=str(exc))
    # The capture tag is for mailrouter; the customer sees the subject without it.
    reply.subject = clean_line(TAG.sub("", subject)) or reply.subject
    return CaptureResult(reply.id, False, f"held for {reply.release_on.isoformat()}", spoc)


def _cover_note(
    session: Session, thread: str, spoc: SpocSettings, settings: Settings
) -> tuple[str, str | None] | None:
    """(case reference, customer Message-ID) of a forward that ``thread`` names, if any.

    ``thread`` is the draft's In-Reply-To and References: a client that drops
    In-Reply-To (or a reply to a reply) still carries the cover note in References.
    """
    wanted = set(MESSAGE_ID.findall(thread)[-MAX_REFERENCES:])
    if not wanted:
        return None
    rows = session.execute(
        select(OutboxRow.idempotency_key, OutboxRow.payload)
        .where(OutboxRow.kind == "forward")
        .order_by(OutboxRow.id.desc())
        .limit(RECENT_FORWARDS)
    ).all()
    for key, payload in rows:
        if payload.get("to") != spoc.email:
            continue
        if message_id_for(key, settings.smtp.from_address) not in wanted:
            continue
        case_id, message_pk = payload.get("case_id"), payload.get("message_pk")
        reference = session.scalars(select(Case.reference).where(Case.id == case_id)).first()
        if reference is None:
            return None
        message_id = session.scalars(
            select(MessageRecord.message_id).where(MessageRecord.id == message_pk)
        ).first()
        return reference, message_id
    return None


def _latest_diverted(session: Session, case_id: int) -> str | None:
    query = (
        select(MessageRecord.message_id)
        .join(CaseContact, CaseContact.message_pk == MessageRecord.id)
        .where(CaseContact.case_id == case_id, MessageRecord.message_id.is_not(None))
        .order_by(MessageRecord.received_at.desc(), MessageRecord.id.desc())
    )
    return session.scalars(query).first()


def _bounce(
    session: Session, raw: bytes, spoc: SpocSettings, subject: str, *, now: datetime, reason: str
) -> CaptureResult:
    digest = hashlib.sha256(raw).hexdigest()
    key = f"{BOUNCE}:{digest}"
    payload: dict[str, object] = {
        "to": spoc.email,
        "subject": clean_line(subject),
        "reason": clean_line(reason, 300),
        "date": now.isoformat(),
    }
    if outbox.enqueue(session, key=key, kind=BOUNCE, payload=payload, now=now):
        audit.record_bounce(
            session, spoc_id=spoc.id, draft_sha256=digest, reason=clean_line(reason, 300), at=now
        )
    log.info("reply.bounced spoc=%s reason=%s", spoc.id, clean_line(reason, 120))
    return CaptureResult(None, True, reason, spoc)
