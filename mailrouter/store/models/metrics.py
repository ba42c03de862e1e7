"""Per-sender contact counters, hand-entered contacts, and the flag queue.

The counters are maintained by upserts as each message is routed (see
``mailrouter.metrics.record``), so reading a sender's history never scans mail.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow


class SenderDay(Base):
    """One sender's contacts on one calendar day in the council's time zone."""

    __tablename__ = "sender_days"

    sender: Mapped[str] = mapped_column(String(320), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    # Contacts entered by hand (phone, counter, letter, web form, social media).
    manual: Mapped[int] = mapped_column(Integer, default=0)
    senior: Mapped[int] = mapped_column(Integer, default=0)
    out_of_hours: Mapped[int] = mapped_column(Integer, default=0)
    abusive: Mapped[int] = mapped_column(Integer, default=0)
    while_open: Mapped[int] = mapped_column(Integer, default=0)
    # Messages the detectors read as a new complaint or an escalation.
    complaints: Mapped[int] = mapped_column(Integer, default=0)
    # Messages that repeat one of the sender's recent messages almost word for word.
    near_duplicates: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_sender_days_day", "day"),)


class SenderWeekRecipient(Base):
    """Who a sender wrote to in a week (Monday start): its row count is the distinct staff."""

    __tablename__ = "sender_week_recipients"

    sender: Mapped[str] = mapped_column(String(320), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)

    # Retention deletes old weeks.
    __table_args__ = (Index("ix_sender_week_recipients_week", "week"),)


class ContactLogEntry(Base):
    """A contact that did not arrive by e-mail, entered by an officer."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    recipient: Mapped[str | None] = mapped_column(String(320), default=None)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_contact_log_sender_at", "sender", "at"),
        Index("ix_contact_log_at", "at"),
    )


class FlagRow(Base):
    """A flag for IG review, keyed by (subject, kind, period) so a decision sticks."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A normalised address, or "customer:<id>" for a register customer's identities together.
    subject: Mapped[str] = mapped_column(String(340))
    kind: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # "open", "watching", "dismissed" or "proposed"; only IG moves it on.
    status: Mapped[str] = mapped_column(String(20), default="open")
    # Listed first: a dormant customer's renewed contact needs IG's consideration now.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    case_reference: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("subject", "kind", "period_start", name="uq_flags_subject_kind_period"),
        Index("ix_flags_status", "status"),
    )
