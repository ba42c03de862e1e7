"""routing: decisions and case contacts

Revision ID: 0004_routing
Revises: 0003_ingest
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0004_routing"
down_revision = "0003_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("message_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "recorded_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "read_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("read_by", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_pk"],
            ["messages.id"],
            name=op.f("fk_case_contacts_message_pk_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contacts")),
        sa.UniqueConstraint("message_pk", "case_id", "kind", name="uq_case_contacts_message_case"),
    )
    with op.batch_alter_table("case_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_case_contacts_case", ["case_id", "kind"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_pk", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=30), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("detections", sa.JSON(), nullable=False),
        sa.Column(
            "decided_at", mailrouter.store.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["message_pk"],
            ["messages.id"],
            name=op.f("fk_decisions_message_pk_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("message_pk", name=op.f("uq_decisions_message_pk")),
    )


def downgrade() -> None:

    op.drop_table("decisions")
    with op.batch_alter_table("case_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_contacts_case")

    op.drop_table("case_contacts")
