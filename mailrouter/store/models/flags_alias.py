"""Small indexed tables behind the alias, near-duplicate and renewed-contact flags.

Each is written by the router as a message is counted, by key (never by scanning
history): traits by (kind, key), fingerprints in a fixed ring per sender, one
writing profile per register customer, and one row per suspected alias or
renewed contact, which ``flags scan`` turns into flags.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base

_CUSTOMER_FK = "customers.id"


class SenderTrait(Base):
    """A phone number, normalised name or signature hash seen in a sender's own words."""

    __tablename__ = "sender_traits"

    sender: Mapped[str] = mapped_column(String(320), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        Index("ix_sender_traits_kind_key", "kind", "key"),
        Index("ix_sender_traits_last_seen", "last_seen"),
    )


class SenderFingerprint(Base):
    """One of a sender's recent message vectors, in a ring of fixed size (``slot``)."""

    __tablename__ = "sender_fingerprints"

    sender: Mapped[str] = mapped_column(String(320), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Increases with every fingerprint the sender gets: the lowest is overwritten next.
    seq: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    day: Mapped[date] = mapped_column(Date)
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_sender_fingerprints_day", "day"),)


class WritingProfile(Base):
    """The mean character n-gram vector of a register customer's own mail (bounded size)."""

    __tablename__ = "writing_profiles"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"), primary_key=True
    )
    messages: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class AliasHit(Base):
    """A sender outside the register whose mail looks like a register customer's."""

    __tablename__ = "alias_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(320))
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    # Sorted evidence kinds ("name", "phone", "signature", "writing") and their details.
    kinds: Mapped[str] = mapped_column(String(60))
    evidence: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    messages: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        UniqueConstraint("sender", "customer_id", name="uq_alias_hits_sender_customer"),
        Index("ix_alias_hits_last_seen", "last_seen"),
    )


class RecommencedContact(Base):
    """Mail from a customer whose case is dormant: one row per case and dormancy."""

    __tablename__ = "recommenced_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey(_CUSTOMER_FK, ondelete="CASCADE"))
    # The case's dormancy start: a later dormancy of the same case is a new row.
    dormant_since: Mapped[date] = mapped_column(Date)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    messages: Mapped[int] = mapped_column(Integer, default=1)
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    __table_args__ = (
        UniqueConstraint("case_id", "dormant_since", name="uq_recommenced_case_since"),
        Index("ix_recommenced_last_day", "last_day"),
    )
