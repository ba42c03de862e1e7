"""flags: alias evidence and near-duplicate fingerprints

Revision ID: 0008_flags_alias
Revises: 0007_digests
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_flags_alias"
down_revision = "0007_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sender_days") as batch:
        batch.add_column(
            sa.Column("near_duplicates", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("flags") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sender_traits",
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("sender", "kind", "key", name=op.f("pk_sender_traits")),
    )
    op.create_index("ix_sender_traits_kind_key", "sender_traits", ["kind", "key"], unique=False)
    op.create_table(
        "sender_fingerprints",
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sender", "slot", name=op.f("pk_sender_fingerprints")),
    )
    op.create_table(
        "writing_profiles",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_writing_profiles_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_writing_profiles")),
    )
    op.create_table(
        "alias_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("kinds", sa.String(length=60), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_alias_hits_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias_hits")),
        sa.UniqueConstraint("sender", "customer_id", name="uq_alias_hits_sender_customer"),
    )
    op.create_index("ix_alias_hits_last_seen", "alias_hits", ["last_seen"], unique=False)
    op.create_table(
        "recommenced_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("dormant_since", sa.Date(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_recommenced_contacts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommenced_contacts")),
        sa.UniqueConstraint("case_id", "dormant_since", name="uq_recommenced_case_since"),
    )
    op.create_index("ix_recommenced_last_day", "recommenced_contacts", ["last_day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_recommenced_last_day", table_name="recommenced_contacts")
    op.drop_table("recommenced_contacts")
    op.drop_index("ix_alias_hits_last_seen", table_name="alias_hits")
    op.drop_table("alias_hits")
    op.drop_table("writing_profiles")
    op.drop_table("sender_fingerprints")
    op.drop_index("ix_sender_traits_kind_key", table_name="sender_traits")
    op.drop_table("sender_traits")
    with op.batch_alter_table("flags") as batch:
        batch.drop_column("urgent")
    with op.batch_alter_table("sender_days") as batch:
        batch.drop_column("near_duplicates")
