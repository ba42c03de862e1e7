"""ingest: per-folder cursor and health; ingestion columns on messages

Revision ID: 0003_ingest
Revises: 0002_register
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0003_ingest"
down_revision = "0002_register"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "mailbox_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=200), nullable=False),
        sa.Column("folder", sa.String(length=500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("highestmodseq", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_success_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("alerted_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("messages_stored", sa.BigInteger(), nullable=False),
        sa.Column("duplicates_skipped", sa.BigInteger(), nullable=False),
        sa.Column("resyncs", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_state")),
        sa.UniqueConstraint("mailbox", "folder", name="uq_mailbox_state_folder"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailbox", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("folder", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("body_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("parse_ms", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("routed_at", UTC_DATETIME(timezone=True), nullable=True))
        batch_op.create_index("ix_messages_mailbox_raw", ["mailbox", "raw_sha256"], unique=False)
        batch_op.create_index(
            "ix_messages_mailbox_message_id", ["mailbox", "message_id"], unique=False
        )
        batch_op.create_index("ix_messages_routed_at", ["routed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_routed_at")
        batch_op.drop_index("ix_messages_mailbox_message_id")
        batch_op.drop_index("ix_messages_mailbox_raw")
        for column in ("routed_at", "parse_ms", "headers", "body_sha256", "folder", "mailbox"):
            batch_op.drop_column(column)
    op.drop_table("mailbox_state")
