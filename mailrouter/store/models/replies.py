"""Replies held for a stage 2 customer's cadence, and each case's batching preference.

A held reply keeps the SPOC's draft as written (``raw``), the customer's message
it answers, and its release date with the reason if the date was brought
forward by a statutory deadline. ``state`` moves ``held -> queued -> sent``
(or ``held -> cancelled``):
queued once an outbox row (kind "reply") exists for it, sent once the relay
accepted it, with the time and the Message-ID it went with.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow

HELD, QUEUED, SENT, CANCELLED = "held", "queued", "sent", "cancelled"


class HeldReply(Base):
    __tablename__ = "held_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Cascade: a deleted case takes its unsent replies with it (they are personal data).
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    spoc_id: Mapped[str] = mapped_column(String(100))
    captured_by: Mapped[str] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(320))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text, default="")
    # The customer's message this answers: its Message-ID and its References chain.
    in_reply_to: Mapped[str | None] = mapped_column(String(998), default=None)
    references: Mapped[str | None] = mapped_column(Text, default=None)
    replied_message_pk: Mapped[int | None] = mapped_column(Integer, default=None)
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    release_on: Mapped[date] = mapped_column(Date)
    early_reason: Mapped[str | None] = mapped_column(Text, default=None)
    state: Mapped[str] = mapped_column(String(20), default=HELD)
    outbox_key: Mapped[str | None] = mapped_column(String(300), default=None)
    queued_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[str | None] = mapped_column(String(998), default=None)
    # The stored message the draft was captured from (a SPOC's capture folder), if any.
    source_message_pk: Mapped[int | None] = mapped_column(Integer, default=None)
    # Why it left when it did: on cadence, early for a statutory deadline, or its case ended.
    release_reason: Mapped[str | None] = mapped_column(Text, default=None)
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # When the copy was appended to the SPOC's Sent folder (None: not configured or not yet).
    sent_copy_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_held_replies_state_release", "state", "release_on"),
        Index("ix_held_replies_case", "case_id"),
    )


class ReplyPreference(Base):
    """Whether a case's replies due on one day go out as one combined message."""

    __tablename__ = "reply_preferences"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    batch: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["CANCELLED", "HELD", "QUEUED", "SENT", "HeldReply", "ReplyPreference"]
