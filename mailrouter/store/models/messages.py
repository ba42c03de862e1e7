"""Stored mail: raw bytes once by hash, a parsed record per (source, key), and its addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mailrouter.store.models.base import Base, utcnow


class RawMessage(Base):
    """The bytes as received, stored once whatever mailboxes they arrived in."""

    __tablename__ = "raw_messages"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    # Null when the raw store is the filesystem (the file is named by the hash).
    data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by retention when the bytes were erased; the row stays for the tombstones' hash.
    purged_at: Mapped[datetime | None] = mapped_column(default=None)

    # Only erased rows are ever looked up: a new row writes no entry.
    __table_args__ = (
        Index(
            "ix_raw_messages_purged_at",
            "purged_at",
            sqlite_where=text("purged_at IS NOT NULL"),
            postgresql_where=text("purged_at IS NOT NULL"),
        ),
    )


class MessageRecord(Base):
    """One message as seen in one source (mailbox folder)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    # Stable within the source: "{uidvalidity}:{uid}" for IMAP, an ItemId for Exchange.
    source_key: Mapped[str] = mapped_column(String(400))
    raw_sha256: Mapped[str] = mapped_column(ForeignKey("raw_messages.sha256"))
    message_id: Mapped[str | None] = mapped_column(String(998), default=None)
    sender: Mapped[str | None] = mapped_column(String(320), default=None)
    sender_name: Mapped[str | None] = mapped_column(String(500), default=None)
    subject: Mapped[str] = mapped_column(Text, default="")
    date_header: Mapped[datetime | None] = mapped_column(default=None)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    in_reply_to: Mapped[str | None] = mapped_column(Text, default=None)
    references: Mapped[str | None] = mapped_column(Text, default=None)
    authentication_results: Mapped[str | None] = mapped_column(Text, default=None)
    size: Mapped[int] = mapped_column(Integer, default=0)
    attachments: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    # "parsed" or "quarantined"; a quarantined row keeps its reason and can be retried.
    status: Mapped[str] = mapped_column(String(20), default="parsed")
    quarantine_reason: Mapped[str | None] = mapped_column(Text, default=None)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added by ingestion (0003): the configured mailbox and folder a message arrived in
    # (``source`` is "{mailbox}/{folder}"), a hash of the body alone so a re-delivered
    # copy with new headers is recognised, routing-relevant headers, the parse time.
    mailbox: Mapped[str | None] = mapped_column(String(200), default=None)
    folder: Mapped[str | None] = mapped_column(String(500), default=None)
    body_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    parse_ms: Mapped[float | None] = mapped_column(Float, default=None)
    # Null until the router has decided about the message (``routed_at IS NULL`` = to do).
    routed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set by retention (status "purged"): a tombstone keeping only what dedupe needs.
    purged_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_messages_source_key"),
        Index("ix_messages_sender", "sender"),
        # Also ingestion's dedupe within a mailbox (a hash or Message-ID is nearly unique).
        Index("ix_messages_message_id", "message_id"),
        Index("ix_messages_routed_at", "routed_at"),
        # Retention: old mail not yet purged, quarantined mail by age, raw bytes by hash.
        Index("ix_messages_purged_received", "purged_at", "received_at"),
        Index("ix_messages_status_ingested", "status", "ingested_at"),
        Index("ix_messages_raw_sha256", "raw_sha256"),
    )


class MessageAddress(Base):
    """Every address on a message, normalised, so "who wrote to whom" is one indexed join."""

    __tablename__ = "message_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    # "from", "to", "cc", "bcc", "reply-to" or "envelope-to".
    role: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(500), default=None)

    __table_args__ = (
        Index("ix_message_addresses_address", "address", "role"),
        Index("ix_message_addresses_message", "message_pk"),
    )
