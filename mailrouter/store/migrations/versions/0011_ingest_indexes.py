"""ingestion: fewer index writes per stored message

Revision ID: 0011_ingest_indexes
Revises: 0010_retention
Create Date: 2026-11-29

``ix_messages_source_raw`` served no query (duplicates are looked up by mailbox);
``ix_raw_messages_purged_at`` only ever finds erased rows, so it indexes only
those: a new message no longer writes an entry for a NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_ingest_indexes"
down_revision = "0010_retention"
branch_labels = None
depends_on = None

ERASED = sa.text("purged_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_messages_source_raw", table_name="messages")
    op.drop_index("ix_raw_messages_purged_at", table_name="raw_messages")
    op.create_index(
        "ix_raw_messages_purged_at",
        "raw_messages",
        ["purged_at"],
        sqlite_where=ERASED,
        postgresql_where=ERASED,
    )


def downgrade() -> None:
    op.drop_index("ix_raw_messages_purged_at", table_name="raw_messages")
    op.create_index("ix_raw_messages_purged_at", "raw_messages", ["purged_at"])
    op.create_index("ix_messages_source_raw", "messages", ["source", "raw_sha256"])
