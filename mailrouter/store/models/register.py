"""The managed contact register: customers, their identities, cases, decisions, audit.

Calendar facts (decision, notice, review, expiry, dormancy) are ``date`` columns:
the policy counts in calendar months and days, never in instants. The few
columns the router reads for every message (``status``, ``diversion_from``,
``expires_on``, ``spoc_id``, ``reply_cadence``) are kept on ``cases`` by the
service, so ``queries.active_diversion_for`` is one indexed join.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow

_CUSTOMER_FK = "customers.id"
_CASE_FK = "cases.id"


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300))
    postal_address: Mapped[str | None] = mapped_column(Text, default=None)
    # Exempt from the 24-month deletion of dormant cases (policy, "Retention").
    pre_policy: Mapped[bool] = mapped_column(Boolean, default=False)
    repeated_history: Mapped[bool] = mapped_column(Boolean, default=False)
    # Staff-only: redacted from a subject access export.
    staff_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerEmail(Base):
    """An address the customer writes from; ``normalized`` is the matching key."""

    __tablename__ = "customer_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(500))
    # Unique: one address never leads to two people, so a diversion is unambiguous.
    normalized: Mapped[str] = mapped_column(String(320), unique=True)
    added_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_customer_emails_customer", "customer_id"),)


class CustomerAlias(Base):
    """Another name or a phone number the customer uses (``kind`` "name" or "phone")."""

    __tablename__ = "customer_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_customer_aliases_customer", "customer_id"),
        Index("ix_customer_aliases_kind_normalized", "kind", "normalized"),
    )


class Representative(Base):
    """Someone acting for the customer (advocate, solicitor, councillor, MP): never matched."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(50), default=None)

    __table_args__ = (Index("ix_representatives_customer", "customer_id"),)


class Case(Base):
    """One managed contact arrangement; at most one live case per customer.

    ``round`` counts entries into a stage (opening, escalation, reintroduction):
    approvals and notices belong to a round, so an old decision never makes a
    new stage effective.
    """

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer, default=1)
    opened_on: Mapped[date] = mapped_column(Date)
    round_started_on: Mapped[date] = mapped_column(Date)
    extreme_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Why the case last changed status (escalation, closure, reintroduction).
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)
    spoc_id: Mapped[str | None] = mapped_column(String(100), default=None)
    deputy_spoc_id: Mapped[str | None] = mapped_column(String(100), default=None)
    measures: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    divert_email: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_cadence: Mapped[str | None] = mapped_column(String(20), default=None)
    decision_on: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    notified_on: Mapped[date | None] = mapped_column(Date, default=None)
    diversion_from: Mapped[date | None] = mapped_column(Date, default=None)
    last_review_on: Mapped[date | None] = mapped_column(Date, default=None)
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    dormant_since: Mapped[date | None] = mapped_column(Date, default=None)
    last_activity_on: Mapped[date | None] = mapped_column(Date, default=None)
    staff_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_cases_customer", "customer_id"),
        Index("ix_cases_status", "status"),
    )


class CaseApproval(Base):
    """One approval or rejection by one officer in one round of a case."""

    __tablename__ = "case_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey(_CASE_FK, ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(30))
    approver_name: Mapped[str] = mapped_column(String(300))
    # Normalised address; null only for decisions imported from a legacy register.
    approver_email: Mapped[str | None] = mapped_column(String(320), default=None)
    # Casefolded name, so an earlier approver is found even without an address.
    approver_key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(30), default=None)
    approved: Mapped[bool] = mapped_column(Boolean)
    decided_on: Mapped[date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text, default="")
    staff_note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_case_approvals_case_round", "case_id", "round"),
        Index("ix_case_approvals_approver_email", "approver_email"),
        Index("ix_case_approvals_approver_key", "approver_key"),
    )


class CaseNotice(Base):
    """A letter or e-mail telling the customer of a stage, a review outcome or closure."""

    __tablename__ = "case_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey(_CASE_FK, ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_case_notices_case", "case_id"),)


class CaseReview(Base):
    __tablename__ = "case_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey(_CASE_FK, ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    reviewed_on: Mapped[date] = mapped_column(Date)
    considered: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text, default="")
    previous_expiry: Mapped[date | None] = mapped_column(Date, default=None)
    new_expiry: Mapped[date | None] = mapped_column(Date, default=None)
    reviewers: Mapped[str] = mapped_column(Text, default="")
    staff_note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_case_reviews_case", "case_id"),)


class LegalHold(Base):
    """An open FOI/EIR/SAR request, complaint, Ombudsman case or litigation about the person."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (Index("ix_legal_holds_customer", "customer_id"),)


class DeletionTombstone(Base):
    """What is left of a deleted case: ids, dates and the reason; no personal data."""

    __tablename__ = "deletion_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, unique=True)
    customer_id: Mapped[int] = mapped_column(Integer)
    case_reference: Mapped[str] = mapped_column(String(40))
    opened_on: Mapped[date] = mapped_column(Date)
    dormant_since: Mapped[date | None] = mapped_column(Date, default=None)
    deleted_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """One change or read, chained to the previous row by hash (see register/audit.py)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(60))
    # Plain integers, not foreign keys: the rows outlive a deleted customer.
    customer_id: Mapped[int | None] = mapped_column(Integer, default=None)
    case_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # {"before": ..., "after": ...}; nulled (and ``redacted_at`` set) when the case is deleted.
    payload: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True), default=None)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)
    redacted_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_audit_log_case", "case_id"),
        Index("ix_audit_log_customer", "customer_id"),
    )


class AuditHead(Base):
    """The single row naming the chain's last link; locking it serialises appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    row_hash: Mapped[str] = mapped_column(String(64))


__all__ = [
    "AuditHead",
    "AuditRow",
    "Case",
    "CaseApproval",
    "CaseNotice",
    "CaseReview",
    "Customer",
    "CustomerAlias",
    "CustomerEmail",
    "DeletionTombstone",
    "LegalHold",
    "Representative",
]
