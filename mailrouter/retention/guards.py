"""Read what protects stored mail and per-sender data, inside the purging transaction.

All of these sets are small beside the mail (customers, open holds, unfinished
effects, unsent replies, flags under review), so they are read whole, once per
batch, in the transaction that purges: a hold opened or an effect queued before
that transaction began is always seen.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.addresses import try_normalize
from mailrouter.retention.rules import Guards
from mailrouter.store.models.metrics import FlagRow
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.store.models.register import CustomerEmail, LegalHold, Representative
from mailrouter.store.models.replies import HELD, QUEUED, HeldReply

DISMISSED = "dismissed"


def load(session: Session, *, fold_subaddress: bool) -> Guards:
    flags = session.scalars(select(FlagRow.evidence).where(FlagRow.status != DISMISSED))
    return Guards(
        register=frozenset(session.scalars(select(CustomerEmail.normalized))),
        held=held_addresses(session, fold_subaddress=fold_subaddress),
        outbox=_unfinished_outbox(session),
        replies=_unsent_replies(session),
        evidence=frozenset(i for evidence in flags for i in _ints(evidence, "message_ids")),
        fold_subaddress=fold_subaddress,
    )


def held_addresses(session: Session, *, fold_subaddress: bool) -> frozenset[str]:
    """Addresses of customers with an open legal hold, and of those acting for them."""
    held = select(LegalHold.customer_id).where(LegalHold.released_on.is_(None))
    own = session.scalars(
        select(CustomerEmail.normalized).where(CustomerEmail.customer_id.in_(held))
    )
    agents = session.scalars(
        select(Representative.email).where(
            Representative.customer_id.in_(held), Representative.email.is_not(None)
        )
    )
    found = set(own)
    for email in agents:
        address = try_normalize(email or "", fold_subaddress=fold_subaddress)
        if address is not None:
            found.add(address)
    return frozenset(found)


def flag_subjects(session: Session) -> frozenset[str]:
    """Senders a flag under review is about: their counters and traits are its evidence."""
    found: set[str] = set()
    rows = session.execute(
        select(FlagRow.subject, FlagRow.evidence).where(FlagRow.status != DISMISSED)
    )
    for subject, evidence in rows:
        found.add(subject)
        identities = evidence.get("identities") if isinstance(evidence, dict) else None
        if isinstance(identities, list):
            found.update(str(i) for i in identities)
    return frozenset(found)


def flag_contacts(session: Session) -> frozenset[int]:
    """Hand-entered contacts named as evidence by a flag under review."""
    rows = session.scalars(select(FlagRow.evidence).where(FlagRow.status != DISMISSED))
    return frozenset(i for evidence in rows for i in _ints(evidence, "contact_ids"))


def _unfinished_outbox(session: Session) -> frozenset[int]:
    payloads = session.scalars(select(OutboxRow.payload).where(OutboxRow.state != OutboxState.done))
    found: set[int] = set()
    for payload in payloads:
        found.update(_ints(payload, "message_pk"))
        then = payload.get("then") if isinstance(payload, dict) else None
        found.update(_ints(then, "message_pk"))
    return frozenset(found)


def _unsent_replies(session: Session) -> frozenset[int]:
    rows = session.execute(
        select(HeldReply.source_message_pk, HeldReply.replied_message_pk).where(
            HeldReply.state.in_((HELD, QUEUED))
        )
    )
    return frozenset(pk for row in rows for pk in row if pk is not None)


def _ints(container: object, key: str) -> Iterable[int]:
    """Integer ids under ``key`` of a JSON object: one id or a list of them."""
    if not isinstance(container, dict):
        return ()
    value = container.get(key)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
