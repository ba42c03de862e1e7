"""digests: digest sends and read marks

Revision ID: 0007_digests
Revises: 0006_replies
Create Date: 2026-11-29

Read marks are ``case_contacts.read_at``/``read_by`` (0004); this adds the
once-per-recipient-per-day record of digests sent.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0007_digests"
down_revision = "0006_replies"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "digest_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=10), nullable=False),
        sa.Column("recipient_id", sa.String(length=100), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("outbox_key", sa.String(length=300), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.Column("sent_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sends")),
        sa.UniqueConstraint(
            "recipient_kind",
            "recipient_id",
            "local_date",
            name="uq_digest_sends_recipient_day",
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_sends")
