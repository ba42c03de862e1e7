"""Ingestion state: one row per watched (mailbox, folder) with its cursor and health.

The cursor (``uidvalidity``, ``last_uid``, ``highestmodseq``) is written in the
same transaction as the messages it covers, so after any crash the cursor and
the stored messages agree. The health fields are what ``mailrouter status``
shows and what raises the "mailbox unhealthy" alert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow


class MailboxState(Base):
    __tablename__ = "mailbox_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(500))
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit, MODSEQ 63-bit: BigInteger for all.
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger, default=None)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    highestmodseq: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # "new" (never synced), "ok" or "failing".
    status: Mapped[str] = mapped_column(String(20), default="new")
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # When the current run of failures began; cleared by the next success.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    # When the current run of failures was reported to people (one alert per run).
    alerted_at: Mapped[datetime | None] = mapped_column(default=None)
    messages_stored: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates_skipped: Mapped[int] = mapped_column(BigInteger, default=0)
    resyncs: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("mailbox", "folder", name="uq_mailbox_state_folder"),)
