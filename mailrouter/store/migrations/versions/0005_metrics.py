"""metrics: per-sender contact counters and the flag queue

Revision ID: 0005_metrics
Revises: 0004_routing
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0005_metrics"
down_revision = "0004_routing"
branch_labels = None
depends_on = None

_UTC = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sender_days",
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("manual", sa.Integer(), nullable=False),
        sa.Column("senior", sa.Integer(), nullable=False),
        sa.Column("out_of_hours", sa.Integer(), nullable=False),
        sa.Column("abusive", sa.Integer(), nullable=False),
        sa.Column("while_open", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender", "day", name=op.f("pk_sender_days")),
    )
    op.create_index("ix_sender_days_day", "sender_days", ["day"], unique=False)
    op.create_table(
        "sender_week_recipients",
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "sender", "week", "recipient", name=op.f("pk_sender_week_recipients")
        ),
    )
    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("at", _UTC(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
    )
    op.create_index("ix_contact_log_sender_at", "contact_log", ["sender", "at"], unique=False)
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=340), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", _UTC(timezone=True), nullable=True),
        sa.Column("case_reference", sa.String(length=40), nullable=True),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint("subject", "kind", "period_start", name="uq_flags_subject_kind_period"),
    )
    op.create_index("ix_flags_status", "flags", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_flags_status", table_name="flags")
    op.drop_table("flags")
    op.drop_index("ix_contact_log_sender_at", table_name="contact_log")
    op.drop_table("contact_log")
    op.drop_table("sender_week_recipients")
    op.drop_index("ix_sender_days_day", table_name="sender_days")
    op.drop_table("sender_days")
