"""What was decided about each message, and the contacts recorded against cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow


class DecisionRow(Base):
    """One per message: the verdict, the steps that hit and why; replayable by `explain`."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_pk: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    verdict: Mapped[str] = mapped_column(String(30))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # Each hit as {"step", "verdict", "detail"}; detector hits as {"label", "confidence", ...}.
    hits: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    detections: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseContact(Base):
    """A message recorded against a register case: diverted, copied, evidence, recommenced.

    Diverted mail must be read: ``read_at``/``read_by`` record the SPOC's acknowledgement.
    """

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    read_by: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        UniqueConstraint("message_pk", "case_id", "kind", name="uq_case_contacts_message_case"),
        Index("ix_case_contacts_case", "case_id", "kind"),
    )
