"""replies: held replies and their releases (placeholder until filled)

Revision ID: 0006_replies
Revises: 0005_metrics
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0006_replies"
down_revision = "0005_metrics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
