"""retention of stored mail and sender traits

Revision ID: 0010_retention
Revises: 0009_replies_capture
Create Date: 2026-11-29

``purged_at`` marks a message tombstone and a raw row whose bytes were erased;
the indexes serve the retention job's queries (old unpurged mail, quarantined
mail by age, references to a hash, old per-sender rows).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0010_retention"
down_revision = "0009_replies_capture"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime

INDEXES = (
    ("ix_raw_messages_purged_at", "raw_messages", ["purged_at"]),
    ("ix_messages_purged_received", "messages", ["purged_at", "received_at"]),
    ("ix_messages_status_ingested", "messages", ["status", "ingested_at"]),
    ("ix_messages_raw_sha256", "messages", ["raw_sha256"]),
    ("ix_sender_week_recipients_week", "sender_week_recipients", ["week"]),
    ("ix_contact_log_at", "contact_log", ["at"]),
    ("ix_sender_traits_last_seen", "sender_traits", ["last_seen"]),
    ("ix_sender_fingerprints_day", "sender_fingerprints", ["day"]),
)


def upgrade() -> None:
    # A nullable column needs no table rebuild on SQLite.
    for name in ("raw_messages", "messages"):
        op.add_column(name, sa.Column("purged_at", UTC_DATETIME(timezone=True), nullable=True))
    for index, name, columns in INDEXES:
        op.create_index(index, name, columns)


def downgrade() -> None:
    for index, name, _ in reversed(INDEXES):
        op.drop_index(index, table_name=name)
    for name in ("messages", "raw_messages"):
        with op.batch_alter_table(name) as batch:
            batch.drop_column("purged_at")
