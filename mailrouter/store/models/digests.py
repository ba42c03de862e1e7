"""Daily digests sent: one row per recipient per local day, the guard for sending once.

The row is inserted in the same transaction as the digest's outbox row, and the
unique (recipient kind, recipient id, local date) constraint makes a second
attempt that day (a restart, a second daemon, a repeated CLI run) insert nothing.
``recipient_id`` is the SPOC whose customers the digest covers (even when it is
addressed to their deputy) or "ig" for the IG summary; ``raw`` is the message
exactly as it is sent, so a retried send repeats it byte for byte, and is
emptied once the relay has accepted it (it names customers).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow

SPOC, IG = "spoc", "ig"


class DigestSend(Base):
    __tablename__ = "digest_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[str] = mapped_column(String(100))
    local_date: Mapped[date] = mapped_column(Date)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(998))
    outbox_key: Mapped[str] = mapped_column(String(300))
    items: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint(
            "recipient_kind", "recipient_id", "local_date", name="uq_digest_sends_recipient_day"
        ),
    )


__all__ = ["IG", "SPOC", "DigestSend"]
