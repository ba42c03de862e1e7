"""Does a would-be stage 2 signatory already know the customer? Ask the store.

The policy wants a signatory "with no prior knowledge of the customer/issue".
The software cannot know everything a Director knows, but it can refuse one
whom its own records connect to the customer: anyone who sent, received or was
copied on a message together with one of the customer's addresses, and
anyone who already approved a stage for this customer. Representatives'
addresses are deliberately not used: a councillor or MP writes about many
people, and a Director who corresponded with them is not thereby involved.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from mailrouter.store.models.messages import MessageAddress, MessageRecord
from mailrouter.store.models.register import Case, CaseApproval, CustomerEmail

MAX_REPORTED = 5


def prior_involvement(
    session: Session, customer_id: int, approver_email: str, approver_key: str
) -> list[str]:
    """Reasons to refuse this approver as signatory; empty when the records show none."""
    return [
        *_shared_messages(session, customer_id, approver_email),
        *_earlier_approvals(session, customer_id, approver_email, approver_key),
    ]


def _shared_messages(session: Session, customer_id: int, approver_email: str) -> list[str]:
    customer_side = aliased(MessageAddress)
    approver_side = aliased(MessageAddress)
    addresses = select(CustomerEmail.normalized).where(CustomerEmail.customer_id == customer_id)
    query = (
        select(MessageRecord.id, MessageRecord.received_at, approver_side.role)
        .join(customer_side, customer_side.message_pk == MessageRecord.id)
        .join(approver_side, approver_side.message_pk == MessageRecord.id)
        .where(customer_side.address.in_(addresses), approver_side.address == approver_email)
        .order_by(MessageRecord.received_at)
        .distinct()
        .limit(MAX_REPORTED)
    )
    return [
        f"was on the customer's message {pk} of {received:%Y-%m-%d} (as {role})"
        for pk, received, role in session.execute(query)
    ]


def _earlier_approvals(
    session: Session, customer_id: int, approver_email: str, approver_key: str
) -> list[str]:
    same_person = [CaseApproval.approver_email == approver_email]
    if approver_key:
        same_person.append(CaseApproval.approver_key == approver_key)
    query = (
        select(Case.reference, CaseApproval.role, CaseApproval.decided_on)
        .join(Case, Case.id == CaseApproval.case_id)
        .where(Case.customer_id == customer_id, or_(*same_person))
        .order_by(CaseApproval.decided_on)
        .limit(MAX_REPORTED)
    )
    return [
        f"already decided on case {reference} as {role} on {decided:%Y-%m-%d}"
        for reference, role, decided in session.execute(query)
    ]
