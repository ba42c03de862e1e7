"""digests: digest sends and read marks

Revision ID: 0007_digests
Revises: 0006_replies
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0007_digests"
down_revision = "0006_replies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
