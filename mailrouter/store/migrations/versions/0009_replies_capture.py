"""replies: capture folders and reply audit

Revision ID: 0009_replies_capture
Revises: 0008_flags_alias
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0009_replies_capture"
down_revision = "0008_flags_alias"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("held_replies") as batch:
        batch.add_column(sa.Column("source_message_pk", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("release_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sent_copy_at", UTC_DATETIME(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("held_replies") as batch:
        batch.drop_column("sent_copy_at")
        batch.drop_column("cancel_reason")
        batch.drop_column("release_reason")
        batch.drop_column("source_message_pk")
