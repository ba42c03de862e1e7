"""replies: held replies and each case's batching preference

Revision ID: 0006_replies
Revises: 0005_metrics
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0006_replies"
down_revision = "0005_metrics"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "held_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("spoc_id", sa.String(length=100), nullable=False),
        sa.Column("captured_by", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=998), nullable=True),
        sa.Column("references", sa.Text(), nullable=True),
        sa.Column("replied_message_pk", sa.Integer(), nullable=True),
        sa.Column("captured_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("early_reason", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outbox_key", sa.String(length=300), nullable=True),
        sa.Column("queued_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("sent_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_held_replies_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_replies")),
    )
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.create_index("ix_held_replies_case", ["case_id"], unique=False)
        batch_op.create_index(
            "ix_held_replies_state_release", ["state", "release_on"], unique=False
        )

    op.create_table(
        "reply_preferences",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_reply_preferences_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_reply_preferences")),
    )


def downgrade() -> None:
    op.drop_table("reply_preferences")
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_held_replies_state_release")
        batch_op.drop_index("ix_held_replies_case")
    op.drop_table("held_replies")
