"""foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "leased",
                "done",
                "parked",
                name="outboxstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "not_before", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "leased_until", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("leased_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "done_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_state_not_before", ["state", "not_before"], unique=False)

    op.create_table(
        "raw_messages",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column(
            "stored_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_raw_messages")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_key", sa.String(length=400), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("sender_name", sa.String(length=500), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column(
            "date_header", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "received_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("references", sa.Text(), nullable=True),
        sa.Column("authentication_results", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("quarantine_reason", sa.Text(), nullable=True),
        sa.Column(
            "ingested_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["raw_sha256"],
            ["raw_messages.sha256"],
            name=op.f("fk_messages_raw_sha256_raw_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("source", "source_key", name="uq_messages_source_key"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_message_id", ["message_id"], unique=False)
        batch_op.create_index("ix_messages_sender", ["sender"], unique=False)
        batch_op.create_index("ix_messages_source_raw", ["source", "raw_sha256"], unique=False)

    op.create_table(
        "message_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_pk", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_pk"],
            ["messages.id"],
            name=op.f("fk_message_addresses_message_pk_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_addresses")),
    )
    with op.batch_alter_table("message_addresses", schema=None) as batch_op:
        batch_op.create_index("ix_message_addresses_address", ["address", "role"], unique=False)
        batch_op.create_index("ix_message_addresses_message", ["message_pk"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("message_addresses", schema=None) as batch_op:
        batch_op.drop_index("ix_message_addresses_message")
        batch_op.drop_index("ix_message_addresses_address")

    op.drop_table("message_addresses")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_source_raw")
        batch_op.drop_index("ix_messages_sender")
        batch_op.drop_index("ix_messages_message_id")

    op.drop_table("messages")
    op.drop_table("raw_messages")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state_not_before")

    op.drop_table("outbox")
