"""ingestion: duplicates found through the single-column indexes

Revision ID: 0012_dedupe_indexes
Revises: 0011_ingest_indexes
Create Date: 2026-11-29

Ingestion's content dedupe asks for a mailbox's rows with given raw hashes or
Message-IDs. ``ix_messages_raw_sha256`` and ``ix_messages_message_id`` answer
that just as well (a hash or Message-ID is nearly unique; the mailbox is then a
filter on a row or two), so the two (mailbox, ...) indexes only cost writes:
each new message put a random key into both, about 14 us of the ~80 us SQLite
spent storing it.
"""

from __future__ import annotations

from alembic import op

revision = "0012_dedupe_indexes"
down_revision = "0011_ingest_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_messages_mailbox_raw", table_name="messages")
    op.drop_index("ix_messages_mailbox_message_id", table_name="messages")


def downgrade() -> None:
    op.create_index("ix_messages_mailbox_message_id", "messages", ["mailbox", "message_id"])
    op.create_index("ix_messages_mailbox_raw", "messages", ["mailbox", "raw_sha256"])
