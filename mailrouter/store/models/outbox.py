"""The outbox: every effect (an e-mail, an IMAP move, an alert) is a row here first."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow


class OutboxState(enum.StrEnum):
    pending = "pending"
    leased = "leased"
    done = "done"
    parked = "parked"


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique: inserting the same effect twice is a no-op, which makes decisions replayable.
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    state: Mapped[OutboxState] = mapped_column(
        Enum(OutboxState, native_enum=False, length=20), default=OutboxState.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(default=None)
    leased_by: Mapped[str | None] = mapped_column(String(100), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_outbox_state_not_before", "state", "not_before"),)
